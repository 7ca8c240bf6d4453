"""The ``TELEMETRY_*`` settings and their defaults, read at call time (``override_settings`` and
pytest-django's ``settings`` fixture take effect at once; ``metrics`` rebuilds its families when
one that shapes them changes).

| setting                        | default                  | meaning                                 |
| ------------------------------ | ------------------------ | --------------------------------------- |
| ``TELEMETRY_METRICS``          | ``True``                 | count requests, evaluations, pool; serve ``/metrics`` |
| ``TELEMETRY_METRICS_PREFIX``   | ``"agent_control_server"`` | prefix of the request and evaluation families (the reference's default) |
| ``TELEMETRY_METRICS_APP_NAME`` | ``"agent-control-server"`` | the ``app_name`` label (the reference's)  |
| ``TELEMETRY_TENANT_SERIES``    | ``0``                    | how many tenants get their own ``tenant`` label per process (0: no per-tenant series; the rest are ``other``) |
| ``TELEMETRY_METRICS_PUBLIC``   | ``None``                 | ``True``/``False``; ``None``: public exactly when ``CREDENTIALS_MODE`` is ``"none"`` |
| ``TELEMETRY_SCRAPE_TOKEN``     | ``None``                 | ``Authorization: Bearer <token>`` that may scrape a restricted ``/metrics`` |
| ``TELEMETRY_SCRAPE_NETWORKS``  | ``[]``                   | client networks (CIDR) that may scrape a restricted ``/metrics`` |
| ``TELEMETRY_REQUEST_LOG``      | ``True``                 | one log line per request (logger ``controlplane.requests``, INFO) |

``controlplane/settings.py`` fills them from ``CONTROLPLANE_*`` environment variables (README,
"Configuration"); ``telemetry.checks`` validates them.
"""

from django.conf import settings

from controlplane.api.appsettings import AppSettings

DEFAULTS = {
    "METRICS": True,
    "METRICS_PREFIX": "agent_control_server",
    "METRICS_APP_NAME": "agent-control-server",
    "TENANT_SERIES": 0,
    "METRICS_PUBLIC": None,
    "SCRAPE_TOKEN": None,
    "SCRAPE_NETWORKS": [],
    "REQUEST_LOG": True,
}

SETTINGS = AppSettings("TELEMETRY", DEFAULTS)
get_setting, setting_name = SETTINGS.get, SETTINGS.name


def metrics_public() -> bool:
    """Whether anyone may scrape ``/metrics`` (``TELEMETRY_METRICS_PUBLIC``; by default, only
    when authentication is off)."""
    public = get_setting("METRICS_PUBLIC")
    if public is None:
        return getattr(settings, "CREDENTIALS_MODE", "none") == "none"
    return bool(public)
