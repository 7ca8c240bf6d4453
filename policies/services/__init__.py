"""Services of the policies app: multi-row writes and the queries behind the v1 endpoints
(HackSoft style: keyword-only arguments, one transaction per multi-row change; views only
translate HTTP).

One module per idea (``controls``: control writes; ``control_versions``: history;
``control_list``: the browse query; ``definitions``: control JSON in and out;
``agent_evaluators``: agent-scoped evaluator checks; ``policies``: policies and their controls).
"""
