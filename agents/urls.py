"""Routes of the v1 agent endpoints.

Path parameters are ``<str:...>`` and validated in the views (a bad name or id is a 422, not a
routing 404). Keep routes with a fixed segment where an agent name could stand
(``agents/initAgent``) before the ``agents/<str:agent_name>...`` routes; every association route
below has at least three segments, so it never shadows ``agents/initAgent`` or
``agents/<agent_name>``, and none of them is ``agents/<agent_name>/controls`` (the effective
controls route).
"""

from django.urls import path

from .views.associations import AgentControlViewSet, AgentPolicyViewSet

agent_policies = AgentPolicyViewSet.as_view({"get": "list", "delete": "remove_all"})
agent_policy_link = AgentPolicyViewSet.as_view({"post": "add", "delete": "remove"})
agent_policy_compat = AgentPolicyViewSet.as_view({"get": "retrieve_assigned", "delete": "unassign"})
agent_policy_compat_assign = AgentPolicyViewSet.as_view({"post": "assign"})
agent_control_link = AgentControlViewSet.as_view({"post": "add", "delete": "remove"})

urlpatterns = [
    path("agents/<str:agent_name>/policies", agent_policies, name="agent-policies"),
    path(
        "agents/<str:agent_name>/policies/<str:policy_id>",
        agent_policy_link,
        name="agent-policy-link",
    ),
    path("agents/<str:agent_name>/policy", agent_policy_compat, name="agent-policy"),
    path(
        "agents/<str:agent_name>/policy/<str:policy_id>",
        agent_policy_compat_assign,
        name="agent-policy-assign",
    ),
    path(
        "agents/<str:agent_name>/controls/<str:control_id>",
        agent_control_link,
        name="agent-control-link",
    ),
]
