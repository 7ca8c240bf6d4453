"""App config of ``tenancy``; ``ready()`` only registers the system checks."""

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Tenancy"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
