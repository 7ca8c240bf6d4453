"""Admin for controls, policies, policy<->control links, control bindings and the control history.

Operators see every tenant; adding starts with the tenant and each object is edited inside its own
tenant (``tenancy.admin``), so choices and inline rows stay within it. A control's definition is
edited as indented JSON and checked exactly as the API checks it
(``services.controls.control_data_prepare``: the library's models, templates rendered, agent-scoped
evaluators known); problems are listed on the field in words. Saving records a version, as the
API does. Controls are soft-deleted and restored with actions (``admin_actions``, through the same
services), never deleted outright here: a hard delete would take the control's version history and
its links with it (``manage.py tenant purge`` removes a tenant's rows). Versions are history:
read-only. The change list shows each control's status (active or deleted) and filters by it.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from controlplane.admin_json import JSON_EDITOR, pretty_json
from controlplane.api.exceptions import APIError
from tenancy.admin import TenantAdminMixin, TenantInlineMixin, TenantLinkAdmin, TenantModelForm

from .admin_actions import CONTROL_ACTIONS
from .definitions.predicates import is_enabled
from .models import Control, ControlBinding, ControlVersion, Policy, PolicyControl
from .services.control_versions import control_version_append
from .services.controls import control_data_prepare


def readable_path(path: str) -> str:
    """``path`` without pydantic's validator labels (``function-after[validate_x(), Model]``),
    which the API keeps as the reference does but which mean nothing to an operator:
    ``"function-after[v(), M].condition"`` -> ``"condition"``."""
    segments, depth, start = [], 0, 0
    for index, char in enumerate(path + "."):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "." and depth == 0:
            segments.append(path[start:index])
            start = index + 1
    return ".".join(part for part in segments if part and not part.startswith("function-"))


def api_error_lines(exc: APIError, field: str = "data") -> list[str]:
    """An ``APIError`` as sentences for a form field: one per ``errors[]`` item (``field.`` prefix
    and validator labels dropped), else its detail."""
    lines = []
    for item in exc.errors or ():
        path = str(item.get("field") or "")
        path = readable_path(path.removeprefix(f"{field}.") if path != field else "")
        lines.append(f"{path}: {item['message']}" if path else str(item["message"]))
    return lines or [str(exc.detail)]


#: The definition a new control's empty Data field shows in grey (and the editor offers to start
#: from): a complete, valid control.
EXAMPLE_DEFINITION = {
    "description": "Refuse requests that mention a secret",
    "enabled": True,
    "execution": "server",
    "scope": {"step_types": ["llm"], "stages": ["pre"]},
    "condition": {
        "selector": {"path": "input"},
        "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
    },
    "action": {"decision": "deny"},
}
DATA_HELP = (
    "The control definition, as PUT /api/v1/controls takes it in “data”: condition (selector "
    "and evaluator), action, scope, execution, enabled. A template with its values is rendered."
)


class ControlAdminForm(TenantModelForm):
    """Control form: the definition is checked and stored as ``PUT /controls`` would; an empty
    definition shows ``EXAMPLE_DEFINITION`` as its placeholder."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.fields.get("data")
        if data is not None:
            data.help_text = DATA_HELP
            data.widget.attrs["placeholder"] = pretty_json(EXAMPLE_DEFINITION)

    def clean_data(self):
        data = self.cleaned_data.get("data")
        control = None if self.instance._state.adding else self.instance
        try:
            return control_data_prepare(data, control=control)
        except APIError as exc:
            raise ValidationError(api_error_lines(exc)) from exc


class PolicyControlInline(TenantInlineMixin, admin.TabularInline):
    model = PolicyControl
    fields = ("control",)
    extra = 1


@admin.register(Policy)
class PolicyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("name", "tenant_id", "created_at")
    search_fields = ("name",)
    ordering = ("tenant_id", "name")
    fields = ("tenant_id", "name", "created_at")
    readonly_fields = ("created_at",)
    inlines = (PolicyControlInline,)


class ControlStatusFilter(admin.SimpleListFilter):
    """Active or soft-deleted controls."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (("active", "active"), ("deleted", "deleted"))

    def queryset(self, request, queryset):
        if self.value() in ("active", "deleted"):
            return queryset.filter(deleted_at__isnull=self.value() == "active")
        return queryset


@admin.register(Control)
class ControlAdmin(TenantAdminMixin, admin.ModelAdmin):
    form = ControlAdminForm
    formfield_overrides = JSON_EDITOR
    list_display = ("name", "tenant_id", "status", "enabled", "updated_at")
    list_filter = (ControlStatusFilter,)
    search_fields = ("name",)
    ordering = ("tenant_id", "name")
    readonly_fields = ("deleted_at", "cloned_from", "created_at", "updated_at")
    fields = ("tenant_id", "name", "data", "deleted_at", "cloned_from", "created_at", "updated_at")
    actions = CONTROL_ACTIONS

    @admin.display(description="status", ordering="deleted_at")
    def status(self, obj):
        return "active" if obj.deleted_at is None else "deleted"

    @admin.display(description="enabled")
    def enabled(self, obj):
        """ "yes" / "no" for an active control; a soft-deleted one is enabled for nothing (-)."""
        if obj.deleted_at is not None:
            return None
        return "yes" if isinstance(obj.data, dict) and is_enabled(obj.data) else "no"

    def has_delete_permission(self, request, obj=None):
        """Soft delete only (the actions): no "Delete" button, no "Delete selected" action."""
        return False

    def save_model(self, request, obj, form, change):
        """Save, then record the version the API would (inside the admin's transaction)."""
        super().save_model(request, obj, form, change)
        if not change:
            control_version_append(
                control=obj, event="created", note="Created in the admin", new=True
            )
        elif form.changed_data:
            control_version_append(control=obj, event="updated", note="Edited in the admin")


@admin.register(PolicyControl)
class PolicyControlAdmin(TenantLinkAdmin):
    link_ends = ("policy", "control")


@admin.register(ControlVersion)
class ControlVersionAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "control", "version_num", "event_type", "tenant_id", "created_at")
    list_filter = ("event_type",)
    search_fields = ("control__name",)
    list_select_related = ("control",)
    fields = ("tenant_id", "control", "version_num", "event_type", "note", "snapshot_json")
    readonly_fields = fields

    @admin.display(description="snapshot")
    def snapshot_json(self, obj):
        return format_html("<pre>{}</pre>", pretty_json(obj.snapshot))

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ControlBinding)
class ControlBindingAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "control", "target_type", "target_id", "enabled", "tenant_id")
    list_filter = ("enabled",)
    search_fields = ("target_type", "target_id", "control__name")
    list_select_related = ("control",)
    fields = ("tenant_id", "control", "target_type", "target_id", "enabled")
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        """``updated_at`` moves only when a value changed (as through the API)."""
        if change and form.changed_data:
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
