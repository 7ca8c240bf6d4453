"""Admin mixins: operators see every tenant; each object is edited inside its own tenant.

- The change list shows all tenants (``all_tenants``) and runs in system context, so columns that
  use related managers read each row in its own tenant.
- The add, change, delete and history views bind the object's tenant while they run and render:
  for a change, the stored ``tenant_id``; for an add, the ``tenant_id`` in the form data or the query
  string (``/admin/agents/agent/add/?tenant_id=acme``), else the request's resolved tenant. Saving
  is therefore stamped like any other write, uniqueness is validated inside the right tenant, and
  foreign-key choices and inlines offer only rows of that tenant.
- ``tenant_id`` is an operator-chosen field on add (defaulting as above) and read-only on change.

The tenancy app registers no ``ModelAdmin`` of its own.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote

from .context import require_current_tenant_id, tenant_context
from .exceptions import InvalidTenantId
from .introspection import is_tenant_model
from .validators import validate_tenant_id


class TenantInlineMixin:
    """Mix into an inline (or any admin) so foreign-key choices offer only rows of the bound tenant.

    Inline rows of a through model are stamped with the parent's tenant by ``tenant_parent``.
    """

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is not None and is_tenant_model(queryset.model):
            queryset = queryset.filter(tenant_id=require_current_tenant_id("admin choices"))
        return queryset


class TenantAdminMixin(TenantInlineMixin):
    """Mix into a ``ModelAdmin`` of a ``TenantModel`` (before ``admin.ModelAdmin``)."""

    def get_queryset(self, request):
        queryset = self.model.all_tenants.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "tenant_id") if obj is not None and "tenant_id" not in fields else fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("tenant_id", self.get_form_tenant_id(request, None))
        return initial

    def get_form_tenant_id(self, request, object_id) -> str:
        """The tenant an add/change form runs in (see the module docstring)."""
        if object_id is not None:
            stored = (
                self.model.all_tenants.filter(pk=unquote(object_id))
                .values_list("tenant_id", flat=True)
                .first()
            )
            if stored is not None:
                return stored
        for candidate in (request.POST.get("tenant_id"), request.GET.get("tenant_id")):
            if candidate:
                try:
                    return validate_tenant_id(candidate.strip())
                except InvalidTenantId:
                    break  # the form's field validator reports it
        return request.tenant_id

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


class TenantLinkAdmin(TenantAdminMixin, admin.ModelAdmin):
    """Admin of a through model linking two tenant-owned rows (``AgentPolicy``, ...).

    Set ``link_ends`` to its two foreign keys (``("agent", "policy")``): the change list shows both
    ends and the tenant, filters by tenant, searches both ends' ``link_search_field`` and joins the
    ends in the list query.
    """

    link_ends: tuple[str, ...] = ()
    link_search_field = "name"
    list_filter = ("tenant_id",)

    def get_list_display(self, request):
        return (*self.link_ends, "tenant_id")

    def get_search_fields(self, request):
        return tuple(f"{end}__{self.link_search_field}" for end in self.link_ends)

    def get_list_select_related(self, request):
        return self.link_ends
