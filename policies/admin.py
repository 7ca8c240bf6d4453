"""Admin for controls, policies, policy<->control links, control bindings and the control history.

Operators see every tenant; each object is edited inside its own tenant (``tenancy.admin``), so
choices and inline rows stay within it. Control data is validated with ``agent-control-models``.
"""

from django.contrib import admin
from django.utils import timezone

from tenancy.admin import TenantAdminMixin, TenantInlineMixin, TenantLinkAdmin

from .definitions.predicates import is_enabled
from .models import Control, ControlBinding, ControlVersion, Policy, PolicyControl


class PolicyControlInline(TenantInlineMixin, admin.TabularInline):
    model = PolicyControl
    fields = ("control",)
    extra = 1


@admin.register(Policy)
class PolicyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("name", "tenant_id", "created_at")
    list_filter = ("tenant_id",)
    search_fields = ("name",)
    ordering = ("tenant_id", "name")
    inlines = (PolicyControlInline,)


@admin.register(Control)
class ControlAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("name", "tenant_id", "enabled", "deleted_at", "updated_at")
    list_filter = ("tenant_id", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("name",)
    ordering = ("tenant_id", "name")
    readonly_fields = ("created_at", "updated_at")
    fields = ("tenant_id", "name", "data", "deleted_at", "created_at", "updated_at")

    @admin.display(boolean=True)
    def enabled(self, obj):
        return isinstance(obj.data, dict) and is_enabled(obj.data)


@admin.register(PolicyControl)
class PolicyControlAdmin(TenantLinkAdmin):
    link_ends = ("policy", "control")


@admin.register(ControlVersion)
class ControlVersionAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("control", "version_num", "event_type", "tenant_id", "created_at")
    list_filter = ("tenant_id", "event_type")
    search_fields = ("control__name",)
    list_select_related = ("control",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ControlBinding)
class ControlBindingAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ("control", "target_type", "target_id", "enabled", "tenant_id", "updated_at")
    list_filter = ("tenant_id", "enabled")
    search_fields = ("target_type", "target_id", "control__name")
    list_select_related = ("control",)
    fields = ("tenant_id", "control", "target_type", "target_id", "enabled")
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        """``updated_at`` moves only when a value changed (as through the API)."""
        if change and form.changed_data:
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
