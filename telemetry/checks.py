"""System checks of the telemetry settings (``manage.py check``, server start).

| id             | problem                                                                     |
| -------------- | --------------------------------------------------------------------------- |
| telemetry.E001 | ``TELEMETRY_TENANT_SERIES`` is not an integer >= 0.                          |
| telemetry.E002 | an entry of ``TELEMETRY_SCRAPE_NETWORKS`` is not a network.                  |
| telemetry.E003 | ``TELEMETRY_METRICS_PREFIX`` is not a valid metric name prefix.              |
| telemetry.W001 | ``/metrics`` is restricted and neither a scrape token nor a network is set: nobody can scrape it. |
"""

import re

from django.core import checks

from .access import scrape_networks
from .conf import get_setting, metrics_public, setting_name

METRIC_PREFIX = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


@checks.register()
def check_telemetry(app_configs=None, **kwargs):
    """telemetry.E001-E003, W001."""
    problems = []
    series = get_setting("TENANT_SERIES")
    if isinstance(series, bool) or not isinstance(series, int) or series < 0:
        problems.append(
            checks.Error(
                f"{setting_name('TENANT_SERIES')} = {series!r} is not an integer >= 0.",
                hint="0 turns per-tenant series off; N labels at most N tenants per process.",
                id="telemetry.E001",
            )
        )
    try:
        scrape_networks()
    except (TypeError, ValueError) as exc:
        problems.append(
            checks.Error(
                f"{setting_name('SCRAPE_NETWORKS')}: {exc}.",
                hint="List networks in CIDR notation, e.g. ['10.0.0.0/8', '127.0.0.1/32'].",
                id="telemetry.E002",
            )
        )
    prefix = get_setting("METRICS_PREFIX")
    if not isinstance(prefix, str) or not METRIC_PREFIX.fullmatch(prefix):
        problems.append(
            checks.Error(
                f"{setting_name('METRICS_PREFIX')} = {prefix!r} is not a metric name prefix.",
                hint="Use letters, digits and underscores, not starting with a digit.",
                id="telemetry.E003",
            )
        )
    if (
        get_setting("METRICS")
        and not metrics_public()
        and not get_setting("SCRAPE_TOKEN")
        and not get_setting("SCRAPE_NETWORKS")
    ):
        problems.append(
            checks.Warning(
                "/metrics is restricted (authentication is on) and nobody may scrape it.",
                hint="Set CONTROLPLANE_METRICS_TOKEN or CONTROLPLANE_METRICS_NETWORKS.",
                id="telemetry.W001",
            )
        )
    return problems
