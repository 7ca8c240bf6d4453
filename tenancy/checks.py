"""System checks of the tenancy app (run by ``manage.py check`` and at server start).

| id             | problem                                                                  |
| -------------- | ------------------------------------------------------------------------ |
| tenancy.E001   | ``TENANCY_RESOLVER`` is not a string.                                    |
| tenancy.E002   | ``TENANCY_RESOLVER`` cannot be imported.                                 |
| tenancy.E003   | ``TENANCY_RESOLVER`` does not name a tenant resolver class.              |
| tenancy.E004   | ``TENANCY_DEFAULT_TENANT_ID`` is not a valid tenant id.                  |
| tenancy.W001   | ``tenancy.middleware.TenantMiddleware`` is not in ``MIDDLEWARE``.        |

``tenancy.E005`` / ``tenancy.E006`` (a ``TenantManager`` on the wrong model, a bad
``tenant_parent``) are checked by the manager itself: ``tenancy.managers.TenantManager.check()``.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .conf import get_setting, setting_name
from .exceptions import InvalidTenantId
from .resolvers import import_resolver
from .validators import validate_tenant_id

MIDDLEWARE_PATH = "tenancy.middleware.TenantMiddleware"


@checks.register(checks.Tags.compatibility)
def check_resolver_setting(app_configs=None, **kwargs):
    """tenancy.E001-E003: ``TENANCY_RESOLVER`` names an importable resolver class."""
    name = setting_name("RESOLVER")
    path = get_setting("RESOLVER")
    if not isinstance(path, str):
        return [
            checks.Error(
                f"{name} must be a string, got {type(path).__name__}.",
                hint=f"Set {name} to a dotted path such as "
                "'tenancy.resolvers.HeaderTenantResolver'.",
                id="tenancy.E001",
            )
        ]
    try:
        import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"{name} = {path!r} cannot be imported: {exc}",
                hint="Check the module path and the class name.",
                id="tenancy.E002",
            )
        ]
    try:
        import_resolver(path)
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="Point it at a class with a resolve(request) -> str method that can be "
                "instantiated without arguments.",
                id="tenancy.E003",
            )
        ]
    return []


@checks.register(checks.Tags.compatibility)
def check_default_tenant_setting(app_configs=None, **kwargs):
    """tenancy.E004: ``TENANCY_DEFAULT_TENANT_ID`` is a valid tenant id."""
    name = setting_name("DEFAULT_TENANT_ID")
    try:
        validate_tenant_id(get_setting("DEFAULT_TENANT_ID"))
    except InvalidTenantId as exc:
        return [
            checks.Error(
                f"{name} is not a valid tenant id: {exc}",
                hint="Use 1-64 characters from letters, digits, '.', '_', ':' and '-'.",
                id="tenancy.E004",
            )
        ]
    return []


@checks.register(checks.Tags.compatibility)
def check_middleware_installed(app_configs=None, **kwargs):
    """tenancy.W001: ``TenantMiddleware`` is installed, otherwise views run with no tenant bound."""
    if MIDDLEWARE_PATH not in getattr(settings, "MIDDLEWARE", []):
        return [
            checks.Warning(
                f"{MIDDLEWARE_PATH} is not in MIDDLEWARE; requests will run with no tenant bound "
                "and scoped queries will raise NoTenantBound.",
                hint=f"Add {MIDDLEWARE_PATH!r} to MIDDLEWARE.",
                id="tenancy.W001",
            )
        ]
    return []
