"""Scoping: the tenant-filtered default manager, and the explicitly unscoped one.

- ``TenantManager`` (``Model.objects``, the default manager) filters every query by the bound
  tenant: filter, get, count, exists, update, delete, values, iterator, aggregates, and (through
  ``tenancy.fields``) related managers and ``prefetch_related``. With no tenant bound it raises
  ``NoTenantBound`` when the queryset is built: fail-closed.
- ``AllTenantsManager`` (``Model.all_tenants``) does not filter and, on PostgreSQL, bypasses
  row-level security. Admin and system code use it on purpose; its writes are stamped and checked
  like any other.

Their querysets (``tenancy.querysets``) send bulk writes through ``tenancy.stamping`` and deletes
through ``tenancy.deletion``. Like
``django.contrib.sites``' ``CurrentSiteManager``, ``TenantManager`` validates its own use through
``check()``:

| id           | problem                                                                   |
| ------------ | ------------------------------------------------------------------------- |
| tenancy.E005 | a ``TenantManager`` sits on a model that is not a ``TenantModel``.        |
| tenancy.E006 | a model's ``tenant_parent`` is not a foreign key to a tenant-owned model. |
"""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .context import require_current_tenant_id
from .introspection import is_tenant_model
from .querysets import AllTenantsQuerySet, TenantQuerySet


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The scoped default manager of tenant-owned models (see the module docstring).

    ``get_tenant_filter()`` is the single scoping hook; ``tenancy.fields`` overrides it for related
    managers so they run in their parent row's tenant.
    """

    def get_queryset(self):
        tenant_filter = self.get_tenant_filter()
        queryset = super().get_queryset().filter(**tenant_filter)
        tenants = tenant_filter.get("tenant_id__in")
        queryset._tenancy_scope = (
            frozenset(tenants) if tenants is not None else tenant_filter.get("tenant_id")
        )
        return queryset

    def create(self, **kwargs):
        """``QuerySet.create`` without building the read filter first (a create reads nothing);
        the new row is stamped by ``TenantModel.save`` (``NoTenantBound`` with none bound)."""
        queryset = self._queryset_class(model=self.model, using=self._db, hints=self._hints)
        return queryset.create(**kwargs)

    create.alters_data = True

    def get_tenant_filter(self) -> dict:
        """Keyword filter restricting rows to the bound tenant; raises ``NoTenantBound``."""
        return {"tenant_id": require_current_tenant_id(f"{self.model.__name__} queries")}

    def check(self, **kwargs):
        """Django's manager checks plus ``tenancy.E005`` / ``tenancy.E006`` (module docstring)."""
        return [*super().check(**kwargs), *self._check_tenant_model()]

    def _check_tenant_model(self) -> list[checks.CheckMessage]:
        model = self.model
        if not is_tenant_model(model):
            return [
                checks.Error(
                    f"{type(self).__name__} is used on {model._meta.label}, which is not a "
                    "TenantModel.",
                    hint="Derive the model from tenancy.models.TenantModel.",
                    obj=model,
                    id="tenancy.E005",
                )
            ]
        parent = model.tenant_parent
        if parent is None:
            return []
        try:
            field = model._meta.get_field(parent)
        except FieldDoesNotExist:
            field = None
        if field is None or not field.many_to_one or not is_tenant_model(field.related_model):
            return [
                checks.Error(
                    f"{model._meta.label}.tenant_parent = {parent!r} is not a foreign key to a "
                    "tenant-owned model.",
                    hint="Name the foreign key whose row's tenant this model copies.",
                    obj=model,
                    id="tenancy.E006",
                )
            ]
        return []


class AllTenantsManager(models.Manager.from_queryset(AllTenantsQuerySet)):
    """The explicitly unscoped manager (``Model.all_tenants``) for admin and system code.

    Reads see every tenant; on PostgreSQL its statements run inside
    ``tenancy.rls.bypass_row_security()``, the one named way past row-level security. Writes are
    still stamped: the bound tenant, the parent's tenant for through rows, or an explicit
    ``tenant_id`` in system context.
    """
