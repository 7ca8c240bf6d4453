"""The limits in force for a tenant: its override (``TenantLimits``) where it has one, else the
global default (``QUOTAS_DEFAULT`` / ``QUOTAS_RATE_LIMITS``).

A tenant's overrides are read once per ``QUOTAS_CACHE_SECONDS`` per process (Django's ``default``
cache: local memory unless the project configures a shared one), so the rate limit check of a
request costs no query most of the time; saving or deleting overrides forgets them in the saving
process at once (``quotas.receivers``), in others when the entry expires.
"""

from dataclasses import dataclass

from django.core.cache import caches
from limits import RateLimitItem

from controlplane.api.operations import OperationClass
from tenancy.context import tenant_context

from .conf import get_setting
from .models import TenantLimits
from .rates import parse_rate
from .resources import Resource, quota_field

CACHE_ALIAS = "default"
OVERRIDE_FIELDS = (
    *(quota_field(resource) for resource in Resource),
    *(f"{operation_class.value}_rate" for operation_class in OperationClass),
)
TENANT, DEFAULT = "tenant", "default"


@dataclass(frozen=True)
class Limit:
    """A limit in force: ``value`` (an int for quotas, a ``RateLimitItem`` for rates, ``None``:
    unlimited) and where it comes from (``"tenant"`` override or ``"default"``)."""

    value: int | RateLimitItem | None
    source: str


def _cache_key(tenant_id: str) -> str:
    return f"quotas:overrides:{tenant_id}"


def tenant_overrides(tenant_id: str) -> dict:
    """``{field: value}`` of the tenant's non-empty overrides (cached; module docstring)."""
    cache = caches[CACHE_ALIAS]
    key = _cache_key(tenant_id)
    overrides = cache.get(key)
    if overrides is None:
        with tenant_context(tenant_id):
            row = TenantLimits.objects.values(*OVERRIDE_FIELDS).first() or {}
        overrides = {field: value for field, value in row.items() if value not in (None, "")}
        cache.set(key, overrides, get_setting("CACHE_SECONDS"))
    return overrides


def forget_overrides(tenant_id: str) -> None:
    """Drop the cached overrides of ``tenant_id`` in this process."""
    caches[CACHE_ALIAS].delete(_cache_key(tenant_id))


def quota_limit(resource: Resource, tenant_id: str) -> Limit:
    """The most rows of ``resource`` ``tenant_id`` may keep."""
    overrides = tenant_overrides(tenant_id)
    field = quota_field(resource)
    if field in overrides:
        return Limit(overrides[field], TENANT)
    default = (get_setting("DEFAULT") or {}).get(resource.value)
    return Limit(None if default is None else int(default), DEFAULT)


def rate_limit(operation_class: OperationClass, tenant_id: str) -> Limit:
    """The request rate ``tenant_id`` may use for ``operation_class``."""
    overrides = tenant_overrides(tenant_id)
    field = f"{operation_class.value}_rate"
    if field in overrides:
        return Limit(parse_rate(overrides[field]), TENANT)
    default = (get_setting("RATE_LIMITS") or {}).get(operation_class.value)
    return Limit(None if not default else parse_rate(default), DEFAULT)
