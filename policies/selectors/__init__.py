"""Reads of the policies app (HackSoft style: selectors take keyword arguments and return data;
views translate HTTP).

- ``lookups``          one control or policy of the caller's tenant, or the 404 that stands for it.
- ``control_list``     ``GET /controls``: filters, cursor page, summaries, who uses each control.
- ``control_versions`` ``GET /controls/{id}/versions[/{n}]``.

Every read goes through the scoped managers, so another tenant's row is a missing row.
"""
