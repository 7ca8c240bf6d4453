"""``OperatorsAdminSite``: Django's admin with the tenant pages.

- ``/admin/tenants/``: every tenant that owns rows, with its agents, controls, policies, links,
  events and rows counted, each linking to its page;
- ``/admin/tenants/<tenant id>/``: the tenant's overview (``operators.overview``), with
  ``?range=1h|24h|7d|...`` choosing the chart's window.

Staff who may view every tenant model see them (operators see every tenant); the index page
links to them. Installed as the default admin site by ``operators.apps.OperatorsAdminConfig``.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from tenancy.exceptions import InvalidTenantId
from tenancy.schema import tenant_models

from .overview import DEFAULT_RANGE, tenant_overview, tenants_summary


class OperatorsAdminSite(admin.AdminSite):
    site_header = "Control plane administration"
    site_title = "Control plane admin"
    index_title = "Control plane"
    index_template = "admin/operators/index.html"

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
        """One tenant's overview; 404 for a malformed tenant id or an unknown range."""
        self._require_every_tenant_model(request)
        try:
            overview = tenant_overview(
                tenant_id, time_range=request.GET.get("range", DEFAULT_RANGE)
            )
        except (InvalidTenantId, KeyError) as exc:
            raise Http404(str(exc)) from exc
        context = {
            **self.each_context(request),
            "title": f"Tenant {tenant_id}",
            "overview": overview,
        }
        return TemplateResponse(request, "admin/operators/tenant.html", context)
