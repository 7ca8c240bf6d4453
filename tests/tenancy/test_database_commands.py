"""The operators' database commands and check: ``tenancy_app_role`` (the role the app serves
as), ``tenancy_distribute --dry-run`` (Citus) and ``tenancy.W002`` (a role that bypasses
row-level security)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenancy import checks

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite refusals")

TABLES = [
    "credentials_apikey",
    "agents_agent",
    "policies_control",
    "policies_policy",
    "observability_controlexecutionevent",
    "quotas_tenantlimits",
    "agents_agentpolicy",
    "agents_agentcontrol",
    "policies_controlversion",
    "policies_policycontrol",
    "policies_controlbinding",
]


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def grants(role: str, database: str) -> list[str]:
    return [
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}";',
        f'GRANT USAGE ON SCHEMA "public" TO "{role}";',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "{role}";',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "{role}";',
        'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" '
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}";',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT USAGE, SELECT ON SEQUENCES TO "{role}";',
    ]


@on_postgresql
@pytest.mark.django_db
def test_app_role_sql_creates_a_role_held_to_row_level_security(monkeypatch):
    monkeypatch.setenv("APP_DB_PASSWORD", "s3cret'pw")
    database = connection.settings_dict["NAME"]
    assert run("tenancy_app_role", "controlplane_app_x", "--print", "--password-env",
               "APP_DB_PASSWORD") == [
        'CREATE ROLE "controlplane_app_x" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE '
        "PASSWORD 's3cret''pw';",
        *grants("controlplane_app_x", database),
    ]  # fmt: skip


@on_postgresql
@pytest.mark.django_db
def test_app_role_sql_alters_a_role_that_exists():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current,) = cursor.fetchone()
    lines = run("tenancy_app_role", current, "--print")
    assert lines[0] == (
        f'ALTER ROLE "{current}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;'
    )


@on_postgresql
@pytest.mark.django_db
def test_app_role_refuses_an_empty_password_variable(monkeypatch):
    monkeypatch.delenv("NO_SUCH_PASSWORD", raising=False)
    with pytest.raises(CommandError) as raised:
        run("tenancy_app_role", "controlplane_app_x", "--password-env", "NO_SUCH_PASSWORD")
    assert str(raised.value) == "The environment variable NO_SUCH_PASSWORD is empty or unset."


@on_postgresql
@pytest.mark.django_db
def test_distribute_dry_run_lists_every_tenant_table_parents_first_colocated():
    assert run("tenancy_distribute", "--dry-run") == [
        f"SELECT create_distributed_table('{table}', 'tenant_id', colocate_with => "
        f"'{'none' if table == TABLES[0] else TABLES[0]}');"
        for table in TABLES
    ]


@on_postgresql
@pytest.mark.django_db
def test_distribute_without_citus_says_how_to_install_it():
    with pytest.raises(CommandError) as raised:
        run("tenancy_distribute")
    assert str(raised.value) == (
        "The citus extension is not installed in this database (CREATE EXTENSION citus; as a "
        "superuser), or use --dry-run."
    )


@on_sqlite
@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("tenancy_app_role", "tenancy_app_role is for PostgreSQL; SQLite has no roles."),
        ("tenancy_distribute", "Citus is a PostgreSQL extension; this database is not PostgreSQL."),
    ],
)
def test_the_database_commands_refuse_sqlite(command, message):
    args = ("controlplane_app_x", "--print") if command == "tenancy_app_role" else ("--dry-run",)
    with pytest.raises(CommandError) as raised:
        run(command, *args)
    assert str(raised.value) == message


class FakeCursor:
    def __init__(self, row):
        self.row = row

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.sql = sql

    def fetchone(self):
        return self.row


class FakeConnection:
    vendor = "postgresql"

    def __init__(self, row):
        self.row = row

    def cursor(self):
        return FakeCursor(self.row)


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        (("owner", True, False), "a superuser"),
        (("owner", False, True), "a role with BYPASSRLS"),
        (("owner", True, True), "a superuser"),
    ],
)
def test_w002_names_a_role_that_row_level_security_does_not_hold(monkeypatch, row, kind):
    monkeypatch.setattr(checks, "connections", {"default": FakeConnection(row)})
    (warning,) = checks.check_row_security_role(databases=["default"])
    assert (warning.id, warning.msg) == (
        "tenancy.W002",
        f"Database 'default' is connected as 'owner', {kind}: row-level security does not apply "
        "to it, so the database does not check tenants.",
    )


def test_w002_is_silent_for_a_role_held_to_row_level_security(monkeypatch):
    monkeypatch.setattr(checks, "connections", {"default": FakeConnection(("app", False, False))})
    assert checks.check_row_security_role(databases=["default"]) == []


@on_postgresql
@pytest.mark.django_db
def test_w002_is_silent_for_the_suites_own_role():
    """The PostgreSQL half of ./dev test runs as controlplane_test: no superuser, no BYPASSRLS."""
    assert checks.check_row_security_role(databases=["default"]) == []
