"""The ``CREDENTIALS_*`` settings and their defaults, read from ``django.conf.settings`` at call
time (so ``override_settings`` and pytest-django's ``settings`` fixture take effect at once).

| setting                                  | default         | meaning                              |
| ---------------------------------------- | --------------- | ------------------------------------ |
| ``CREDENTIALS_MODE``                     | ``"none"``      | ``none``, ``api_key`` or ``jwt``     |
| ``CREDENTIALS_JWT_KEY``                  | ``None``        | HS* secret, or RS*/ES* PEM public key |
| ``CREDENTIALS_JWT_ALGORITHMS``           | ``["HS256"]``   | algorithms a token may use           |
| ``CREDENTIALS_JWT_ISSUER``               | ``None``        | required ``iss`` when set            |
| ``CREDENTIALS_JWT_AUDIENCE``             | ``None``        | required ``aud`` when set            |
| ``CREDENTIALS_JWT_TENANT_CLAIM``         | ``"tenant_id"`` | the claim naming the tenant          |
| ``CREDENTIALS_JWT_ROLE_CLAIM``           | ``"role"``      | ``admin`` / ``runtime`` (absent: runtime) |
| ``CREDENTIALS_RUNTIME_TOKEN_SECRET``     | ``None``        | HS256 secret of runtime tokens (>= 32 bytes); none: exchange is 503 |
| ``CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS``| ``300``         | runtime token lifetime, 1..86400     |
| ``CREDENTIALS_LAST_USED_INTERVAL_SECONDS`` | ``60``        | a key's ``last_used_at`` is written at most this often |

``controlplane/settings.py`` fills them from ``CONTROLPLANE_*`` environment variables (README,
"Configuration"); ``credentials.checks`` validates them.
"""

from django.conf import settings

MODES = ("none", "api_key", "jwt")

DEFAULTS = {
    "MODE": "none",
    "JWT_KEY": None,
    "JWT_ALGORITHMS": ["HS256"],
    "JWT_ISSUER": None,
    "JWT_AUDIENCE": None,
    "JWT_TENANT_CLAIM": "tenant_id",
    "JWT_ROLE_CLAIM": "role",
    "RUNTIME_TOKEN_SECRET": None,
    "RUNTIME_TOKEN_TTL_SECONDS": 300,
    "LAST_USED_INTERVAL_SECONDS": 60,
}


def get_setting(name: str):
    """``settings.CREDENTIALS_<name>``, or its default. ``name`` is a key of ``DEFAULTS``."""
    return getattr(settings, f"CREDENTIALS_{name}", DEFAULTS[name])


def setting_name(name: str) -> str:
    """``"MODE"`` -> ``"CREDENTIALS_MODE"``."""
    return f"CREDENTIALS_{name}"
