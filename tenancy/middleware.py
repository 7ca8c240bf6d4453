"""``TenantMiddleware``: resolve the tenant once per request, bind it, always reset it.

Sync and async capable. A malformed tenant id is answered by the URLconf's ``handler400`` (the
project renders its error envelope there) whatever ``DEBUG`` is, and the view never runs.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import get_resolver, get_urlconf

from .context import tenant_context
from .exceptions import InvalidTenantId
from .resolvers import get_tenant_resolver
from .validators import validate_tenant_id


class TenantMiddleware:
    """Set ``request.tenant_id`` and bind it for the duration of the request.

    The binding is reset on the way out (``tenant_context`` resets by token), also when the view
    raises, so a request never inherits the previous request's tenant. Place it before any middleware that queries tenant-owned
    models.
    """

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
        tenant_id, refusal = self.resolve_or_refuse(request)
        if refusal is not None:
            return refusal
        with tenant_context(tenant_id):
            return self.get_response(request)

    async def __acall__(self, request):
        tenant_id, refusal = self.resolve_or_refuse(request)
        if refusal is not None:
            return refusal
        with tenant_context(tenant_id):
            return await self.get_response(request)

    def resolve_or_refuse(self, request) -> tuple[str | None, HttpResponse | None]:
        """``(tenant_id, None)``, or ``(None, a 400 response)`` for a malformed tenant id."""
        try:
            return self.resolve(request), None
        except InvalidTenantId as exc:
            return None, self.invalid_tenant_response(request, exc)

    def resolve(self, request) -> str:
        """Run the configured resolver, validate its answer, store it on ``request.tenant_id``."""
        tenant_id = get_tenant_resolver().resolve(request)
        if not isinstance(tenant_id, str):
            raise ImproperlyConfigured(
                f"TENANCY_RESOLVER returned {type(tenant_id).__name__}, expected a str tenant id."
            )
        request.tenant_id = validate_tenant_id(tenant_id)
        return tenant_id

    def invalid_tenant_response(self, request, exc: InvalidTenantId):
        """A 400 from the URLconf's ``handler400``, called with the ``InvalidTenantId``."""
        handler = get_resolver(get_urlconf()).resolve_error_handler(400)
        return handler(request, exception=exc)
