"""The control-plane Django project: settings, URLs, WSGI/ASGI entry points, shared API pieces."""
