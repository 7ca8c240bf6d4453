"""``ServerVersionMiddleware``: every response carries ``X-Agent-Control-Server-Version``, as the
reference server's do (the SDK compares its major version)."""

from django.utils.deprecation import MiddlewareMixin

from . import COMPATIBLE_SERVER_VERSION

HEADER = "X-Agent-Control-Server-Version"


class ServerVersionMiddleware(MiddlewareMixin):
    """Adds the version header to every response (sync and async, via ``MiddlewareMixin``)."""

    def process_response(self, request, response):
        response[HEADER] = COMPATIBLE_SERVER_VERSION
        return response
