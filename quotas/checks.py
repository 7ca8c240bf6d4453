"""System checks of the quota and rate limit settings (``manage.py check``, server start).

| id          | problem                                                                        |
| ----------- | ------------------------------------------------------------------------------ |
| quotas.E001 | ``QUOTAS_DEFAULT`` is not a dict of known resources to integers >= 0 (or None). |
| quotas.E002 | ``QUOTAS_RATE_LIMITS`` is not a dict of operation classes to rates.             |
| quotas.W001 | rate limits are set but ``QUOTAS_REDIS_URL`` is not: they are not applied.      |
"""

from django.core import checks

from controlplane.api.operations import OperationClass

from .conf import get_setting, setting_name
from .rates import parse_rate
from .resources import Resource

RESOURCES = {resource.value for resource in Resource}
CLASSES = {operation_class.value for operation_class in OperationClass}


def _quota_problem(defaults) -> str | None:
    if not isinstance(defaults, dict):
        return "is not a dict"
    for key, value in defaults.items():
        if key not in RESOURCES:
            return f"names {key!r}, which is not one of {sorted(RESOURCES)}"
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            return f"gives {key!r} the value {value!r}, not an integer >= 0"
    return None


def _rate_problem(rates) -> str | None:
    if not isinstance(rates, dict):
        return "is not a dict"
    for key, value in rates.items():
        if key not in CLASSES:
            return f"names {key!r}, which is not one of {sorted(CLASSES)}"
        if value:
            try:
                parse_rate(value)
            except (TypeError, ValueError):
                return f"gives {key!r} the value {value!r}, which is not a rate"
    return None


@checks.register()
def check_quotas(app_configs=None, **kwargs):
    """quotas.E001, E002, W001."""
    problems = []
    if (problem := _quota_problem(get_setting("DEFAULT"))) is not None:
        problems.append(
            checks.Error(
                f"{setting_name('DEFAULT')} {problem}.",
                hint="e.g. {'agents': 100, 'controls': 1000} (CONTROLPLANE_QUOTAS=agents=100,...).",
                id="quotas.E001",
            )
        )
    rates = get_setting("RATE_LIMITS")
    if (problem := _rate_problem(rates)) is not None:
        problems.append(
            checks.Error(
                f"{setting_name('RATE_LIMITS')} {problem}.",
                hint="e.g. {'runtime': '100/second', 'write': '5 per 10 seconds'}.",
                id="quotas.E002",
            )
        )
    elif any(rates.values()) and not get_setting("REDIS_URL"):
        problems.append(
            checks.Warning(
                f"{setting_name('RATE_LIMITS')} is set but {setting_name('REDIS_URL')} is not: "
                "no rate limit is applied.",
                hint="Set CONTROLPLANE_REDIS_URL=redis://host:6379/0.",
                id="quotas.W001",
            )
        )
    return problems
