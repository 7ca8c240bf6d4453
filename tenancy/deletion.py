"""Deletes that carry their tenant: ``TenantCollector``.

Django's ``Collector`` finds the rows a delete cascades to with ``child.fk IN (...)`` and deletes
collected rows with ``DELETE ... WHERE id IN (...)``: neither names a tenant, so a distributed
database must ask every shard, and neither is checked against the tenant of the rows. This
collector adds ``tenant_id`` to both: cascaded rows are looked up with ``tenant_id IN (<the
parents' tenants>)``, and tenant-owned rows collected as instances are deleted per tenant with
``DELETE ... WHERE tenant_id = %s AND id IN (...)``, children before parents (the order Django
computes), unless the model has delete signal receivers (then Django's own per-instance path
keeps sending them).

Used by ``TenantModel.delete()`` and ``TenantQuerySet.delete()``.
"""

from collections import defaultdict

from django.db.models import signals
from django.db.models.deletion import Collector

from .introspection import is_tenant_model


class TenantCollector(Collector):
    """A ``Collector`` whose statements name the tenant (see the module docstring)."""

    def related_objects(self, related_model, related_fields, objs):
        queryset = super().related_objects(related_model, related_fields, objs)
        if is_tenant_model(related_model) and isinstance(objs, list | tuple):
            tenants = {obj.tenant_id for obj in objs if is_tenant_model(obj)}
            if tenants:
                queryset = queryset.filter(tenant_id__in=sorted(tenants))
        return queryset

    def _has_delete_receivers(self, model) -> bool:
        return signals.pre_delete.has_listeners(model) or signals.post_delete.has_listeners(model)

    def delete(self):
        self.sort()
        moved = []
        for model in list(self.data):
            if not is_tenant_model(model) or self._has_delete_receivers(model):
                continue
            by_tenant = defaultdict(list)
            for instance in self.data.pop(model):
                by_tenant[instance.tenant_id].append(instance)
            for tenant_id, instances in sorted(by_tenant.items()):
                pks = [instance.pk for instance in instances]
                queryset = model._base_manager.using(self.using).filter(
                    tenant_id=tenant_id, pk__in=pks
                )
                self.fast_deletes.append(queryset)
                moved.extend(instances)
        result = super().delete()
        for instance in moved:
            setattr(instance, instance._meta.pk.attname, None)
        return result
