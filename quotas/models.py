"""``TenantLimits``: one tenant's overrides of the global quotas and rate limits.

A tenant row like any other (``TenantModel``: stamped, scoped, row-level security on PostgreSQL,
``all_tenants`` for the admin's list), at most one per tenant (``UNIQUE (tenant_id)``). An empty
field means "the global default" (``CONTROLPLANE_QUOTAS`` / ``CONTROLPLANE_RATE_LIMITS``, the
settings ``QUOTAS_DEFAULT`` / ``QUOTAS_RATE_LIMITS``); rates apply only with a Redis
(``CONTROLPLANE_REDIS_URL``). Operators edit it
in the admin or with ``manage.py tenantlimits``; a process notices a change within
``QUOTAS_CACHE_SECONDS`` (at once in the process that saved it).
"""

from django.db import models

from tenancy.models import TenantModel

from .rates import validate_rate

QUOTA_HELP = (
    "Most {} the tenant may keep; empty: the global default (environment variable "
    "CONTROLPLANE_QUOTAS, setting QUOTAS_DEFAULT)."
)
RATE_HELP = (
    "Requests of the {} class, e.g. '100/second' or '5 per 10 seconds'; empty: the global "
    "default (environment variable CONTROLPLANE_RATE_LIMITS, setting QUOTAS_RATE_LIMITS). "
    "Enforced only with CONTROLPLANE_REDIS_URL set."
)


def _quota(what: str, field=models.PositiveIntegerField):
    return field(null=True, blank=True, help_text=QUOTA_HELP.format(what))


def _rate(operation_class: str):
    return models.CharField(
        max_length=40,
        blank=True,
        validators=[validate_rate],
        help_text=RATE_HELP.format(operation_class),
    )


class TenantLimits(TenantModel):
    """A tenant's overrides (see the module docstring). Operators' settings for one tenant, not
    the tenant's data: they stay out of tenant exports (``tenancy.transfer``), so an imported copy
    starts with the global defaults; ``tenant purge`` deletes them with the tenant."""

    tenant_transfer = False

    max_agents = _quota("agents")
    max_controls = _quota("controls (deleted ones do not count)")
    max_policies = _quota("policies")
    max_events = _quota("observability events", models.PositiveBigIntegerField)
    runtime_rate = _rate("runtime (evaluation, initAgent, control refresh, event ingest)")
    read_rate = _rate("read")
    write_rate = _rate("write")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # "The tenant limits override “acme” was added successfully."
        verbose_name = "tenant limits override"
        verbose_name_plural = "tenant limits"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id"], name="quotas_limits_one_per_tenant")
        ]

    def __str__(self):
        return self.tenant_id
