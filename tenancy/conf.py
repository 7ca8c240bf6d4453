"""The ``TENANCY_*`` settings and their defaults, read from ``django.conf.settings`` at call time.

| setting                       | default                                             |
| ----------------------------- | --------------------------------------------------- |
| ``TENANCY_RESOLVER``          | ``"tenancy.resolvers.HeaderTenantResolver"``        |
| ``TENANCY_DEFAULT_TENANT_ID`` | ``"default-tenant"``                                |
| ``TENANCY_AUTHENTICATOR``     | ``"tenancy.authentication.ResolverAuthenticator"``  |
| ``TENANCY_FAILURE_VIEW``      | ``"tenancy.failures.failure_view"``                 |
| ``TENANCY_ROW_LEVEL_SECURITY`` | ``True`` (PostgreSQL: install the policies, send the tenant setting) |

``TENANCY_AUTHENTICATOR`` turns a request into a ``Principal`` (the default asks the resolver, so
the tenant header decides); ``TENANCY_FAILURE_VIEW`` answers the requests the middleware refuses
(a malformed tenant id, a refused credential), like Django's ``CSRF_FAILURE_VIEW``.

Nothing is cached here, so ``override_settings`` and pytest-django's ``settings`` fixture take effect
immediately; the only caches (the loaded resolver, authenticator and failure view) are cleared on
``setting_changed``.
"""

from django.conf import settings

DEFAULTS = {
    "RESOLVER": "tenancy.resolvers.HeaderTenantResolver",
    "DEFAULT_TENANT_ID": "default-tenant",
    "AUTHENTICATOR": "tenancy.authentication.ResolverAuthenticator",
    "FAILURE_VIEW": "tenancy.failures.failure_view",
    "ROW_LEVEL_SECURITY": True,
}

#: The value of the database column default. It is a literal in the migrations (parity with the
#: reference server), so it does not follow ``TENANCY_DEFAULT_TENANT_ID``.
DB_DEFAULT_TENANT_ID = "default-tenant"


def get_setting(name: str):
    """Return ``settings.TENANCY_<name>``, or its default. ``name`` is a key of ``DEFAULTS``."""
    return getattr(settings, f"TENANCY_{name}", DEFAULTS[name])


def setting_name(name: str) -> str:
    """The full Django setting name for ``name`` (``"RESOLVER"`` -> ``"TENANCY_RESOLVER"``)."""
    return f"TENANCY_{name}"
