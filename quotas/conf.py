"""The ``QUOTAS_*`` settings and their defaults, read at call time.

| setting                          | default        | meaning                                       |
| -------------------------------- | -------------- | --------------------------------------------- |
| ``QUOTAS_DEFAULT``               | ``{}``         | ``{"agents": N, "controls": N, "policies": N, "events": N}``: the most a tenant may keep; a missing or ``None`` entry is unlimited |
| ``QUOTAS_RATE_LIMITS``           | ``{}``         | ``{"runtime": "100/second", "read": ..., "write": ...}`` (the ``limits`` library's notation: ``"N/second"``, ``"N per 10 seconds"``, ``"N/minute"``); missing: unlimited |
| ``QUOTAS_REDIS_URL``             | ``None``       | the Redis holding the rate windows (``redis://host:6379/0``); ``None``: rate limits off |
| ``QUOTAS_REDIS_KEY_PREFIX``      | ``"controlplane:ratelimit"`` | prefix of every Redis key            |
| ``QUOTAS_REDIS_TIMEOUT_SECONDS`` | ``0.25``       | connect and read timeout of one Redis call    |
| ``QUOTAS_RATE_LIMITS_FAIL_OPEN`` | ``True``       | Redis unreachable: let requests through (``True``) or answer 503 ``RATE_LIMITS_UNAVAILABLE`` |
| ``QUOTAS_REDIS_RETRY_SECONDS``   | ``5``          | after a Redis failure, how long a process skips Redis before trying again |
| ``QUOTAS_CACHE_SECONDS``         | ``10``         | how long a process keeps a tenant's overrides (Django cache ``default``) |

Per-tenant overrides (``models.TenantLimits``) win over ``QUOTAS_DEFAULT`` and
``QUOTAS_RATE_LIMITS``. ``controlplane/settings.py`` fills these from ``CONTROLPLANE_*`` variables;
``quotas.checks`` validates them.
"""

from controlplane.api.appsettings import AppSettings

DEFAULTS = {
    "DEFAULT": {},
    "RATE_LIMITS": {},
    "REDIS_URL": None,
    "REDIS_KEY_PREFIX": "controlplane:ratelimit",
    "REDIS_TIMEOUT_SECONDS": 0.25,
    "RATE_LIMITS_FAIL_OPEN": True,
    "REDIS_RETRY_SECONDS": 5,
    "CACHE_SECONDS": 10,
}

SETTINGS = AppSettings("QUOTAS", DEFAULTS)
get_setting, setting_name = SETTINGS.get, SETTINGS.name
