"""Routes of the v1 observability endpoints (included under ``/api/v1/``; see
``controlplane.api.routers``)."""

from controlplane.api.routers import APIRouter

from .views import ObservabilityViewSet

router = APIRouter()
router.register("observability", ObservabilityViewSet, basename="observability")

urlpatterns = router.urls
