"""Querysets of tenant-owned models: writes that respect the stamping rules, deletes that carry the
tenant, and the unscoped queryset of ``Model.all_tenants``.

- ``TenantQuerySet`` (both managers): ``bulk_create`` stamps every row first and refuses an upsert
  (``update_conflicts=True``) that could reach another tenant's row or rewrite ``tenant_id``;
  ``bulk_update`` / ``update`` refuse to relabel rows or point them at another tenant's rows;
  ``delete`` goes through ``tenancy.deletion.TenantCollector``. In system context (no tenant
  bound) ``bulk_create`` writes each stamped row past row-level security, as system code.
- Every SQL-executing method runs in the queryset's execution context: the tenant it was scoped to
  (so a queryset built in tenant A and evaluated elsewhere still runs, and is checked by
  row-level security, as A) or, for ``AllTenantsQuerySet`` (``Model.all_tenants``),
  ``tenancy.rls.bypass_row_security()``.
"""

from contextlib import nullcontext
from functools import wraps

from django.db import models

from .context import get_current_tenant_id, tenant_context
from .deletion import TenantCollector
from .exceptions import TenantMismatch
from .introspection import tenant_foreign_keys
from .rls import bypass_row_security
from .stamping import check_existing_rows, refuse_foreign_primary_keys, stamp_new_rows

_END = object()


def _check_upsert(kwargs: dict) -> None:
    """Refuse ``bulk_create(update_conflicts=True)`` that would rewrite ``tenant_id``. (A row
    whose explicit ``pk`` is another tenant's is refused by ``refuse_foreign_primary_keys``, so a
    conflict on the primary key can only meet a row of the same tenant; on PostgreSQL the key is
    ``(tenant_id, id)``, so the conflict target names the tenant.)"""
    if kwargs.get("update_conflicts") and "tenant_id" in (kwargs.get("update_fields") or ()):
        raise TenantMismatch("tenant_id cannot be changed with bulk_create(update_conflicts=True).")


class TenantQuerySet(models.QuerySet):
    """A queryset whose writes respect the stamping rules (see the module docstring).

    ``_tenancy_scope`` is the tenant the scoped manager filtered it by when it was built (a
    tenant id, or a frozenset of tenants for a cross-tenant prefetch in system context); its SQL
    runs as that tenant (``tenancy.rls``), wherever it is evaluated, so row-level security agrees
    with the filter.
    """

    _tenancy_scope = None

    def _clone(self):
        clone = super()._clone()
        clone._tenancy_scope = self._tenancy_scope
        return clone

    def _execution_context(self):
        scope = self._tenancy_scope
        if isinstance(scope, frozenset):
            scope = next(iter(scope)) if len(scope) == 1 else None
            if scope is None:
                return bypass_row_security()
        if scope is None or scope == get_current_tenant_id():
            return nullcontext()
        return tenant_context(scope)

    def _iterator(self, use_chunked_fetch, chunk_size):
        # The query runs when the first row is fetched; later chunks only read its cursor. A
        # generator cannot hold a context across its yields (it would leak into the caller).
        rows = super()._iterator(use_chunked_fetch, chunk_size)
        with self._execution_context():
            first = next(rows, _END)
        if first is not _END:
            yield first
            yield from rows

    def bulk_create(self, objs, *args, **kwargs):
        """``QuerySet.bulk_create`` after ``stamp_new_rows`` (all rows checked before any insert).

        Raises ``TenantMismatch`` for an upsert whose ``update_fields`` include ``tenant_id`` and
        for an explicit ``pk`` of another tenant's row (nothing is written).
        """
        objs = list(objs)
        _check_upsert(kwargs)
        stamp_new_rows(self.model, objs)
        refuse_foreign_primary_keys(self.model, objs)
        if get_current_tenant_id() is None:
            with bypass_row_security():
                return super().bulk_create(objs, *args, **kwargs)
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

    def delete(self):
        """``QuerySet.delete`` through ``TenantCollector``: every statement names the tenant."""
        if (
            self.query.combinator
            or self.query.is_sliced
            or self.query.distinct_fields
            or self._fields is not None
        ):
            return super().delete()  # Django raises the usual TypeError
        del_query = self._chain()
        del_query._for_write = True
        del_query.query.select_for_update = False
        del_query.query.select_related = False
        del_query.query.clear_ordering(force=True)
        collector = TenantCollector(using=del_query.db, origin=self)
        collector.collect(del_query)
        deleted = collector.delete()
        self._result_cache = None
        return deleted

    delete.alters_data = True
    delete.queryset_only = True

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


def _in_scope(method):
    """Run ``method`` (a queryset method that executes SQL) in the queryset's execution context."""

    @wraps(method)
    def run(self, *args, **kwargs):
        with self._execution_context():
            return method(self, *args, **kwargs)

    return run


def _scoped(cls):
    """Wrap every SQL-executing method of ``cls`` with ``_in_scope``."""
    for name in (
        "_fetch_all",
        "count",
        "exists",
        "aggregate",
        "update",
        "_update",
        "delete",
        "_raw_delete",
        "explain",
    ):
        method = _in_scope(getattr(cls, name))
        method.alters_data = getattr(getattr(cls, name), "alters_data", False)
        if name == "delete":
            method.queryset_only = True
        setattr(cls, name, method)
    return cls


_scoped(TenantQuerySet)


class AllTenantsQuerySet(TenantQuerySet):
    """The queryset of ``Model.all_tenants``: every statement runs inside
    ``bypass_row_security()`` (reads, counts, aggregates, updates, deletes, inserts)."""

    def _execution_context(self):
        return bypass_row_security()

    def bulk_create(self, objs, *args, **kwargs):
        with bypass_row_security():
            return super().bulk_create(objs, *args, **kwargs)
