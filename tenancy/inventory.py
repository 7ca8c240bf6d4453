"""What tenants exist and how many rows each owns; a tenant's rows deleted as a unit.

System code: it reads every tenant, so its statements go through ``Model.all_tenants`` (which runs
them inside ``tenancy.rls.bypass_row_security()``), or, for one tenant's writes, inside that
tenant (``tenant_context``), so row-level security checks them as that tenant. The list of tenant
models comes from ``tenancy.schema.tenant_models()``; nothing here names an app's model.

Used by the ``tenant`` management command (``list``, ``purge``, the conflict check of
``import``), the admin's tenant chooser and the operators' tenant overview.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count

from .context import tenant_context
from .introspection import tenant_foreign_keys
from .schema import tenant_models
from .validators import validate_tenant_id


def models_parents_first(models: list | None = None) -> list:
    """Tenant models (default: every one) ordered so that each model comes after the models its
    tenant foreign keys point at (self references aside). Raises ``ValueError`` on a cycle."""
    pending = list(tenant_models() if models is None else models)
    ordered, placed = [], set()
    while pending:
        ready = [
            model
            for model in pending
            if all(
                field.related_model in placed or field.related_model is model
                for field in tenant_foreign_keys(model)
            )
        ]
        if not ready:
            raise ValueError(f"Tenant foreign keys form a cycle among {pending}.")
        for model in ready:
            ordered.append(model)
            placed.add(model)
            pending.remove(model)
    return ordered


def tenant_row_counts(tenant_id: str | None = None) -> dict[str, dict[str, int]]:
    """``{tenant_id: {model label: row count}}`` for every tenant that owns at least one row
    (only ``tenant_id`` when given), tenants sorted, models in registry order, zero counts left
    out. One ``GROUP BY tenant_id`` query per tenant model, past row-level security."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for model in tenant_models():
        rows = model.all_tenants.all()
        if tenant_id is not None:
            rows = rows.filter(tenant_id=tenant_id)
        grouped = rows.values("tenant_id").annotate(rows=Count("pk")).order_by()
        for row in grouped:
            counts[row["tenant_id"]][model._meta.label_lower] = row["rows"]
    return {tenant: counts[tenant] for tenant in sorted(counts)}


def in_registry_order(counts: dict[str, int]) -> dict[str, int]:
    """``{model label: count}`` reordered like ``tenant_models()``, zero counts left out."""
    labels = [model._meta.label_lower for model in tenant_models()]
    return {label: counts[label] for label in labels if counts.get(label)}


def known_tenants() -> list[str]:
    """Every tenant id that owns at least one row, sorted."""
    return list(tenant_row_counts())


def tenant_purge(tenant_id: str) -> dict[str, int]:
    """Delete every row of ``tenant_id`` in one transaction, children before parents; returns
    ``{model label: rows deleted}`` in registry order (models with none left out). Raises
    ``InvalidTenantId``."""
    validate_tenant_id(tenant_id)
    deleted: dict[str, int] = defaultdict(int)
    with transaction.atomic(), tenant_context(tenant_id):
        for model in reversed(models_parents_first()):
            _, per_model = model.objects.all().delete()
            for label, count in per_model.items():
                deleted[label.lower()] += count
    return in_registry_order(deleted)
