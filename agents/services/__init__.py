"""Write services of the agents app (HackSoft style: keyword-only arguments, one transaction
per multi-row change; views only translate HTTP)."""
