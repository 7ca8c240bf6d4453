"""Relation fields whose related managers and descriptors respect tenants.

Django's related managers subclass the related model's default manager and query the through
model's default manager directly, so with a fail-closed ``TenantManager`` they would raise in system
context, and a corrupt cross-tenant row could leak through a join. These fields close both gaps:

- Related managers (``agent.policies``, ``policy.agents``, ``agent.agent_policies``) run in the
  **parent row's tenant**: reads are scoped to it, and ``add()`` / ``set()`` / ``remove()`` /
  ``clear()`` / ``create()`` / ``get_or_create()`` / ``update_or_create()`` bind it for their
  duration, also when no tenant is bound. If another tenant is bound they raise ``TenantMismatch``.
- ``prefetch_related`` matches related rows to parents by (key, tenant), so a row is never attached
  to a parent of another tenant, even if a cross-tenant row was inserted with raw SQL.
- The forward accessor (``agent_policy.policy``) only finds a row of the child's tenant.
- Every SQL join along a ``TenantForeignKey`` (forward, reverse, many-to-many through rows) carries
  ``child.tenant_id = parent.tenant_id`` in its ``ON`` clause, so a join never pairs rows of two
  tenants and a distributed database keeps the join on one shard.
- The database constraint is not Django's single-column one (``db_constraint=False``): the key is
  the composite ``(tenant_id, <fk>) -> parent (tenant_id, id)`` that ``tenancy.schema`` installs.
"""

from contextlib import contextmanager, nullcontext

from django.core import checks
from django.db import models
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
    create_forward_many_to_many_manager,
    create_reverse_many_to_one_manager,
)
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND, WhereNode
from django.utils.functional import cached_property

from .context import get_current_tenant_id, tenant_context
from .exceptions import TenantMismatch
from .introspection import is_tenant_model

_WRITE_METHODS = (
    "add",
    "remove",
    "clear",
    "set",
    "create",
    "get_or_create",
    "update_or_create",
)


def _parent_tenant_id(instance) -> str:
    """The tenant related-manager work runs in: the parent's, refused if another is bound."""
    tenant_id = instance.tenant_id
    bound = get_current_tenant_id()
    if bound is not None and bound != tenant_id:
        raise TenantMismatch(
            f"{type(instance).__name__} {instance.pk!r} belongs to another tenant than the bound "
            f"tenant {bound!r}; its related objects cannot be used from here."
        )
    return tenant_id


@contextmanager
def _in_parent_tenant(instance):
    tenant_id = _parent_tenant_id(instance)
    bound = get_current_tenant_id()
    with nullcontext() if bound == tenant_id else tenant_context(tenant_id):
        yield


def _wrap_write(method):
    def wrapper(self, *args, **kwargs):
        with _in_parent_tenant(self.instance):
            return method(self, *args, **kwargs)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    wrapper.alters_data = True
    return wrapper


def _keyed_by_tenant(result):
    """Extend a ``get_prefetch_querysets`` result so rows only match parents of their tenant."""
    queryset, rel_obj_attr, instance_attr, single, cache_name, is_descriptor = result
    return (
        queryset,
        lambda obj: (*rel_obj_attr(obj), obj.tenant_id),
        lambda obj: (*instance_attr(obj), obj.tenant_id),
        single,
        cache_name,
        is_descriptor,
    )


def _tenant_related_manager(base):
    """Subclass Django's generated related manager ``base`` with the parent-tenant rules."""

    def get_tenant_filter(self):
        tenants = getattr(self, "_tenancy_prefetch_tenants", None)
        if tenants is not None:
            return {"tenant_id__in": sorted(tenants)}
        return {"tenant_id": _parent_tenant_id(self.instance)}

    def get_prefetch_querysets(self, instances, querysets=None):
        tenants = {instance.tenant_id for instance in instances}
        bound = get_current_tenant_id()
        if bound is not None and tenants - {bound}:
            raise TenantMismatch(
                f"Cannot prefetch for rows of other tenants while tenant {bound!r} is bound."
            )
        self._tenancy_prefetch_tenants = tenants
        try:
            result = base.get_prefetch_querysets(self, instances, querysets)
        finally:
            self._tenancy_prefetch_tenants = None
        return _keyed_by_tenant(result)

    namespace = {
        "get_tenant_filter": get_tenant_filter,
        "get_prefetch_querysets": get_prefetch_querysets,
        "__module__": __name__,
    }
    for name in _WRITE_METHODS:
        if hasattr(base, name):
            namespace[name] = _wrap_write(getattr(base, name))
    return type(f"Tenant{base.__name__}", (base,), namespace)


class TenantForwardManyToOneDescriptor(ForwardManyToOneDescriptor):
    """``child.parent`` that only finds a parent of the child's tenant."""

    def get_object(self, instance):
        queryset = self.get_queryset(instance=instance)
        if is_tenant_model(queryset.model) and is_tenant_model(instance):
            queryset = queryset.filter(tenant_id=instance.tenant_id)
        return queryset.get(self.field.get_reverse_related_filter(instance))

    def get_prefetch_querysets(self, instances, querysets=None):
        return _keyed_by_tenant(super().get_prefetch_querysets(instances, querysets))


class TenantReverseManyToOneDescriptor(ReverseManyToOneDescriptor):
    """``parent.children`` whose manager runs in the parent's tenant."""

    @cached_property
    def related_manager_cls(self):
        return _tenant_related_manager(
            create_reverse_many_to_one_manager(
                self.rel.related_model._default_manager.__class__, self.rel
            )
        )


class TenantManyToManyDescriptor(ManyToManyDescriptor):
    """Both sides of a many-to-many; the manager runs in the parent's tenant."""

    @cached_property
    def related_manager_cls(self):
        related_model = self.rel.related_model if self.reverse else self.rel.model
        return _tenant_related_manager(
            create_forward_many_to_many_manager(
                related_model._default_manager.__class__, self.rel, reverse=self.reverse
            )
        )


class TenantForeignKey(models.ForeignKey):
    """A ``ForeignKey`` between tenant-owned models (see the module docstring)."""

    forward_related_accessor_class = TenantForwardManyToOneDescriptor
    related_accessor_class = TenantReverseManyToOneDescriptor

    def check(self, **kwargs):
        """Django's checks plus ``tenancy.E007``: ``db_constraint=False`` is required (the
        database key is the composite one ``tenancy.schema`` installs)."""
        errors = super().check(**kwargs)
        if self.db_constraint:
            errors.append(
                checks.Error(
                    f"{self.model._meta.label}.{self.name} is a TenantForeignKey with "
                    "db_constraint=True.",
                    hint="Pass db_constraint=False; tenancy installs the composite key "
                    "(tenant_id, <fk>) -> parent (tenant_id, id) after migrate.",
                    obj=self,
                    id="tenancy.E007",
                )
            )
        return errors

    def get_extra_restriction(self, alias, related_alias):
        """``<this model>.tenant_id = <related model>.tenant_id`` for a join along this key
        (``alias``: the related model's table, ``related_alias``: this model's). ``None`` where
        Django cannot refer to both tables (subquery push-down)."""
        if alias is None or related_alias is None:
            return None
        own = self.model._meta.get_field("tenant_id").get_col(related_alias)
        other = self.related_model._meta.get_field("tenant_id").get_col(alias)
        return WhereNode([Exact(own, other)], connector=AND)


class TenantManyToManyField(models.ManyToManyField):
    """A ``ManyToManyField`` between tenant-owned models, normally with an explicit ``through``
    model whose foreign keys are ``TenantForeignKey`` and whose ``tenant_parent`` names the owner."""

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.name, TenantManyToManyDescriptor(self.remote_field, reverse=False))

    def contribute_to_related_class(self, cls, related):
        super().contribute_to_related_class(cls, related)
        if not self.remote_field.hidden and not related.related_model._meta.swapped:
            setattr(
                cls,
                related.accessor_name,
                TenantManyToManyDescriptor(self.remote_field, reverse=True),
            )
