"""The ORM's own statements carry the tenant: joins along tenant keys, ``save()``,
``refresh_from_db()`` and ``delete()`` (with cascades) of a loaded row; ``all_tenants`` statements
run past row-level security, and nothing else does. Also checks the checker
(``tests.sql_tenancy``) on statements with and without a tenant predicate."""

import pytest
from django.db import connection

from agents.models import Agent, AgentPolicy
from policies.models import Policy
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy
from tests.sql_tenancy import StatementRecorder, unanchored_tenant_tables

pytestmark = pytest.mark.django_db


def dialect() -> str:
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def recorded(call):
    recorder = StatementRecorder()
    with connection.execute_wrapper(recorder):
        call()
    return recorder.statements


def unanchored(statements) -> list:
    return [
        (sql.split(" ")[0], sorted(unanchored_tenant_tables(sql, dialect())))
        for sql, _ in statements
        if unanchored_tenant_tables(sql, dialect())
    ]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            'SELECT "agents_agent"."id" FROM "agents_agent" WHERE "agents_agent"."name" = %s',
            {"agents_agent"},
        ),
        (
            'SELECT "agents_agent"."id" FROM "agents_agent" WHERE "agents_agent"."tenant_id" = %s',
            set(),
        ),
        ('UPDATE "agents_agent" SET "name" = %s WHERE "agents_agent"."id" = %s', {"agents_agent"}),
        (
            'DELETE FROM "agents_agent" WHERE ("agents_agent"."tenant_id" = %s AND "agents_agent"."id" IN (%s))',
            set(),
        ),
        ('INSERT INTO "policies_policy" ("tenant_id", "name") VALUES (%s, %s)', set()),
        ('INSERT INTO "policies_policy" ("name") VALUES (%s)', {"policies_policy"}),
        (
            'SELECT 1 FROM "agents_agentpolicy" INNER JOIN "policies_policy" ON '
            '("agents_agentpolicy"."policy_id" = "policies_policy"."id") '
            'WHERE "agents_agentpolicy"."tenant_id" = %s',
            {"policies_policy"},
        ),
        (
            'SELECT 1 FROM "agents_agentpolicy" INNER JOIN "policies_policy" ON '
            '("agents_agentpolicy"."policy_id" = "policies_policy"."id" AND '
            '("agents_agentpolicy"."tenant_id" = ("policies_policy"."tenant_id"))) '
            'WHERE "agents_agentpolicy"."tenant_id" = %s',
            set(),
        ),
        ("SAVEPOINT s1", set()),
    ],
)
def test_the_checker_finds_tenant_tables_without_a_tenant_predicate(sql, expected):
    assert unanchored_tenant_tables(sql, dialect()) == expected


def test_joins_along_tenant_keys_carry_the_tenant():
    agent = make_agent("acme")
    agent.policies.add(make_policy("acme"))
    with tenant_context("acme"):
        statements = recorded(
            lambda: (
                list(AgentPolicy.objects.select_related("policy", "agent")),
                list(AgentPolicy.objects.values_list("policy__name", "agent__name")),
                Agent.objects.filter(policies__name="baseline").exists(),
                list(Policy.objects.filter(agents__name="support-bot-01")),
            )
        )
    assert len(statements) == 4
    assert unanchored(statements) == []


def test_save_refresh_and_cascading_delete_of_a_loaded_row_name_the_tenant():
    agent = make_agent("acme")
    agent.policies.add(make_policy("acme"))
    agent.controls.add(make_control("acme"))
    with tenant_context("acme"):
        loaded = Agent.objects.get()

        def work():
            loaded.description = "changed"
            loaded.save()
            loaded.refresh_from_db()
            loaded.delete()

        statements = recorded(work)
    verbs = [
        sql.split(" ")[0] for sql, _ in statements if not sql.startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert verbs == ["UPDATE", "SELECT", "DELETE", "DELETE", "DELETE"]
    assert unanchored(statements) == []
    assert (Agent.all_tenants.count(), AgentPolicy.all_tenants.count()) == (0, 0)


def test_system_code_deletes_each_tenant_by_name():
    for tenant in ("acme", "globex"):
        make_agent(tenant).policies.add(make_policy(tenant))
    statements = recorded(lambda: Agent.all_tenants.all().delete())
    deletes = [sql.split(" WHERE ")[0] for sql, _ in statements if sql.startswith("DELETE")]
    # the links of both tables (tenant_id IN the agents' tenants), then each tenant's agents
    assert deletes == [
        'DELETE FROM "agents_agentpolicy"',
        'DELETE FROM "agents_agentcontrol"',
        'DELETE FROM "agents_agent"',
        'DELETE FROM "agents_agent"',
    ]
    assert unanchored([(sql, b) for sql, b in statements if sql.startswith("DELETE")]) == []
    assert Agent.all_tenants.count() == 0


def test_only_all_tenants_statements_bypass_row_security():
    make_agent("acme")
    with tenant_context("acme"):
        scoped = recorded(lambda: list(Agent.objects.all()))
    unscoped = recorded(lambda: list(Agent.all_tenants.all()))
    assert [bypassed for _, bypassed in scoped] == [False]
    assert [bypassed for _, bypassed in unscoped] == [True]
