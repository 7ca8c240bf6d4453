"""Admin of tenant limits: operators list every tenant's overrides and edit one tenant's (an
empty field keeps the global default); the form shows the tenant's usage against the limits in
force (``quotas.usage``), and says so when rate limits are not enforced (no Redis)."""

from django.contrib import admin
from django.utils.html import format_html_join

from tenancy.admin import TenantAdminMixin

from .models import TenantLimits
from .usage import RATES_NOT_ENFORCED, format_limit, rates_enforced, tenant_rates, tenant_usage

QUOTA_FIELDS = ("max_agents", "max_controls", "max_policies", "max_events")
RATE_FIELDS = ("runtime_rate", "read_rate", "write_rate")


@admin.register(TenantLimits)
class TenantLimitsAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("tenant_id", *QUOTA_FIELDS, *RATE_FIELDS, "updated_at")
    search_fields = ("tenant_id",)
    ordering = ("tenant_id",)
    readonly_fields = ("usage", "updated_at")

    def get_fieldsets(self, request, obj=None):
        """The tenant first (on change; an add names it in its subtitle), as on every tenant
        form, then quotas, rates and usage; the rates say when they are not enforced."""
        rates = {"fields": RATE_FIELDS}
        if not rates_enforced():
            rates["description"] = RATES_NOT_ENFORCED
        fieldsets = [
            ("Quotas", {"fields": QUOTA_FIELDS}),
            ("Rate limits", rates),
            ("In force", {"fields": ("usage", "updated_at")}),
        ]
        if obj is not None:
            fieldsets.insert(0, (None, {"fields": ("tenant_id",)}))
        return fieldsets

    @admin.display(description="Usage against the limits in force")
    def usage(self, obj: TenantLimits) -> str:
        if not obj.tenant_id:
            return "-"
        rows = [
            (item.resource, item.used, format_limit(item.limit, item.source))
            for item in tenant_usage(obj.tenant_id)
        ]
        rows += [
            (f"{rate.operation_class} requests", "-", format_limit(rate.rate, rate.source))
            for rate in tenant_rates(obj.tenant_id)
        ]
        return format_html_join("\n", "<div>{}: {} of {}</div>", rows)
