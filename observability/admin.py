"""Admin for control execution events: read-only, every tenant, filterable by tenant and agent.

Events are written only by the ingest endpoint; operators browse them (tenant column and filter,
search by trace, span, execution id or agent) and may delete them, but never add or edit.
"""

import json

from django.contrib import admin
from django.utils.html import format_html

from tenancy.admin import TenantAdminMixin

from .models import ControlExecutionEvent


@admin.register(ControlExecutionEvent)
class ControlExecutionEventAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = (
        "control_execution_id",
        "tenant_id",
        "agent_name",
        "timestamp",
        "control_name",
        "action",
        "matched",
        "trace_id",
    )
    list_filter = ("timestamp",)
    search_fields = ("control_execution_id", "agent_name", "trace_id", "span_id")
    ordering = ("-timestamp",)
    date_hierarchy = "timestamp"
    fields = (
        "tenant_id",
        "control_execution_id",
        "agent_name",
        "timestamp",
        "trace_id",
        "span_id",
        "event_json",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="control")
    def control_name(self, obj):
        return obj.data.get("control_name")

    @admin.display(description="action")
    def action(self, obj):
        return obj.data.get("action")

    @admin.display(description="matched", boolean=True)
    def matched(self, obj):
        return obj.data.get("matched")

    @admin.display(description="event")
    def event_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=2, sort_keys=True))
