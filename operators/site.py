"""``OperatorsAdminSite``: Django's admin with the tenant pages.

- ``/admin/tenants/``: every tenant that owns rows, with its agents, controls, policies, links,
  events and rows counted, each linking to its page;
- ``/admin/tenants/<tenant id>/``: the tenant's overview (``operators.overview``), with
  ``?range=1h|24h|7d|...`` choosing the chart's window (an unknown range shows the default one
  and says which ranges there are); a tenant without rows says so (a mistyped id?).

Staff who may view every tenant model see them (operators see every tenant); the index page
links to them. A page the admin cannot find (an ``Http404`` in any admin view, a malformed
tenant id, an unknown admin path) is the admin's own HTML 404 page with the reason, never the
API's JSON envelope (``handler404`` is the API's). "View site" leads to the API documentation
(``/api/docs/``): the server has no other site. Installed as the default admin site by
``operators.apps.OperatorsAdminConfig``.
"""

from functools import wraps

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy

from observability.stats import RANGES
from tenancy.exceptions import InvalidTenantId
from tenancy.schema import tenant_models

from .overview import DEFAULT_RANGE, tenant_overview, tenants_summary


class OperatorsAdminSite(admin.AdminSite):
    site_header = "Control plane administration"
    site_title = "Control plane admin"
    index_title = "Control plane"
    index_template = "admin/operators/index.html"
    site_url = reverse_lazy("docs")

    def admin_view(self, view, cacheable=False):
        """Django's ``admin_view`` whose ``Http404`` is answered by ``not_found`` (HTML)."""

        @wraps(view)
        def inner(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except Http404 as exc:
                return self.not_found(request, exc)

        return super().admin_view(inner, cacheable)

    def not_found(self, request, exc: Http404) -> TemplateResponse:
        """The admin's 404 page: the path and why it was not found."""
        context = {
            **self.each_context(request),
            "title": "Not found",
            "request_path": request.path,
            "reason": str(exc),
        }
        return TemplateResponse(request, "admin/operators/404.html", context, status=404)

    def get_urls(self):
        return [
            path("tenants/", self.admin_view(self.tenants_view), name="tenants"),
            path("tenants/<str:tenant_id>/", self.admin_view(self.tenant_view), name="tenant"),
            *super().get_urls(),
        ]

    def _require_every_tenant_model(self, request) -> None:
        perms = [
            f"{model._meta.app_label}.view_{model._meta.model_name}" for model in tenant_models()
        ]
        if not request.user.has_perms(perms):
            raise PermissionDenied

    def tenants_view(self, request):
        """Every tenant with its counts."""
        self._require_every_tenant_model(request)
        context = {
            **self.each_context(request),
            "title": "Tenants",
            "tenants": tenants_summary(),
        }
        return TemplateResponse(request, "admin/operators/tenants.html", context)

    def tenant_view(self, request, tenant_id):
        """One tenant's overview; 404 for a malformed tenant id; an unknown range shows the
        default one with a message naming the ranges."""
        self._require_every_tenant_model(request)
        time_range = request.GET.get("range", DEFAULT_RANGE)
        if time_range not in RANGES:
            messages.error(
                request,
                f"Unknown range “{time_range}”: showing the last {DEFAULT_RANGE}. The ranges are "
                f"{', '.join(RANGES)}.",
            )
            time_range = DEFAULT_RANGE
        try:
            overview = tenant_overview(tenant_id, time_range=time_range)
        except InvalidTenantId as exc:
            raise Http404(f"Not a tenant id: {exc}") from exc
        context = {
            **self.each_context(request),
            "title": f"Tenant {tenant_id}",
            "overview": overview,
        }
        return TemplateResponse(request, "admin/operators/tenant.html", context)
