"""Admin mixins: operators see every tenant; each object is added and edited inside its own tenant.

- The change list shows every tenant (``all_tenants``), runs in system context, has a tenant
  filter and finds rows by tenant id (``=tenant_id`` joins the admin's search fields).
- Adding starts with the tenant (``tenancy.admin.chooser``): ``add/`` asks for it,
  ``add/<tenant id>/`` is the add form run inside that tenant, so the new row is stamped with it,
  uniqueness is checked in it, and every related choice (foreign-key selects, inline rows, the
  "+" links) is that tenant's. A POST to ``add/`` whose data names ``tenant_id`` (a script, a test)
  adds in that tenant the same way.
- Change, delete and history views bind the object's stored tenant while they run and render;
  ``tenant_id`` is read-only there and never a form field on add.
- Forms are ``TenantModelForm``\\ s: duplicates are reported on the field, naming the tenant.

The tenancy app registers no ``ModelAdmin`` of its own.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.http import Http404
from django.urls import path

from ..context import require_current_tenant_id, tenant_context
from ..exceptions import InvalidTenantId
from ..introspection import is_tenant_model
from ..validators import validate_tenant_id
from .chooser import CHOOSE_FIELD, choose_tenant_view
from .forms import TenantModelForm
from .widgets import TenantRelatedFieldWidgetWrapper

_FORM_TENANT = "_tenancy_admin_tenant_id"


class TenantInlineMixin:
    """Mix into an inline (or any admin): foreign-key choices offer only rows of the bound tenant
    and their "+" links add in it. Inline rows of a through model are stamped with the parent's
    tenant by ``tenant_parent``."""

    form = TenantModelForm

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is not None and is_tenant_model(queryset.model):
            queryset = queryset.filter(tenant_id=require_current_tenant_id("admin choices"))
        return queryset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if (
            type(widget) is RelatedFieldWidgetWrapper
            and db_field.related_model is not None
            and is_tenant_model(db_field.related_model)
        ):
            # Same state, one overridden method: the "+" link opens the tenant's add form.
            widget.__class__ = TenantRelatedFieldWidgetWrapper
        return formfield


class TenantAdminMixin(TenantInlineMixin):
    """Mix into a ``ModelAdmin`` of a ``TenantModel`` (before ``admin.ModelAdmin``)."""

    def get_queryset(self, request):
        queryset = self.model.all_tenants.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_list_filter(self, request):
        filters = tuple(super().get_list_filter(request))
        return filters if "tenant_id" in filters else ("tenant_id", *filters)

    def get_search_fields(self, request):
        fields = tuple(super().get_search_fields(request))
        if any(field.lstrip("^=@") == "tenant_id" for field in fields):
            return fields
        return (*fields, "=tenant_id")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "tenant_id") if obj is not None and "tenant_id" not in fields else fields

    def get_fieldsets(self, request, obj=None):
        """On add, ``tenant_id`` is not a field: the tenant was chosen before the form."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        return [
            (name, {**options, "fields": _without_tenant(options["fields"])})
            for name, options in fieldsets
        ]

    def get_urls(self):
        opts = self.opts
        add_in_tenant = path(
            "add/<str:tenant_id>/",
            self.admin_site.admin_view(self.add_in_tenant_view),
            name=f"{opts.app_label}_{opts.model_name}_add_in_tenant",
        )
        return [add_in_tenant, *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        """``add/``: the tenant chooser, or (a POST naming ``tenant_id``) an add in that tenant."""
        posted = request.POST.get("tenant_id", "").strip() if request.method == "POST" else ""
        if not posted or CHOOSE_FIELD in request.POST:
            if not self.has_add_permission(request):
                return super().add_view(request, form_url, extra_context)  # answers 403
            return choose_tenant_view(self, request)
        try:
            validate_tenant_id(posted)
        except InvalidTenantId:
            return choose_tenant_view(self, request)
        return self._add_in_tenant(request, posted, form_url, extra_context)

    def add_in_tenant_view(self, request, tenant_id, form_url="", extra_context=None):
        """``add/<tenant id>/``: the add form of that tenant (404 for a malformed id)."""
        try:
            validate_tenant_id(tenant_id)
        except InvalidTenantId as exc:
            raise Http404(str(exc)) from exc
        return self._add_in_tenant(request, tenant_id, form_url, extra_context)

    def _add_in_tenant(self, request, tenant_id, form_url, extra_context):
        setattr(request, _FORM_TENANT, tenant_id)
        context = {"subtitle": f"in tenant {tenant_id}", "tenancy_tenant_id": tenant_id}
        return self.changeform_view(request, None, form_url, {**context, **(extra_context or {})})

    def get_form_tenant_id(self, request, object_id) -> str | None:
        """The tenant an add/change/delete/history view runs in: the object's stored tenant, or
        the tenant chosen for an add."""
        if object_id is not None:
            stored = (
                self.model.all_tenants.filter(pk=unquote(object_id))
                .values_list("tenant_id", flat=True)
                .first()
            )
            if stored is not None:
                return stored
        return getattr(request, _FORM_TENANT, None)

    def _in_tenant(self, tenant_id, view, *args, **kwargs):
        with tenant_context(tenant_id):
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    def changelist_view(self, request, extra_context=None):
        return self._in_tenant(None, super().changelist_view, request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        tenant_id = self.get_form_tenant_id(request, object_id)
        return self._in_tenant(
            tenant_id, super().changeform_view, request, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        tenant_id = self.get_form_tenant_id(request, object_id)
        return self._in_tenant(tenant_id, super().delete_view, request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        tenant_id = self.get_form_tenant_id(request, object_id)
        return self._in_tenant(tenant_id, super().history_view, request, object_id, extra_context)


def _without_tenant(fields):
    """A fieldset's ``fields`` without ``tenant_id`` (also inside a row tuple)."""
    kept = []
    for field in fields:
        if isinstance(field, list | tuple):
            row = tuple(name for name in field if name != "tenant_id")
            if row:
                kept.append(row)
        elif field != "tenant_id":
            kept.append(field)
    return kept


class TenantLinkAdmin(TenantAdminMixin, admin.ModelAdmin):
    """Admin of a through model linking two tenant-owned rows (``AgentPolicy``, ...).

    Set ``link_ends`` to its two foreign keys (``("agent", "policy")``): the change list shows both
    ends and the tenant, filters by tenant, searches both ends' ``link_search_field`` (and the
    tenant id) and joins the ends in the list query.
    """

    link_ends: tuple[str, ...] = ()
    link_search_field = "name"

    def get_list_display(self, request):
        return ("__str__", *self.link_ends, "tenant_id")

    def get_search_fields(self, request):
        return (*(f"{end}__{self.link_search_field}" for end in self.link_ends), "=tenant_id")

    def get_list_select_related(self, request):
        return self.link_ends
