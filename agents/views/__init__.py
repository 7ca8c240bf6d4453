"""Views of the v1 agent endpoints, one module per resource: ``agents.AgentViewSet`` (initAgent,
list, get, patch, effective controls, agent evaluators), ``associations.AgentLinkViewSet`` (policy and control
links) and ``evaluation.EvaluationViewSet`` (evaluating a
step); ``params`` parses the agent name in a path. Routes are in ``agents/urls.py``."""
