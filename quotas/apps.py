"""App config of ``quotas``; ``ready()`` registers the checks and the receivers that forget a
tenant's cached limits when its overrides change."""

from django.apps import AppConfig


class QuotasConfig(AppConfig):
    name = "quotas"
    verbose_name = "Quotas and rate limits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, receivers  # noqa: F401  (registers the checks and receivers)
