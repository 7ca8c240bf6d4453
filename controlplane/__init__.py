"""The control-plane Django project: settings, URLs, WSGI/ASGI entry points, shared API pieces."""

#: The agent-control server version whose v1 REST API this project is wire-compatible with. It is
#: what ``GET /health`` reports and what the ``X-Agent-Control-Server-Version`` header carries, so the
#: agent-control SDK's major-version check passes.
COMPATIBLE_SERVER_VERSION = "8.15.0"
