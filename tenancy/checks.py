"""System checks of the tenancy app (run by ``manage.py check`` and at server start).

| id             | problem                                                                  |
| -------------- | ------------------------------------------------------------------------ |
| tenancy.E001   | ``TENANCY_RESOLVER`` is not a string.                                    |
| tenancy.E002   | ``TENANCY_RESOLVER`` cannot be imported.                                 |
| tenancy.E003   | ``TENANCY_RESOLVER`` does not name a tenant resolver class.              |
| tenancy.E004   | ``TENANCY_DEFAULT_TENANT_ID`` is not a valid tenant id.                  |
| tenancy.E008   | ``TENANCY_AUTHENTICATOR`` is not a string.                               |
| tenancy.E009   | ``TENANCY_AUTHENTICATOR`` cannot be imported.                            |
| tenancy.E010   | ``TENANCY_AUTHENTICATOR`` does not name an authenticator class.          |
| tenancy.E011   | ``TENANCY_FAILURE_VIEW`` is not a string.                                |
| tenancy.E012   | ``TENANCY_FAILURE_VIEW`` cannot be imported.                             |
| tenancy.E013   | ``TENANCY_FAILURE_VIEW`` does not name a view function.                  |
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

from .authentication import import_authenticator
from .conf import DEFAULTS, get_setting, setting_name
from .exceptions import InvalidTenantId
from .failures import import_failure_view
from .resolvers import import_resolver
from .validators import validate_tenant_id

MIDDLEWARE_PATH = "tenancy.middleware.TenantMiddleware"


def _check_dotted_setting(key: str, load, ids: tuple[str, str, str], hint: str) -> list:
    """The three checks of a dotted-path setting ``TENANCY_<key>``: it is a string (``ids[0]``),
    it can be imported (``ids[1]``), and ``load(path)`` accepts what it names (``ids[2]``, with
    ``hint``)."""
    name = setting_name(key)
    path = get_setting(key)
    if not isinstance(path, str):
        return [
            checks.Error(
                f"{name} must be a string, got {type(path).__name__}.",
                hint=f"Set {name} to a dotted path such as {DEFAULTS[key]!r}.",
                id=ids[0],
            )
        ]
    try:
        import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"{name} = {path!r} cannot be imported: {exc}",
                hint="Check the module path and the name.",
                id=ids[1],
            )
        ]
    try:
        load(path)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint=hint, id=ids[2])]
    return []


@checks.register(checks.Tags.compatibility)
def check_resolver_setting(app_configs=None, **kwargs):
    """tenancy.E001-E003: ``TENANCY_RESOLVER`` names an importable resolver class."""
    return _check_dotted_setting(
        "RESOLVER",
        import_resolver,
        ("tenancy.E001", "tenancy.E002", "tenancy.E003"),
        "Point it at a class with a resolve(request) -> str method that can be instantiated "
        "without arguments.",
    )


@checks.register(checks.Tags.compatibility)
def check_authenticator_setting(app_configs=None, **kwargs):
    """tenancy.E008-E010: ``TENANCY_AUTHENTICATOR`` names an importable authenticator class."""
    return _check_dotted_setting(
        "AUTHENTICATOR",
        import_authenticator,
        ("tenancy.E008", "tenancy.E009", "tenancy.E010"),
        "Point it at a class with an authenticate(request) -> Principal | None method that can "
        "be instantiated without arguments.",
    )


@checks.register(checks.Tags.compatibility)
def check_failure_view_setting(app_configs=None, **kwargs):
    """tenancy.E011-E013: ``TENANCY_FAILURE_VIEW`` names an importable view function."""
    return _check_dotted_setting(
        "FAILURE_VIEW",
        import_failure_view,
        ("tenancy.E011", "tenancy.E012", "tenancy.E013"),
        "Point it at a function view(request, exception) -> HttpResponse.",
    )


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
