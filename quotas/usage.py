"""``tenant_usage``: a tenant's usage against its limits, for ``manage.py tenantlimits show``, the
admin and the operators' tenant overview; ``rates_enforced`` / ``RATES_NOT_ENFORCED``: whether rate
limits apply at all (they need a Redis), and the words that say they do not."""

from dataclasses import dataclass

from controlplane.api.operations import OperationClass
from tenancy.context import tenant_context

from .conf import get_setting
from .limits import TENANT, quota_limit, rate_limit
from .rates import describe
from .resources import Resource, counted_rows

RATES_NOT_ENFORCED = (
    "Rate limits are not enforced: no Redis is configured (CONTROLPLANE_REDIS_URL, setting "
    "QUOTAS_REDIS_URL), so no rate applies to any request."
)


def rates_enforced() -> bool:
    """Whether rate limits apply: only with a Redis URL (``QUOTAS_REDIS_URL``)."""
    return bool(get_setting("REDIS_URL"))


@dataclass(frozen=True)
class QuotaUsage:
    """``used`` rows of ``resource`` against ``limit`` (``None``: unlimited) from ``source``."""

    resource: str
    used: int
    limit: int | None
    source: str

    @property
    def at_limit(self) -> bool:
        """True when one more row would be refused."""
        return self.limit is not None and self.used >= self.limit


@dataclass(frozen=True)
class RateInForce:
    """The rate of ``operation_class`` (``None``: unlimited) from ``source``."""

    operation_class: str
    rate: str | None
    source: str


def tenant_usage(tenant_id: str) -> list[QuotaUsage]:
    """Each resource's usage and quota for ``tenant_id`` (one count per resource)."""
    usage = []
    with tenant_context(tenant_id):
        for resource in Resource:
            limit = quota_limit(resource, tenant_id)
            used = counted_rows(resource).count()
            usage.append(QuotaUsage(resource.value, used, limit.value, limit.source))
    return usage


def tenant_rates(tenant_id: str) -> list[RateInForce]:
    """Each operation class's rate in force for ``tenant_id``."""
    rates = []
    for operation_class in OperationClass:
        limit = rate_limit(operation_class, tenant_id)
        text = None if limit.value is None else describe(limit.value)
        rates.append(RateInForce(operation_class.value, text, limit.source))
    return rates


def format_limit(value, source: str) -> str:
    """``"10 (tenant)"`` / ``"unlimited"`` for tables."""
    if value is None:
        return "unlimited"
    return f"{value} (tenant)" if source == TENANT else str(value)
