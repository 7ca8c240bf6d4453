"""Views of the v1 agent endpoints, one module per resource: ``agents.AgentViewSet`` (initAgent,
list, get, patch, effective controls, agent evaluators) and ``associations.AgentPolicyViewSet`` /
``associations.AgentControlViewSet`` (links); routes are in ``agents/urls.py``."""
