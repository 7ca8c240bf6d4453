"""App config of ``tenancy``; ``ready()`` only registers the system checks and the signal
receivers (``tenancy.receivers``)."""

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Tenancy"

    def ready(self):
        from . import checks, receivers  # noqa: F401  (registers checks and receivers)
