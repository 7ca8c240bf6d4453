"""``quota_check``: refuse a create that would take the bound tenant past its quota.

Services call it inside the transaction that inserts the rows, before the insert::

    with transaction.atomic():
        quota_check(Resource.CONTROLS)
        Control.objects.create(...)

Race safety: with a limit in force, the check first takes a per-tenant, per-resource lock held
until the transaction ends (PostgreSQL: ``pg_advisory_xact_lock``; SQLite: its transactions
already take the database's write lock when they begin, ``transaction_mode = IMMEDIATE``), then
counts. Concurrent creates of one tenant at the boundary therefore run one after the other, and
each counts the rows the previous ones committed: they leave exactly the quota, never more. The
count stops at the limit (``LIMIT``), so it costs at most ``limit`` index entries; without a limit
nothing is locked or counted.
"""

from django.db import connection, transaction

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from telemetry.record import quota_refused
from tenancy.context import require_current_tenant_id

from .limits import quota_limit
from .resources import Resource, counted_rows, quota_field

LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"
QUOTA_HINT = (
    "Delete {resource} the tenant no longer needs, or ask an operator to raise its quota "
    "(admin, or 'manage.py tenantlimits set {tenant} --{option} N')."
)


class QuotaExceeded(APIError):
    """409 ``QUOTA_EXCEEDED``: creating ``adding`` more ``resource`` rows would pass ``limit``."""

    def __init__(self, resource: Resource, limit: int, tenant_id: str):
        self.resource, self.limit = resource, limit
        field = quota_field(resource)
        super().__init__(
            409,
            ErrorCode.QUOTA_EXCEEDED,
            f"Quota exceeded: tenant '{tenant_id}' may keep at most {limit} {resource.value} "
            f"({field}).",
            errors=[
                error_item(
                    "Quota", field, "quota_exceeded", f"At most {limit} {resource.value}.", limit
                )
            ],
            hint=QUOTA_HINT.format(
                resource=resource.value, tenant=tenant_id, option=field.replace("_", "-")
            ),
            kind="Quota",
            name=field,
        )


def _lock(tenant_id: str, resource: Resource) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(LOCK_SQL, [f"quota:{tenant_id}:{resource.value}"])


def quota_check(resource: Resource, adding: int = 1) -> None:
    """Raise ``QuotaExceeded`` if the bound tenant keeping ``adding`` more rows of ``resource``
    would pass its quota (see the module docstring). Must run inside ``transaction.atomic`` (a
    ``RuntimeError`` otherwise: the lock would end before the insert) and with a tenant bound."""
    tenant_id = require_current_tenant_id("a quota check")
    limit = quota_limit(resource, tenant_id).value
    if limit is None:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("quota_check() must run inside the transaction that inserts the rows.")
    _lock(tenant_id, resource)
    used = counted_rows(resource)[: limit + 1].count()
    if used + adding > limit:
        quota_refused(resource.value)
        raise QuotaExceeded(resource, limit, tenant_id)
