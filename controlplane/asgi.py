"""ASGI entry point (``uvicorn controlplane.asgi:application``). Refuses to load with the public
development secret key when DEBUG is off (``controlplane.security``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")

application = get_asgi_application()

from controlplane.security import refuse_development_key  # noqa: E402  (needs settings)

refuse_development_key()
