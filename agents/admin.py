"""Admin for agents and their policy/control links.

Operators see every tenant (``tenant_id`` column and filter, search by name). An agent's policies
and direct controls are edited inline; inline rows take the agent's tenant and offer only that
tenant's policies and controls. Steps and evaluators are shown as readable tables.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from tenancy.admin import TenantAdminMixin, TenantInlineMixin

from .models import Agent, AgentControl, AgentPolicy


class AgentPolicyInline(TenantInlineMixin, admin.TabularInline):
    model = AgentPolicy
    fields = ("policy",)
    extra = 1


class AgentControlInline(TenantInlineMixin, admin.TabularInline):
    model = AgentControl
    fields = ("control",)
    extra = 1


def _table(headers, rows):
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in r)),) for r in rows)
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


@admin.register(Agent)
class AgentAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("name", "tenant_id", "version", "step_count", "created_at")
    list_filter = ("tenant_id",)
    search_fields = ("name",)
    ordering = ("tenant_id", "name")
    readonly_fields = ("steps_table", "evaluators_table", "created_at", "updated_at")
    fields = (
        "tenant_id",
        "name",
        "description",
        "version",
        "metadata",
        "steps_table",
        "steps",
        "evaluators_table",
        "evaluators",
        "created_at",
        "updated_at",
    )
    inlines = (AgentPolicyInline, AgentControlInline)

    @admin.display(description="steps")
    def step_count(self, obj):
        return len(obj.steps or [])

    @admin.display(description="steps (readable)")
    def steps_table(self, obj):
        rows = [
            (step.get("type", ""), step.get("name", ""), step.get("description") or "")
            for step in obj.steps or []
        ]
        return _table(("type", "name", "description"), rows) if rows else "no steps"

    @admin.display(description="evaluators (readable)")
    def evaluators_table(self, obj):
        rows = [
            (evaluator.get("name", ""), evaluator.get("description") or "")
            for evaluator in obj.evaluators or []
        ]
        return _table(("name", "description"), rows) if rows else "no evaluators"


@admin.register(AgentPolicy)
class AgentPolicyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("agent", "policy", "tenant_id")
    list_filter = ("tenant_id",)
    search_fields = ("agent__name", "policy__name")
    list_select_related = ("agent", "policy")


@admin.register(AgentControl)
class AgentControlAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("agent", "control", "tenant_id")
    list_filter = ("tenant_id",)
    search_fields = ("agent__name", "control__name")
    list_select_related = ("agent", "control")
