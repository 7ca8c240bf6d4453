"""Settings of an app, read at call time, and the system check messages that report them.

``AppSettings("QUOTAS", {"DEFAULT": {}, ...})`` reads ``settings.QUOTAS_DEFAULT`` (or the default)
whenever asked, so ``override_settings`` and pytest-django's ``settings`` fixture take effect at
once (the django-filter ``conf`` pattern). ``check_message`` builds the ``checks.Error`` or
``checks.Warning`` its id names (``quotas.E001`` / ``telemetry.W001``).
"""

from django.conf import settings
from django.core import checks


class AppSettings:
    """The ``<PREFIX>_*`` settings of one app with their defaults."""

    def __init__(self, prefix: str, defaults: dict):
        self.prefix, self.defaults = prefix, defaults

    def get(self, name: str):
        """``settings.<PREFIX>_<name>``, or its default. ``name`` is a key of the defaults."""
        return getattr(settings, self.name(name), self.defaults[name])

    def name(self, name: str) -> str:
        """``"DEFAULT"`` -> ``"QUOTAS_DEFAULT"``."""
        return f"{self.prefix}_{name}"


def check_message(check_id: str, message: str, hint: str) -> checks.CheckMessage:
    """A ``checks.Warning`` for a ``<app>.W<nnn>`` id, else a ``checks.Error``."""
    kind = checks.Warning if check_id.split(".")[-1].startswith("W") else checks.Error
    return kind(message, hint=hint, id=check_id)
