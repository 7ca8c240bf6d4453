"""Writes of the policies app (HackSoft style: keyword-only arguments, one transaction per
multi-row change; views only translate HTTP).

- ``controls``          control create, replace data, rename / enable, soft delete.
- ``control_versions``  the append-only history those writes record.
- ``policies``          policies and the controls they contain.
"""
