"""Routes of the v1 observability endpoints (included under ``/api/v1/``)."""

from django.urls import path

from .views import ObservabilityViewSet

urlpatterns = [
    path(
        "observability/events",
        ObservabilityViewSet.as_view({"post": "ingest"}),
        name="observability-events",
    ),
    path(
        "observability/events/query",
        ObservabilityViewSet.as_view({"post": "query"}),
        name="observability-events-query",
    ),
    path(
        "observability/status",
        ObservabilityViewSet.as_view({"get": "status"}),
        name="observability-status",
    ),
]
