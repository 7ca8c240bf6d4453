"""Reads of the agents app (HackSoft style: keyword arguments in, data out; views translate HTTP).

- ``lookups``     one agent of the caller's tenant (or its id), or the 404 that stands for it.
- ``effective``   an agent's effective controls as ``(id, name, data text)`` rows, one compiled query.
- ``agent_list``  ``GET /agents``: one page of summaries in a constant number of queries.
- ``details``     ``GET /agents/{name}`` and its evaluators: the stored registration, read back.

Every read goes through the scoped managers, so another tenant's agent is exactly a missing one.
"""
