"""Questions about models, answered without importing them: is this model tenant-owned, and which
of its foreign keys point at tenant-owned rows.

A leaf module (it imports nothing of ``tenancy``), so that ``models``, ``managers``, ``stamping``,
``fields``, ``admin`` and ``checks`` can all ask without importing each other. ``TenantModel`` marks
itself with the class attribute ``_tenancy_tenant_owned = True``; nothing else should set it.
"""

from functools import cache


def is_tenant_model(model) -> bool:
    """True if ``model`` (a model class or instance) derives from ``tenancy.models.TenantModel``."""
    cls = model if isinstance(model, type) else type(model)
    return getattr(cls, "_tenancy_tenant_owned", False) is True


@cache
def tenant_foreign_keys(model) -> tuple:
    """The concrete foreign keys (and one-to-one keys) of ``model`` that point at tenant-owned
    models, in field order. Cached per model class."""
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.is_relation
        and (field.many_to_one or field.one_to_one)
        and is_tenant_model(field.related_model)
    )
