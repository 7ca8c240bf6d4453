"""Admin for controls, policies, policy<->control links, control bindings and the control history.

Operators see every tenant; adding starts with the tenant and each object is edited inside its own
tenant (``tenancy.admin``), so choices and inline rows stay within it. A control's definition is
edited as indented JSON and checked exactly as the API checks it
(``services.controls.control_data_prepare``: the library's models, templates rendered, agent-scoped
evaluators known); problems are listed on the field in words. Saving records a version, as the
API does. Controls are soft-deleted and restored with actions (through the same services), never
deleted outright here: a hard delete would take the control's version history and its links with
it (``manage.py tenant purge`` removes a tenant's rows). Versions are history: read-only.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from controlplane.admin_json import JSON_EDITOR, pretty_json
from controlplane.api.exceptions import APIError
from tenancy.admin import TenantAdminMixin, TenantInlineMixin, TenantLinkAdmin, TenantModelForm
from tenancy.context import tenant_context

from .definitions.predicates import is_enabled
from .models import Control, ControlBinding, ControlVersion, Policy, PolicyControl
from .services.control_versions import control_version_append
from .services.controls import control_data_prepare, control_delete, control_restore


def api_error_lines(exc: APIError, field: str = "data") -> list[str]:
    """An ``APIError`` as sentences for a form field: one per ``errors[]`` item (``field.`` prefix
    dropped), else its detail."""
    lines = []
    for item in exc.errors or ():
        path = str(item.get("field") or "")
        path = path.removeprefix(f"{field}.") if path != field else ""
        lines.append(f"{path}: {item['message']}" if path else str(item["message"]))
    return lines or [str(exc.detail)]


class ControlAdminForm(TenantModelForm):
    """Control form: the definition is checked and stored as ``PUT /controls`` would."""

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


def _each_in_its_tenant(model_admin, request, queryset, work, done: str) -> None:
    """Run ``work(control)`` for each selected control inside the control's tenant; report the
    successes in one message and each refusal (an ``APIError``) in its own."""
    succeeded = []
    for control in queryset.order_by("tenant_id", "name"):
        label = f"{control.name} ({control.tenant_id})"
        try:
            with tenant_context(control.tenant_id):
                work(control)
        except APIError as exc:
            text = f"{label}: {exc.detail}" + (f" {exc.hint}" if exc.hint else "")
            model_admin.message_user(request, text, messages.ERROR)
        else:
            succeeded.append(label)
    if succeeded:
        model_admin.message_user(request, f"{done}: {', '.join(succeeded)}.", messages.SUCCESS)


def _control_action(name: str, description: str, done: str, *, deleted: bool, work):
    """A change-list action running ``work(control)`` on the selected controls whose
    ``deleted_at`` is set (``deleted``) or not, each in its own tenant."""

    def action(model_admin, request, queryset):
        selected = queryset.filter(deleted_at__isnull=not deleted)
        _each_in_its_tenant(model_admin, request, selected, work, done)

    action.__name__ = name
    return admin.action(description=description)(action)


# (name, description, message on success, acts on deleted controls, work)
_ACTIONS = (
    ("soft_delete_selected", "Soft-delete selected controls (refused while in use)",
     "Soft-deleted", False, lambda control: control_delete(control_id=control.pk, force=False)),
    ("force_soft_delete_selected",
     "Soft-delete selected controls, detaching policies, agents, bindings",
     "Soft-deleted and detached", False,
     lambda control: control_delete(control_id=control.pk, force=True)),
    ("restore_selected", "Restore selected soft-deleted controls", "Restored", True,
     lambda control: control_restore(control_id=control.pk)),
)  # fmt: skip
CONTROL_ACTIONS = tuple(
    _control_action(name, description, done, deleted=deleted, work=work)
    for name, description, done, deleted, work in _ACTIONS
)


@admin.register(Control)
class ControlAdmin(TenantAdminMixin, admin.ModelAdmin):
    form = ControlAdminForm
    formfield_overrides = JSON_EDITOR
    list_display = ("name", "tenant_id", "enabled", "deleted", "updated_at")
    list_filter = (("deleted_at", admin.EmptyFieldListFilter),)
    search_fields = ("name",)
    ordering = ("tenant_id", "name")
    readonly_fields = ("deleted_at", "cloned_from", "created_at", "updated_at")
    fields = ("tenant_id", "name", "data", "deleted_at", "cloned_from", "created_at", "updated_at")
    actions = CONTROL_ACTIONS

    @admin.display(boolean=True)
    def enabled(self, obj):
        return isinstance(obj.data, dict) and is_enabled(obj.data)

    @admin.display(boolean=True, ordering="deleted_at")
    def deleted(self, obj):
        return obj.deleted_at is not None

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
