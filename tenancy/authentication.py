"""Authenticators: turn a request into a ``Principal`` (who calls, in which tenant) once, before
the tenant is bound.

``TENANCY_AUTHENTICATOR`` names the class by dotted path (default ``ResolverAuthenticator``). It is
instantiated without arguments, once, and cached until a ``TENANCY_*`` setting changes
(``tenancy.loading``). ``TenantMiddleware`` calls it for every request that reaches a view.

The contract, as DRF's ``BaseAuthentication.authenticate``:

- return a ``Principal``: the request runs in ``principal.tenant_id``;
- return ``None``: the request carries no credential; it runs anonymously, with no tenant bound
  (scoped queries fail closed) until an authorisation layer refuses it;
- raise ``CredentialsRefused`` (``AuthenticationFailed`` 401, ``TenantForbidden`` 403): a
  credential was presented and is refused; the middleware answers through
  ``TENANCY_FAILURE_VIEW``, except for views marked ``credentials_optional``;
- raise ``InvalidTenantId``: the request names a malformed tenant (400).
"""

from typing import Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from .loading import import_instance, load_cached
from .principals import Principal
from .resolvers import get_tenant_resolver

#: The attribute ``credentials_optional`` sets on a view function.
CREDENTIALS_OPTIONAL_ATTR = "tenancy_credentials_optional"


@runtime_checkable
class Authenticator(Protocol):
    """Anything with ``authenticate(request) -> Principal | None`` (see the module docstring).

    An authenticator may also say whether callers must present a credential
    (``requires_credentials``, read with ``getattr``; absent means ``True``): the OpenAPI document
    uses it to say whether anonymous calls are accepted.
    """

    def authenticate(self, request: HttpRequest) -> Principal | None: ...


class ResolverAuthenticator:
    """The default: no credential, the tenant comes from ``TENANCY_RESOLVER`` (the ``X-Tenant-Id``
    header by default) and the caller may do everything. Development only when the network is
    not trusted: any caller can name any tenant.

    Always returns a ``Principal`` (kind ``"resolver"``); raises ``InvalidTenantId`` for a
    malformed tenant id and ``ImproperlyConfigured`` when the resolver returns a non-string.
    """

    requires_credentials = False

    def authenticate(self, request: HttpRequest) -> Principal:
        tenant_id = get_tenant_resolver().resolve(request)
        if not isinstance(tenant_id, str):
            raise ImproperlyConfigured(
                f"TENANCY_RESOLVER returned {type(tenant_id).__name__}, expected a str tenant id."
            )
        return Principal(tenant_id=tenant_id, kind="resolver")


def import_authenticator(path: object) -> Authenticator:
    """Import and instantiate the authenticator class at dotted ``path``.

    Raises ``ImproperlyConfigured`` naming ``TENANCY_AUTHENTICATOR`` when ``path`` is not a string,
    cannot be imported, or does not produce an ``Authenticator`` (system checks ``tenancy.E008`` to
    ``tenancy.E010``).
    """
    return import_instance(
        "AUTHENTICATOR",
        path,
        Authenticator,
        what="an authenticator",
        method="an authenticate(request) -> Principal | None",
    )


def get_authenticator() -> Authenticator:
    """The authenticator named by ``TENANCY_AUTHENTICATOR`` (cached; see ``import_authenticator``)."""
    return load_cached("AUTHENTICATOR", import_authenticator)


def credentials_optional(view):
    """Mark a view function as reachable without a valid credential (public routes, such as a
    health check): a refused credential does not stop the request, which then runs anonymously
    (``request.principal is None``, no tenant bound). A valid credential still binds its tenant.

    For a class-based view, decorate ``dispatch`` (``method_decorator(credentials_optional,
    name="dispatch")``): Django copies its attributes onto the view function.
    """
    setattr(view, CREDENTIALS_OPTIONAL_ATTR, True)
    return view


def is_credentials_optional(view) -> bool:
    """True if ``view`` was marked with ``credentials_optional``."""
    return getattr(view, CREDENTIALS_OPTIONAL_ATTR, False) is True
