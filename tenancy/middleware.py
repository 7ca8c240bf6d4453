"""``TenantMiddleware``: authenticate once per request, bind the principal's tenant, always reset it.

Sync and async capable. For every request:

1. ``TENANCY_AUTHENTICATOR`` turns it into a ``Principal`` (or ``None``: no credential), once;
2. ``request.principal`` and ``request.tenant_id`` are set (both ``None`` for an anonymous
   request, which then runs with no tenant bound, so scoped queries fail closed);
3. the tenant is bound in a ``ContextVar`` for the rest of the request and reset afterwards.

A malformed tenant id (``InvalidTenantId``) or a refused credential (``CredentialsRefused``) is
answered by ``TENANCY_FAILURE_VIEW`` whatever ``DEBUG`` is, and the view never runs. Exception: a
refused credential on a view marked ``credentials_optional`` (public routes), or on a path that
matches no route (the URLconf's 404 answers it), lets the request go on anonymously. The route is
only looked up on that refusal path, so accepted requests cost no extra URL resolution.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from .authentication import get_authenticator, is_credentials_optional
from .context import tenant_context
from .exceptions import CredentialsRefused, InvalidTenantId
from .failures import get_failure_view
from .validators import validate_tenant_id


class TenantMiddleware:
    """Set ``request.principal`` / ``request.tenant_id`` and bind the tenant for the request.

    The binding is reset on the way out (``tenant_context`` resets by token), also when the view
    raises, so a request never inherits the previous request's tenant. Place it before any
    middleware that queries tenant-owned models.
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
        refusal = self.authenticate(request)
        if refusal is not None:
            return refusal
        with tenant_context(request.tenant_id):
            return self.get_response(request)

    async def __acall__(self, request):
        # An authenticator may read the database (an API key), which Django only allows from
        # synchronous code: run it in the thread that serves sync views.
        refusal = await sync_to_async(self.authenticate)(request)
        if refusal is not None:
            return refusal
        with tenant_context(request.tenant_id):
            return await self.get_response(request)

    def authenticate(self, request) -> HttpResponse | None:
        """Run the authenticator once and store its answer on ``request``; return the refusal
        response, or ``None`` to go on."""
        request.principal = None
        request.tenant_id = None
        try:
            principal = get_authenticator().authenticate(request)
            if principal is not None:
                validate_tenant_id(principal.tenant_id)
        except CredentialsRefused as exc:
            if self.credentials_optional(request):
                return None
            return get_failure_view()(request, exc)
        except InvalidTenantId as exc:
            return get_failure_view()(request, exc)
        if principal is not None:
            request.principal = principal
            request.tenant_id = principal.tenant_id
        return None

    def credentials_optional(self, request) -> bool:
        """True when the request's route is marked ``credentials_optional`` or matches no route."""
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return True
        return is_credentials_optional(match.func)
