"""Routes of the v1 control, binding, template, policy and evaluator endpoints (included under
``/api/v1/``).

``APIRouter`` binds each viewset's actions (see ``controlplane.api.routers``): ``PUT`` on a
collection creates (the reference's shape), fixed paths (``controls/schema``, ``controls/validate``,
``control-bindings/by-key``) are matched before ``<prefix>/<id>``.
"""

from controlplane.api.routers import APIRouter

from .views.bindings import ControlBindingViewSet
from .views.controls import ControlViewSet
from .views.evaluators import EvaluatorViewSet
from .views.policies import PolicyViewSet
from .views.templates import ControlTemplateViewSet

router = APIRouter()
router.register("controls", ControlViewSet, basename="control")
router.register("control-bindings", ControlBindingViewSet, basename="control-binding")
router.register("control-templates", ControlTemplateViewSet, basename="control-template")
router.register("policies", PolicyViewSet, basename="policy")
router.register("evaluators", EvaluatorViewSet, basename="evaluator")

urlpatterns = router.urls
