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

from controlplane.api.appsettings import check_message

from .access import scrape_networks
from .conf import get_setting, metrics_public, setting_name

METRIC_PREFIX = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def _networks_problem() -> str | None:
    try:
        scrape_networks()
    except (TypeError, ValueError) as exc:
        return f"{setting_name('SCRAPE_NETWORKS')}: {exc}."
    return None


@checks.register()
def check_telemetry(app_configs=None, **kwargs):
    """telemetry.E001-E003, W001."""
    series, prefix = get_setting("TENANT_SERIES"), get_setting("METRICS_PREFIX")
    bad_series = isinstance(series, bool) or not isinstance(series, int) or series < 0
    nobody = not (metrics_public() or get_setting("SCRAPE_TOKEN") or get_setting("SCRAPE_NETWORKS"))
    found = [
        (
            "telemetry.E001",
            bad_series and f"{setting_name('TENANT_SERIES')} = {series!r} is not an integer >= 0.",
            "0 turns per-tenant series off; N labels at most N tenants per process.",
        ),
        (
            "telemetry.E002",
            _networks_problem(),
            "List networks in CIDR notation, e.g. ['10.0.0.0/8', '127.0.0.1/32'].",
        ),
        (
            "telemetry.E003",
            not (isinstance(prefix, str) and METRIC_PREFIX.fullmatch(prefix))
            and f"{setting_name('METRICS_PREFIX')} = {prefix!r} is not a metric name prefix.",
            "Use letters, digits and underscores, not starting with a digit.",
        ),
        (
            "telemetry.W001",
            get_setting("METRICS")
            and nobody
            and "/metrics is restricted (authentication is on) and nobody may scrape it.",
            "Set CONTROLPLANE_METRICS_TOKEN or CONTROLPLANE_METRICS_NETWORKS.",
        ),
    ]
    return [check_message(check_id, message, hint) for check_id, message, hint in found if message]
