"""Tenant resolvers: turn a request into a tenant id.

``TENANCY_RESOLVER`` names the resolver class by dotted path (default ``HeaderTenantResolver``). The
class is instantiated without arguments, once; the instance is cached and the cache is dropped on
``setting_changed`` so ``override_settings`` swaps it. An auth-bound resolver (an API key that
belongs to one tenant) plugs in the same way.
"""

from typing import Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.module_loading import import_string

from .conf import get_setting, setting_name
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
        raw = request.headers.get(self.header_name)
        value = raw.strip(" \t") if raw is not None else ""
        if not value:
            return get_setting("DEFAULT_TENANT_ID")
        return validate_tenant_id(value)


def import_resolver(path: object) -> TenantResolver:
    """Import and instantiate the resolver class at dotted ``path``.

    Raises ``ImproperlyConfigured`` naming ``TENANCY_RESOLVER`` when ``path`` is not a string, cannot
    be imported, or does not produce a ``TenantResolver``. The system checks ``tenancy.E001`` to
    ``tenancy.E003`` report the same three cases at start-up.
    """
    name = setting_name("RESOLVER")
    if not isinstance(path, str):
        raise ImproperlyConfigured(
            f"{name} must be a dotted path string to a resolver class, "
            f"got {type(path).__name__} {path!r}."
        )
    try:
        resolver_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{name} = {path!r} could not be imported: {exc}") from exc
    try:
        resolver = resolver_class() if isinstance(resolver_class, type) else None
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"{name} = {path!r} must be instantiable without arguments: {exc}"
        ) from exc
    if resolver is None or not isinstance(resolver, TenantResolver):
        raise ImproperlyConfigured(
            f"{name} = {path!r} is not a tenant resolver: it must name a class whose instances "
            "have a resolve(request) -> str method."
        )
    return resolver


_cached_resolver: TenantResolver | None = None


def get_tenant_resolver() -> TenantResolver:
    """The resolver named by ``TENANCY_RESOLVER``, imported on first use and cached.

    Raises ``ImproperlyConfigured`` (see ``import_resolver``).
    """
    global _cached_resolver
    if _cached_resolver is None:
        _cached_resolver = import_resolver(get_setting("RESOLVER"))
    return _cached_resolver


@receiver(setting_changed)
def _clear_resolver_cache(*, setting: str, **kwargs) -> None:
    global _cached_resolver
    if setting in (setting_name("RESOLVER"), setting_name("DEFAULT_TENANT_ID")):
        _cached_resolver = None
