"""Routes of the v1 agent endpoints (included under ``/api/v1/`` by ``controlplane/urls.py``).

``APIRouter`` binds each viewset's actions (see ``controlplane.api.routers``); the two agent
viewsets share the ``agents`` prefix and the ``agent_name`` lookup, and evaluation sits at the top
level (``POST /evaluation``).
"""

from controlplane.api.routers import APIRouter

from .views.agents import AgentViewSet
from .views.associations import AgentLinkViewSet
from .views.evaluation import EvaluationViewSet

router = APIRouter()
router.register("agents", AgentViewSet, basename="agent")
router.register("agents", AgentLinkViewSet, basename="agent-link")
router.register("", EvaluationViewSet, basename="evaluation")

urlpatterns = router.urls
