"""Tenant resolvers: turn a request into a tenant id.

``TENANCY_RESOLVER`` names the resolver class by dotted path (default ``HeaderTenantResolver``). The
class is instantiated without arguments, once; the instance is cached and the cache is dropped on
``setting_changed`` so ``override_settings`` swaps it (``tenancy.loading``).

A resolver only names a tenant. A credential that decides the tenant (an API key that belongs to
one tenant, a verified token) is an authenticator: ``tenancy.authentication``, whose default asks
this resolver.
"""

from typing import Protocol, runtime_checkable

from django.http import HttpRequest

from .conf import get_setting
from .exceptions import InvalidTenantId
from .loading import import_instance, load_cached
from .validators import validate_tenant_id


@runtime_checkable
class TenantResolver(Protocol):
    """Anything with ``resolve(request) -> str``.

    ``resolve`` returns the tenant id for ``request`` or raises ``InvalidTenantId`` (answered 400);
    the middleware validates the returned id as well.
    """

    def resolve(self, request: HttpRequest) -> str: ...


class HeaderTenantResolver:
    """Read the tenant from the ``X-Tenant-Id`` header (the reference server's tenant stack).

    - Surrounding spaces and tabs are stripped (HTTP optional whitespace; other control characters
      are kept so they are rejected, not silently removed).
    - Missing, empty or whitespace-only -> ``TENANCY_DEFAULT_TENANT_ID`` (default
      ``"default-tenant"``).
    - Anything else must pass ``validate_tenant_id``; otherwise ``InvalidTenantId`` (HTTP 400).
    """

    header_name = "X-Tenant-Id"

    def resolve(self, request: HttpRequest) -> str:
        return requested_tenant_id(request, self.header_name) or get_setting("DEFAULT_TENANT_ID")


def requested_tenant_id(request: HttpRequest, header_name: str = "X-Tenant-Id") -> str | None:
    """The tenant id a request names in ``header_name``, or ``None`` when the header is missing or
    blank.

    Surrounding spaces and tabs are stripped (HTTP optional whitespace; other control characters
    are kept so they are rejected, not silently removed); anything else must pass
    ``validate_tenant_id`` (``InvalidTenantId``, HTTP 400). A comma means the header was sent
    more than once (servers join repeated headers with commas): refused with that said.
    """
    raw = request.headers.get(header_name)
    value = raw.strip(" \t") if raw is not None else ""
    if "," in value:  # a header sent twice reaches the application joined with a comma
        raise InvalidTenantId(
            f"{header_name} names more than one tenant: send the header once, with one tenant id.",
            value=value,
        )
    return validate_tenant_id(value) if value else None


def import_resolver(path: object) -> TenantResolver:
    """Import and instantiate the resolver class at dotted ``path``.

    Raises ``ImproperlyConfigured`` naming ``TENANCY_RESOLVER`` when ``path`` is not a string, cannot
    be imported, or does not produce a ``TenantResolver``. The system checks ``tenancy.E001`` to
    ``tenancy.E003`` report the same three cases at start-up.
    """
    return import_instance(
        "RESOLVER",
        path,
        TenantResolver,
        what="a tenant resolver",
        method="a resolve(request) -> str",
    )


def get_tenant_resolver() -> TenantResolver:
    """The resolver named by ``TENANCY_RESOLVER``, imported on first use and cached until a
    ``TENANCY_*`` setting changes.

    Raises ``ImproperlyConfigured`` (see ``import_resolver``).
    """
    return load_cached("RESOLVER", import_resolver)
