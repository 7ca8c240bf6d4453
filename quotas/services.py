"""Writes of tenant overrides (``manage.py tenantlimits``; the admin saves through its form)."""

from django.db import transaction

from tenancy.context import tenant_context

from .limits import OVERRIDE_FIELDS
from .models import TenantLimits


def tenant_limits_set(tenant_id: str, changes: dict) -> TenantLimits:
    """Apply ``changes`` (``{field: value}``; ``None`` restores the global default) to
    ``tenant_id``'s overrides, creating the row on first use; returns it.

    Raises ``InvalidTenantId`` (malformed tenant), ``KeyError`` (not an override field) or
    ``django.core.exceptions.ValidationError`` (a negative quota, a malformed rate); nothing is
    written then.
    """
    unknown = set(changes) - set(OVERRIDE_FIELDS)
    if unknown:
        raise KeyError(f"Not an override: {', '.join(sorted(unknown))}.")
    with tenant_context(tenant_id), transaction.atomic():
        limits = TenantLimits.objects.select_for_update().first() or TenantLimits()
        for field, value in changes.items():
            empty = "" if field.endswith("_rate") else None
            setattr(limits, field, empty if value is None else value)
        limits.full_clean(validate_unique=False, validate_constraints=False)
        limits.save()
    return limits


def tenant_limits_clear(tenant_id: str) -> bool:
    """Remove ``tenant_id``'s overrides (back to the global defaults); ``True`` if it had any."""
    with tenant_context(tenant_id):
        limits = TenantLimits.objects.first()
        if limits is None:
            return False
        limits.delete()
    return True
