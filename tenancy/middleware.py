"""``TenantMiddleware``: resolve the tenant once per request, bind it, always reset it.

Sync and async capable. A malformed tenant id is answered by the URLconf's ``handler400`` (the
project renders its error envelope there) whatever ``DEBUG`` is, and the view never runs.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver, get_urlconf

from .context import bind_tenant, reset_tenant
from .exceptions import InvalidTenantId
from .resolvers import get_tenant_resolver
from .validators import validate_tenant_id


class TenantMiddleware:
    """Set ``request.tenant_id`` and bind it for the duration of the request.

    The binding is reset by token in ``finally``, also when the view raises, so a request never
    inherits the previous request's tenant. Place it before any middleware that queries tenant-owned
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
        try:
            tenant_id = self.resolve(request)
        except InvalidTenantId as exc:
            return self.invalid_tenant_response(request, exc)
        token = bind_tenant(tenant_id)
        try:
            return self.get_response(request)
        finally:
            reset_tenant(token)

    async def __acall__(self, request):
        try:
            tenant_id = self.resolve(request)
        except InvalidTenantId as exc:
            return self.invalid_tenant_response(request, exc)
        token = bind_tenant(tenant_id)
        try:
            return await self.get_response(request)
        finally:
            reset_tenant(token)

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
