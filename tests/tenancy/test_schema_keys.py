"""The database keys of every tenant table lead with ``tenant_id`` (PostgreSQL: the readiness of
the schema for Citus, which distributes on ``tenant_id``), the guards SQLite can hold are in
place, and installing the wall is idempotent and refuses rows that break it."""

import pytest
from django.db import connection

from tenancy import schema
from tenancy.introspection import tenant_foreign_keys
from tests.factories import make_agent, make_policy
from tests.raw_sql import execute_as_system

pytestmark = pytest.mark.django_db

TENANT_TABLES = {
    "agents_agent",
    "agents_agentcontrol",
    "agents_agentpolicy",
    "credentials_apikey",
    "observability_controlexecutionevent",
    "policies_control",
    "policies_controlbinding",
    "policies_controlversion",
    "policies_policy",
    "policies_policycontrol",
    "quotas_tenantlimits",
}
postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL catalog")
sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite guards")


def catalog(sql: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_tenant_tables_are_the_tenant_models():
    assert {model._meta.db_table for model in schema.tenant_models()} == TENANT_TABLES


@postgres
def test_every_primary_key_is_tenant_id_then_id():
    rows = catalog(
        """SELECT c.conrelid::regclass::text,
                  ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                        ORDER BY k.o)
             FROM pg_constraint c WHERE c.contype = 'p' AND c.conrelid::regclass::text = ANY(%s)""",
        [sorted(TENANT_TABLES)],
    )
    assert sorted(rows) == [(table, ["tenant_id", "id"]) for table in sorted(TENANT_TABLES)]


@postgres
def test_every_unique_index_leads_with_tenant_id():
    rows = catalog(
        """SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, a.attname
             FROM pg_index i JOIN pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indisunique AND i.indrelid::regclass::text = ANY(%s)""",
        [sorted(TENANT_TABLES)],
    )
    assert sorted(rows) == [
        ("agents_agent", "agents_agent_pkey", "tenant_id"),
        ("agents_agent", "agents_agent_tenant_name_uniq", "tenant_id"),
        ("agents_agentcontrol", "agents_agentcontrol_pkey", "tenant_id"),
        ("agents_agentcontrol", "agents_agentcontrol_tenant_pair_uniq", "tenant_id"),
        ("agents_agentpolicy", "agents_agentpolicy_pkey", "tenant_id"),
        ("agents_agentpolicy", "agents_agentpolicy_tenant_pair_uniq", "tenant_id"),
        ("credentials_apikey", "credentials_apikey_pkey", "tenant_id"),
        ("credentials_apikey", "credentials_key_prefix", "tenant_id"),
        (
            "observability_controlexecutionevent",
            "observability_controlexecutionevent_pkey",
            "tenant_id",
        ),
        ("observability_controlexecutionevent", "observability_event_tenant_id_uniq", "tenant_id"),
        ("policies_control", "policies_control_pkey", "tenant_id"),
        ("policies_control", "policies_control_tenant_name_active_uniq", "tenant_id"),
        ("policies_controlbinding", "policies_binding_natural_key_uniq", "tenant_id"),
        ("policies_controlbinding", "policies_controlbinding_pkey", "tenant_id"),
        ("policies_controlversion", "policies_controlversion_pkey", "tenant_id"),
        ("policies_controlversion", "policies_controlversion_tenant_num_uniq", "tenant_id"),
        ("policies_policy", "policies_policy_pkey", "tenant_id"),
        ("policies_policy", "policies_policy_tenant_name_uniq", "tenant_id"),
        ("policies_policycontrol", "policies_policycontrol_pkey", "tenant_id"),
        ("policies_policycontrol", "policies_policycontrol_tenant_pair_uniq", "tenant_id"),
        ("quotas_tenantlimits", "quotas_limits_one_per_tenant", "tenant_id"),
        ("quotas_tenantlimits", "quotas_tenantlimits_pkey", "tenant_id"),
    ]


@postgres
def test_every_foreign_key_is_composite_on_the_tenant():
    rows = catalog(
        """SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text,
                  ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                        ORDER BY k.o),
                  ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                        ORDER BY k.o),
                  c.condeferrable, c.condeferred
             FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            ORDER BY 2""",
        [sorted(TENANT_TABLES)],
    )
    expected = sorted(
        (
            model._meta.db_table,
            f"{model._meta.db_table}_{field.column}_tenant_fk",
            field.related_model._meta.db_table,
            ["tenant_id", field.column],
            ["tenant_id", "id"],
            True,
            True,
        )
        for model in schema.tenant_models()
        for field in tenant_foreign_keys(model)
    )
    assert len(rows) == 9
    assert sorted(rows, key=lambda row: row[1]) == sorted(expected, key=lambda row: row[1])


@postgres
def test_every_tenant_table_forces_the_tenant_policy():
    rows = catalog(
        """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                  ARRAY(SELECT p.polname FROM pg_policy p WHERE p.polrelid = c.oid)
             FROM pg_class c WHERE c.relname = ANY(%s) AND c.relkind = 'r'""",
        [sorted(TENANT_TABLES)],
    )
    assert sorted(rows) == [
        (table, True, True, [schema.POLICY_NAME]) for table in sorted(TENANT_TABLES)
    ]


@sqlite
def test_sqlite_holds_a_tenant_key_and_triggers_for_every_tenant_foreign_key():
    names = {row[0] for row in catalog("SELECT name FROM sqlite_master")}
    for model in schema.tenant_models():
        table = model._meta.db_table
        assert {f"{table}_tenant_key", f"{table}_tenant_id_valid_ins"} <= names
        for field in tenant_foreign_keys(model):
            name = schema.foreign_key_name(model, field)
            assert {f"{name}_ins", f"{name}_upd"} <= names


def test_installing_again_changes_nothing():
    assert schema.install() == []


@sqlite
def test_install_refuses_rows_that_break_a_tenant_rule():
    agent = make_agent("acme")
    foreign = make_policy("globex")
    execute_as_system('DROP TRIGGER "agents_agentpolicy_policy_id_tenant_fk_ins"')
    execute_as_system(
        "INSERT INTO agents_agentpolicy (tenant_id, agent_id, policy_id) VALUES ('acme', %s, %s)",
        [agent.pk, foreign.pk],
    )
    with pytest.raises(schema.UnsafeTenantData) as refusal:
        schema.install()
    assert str(refusal.value).splitlines()[1:] == [
        "agents_agentpolicy: policy_id names a policies_policy row of another tenant (or none): "
        f"ids [{agent.policies.through.all_tenants.get().pk}]"
    ]
