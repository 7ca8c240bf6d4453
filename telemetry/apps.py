"""App config of ``telemetry``; ``ready()`` registers the checks and the receiver that samples
the database pool when a request finishes."""

from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "telemetry"
    verbose_name = "Telemetry"

    def ready(self):
        from . import checks, receivers  # noqa: F401  (registers the checks and receivers)
