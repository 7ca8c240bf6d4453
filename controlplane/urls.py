"""URL configuration.

- ``/api/v1/``: the agent-control v1 API (``agents.urls``, ``policies.urls``).
- ``/health``: liveness, as the reference server.
- ``/api/config`` and ``/api/v1/auth/runtime-token-exchange``: ``credentials.urls``.
- ``/metrics``: Prometheus metrics (``telemetry.views``; restricted when authentication is on).
- ``/api/schema/`` (OpenAPI 3, drf-spectacular; YAML, or JSON with ``?format=json``) and
  ``/api/docs/`` (Swagger UI).
- ``/admin/``: the Django admin.

``handler400/404/500`` render the API error envelope for errors raised outside DRF views (unknown
routes, malformed tenant ids rejected by ``TenantMiddleware``).
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from controlplane.api.negotiation import SchemaNegotiation
from controlplane.api.views import HealthView
from telemetry.views import MetricsView

handler400 = "controlplane.api.handlers.bad_request"
handler404 = "controlplane.api.handlers.page_not_found"
handler500 = "controlplane.api.handlers.server_error"

urlpatterns = [
    path("health", HealthView.as_view(), name="health"),
    path("metrics", MetricsView.as_view(), name="metrics"),
    path("api/v1/", include("agents.urls")),
    path("api/v1/", include("policies.urls")),
    path("api/v1/", include("observability.urls")),
    path("", include("credentials.urls")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(content_negotiation_class=SchemaNegotiation),
        name="schema",
    ),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
]
