"""Routes of the v1 control, policy and evaluator endpoints (included under ``/api/v1/``).

``APIRouter`` binds each viewset's actions (see ``controlplane.api.routers``): ``PUT`` on a
collection creates (the reference's shape), fixed paths (``controls/schema``, ``controls/validate``)
are matched before ``controls/<control_id>``.
"""

from controlplane.api.routers import APIRouter

from .views.controls import ControlViewSet
from .views.evaluators import EvaluatorViewSet
from .views.policies import PolicyViewSet

router = APIRouter()
router.register("controls", ControlViewSet, basename="control")
router.register("policies", PolicyViewSet, basename="policy")
router.register("evaluators", EvaluatorViewSet, basename="evaluator")

urlpatterns = router.urls
