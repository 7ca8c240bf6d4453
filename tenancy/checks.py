"""System checks of the tenancy app (run by ``manage.py check`` and at server start).

| id             | problem                                                                  |
| -------------- | ------------------------------------------------------------------------ |
| tenancy.E001   | ``TENANCY_RESOLVER`` is not a string.                                    |
| tenancy.E002   | ``TENANCY_RESOLVER`` cannot be imported.                                 |
| tenancy.E003   | ``TENANCY_RESOLVER`` does not name a tenant resolver class.              |
| tenancy.E004   | ``TENANCY_DEFAULT_TENANT_ID`` is not a valid tenant id.                  |
| tenancy.W001   | ``tenancy.middleware.TenantMiddleware`` is not in ``MIDDLEWARE``.        |
| tenancy.W002   | PostgreSQL: the connected role is a superuser or has ``BYPASSRLS``, so   |
|                | row-level security does not hold it (``check --database default``).     |

``tenancy.E005`` / ``tenancy.E006`` (a ``TenantManager`` on the wrong model, a bad
``tenant_parent``) are checked by the manager itself: ``tenancy.managers.TenantManager.check()``;
``tenancy.E007`` (a ``TenantForeignKey`` with ``db_constraint=True``) by the field.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
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


@checks.register(checks.Tags.database)
def check_row_security_role(app_configs=None, databases=None, **kwargs):
    """tenancy.W002: on PostgreSQL the app's role must be held to row-level security."""
    messages = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql" or not get_setting("ROW_LEVEL_SECURITY"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
            role, superuser, bypass = cursor.fetchone()
        if superuser or bypass:
            kind = "a superuser" if superuser else "a role with BYPASSRLS"
            messages.append(
                checks.Warning(
                    f"Database {alias!r} is connected as {role!r}, {kind}: row-level security "
                    "does not apply to it, so the database does not check tenants.",
                    hint="Serve as a role created with `manage.py tenancy_app_role <role>` "
                    "(NOSUPERUSER NOBYPASSRLS); keep the owner role for migrate.",
                    id="tenancy.W002",
                )
            )
    return messages
