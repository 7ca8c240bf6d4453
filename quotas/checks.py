"""System checks of the quota and rate limit settings (``manage.py check``, server start).

| id          | problem                                                                        |
| ----------- | ------------------------------------------------------------------------------ |
| quotas.E001 | ``QUOTAS_DEFAULT`` is not a dict of known resources to integers >= 0 (or None). |
| quotas.E002 | ``QUOTAS_RATE_LIMITS`` is not a dict of operation classes to rates.             |
| quotas.W001 | rate limits are set but ``QUOTAS_REDIS_URL`` is not: they are not applied.      |
| quotas.W002 | tenants' overrides (``TenantLimits``) set rates but ``QUOTAS_REDIS_URL`` is not. |

W002 reads the database, so it is a ``database`` check: ``manage.py check --database default``
and ``migrate`` (which ``./dev serve`` runs) report it; nothing is read at import time.
"""

from collections.abc import Callable

from django.core import checks
from django.db import DatabaseError
from django.db.models import Q

from controlplane.api.appsettings import check_message
from controlplane.api.operations import OperationClass

from .conf import get_setting, setting_name
from .models import TenantLimits
from .rates import parse_rate
from .resources import Resource


def _is_quota(value) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _is_rate(value) -> bool:
    try:
        return not value or parse_rate(value) is not None
    except (TypeError, ValueError):
        return False


def _mapping_problem(mapping, keys: set[str], valid: Callable, what: str) -> str | None:
    """Why ``mapping`` is not a dict of ``keys`` to values ``valid`` accepts, or ``None``."""
    if not isinstance(mapping, dict):
        return "is not a dict"
    for key, value in mapping.items():
        if key not in keys:
            return f"names {key!r}, which is not one of {sorted(keys)}"
        if not valid(value):
            return f"gives {key!r} the value {value!r}, which is not {what}"
    return None


@checks.register()
def check_quotas(app_configs=None, **kwargs):
    """quotas.E001, E002, W001."""
    rates = get_setting("RATE_LIMITS")
    quota_problem = _mapping_problem(
        get_setting("DEFAULT"), {r.value for r in Resource}, _is_quota, "an integer >= 0"
    )
    rate_problem = _mapping_problem(rates, {c.value for c in OperationClass}, _is_rate, "a rate")
    found = [
        (
            "quotas.E001",
            quota_problem and f"{setting_name('DEFAULT')} {quota_problem}.",
            "e.g. {'agents': 100, 'controls': 1000} (CONTROLPLANE_QUOTAS=agents=100,...).",
        ),
        (
            "quotas.E002",
            rate_problem and f"{setting_name('RATE_LIMITS')} {rate_problem}.",
            "e.g. {'runtime': '100/second', 'write': '5 per 10 seconds'}.",
        ),
        (
            "quotas.W001",
            rate_problem is None
            and any(rates.values())
            and not get_setting("REDIS_URL")
            and f"{setting_name('RATE_LIMITS')} is set but {setting_name('REDIS_URL')} is not: "
            "no rate limit is applied.",
            "Set CONTROLPLANE_REDIS_URL=redis://host:6379/0.",
        ),
    ]
    return [check_message(check_id, message, hint) for check_id, message, hint in found if message]


@checks.register(checks.Tags.database)
def check_tenant_rates(app_configs=None, databases=None, **kwargs):
    """quotas.W002: tenants' overrides set rates that nothing enforces (no Redis)."""
    if not databases or get_setting("REDIS_URL"):
        return []
    with_rates = ~Q(runtime_rate="") | ~Q(read_rate="") | ~Q(write_rate="")
    try:
        tenants = list(
            TenantLimits.all_tenants.filter(with_rates)
            .order_by("tenant_id")
            .values_list("tenant_id", flat=True)
        )
    except DatabaseError:  # not migrated yet: nothing to report
        return []
    if not tenants:
        return []
    shown = ", ".join(tenants[:5]) + (f" and {len(tenants) - 5} more" if len(tenants) > 5 else "")
    message = (
        f"Rate overrides of {len(tenants)} tenant(s) ({shown}) are not enforced: "
        f"{setting_name('REDIS_URL')} is not set, so no rate limit is applied."
    )
    hint = (
        "Set CONTROLPLANE_REDIS_URL=redis://host:6379/0, or remove the rates "
        "(manage.py tenantlimits set <tenant> --runtime-rate default ...)."
    )
    return [check_message("quotas.W002", message, hint)]
