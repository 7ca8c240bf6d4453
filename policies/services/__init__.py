"""Write services of the policies app (HackSoft style: keyword-only arguments, one transaction
per multi-row change; views only translate HTTP)."""
