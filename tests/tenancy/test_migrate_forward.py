"""``migrate`` on a database created before the database wall, with rows in it: the rows stay, the
keys become tenant-leading (and row-level security is switched on, PostgreSQL), and rows that
would break the wall stop the migration with a clear message and change nothing.

Runs ``manage.py migrate`` in a subprocess on a scratch database of its own, as a user would.
"""

import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tenancy import schema
from tenancy.introspection import tenant_foreign_keys

ROOT = Path(__file__).resolve().parents[2]
BEFORE_THE_WALL = [("policies", "0002"), ("agents", "0002"), ("observability", "0002")]
pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch(tmp_path):
    """``(database url, run(sql, params) -> rows)`` for a new, empty database."""
    if connection.vendor == "sqlite":
        path = tmp_path / "scratch.sqlite3"

        def run(sql, params=()):
            with sqlite3.connect(path) as db:
                db.create_function(
                    "REGEXP", 2, lambda pattern, text: bool(re.search(pattern, text))
                )
                return db.execute(sql, params).fetchall()

        yield f"sqlite:///{path}", run
        return
    settings = connection.settings_dict
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    server = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def run(sql, params=()):
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            db.execute("SELECT set_config('tenancy.bypass', 'on', false)")  # system code's view
            cursor = db.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    try:
        yield f"{server}/{name}", run
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str, *target: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "CONN_MAX_AGE": "0"}
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", *target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def old_schema_with_rows(url, run, *, cross_tenant_link: bool = False) -> None:
    for app, number in BEFORE_THE_WALL:
        assert migrate(url, app, number).returncode == 0
    now = "CURRENT_TIMESTAMP"
    for tenant, offset in (("acme", 0), ("globex", 10)):
        run(
            f"INSERT INTO agents_agent (id, tenant_id, name, steps, evaluators, created_at, "
            f"updated_at) VALUES ({offset + 1}, '{tenant}', 'support-bot-01', '[]', '[]', {now}, {now})"
        )
        run(
            f"INSERT INTO policies_policy (id, tenant_id, name, created_at) "
            f"VALUES ({offset + 2}, '{tenant}', 'baseline', {now})"
        )
        run(
            f"INSERT INTO policies_control (id, tenant_id, name, data, created_at, updated_at) "
            f"VALUES ({offset + 3}, '{tenant}', 'block-secret', '{{}}', {now}, {now})"
        )
        run(
            f"INSERT INTO policies_policycontrol (tenant_id, policy_id, control_id) "
            f"VALUES ('{tenant}', {offset + 2}, {offset + 3})"
        )
        run(
            f"INSERT INTO agents_agentpolicy (tenant_id, agent_id, policy_id) "
            f"VALUES ('{tenant}', {offset + 1}, {offset + 2})"
        )
    if cross_tenant_link:  # acme's agent linked to globex's control: allowed by the old keys
        run(
            "INSERT INTO agents_agentcontrol (tenant_id, agent_id, control_id) VALUES ('acme', 1, 13)"
        )


COUNTS = (
    "SELECT (SELECT count(*) FROM agents_agent), (SELECT count(*) FROM policies_policy), "
    "(SELECT count(*) FROM policies_control), (SELECT count(*) FROM policies_policycontrol), "
    "(SELECT count(*) FROM agents_agentpolicy), (SELECT count(*) FROM agents_agentcontrol)"
)


def test_migrate_forward_keeps_the_rows_and_installs_the_wall(scratch):
    url, run = scratch
    old_schema_with_rows(url, run)
    result = migrate(url)
    assert result.returncode == 0, result.stderr
    if connection.vendor == "postgresql":
        keys = run(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'p' AND conrelid::regclass::text = 'agents_agentpolicy'"
        )
        assert keys == [("agents_agentpolicy", "PRIMARY KEY (tenant_id, id)")]
        secured = run("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'agents_agent'")
        assert secured == [(True,)]
    else:
        triggers = run(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%tenant_fk%'"
        )
        foreign_keys = sum(len(tenant_foreign_keys(m)) for m in schema.tenant_models())
        assert triggers == [(2 * foreign_keys,)]  # on insert and on update of each
    assert run(COUNTS) == [(2, 2, 2, 2, 2, 0)]


def test_migrate_forward_refuses_a_cross_tenant_link_and_changes_nothing(scratch):
    url, run = scratch
    old_schema_with_rows(url, run, cross_tenant_link=True)
    result = migrate(url)
    assert result.returncode == 1
    assert (
        "agents_agentcontrol: control_id names a policies_control row of another tenant "
        "(or none): ids [1]"
    ) in result.stderr
    if connection.vendor == "postgresql":
        keys = run(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'p' AND conrelid::regclass::text = 'agents_agent'"
        )
        assert keys == [("PRIMARY KEY (id)",)]
    else:
        assert run("SELECT count(*) FROM sqlite_master WHERE name LIKE '%tenant_fk%'") == [(0,)]
    assert run(COUNTS) == [(2, 2, 2, 2, 2, 1)]
