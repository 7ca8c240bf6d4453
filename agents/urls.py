"""Routes of the v1 agent endpoints (included under ``/api/v1/`` by ``controlplane/urls.py``).

Path parameters are plain strings validated in the views, so a bad agent name is the reference's
422, not a routing 404. ``agents/initAgent`` precedes ``agents/<agent_name>``.
"""

from django.urls import path

from .views import AgentViewSet

urlpatterns = [
    path("agents", AgentViewSet.as_view({"get": "list"}), name="agent-list"),
    path("agents/initAgent", AgentViewSet.as_view({"post": "init_agent"}), name="agent-init"),
    path(
        "agents/<str:agent_name>",
        AgentViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="agent-detail",
    ),
    path(
        "agents/<str:agent_name>/controls",
        AgentViewSet.as_view({"get": "controls"}),
        name="agent-controls",
    ),
    path(
        "agents/<str:agent_name>/evaluators",
        AgentViewSet.as_view({"get": "evaluators"}),
        name="agent-evaluators",
    ),
    path(
        "agents/<str:agent_name>/evaluators/<str:evaluator_name>",
        AgentViewSet.as_view({"get": "evaluator"}),
        name="agent-evaluator",
    ),
]
