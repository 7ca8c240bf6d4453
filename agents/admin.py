"""Admin for agents and their policy/control links.

Operators see every tenant (``tenant_id`` column and filter, search by name or tenant id). Adding
starts with the tenant (``tenancy.admin``); an agent's policies and direct controls are edited
inline, and inline rows take the agent's tenant and offer only that tenant's policies and
controls. Metadata, steps and evaluators are edited as indented JSON, checked as initAgent checks
them (``Agent.clean``), and steps and evaluators are also shown as readable tables.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from controlplane.admin_json import JSON_EDITOR
from tenancy.admin import TenantAdminMixin, TenantInlineMixin, TenantLinkAdmin

from .models import Agent, AgentControl, AgentPolicy


class AgentPolicyInline(TenantInlineMixin, admin.TabularInline):
    model = AgentPolicy
    fields = ("policy",)
    extra = 1


class AgentControlInline(TenantInlineMixin, admin.TabularInline):
    model = AgentControl
    fields = ("control",)
    extra = 1


def _table(items, columns: tuple[str, ...], empty: str):
    """``items`` (stored JSON objects) as an HTML table of ``columns``, or ``empty``."""
    if not items:
        return empty
    head = format_html_join("", "<th>{}</th>", ((column,) for column in columns))
    rows = (
        (format_html_join("", "<td>{}</td>", ((item.get(c) or "",) for c in columns)),)
        for item in items
        if isinstance(item, dict)
    )
    body = format_html_join("", "<tr>{}</tr>", rows)
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


@admin.register(Agent)
class AgentAdmin(TenantAdminMixin, admin.ModelAdmin):
    formfield_overrides = JSON_EDITOR
    list_display = ("name", "tenant_id", "version", "step_count", "created_at")
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
        return _table(obj.steps, ("type", "name", "description"), "no steps")

    @admin.display(description="evaluators (readable)")
    def evaluators_table(self, obj):
        return _table(obj.evaluators, ("name", "description"), "no evaluators")


@admin.register(AgentPolicy)
class AgentPolicyAdmin(TenantLinkAdmin):
    link_ends = ("agent", "policy")


@admin.register(AgentControl)
class AgentControlAdmin(TenantLinkAdmin):
    link_ends = ("agent", "control")
