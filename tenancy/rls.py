r"""Row-level security on PostgreSQL: the database's own check of the tenant on every statement.

Each tenant table has a policy (installed by ``tenancy.schema``)::

    USING (tenant_id = current_setting('tenancy.tenant_id', true)
           OR current_setting('tenancy.bypass', true) = 'on')
    WITH CHECK (<the same>)

and ``FORCE ROW LEVEL SECURITY``, so the table's owner is held to it too (superusers and roles with
``BYPASSRLS`` never are: the app must run as neither, see ``tenancy_app_role``).

The two settings are *transaction-local*: every row statement a Django connection executes is
sent together with ``SELECT set_config('tenancy.tenant_id', <bound tenant>, true), set_config(
'tenancy.bypass', 'on'|'off', true)`` in the same query string (the connection's cursor class
does it, below Django's query log and ``execute_wrapper``\ s), hence the same transaction. Nothing
survives the transaction, so a pooled connection (or PgBouncer in transaction mode) never carries
one request's tenant into the next. With no tenant bound the setting is empty: zero rows visible,
none writable.

``bypass_row_security()`` is the one named way past the policy, for system code that must see every
tenant: ``Model.all_tenants`` runs its queries inside it, and so may admin views, migrations and
management commands. It changes nothing on SQLite, which has no row-level security.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .context import get_current_tenant_id

TENANT_SETTING = "tenancy.tenant_id"
BYPASS_SETTING = "tenancy.bypass"

_bypass: ContextVar[bool] = ContextVar("tenancy_rls_bypass", default=False)


@contextmanager
def bypass_row_security() -> Iterator[None]:
    """Run a block with the row-level security policy switched off for its statements.

    The explicit, named escape hatch for system code (admin change lists, ``all_tenants``,
    tenant lifecycle commands). Nests; restores the previous state on exit, also on errors.
    """
    token = _bypass.set(True)
    try:
        yield
    finally:
        _bypass.reset(token)


def row_security_bypassed() -> bool:
    """True inside ``bypass_row_security()``."""
    return _bypass.get()


def settings_sql() -> str:
    """The ``SELECT set_config(...)`` that precedes each statement (tenant ids are validated to
    ``[A-Za-z0-9._:-]``, so quoting them as literals is safe)."""
    tenant_id = get_current_tenant_id() or ""
    bypass = "on" if _bypass.get() else "off"
    return (
        f"SELECT set_config('{TENANT_SETTING}', '{tenant_id}', true), "
        f"set_config('{BYPASS_SETTING}', '{bypass}', true); "
    )


_DML = ("select", "insert", "update", "delete", "with", "(")


def _is_dml(sql: str) -> bool:
    """Statements that read or write rows (the ones row-level security applies to). DDL,
    ``CREATE DATABASE`` and savepoints are sent as they are: some cannot run in a transaction
    block, and none needs the setting."""
    return sql.lstrip()[:6].lower().startswith(_DML)


def _settings_cursor_class(base: type) -> type:
    r"""A subclass of the connection's DB-API cursor class (psycopg's client-side binding cursor,
    which allows several statements in one query) that sends ``settings_sql()`` with each row
    statement: one query string, one round trip, one transaction. The settings' result set is
    skipped, so the caller reads its statement's. ``executemany`` sends the settings first, in a
    transaction block shared with the statements. Django's query log, ``execute_wrapper``\ s and
    tests see the statement as Django wrote it."""

    class TenantSettingsCursor(base):
        def execute(self, query, params=None, **kwargs):
            if not isinstance(query, str) or not _is_dml(query):
                return super().execute(query, params, **kwargs)
            super().execute(settings_sql() + query, params, **kwargs)
            self.nextset()
            return self

        def executemany(self, query, params_seq, **kwargs):
            if not isinstance(query, str) or not _is_dml(query):
                return super().executemany(query, params_seq, **kwargs)
            with self.connection.transaction():
                super().execute(settings_sql())
                return super().executemany(query, params_seq, **kwargs)

    TenantSettingsCursor.__qualname__ = f"TenantSettings{base.__name__}"
    return TenantSettingsCursor


_cursor_classes: dict[type, type] = {}


def install(connection) -> None:
    """Send the tenant settings with every row statement of ``connection`` (PostgreSQL only;
    called for each new connection when ``TENANCY_ROW_LEVEL_SECURITY`` is on)."""
    if connection.vendor != "postgresql":
        return
    raw = connection.connection
    base = raw.cursor_factory
    if base in _cursor_classes.values():
        return
    if base not in _cursor_classes:
        _cursor_classes[base] = _settings_cursor_class(base)
    raw.cursor_factory = _cursor_classes[base]
