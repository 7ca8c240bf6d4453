"""``ServerVersionMiddleware``: every response carries ``X-Agent-Control-Server-Version``, as the
reference server's do (the SDK compares its major version)."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from controlplane import COMPATIBLE_SERVER_VERSION

HEADER = "X-Agent-Control-Server-Version"


class ServerVersionMiddleware:
    """Adds the version header; sync and async capable."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        response = self.get_response(request)
        response[HEADER] = COMPATIBLE_SERVER_VERSION
        return response

    async def __acall__(self, request):
        response = await self.get_response(request)
        response[HEADER] = COMPATIBLE_SERVER_VERSION
        return response
