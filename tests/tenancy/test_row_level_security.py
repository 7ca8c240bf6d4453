"""Row-level security on PostgreSQL (documented as PostgreSQL-only: SQLite has none): raw SQL run
by the app's role reads and writes only the bound tenant's rows, nothing with no tenant bound,
and everything only through ``bypass_row_security()``. The settings never outlive a transaction.

``./dev test`` runs the PostgreSQL half of the suite as ``controlplane_test``, a role that is
neither superuser nor BYPASSRLS, so these tests (and every other) run under the policy.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from tenancy.context import tenant_context
from tenancy.rls import bypass_row_security
from tests.factories import make_agent

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level security"),
    pytest.mark.django_db,
]

INSERT = (
    "INSERT INTO agents_agent (tenant_id, name, steps, evaluators, created_at, updated_at) "
    "VALUES (%s, %s, '[]', '[]', now(), now())"
)


def raw(sql: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else [cursor.rowcount]


@pytest.fixture
def agents():
    return make_agent("acme", "acme-agent-01"), make_agent("globex", "globex-agent-1")


def test_the_suite_runs_as_a_role_that_row_level_security_holds():
    assert raw("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") == [
        (False, False)
    ]


def test_raw_reads_inside_a_tenant_see_only_its_rows(agents):
    with tenant_context("acme"):
        assert raw("SELECT tenant_id, name FROM agents_agent ORDER BY name") == [
            ("acme", "acme-agent-01")
        ]
        assert raw("SELECT count(*) FROM agents_agent WHERE tenant_id = 'globex'") == [(0,)]


def test_raw_insert_of_another_tenants_row_is_refused(agents):
    with (
        tenant_context("acme"),
        pytest.raises(
            DatabaseError, match='violates row-level security policy for table "agents_agent"'
        ),
        transaction.atomic(),
    ):
        raw(INSERT, ["globex", "planted-agent-1"])
    with bypass_row_security():
        assert raw("SELECT count(*) FROM agents_agent") == [(2,)]


def test_raw_update_and_delete_of_another_tenants_row_touch_nothing(agents):
    globex = agents[1]
    with tenant_context("acme"):
        assert raw("UPDATE agents_agent SET description = 'x' WHERE id = %s", [globex.pk]) == [0]
        assert raw("DELETE FROM agents_agent WHERE id = %s", [globex.pk]) == [0]
    with bypass_row_security():
        assert raw("SELECT description FROM agents_agent WHERE id = %s", [globex.pk]) == [(None,)]


def test_moving_a_row_to_another_tenant_is_refused(agents):
    with (
        tenant_context("acme"),
        pytest.raises(DatabaseError, match="violates row-level security policy"),
        transaction.atomic(),
    ):
        raw("UPDATE agents_agent SET tenant_id = 'globex'")


def test_with_no_tenant_bound_nothing_is_visible_or_writable(agents):
    assert raw("SELECT count(*) FROM agents_agent") == [(0,)]
    with (
        pytest.raises(DatabaseError, match="violates row-level security policy"),
        transaction.atomic(),
    ):
        raw(INSERT, ["acme", "planted-agent-1"])


def test_bypass_is_the_one_way_to_see_every_tenant(agents):
    with bypass_row_security():
        assert raw("SELECT tenant_id FROM agents_agent ORDER BY tenant_id") == [
            ("acme",),
            ("globex",),
        ]


def test_settings_are_local_to_the_transaction_they_guard():
    setting = (
        "SELECT current_setting('tenancy.tenant_id', true), current_setting('tenancy.bypass', true)"
    )
    with tenant_context("acme"):
        assert raw(setting) == [("acme", "off")]
    assert raw(setting) == [("", "off")]
    with bypass_row_security():
        assert raw(setting) == [("", "on")]


def test_a_request_leaves_nothing_bound_on_its_connection(api, agents):
    assert api.get("/api/v1/agents", tenant="acme").json()["pagination"]["total"] == 1
    assert raw("SELECT count(*) FROM agents_agent") == [(0,)]
