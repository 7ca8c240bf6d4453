"""App config of ``agents``; ``ready()`` only connects the receivers of ``policies``' signals."""

from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
