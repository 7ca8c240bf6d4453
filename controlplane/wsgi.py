"""WSGI entry point (``gunicorn -c controlplane/gunicorn.conf.py``, README "Running in
production"). Refuses to load with the public development secret key when DEBUG is off
(``controlplane.security``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")

application = get_wsgi_application()

from controlplane.security import refuse_development_key  # noqa: E402  (needs settings)

refuse_development_key()
