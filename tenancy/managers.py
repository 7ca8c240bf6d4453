"""Scoping: the tenant-filtered default manager, and the explicitly unscoped one.

- ``TenantManager`` (``Model.objects``, the default manager) filters every query by the bound
  tenant: filter, get, count, exists, update, delete, values, iterator, aggregates, and (through
  ``tenancy.fields``) related managers and ``prefetch_related``. With no tenant bound it raises
  ``NoTenantBound`` when the queryset is built: fail-closed.
- ``AllTenantsManager`` (``Model.all_tenants``) does not filter. Admin and system code use it on
  purpose; its writes are stamped and checked like any other.

Both use ``TenantQuerySet``, whose bulk writes go through ``tenancy.stamping``. Like
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
from .exceptions import TenantMismatch
from .introspection import is_tenant_model, tenant_foreign_keys
from .stamping import check_existing_rows, stamp_new_rows


class TenantQuerySet(models.QuerySet):
    """A queryset whose bulk writes respect the stamping rules."""

    def bulk_create(self, objs, *args, **kwargs):
        """``QuerySet.bulk_create`` after ``stamp_new_rows`` (all rows checked before any insert)."""
        objs = list(objs)
        stamp_new_rows(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        """``QuerySet.bulk_update`` after ``check_existing_rows``; ``tenant_id`` is not writable."""
        objs = list(objs)
        if "tenant_id" in fields:
            raise TenantMismatch("tenant_id cannot be changed with bulk_update().")
        check_existing_rows(self.model, objs, fields)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        """``QuerySet.update`` that refuses to relabel rows or point them at another tenant's rows.

        Raises ``TenantMismatch`` for ``tenant_id=...`` and for a foreign key value whose row belongs
        to another tenant than every updated row (checked with one extra query per such key).
        """
        if "tenant_id" in kwargs:
            raise TenantMismatch(
                "tenant_id cannot be changed with update(); rows keep the tenant they were "
                "created in."
            )
        fields = [
            field
            for field in tenant_foreign_keys(self.model)
            if field.name in kwargs or field.attname in kwargs
        ]
        if fields:
            self._check_update_references(fields, kwargs)
        return super().update(**kwargs)

    update.alters_data = True

    def _check_update_references(self, fields, kwargs) -> None:
        row_tenants = set(self.values_list("tenant_id", flat=True).distinct())
        for field in fields:
            value = kwargs.get(field.name, kwargs.get(field.attname))
            if value is None:
                continue
            if isinstance(value, models.Model):
                referenced = value.tenant_id
            else:
                referenced = (
                    field.related_model.all_tenants.filter(**{field.target_field.attname: value})
                    .values_list("tenant_id", flat=True)
                    .first()
                )
            if referenced is None or row_tenants - {referenced}:
                raise TenantMismatch(
                    f"update({field.name}=...) would point rows at a {field.related_model.__name__} "
                    "of another tenant."
                )


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The scoped default manager of tenant-owned models (see the module docstring).

    ``get_tenant_filter()`` is the single scoping hook; ``tenancy.fields`` overrides it for related
    managers so they run in their parent row's tenant.
    """

    def get_queryset(self):
        return super().get_queryset().filter(**self.get_tenant_filter())

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


class AllTenantsManager(models.Manager.from_queryset(TenantQuerySet)):
    """The explicitly unscoped manager (``Model.all_tenants``) for admin and system code.

    Reads see every tenant. Writes are still stamped: the bound tenant, the parent's tenant for
    through rows, or an explicit ``tenant_id`` in system context.
    """
