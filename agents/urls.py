"""Routes of the v1 agent endpoints (included under ``/api/v1/`` by ``controlplane/urls.py``).

Path parameters are plain strings validated in the views, so a bad agent name or id is the
reference's 422, not a routing 404. ``agents/initAgent`` precedes ``agents/<agent_name>``; the
association routes all have at least three segments, and ``agents/<agent_name>/controls`` (the
effective controls) is distinct from ``agents/<agent_name>/controls/<control_id>`` (a direct link).
"""

from django.urls import path

from .views.agents import AgentViewSet
from .views.associations import AgentControlViewSet, AgentPolicyViewSet
from .views.evaluation import EvaluationViewSet

agents = AgentViewSet.as_view({"get": "list"})
agent_init = AgentViewSet.as_view({"post": "init_agent"})
agent = AgentViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
agent_controls = AgentViewSet.as_view({"get": "controls"})
agent_evaluators = AgentViewSet.as_view({"get": "evaluators"})
agent_evaluator = AgentViewSet.as_view({"get": "evaluator"})

agent_policies = AgentPolicyViewSet.as_view({"get": "list", "delete": "remove_all"})
agent_policy_link = AgentPolicyViewSet.as_view({"post": "add", "delete": "remove"})
agent_policy_compat = AgentPolicyViewSet.as_view({"get": "retrieve_assigned", "delete": "unassign"})
agent_policy_compat_assign = AgentPolicyViewSet.as_view({"post": "assign"})
agent_control_link = AgentControlViewSet.as_view({"post": "add", "delete": "remove"})
evaluation = EvaluationViewSet.as_view({"post": "create"})

urlpatterns = [
    path("agents", agents, name="agent-list"),
    path("agents/initAgent", agent_init, name="agent-init"),
    path("agents/<str:agent_name>", agent, name="agent-detail"),
    path("agents/<str:agent_name>/controls", agent_controls, name="agent-controls"),
    path("agents/<str:agent_name>/evaluators", agent_evaluators, name="agent-evaluators"),
    path(
        "agents/<str:agent_name>/evaluators/<str:evaluator_name>",
        agent_evaluator,
        name="agent-evaluator",
    ),
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
    path("evaluation", evaluation, name="evaluation"),
]
