"""Admin of tenant limits: operators list every tenant's overrides and edit one tenant's (an
empty field keeps the global default); the change page shows the tenant's usage against the
limits in force (``quotas.usage``)."""

from django.contrib import admin
from django.utils.html import format_html_join

from tenancy.admin import TenantAdminMixin

from .models import TenantLimits
from .usage import format_limit, tenant_rates, tenant_usage


@admin.register(TenantLimits)
class TenantLimitsAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = (
        "tenant_id",
        "max_agents",
        "max_controls",
        "max_policies",
        "max_events",
        "runtime_rate",
        "read_rate",
        "write_rate",
        "updated_at",
    )
    search_fields = ("tenant_id",)
    ordering = ("tenant_id",)
    readonly_fields = ("usage", "updated_at")

    @admin.display(description="Usage against the limits in force")
    def usage(self, obj: TenantLimits) -> str:
        if obj.pk is None:
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
