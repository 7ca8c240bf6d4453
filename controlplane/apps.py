"""The project's own app: its system checks and its ``runserver`` (``management/commands``)."""

from django.apps import AppConfig
from django.core import checks


class ControlplaneConfig(AppConfig):
    name = "controlplane"
    verbose_name = "Control plane"

    def ready(self):
        from .security import check_secret_key

        checks.register(check_secret_key, checks.Tags.security)
