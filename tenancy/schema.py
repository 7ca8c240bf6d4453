"""The database wall: tenant-leading keys and row-level security, derived from the models.

Django sees every tenant table as it declares it (``id`` is its primary key, ``TenantForeignKey``
is a plain foreign key column with ``db_constraint=False``). In the database, after every
``migrate`` (a ``post_migrate`` receiver calls ``install``; it is idempotent and changes nothing
when everything is in place), each tenant table also gets:

PostgreSQL
  - ``PRIMARY KEY (tenant_id, id)`` instead of ``(id)``: the keys lead with the tenant, so the
    schema distributes on ``tenant_id`` (Citus, see ``docs/scaling.md``);
  - ``CHECK`` that ``tenant_id`` is a valid tenant id (``tenancy.validators``);
  - for every ``TenantForeignKey`` a composite ``FOREIGN KEY (tenant_id, <fk>) REFERENCES
    parent (tenant_id, id) DEFERRABLE INITIALLY DEFERRED``: no writer can link rows of two tenants;
  - ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` with the policy of ``tenancy.rls`` (when
    ``TENANCY_ROW_LEVEL_SECURITY`` is on, the default).

SQLite (which cannot add constraints to a table without rebuilding it)
  - ``UNIQUE (tenant_id, id)``;
  - triggers refusing an invalid ``tenant_id`` and a ``TenantForeignKey`` value that does not name
    a row of the same tenant (on insert and on update). Deleting a parent that still has children is
    not refused on SQLite (Django cascades in Python); PostgreSQL's composite keys refuse it.

Why not Django's ``CompositePrimaryKey``: in Django 5.2 a model with one cannot be registered in
the admin nor be the target of a ``ForeignKey``. So ``pk`` stays ``id`` in Python (unique on its own
in practice: it comes from one sequence) while the database key is ``(tenant_id, id)``. A schema
change that rebuilds a tenant table (``AlterField`` of ``id``, or any table rebuild on SQLite) is
repaired by the next ``migrate``.

Existing rows that would break a new key (a cross-tenant link, a malformed tenant id) stop the
installation with ``UnsafeTenantData`` naming the table, the rule and the first offending ids;
nothing is changed until they are fixed.
"""

from django.apps import apps
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor

from .conf import get_setting
from .exceptions import TenancyError
from .introspection import is_tenant_model, tenant_foreign_keys
from .rls import BYPASS_SETTING, TENANT_SETTING, bypass_row_security
from .validators import TENANT_ID_MAX_LENGTH

TENANT_ID_REGEX = rf"^[A-Za-z0-9._:-]{{1,{TENANT_ID_MAX_LENGTH}}}$"
POLICY_NAME = "tenancy_tenant_isolation"
POLICY_CONDITION = (
    f"tenant_id = current_setting('{TENANT_SETTING}', true) "
    f"OR current_setting('{BYPASS_SETTING}', true) = 'on'"
)


class UnsafeTenantData(TenancyError, CommandError):
    """Rows already in the database break a tenant rule; the wall is not installed until they are
    fixed or deleted (a ``CommandError``, so ``migrate`` prints the message without a traceback)."""


def tenant_models() -> list:
    """Every concrete, managed tenant model, in app registry order."""
    return [
        model
        for model in apps.get_models()
        if is_tenant_model(model) and model._meta.managed and not model._meta.proxy
    ]


def foreign_key_name(model, field) -> str:
    """The name of ``field``'s composite key (PostgreSQL) or triggers (SQLite)."""
    return f"{model._meta.db_table}_{field.column}_tenant_fk"[:63]


def _names(model, field):
    """``(table, column, parent table, parent key column)``."""
    target = field.related_model
    return model._meta.db_table, field.column, target._meta.db_table, field.target_field.column


def _violations(cursor, model) -> list[str]:
    """Human descriptions of rows of ``model`` that break a tenant rule (first 5 ids each)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    problems = []
    checks = [
        (
            f"tenant_id is not a valid tenant id ({TENANT_ID_REGEX})",
            f'SELECT "{pk}" FROM "{table}" WHERE NOT ({_tenant_id_valid_sql(cursor)})',
        )
    ]
    for field in tenant_foreign_keys(model):
        _, column, parent, parent_key = _names(model, field)
        checks.append(
            (
                f"{column} names a {parent} row of another tenant (or none)",
                f'SELECT c."{pk}" FROM "{table}" c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{parent}" p WHERE p."{parent_key}" = c."{column}" '
                f"AND p.tenant_id = c.tenant_id)",
            )
        )
    for rule, sql in checks:
        cursor.execute(sql + " ORDER BY 1 LIMIT 5")
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            problems.append(f"{table}: {rule}: ids {ids}")
    return problems


def _tenant_id_valid_sql(cursor) -> str:
    if cursor.db.vendor == "postgresql":
        return f"tenant_id ~ '{TENANT_ID_REGEX}'"
    return (
        f"tenant_id IS NOT NULL AND length(tenant_id) BETWEEN 1 AND {TENANT_ID_MAX_LENGTH} "
        "AND tenant_id NOT GLOB '*[^A-Za-z0-9._:-]*'"
    )


def fully_migrated(using: str = "default") -> bool:
    """True when every migration of the project is applied on ``using``."""
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def install(using: str = "default") -> list[str]:
    """Install whatever part of the wall is missing on database ``using``; returns the
    statements executed (empty when nothing was missing). Raises ``UnsafeTenantData``."""
    connection = connections[using]
    installer = {"postgresql": _postgresql, "sqlite": _sqlite}.get(connection.vendor)
    if installer is None:
        return []
    models = tenant_models()
    with transaction.atomic(using=using), bypass_row_security(), connection.cursor() as cursor:
        statements = installer(cursor, models)
        if statements:
            problems = [problem for model in models for problem in _violations(cursor, model)]
            if problems:
                raise UnsafeTenantData(
                    "Rows break the tenant rules; fix or delete them, then run migrate again:\n"
                    + "\n".join(problems)
                )
        for statement in statements:
            cursor.execute(statement)
    return statements


def _pg_state(cursor, tables: list[str]) -> dict:
    cursor.execute(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               (SELECT pk.conname FROM pg_constraint pk
                 WHERE pk.conrelid = c.oid AND pk.contype = 'p'),
               ARRAY(SELECT a.attname
                       FROM pg_constraint pk
                       CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                      WHERE pk.conrelid = c.oid AND pk.contype = 'p' ORDER BY k.ord),
               ARRAY(SELECT conname FROM pg_constraint WHERE conrelid = c.oid),
               ARRAY(SELECT polname FROM pg_policy WHERE polrelid = c.oid)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
        """,
        [tables],
    )
    return {
        row[0]: {
            "rls": row[1] and row[2],
            "pk_name": row[3],
            "pk": list(row[4]),
            "constraints": set(row[5]),
            "policies": set(row[6]),
        }
        for row in cursor.fetchall()
    }


def _postgresql(cursor, models) -> list[str]:
    state = _pg_state(cursor, [model._meta.db_table for model in models])
    keys, checks, foreign, security = [], [], [], []
    for model in models:
        table, pk = model._meta.db_table, model._meta.pk.column
        current = state[table]
        if current["pk"] != ["tenant_id", pk]:
            drop = f'DROP CONSTRAINT "{current["pk_name"]}", ' if current["pk_name"] else ""
            keys.append(
                f'ALTER TABLE "{table}" {drop}ADD CONSTRAINT "{table}_pkey" '
                f'PRIMARY KEY (tenant_id, "{pk}")'
            )
        check = f"{table}_tenant_id_valid"[:63]
        if check not in current["constraints"]:
            checks.append(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{check}" '
                f"CHECK (tenant_id ~ '{TENANT_ID_REGEX}')"
            )
        for field in tenant_foreign_keys(model):
            name = foreign_key_name(model, field)
            if name not in current["constraints"]:
                _, column, parent, parent_key = _names(model, field)
                foreign.append(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" FOREIGN KEY '
                    f'(tenant_id, "{column}") REFERENCES "{parent}" (tenant_id, "{parent_key}") '
                    "DEFERRABLE INITIALLY DEFERRED"
                )
        if get_setting("ROW_LEVEL_SECURITY"):
            if not current["rls"]:
                security.append(
                    f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY'
                )
            if POLICY_NAME not in current["policies"]:
                security.append(
                    f'CREATE POLICY "{POLICY_NAME}" ON "{table}" '
                    f"USING ({POLICY_CONDITION}) WITH CHECK ({POLICY_CONDITION})"
                )
    return keys + checks + foreign + security


def _sqlite_objects(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")
    return {row[0] for row in cursor.fetchall()}


def _raise(message: str) -> str:
    return "SELECT RAISE(ABORT, '" + message.replace("'", "''") + "')"


def _trigger(name: str, when: str, table: str, condition: str, message: str) -> str:
    return (
        f'CREATE TRIGGER "{name}" {when} ON "{table}" FOR EACH ROW WHEN {condition} '
        f"BEGIN {_raise(message)}; END"
    )


def _sqlite(cursor, models) -> list[str]:
    existing = _sqlite_objects(cursor)
    statements = []
    for model in models:
        table, pk = model._meta.db_table, model._meta.pk.column
        unique = f"{table}_tenant_key"
        if unique not in existing:
            statements.append(f'CREATE UNIQUE INDEX "{unique}" ON "{table}" (tenant_id, "{pk}")')
        invalid = (
            f"NEW.tenant_id IS NULL OR length(NEW.tenant_id) NOT BETWEEN 1 AND "
            f"{TENANT_ID_MAX_LENGTH} OR NEW.tenant_id GLOB '*[^A-Za-z0-9._:-]*'"
        )
        message = f"{table}.tenant_id must be 1-{TENANT_ID_MAX_LENGTH} characters from letters, digits, '.', '_', ':' and '-'"
        for event, when in (("ins", "BEFORE INSERT"), ("upd", "BEFORE UPDATE OF tenant_id")):
            name = f"{table}_tenant_id_valid_{event}"
            if name not in existing:
                statements.append(_trigger(name, when, table, f"({invalid})", message))
        for field in tenant_foreign_keys(model):
            _, column, parent, parent_key = _names(model, field)
            name = foreign_key_name(model, field)
            condition = (
                f'(NEW."{column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "{parent}" '
                f'WHERE "{parent_key}" = NEW."{column}" AND tenant_id = NEW.tenant_id))'
            )
            message = f"{table}.{column} must name a {parent} row of the same tenant"
            events = (
                ("ins", "BEFORE INSERT"),
                ("upd", f'BEFORE UPDATE OF tenant_id, "{column}"'),
            )
            for event, when in events:
                if f"{name}_{event}" not in existing:
                    statements.append(_trigger(f"{name}_{event}", when, table, condition, message))
    return statements
