"""The database refuses what would cross tenants, whoever writes it (SQLite and PostgreSQL):
raw SQL linking rows of two tenants, malformed tenant ids, ORM upserts reaching another tenant's
row, and fixtures mixing tenants. And where a cross-tenant row is forced in anyway (the guard
removed by hand), joins along tenant keys still never pair it with the other tenant's row."""

import json
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from agents.models import Agent, AgentPolicy
from policies.models import Policy, PolicyControl
from tenancy.context import tenant_context
from tenancy.exceptions import InvalidTenantId, TenantMismatch
from tests.factories import make_agent, make_control, make_policy
from tests.raw_sql import execute_as_system
from tests.snapshots import rows_by_model

pytestmark = pytest.mark.django_db

CREATED = "2026-12-01T00:00:00Z"
LINK = "INSERT INTO agents_agentpolicy (tenant_id, agent_id, policy_id) VALUES (%s, %s, %s)"


@pytest.fixture
def world():
    agent = make_agent("acme")
    own = make_policy("acme", "acme-policy")
    foreign = make_policy("globex", "globex-policy")
    agent.policies.add(own)
    return agent, own, foreign


def refused(sql: str, params: list, tenant: str | None = "acme") -> str:
    """Run ``sql`` as ``tenant`` (constraints checked at once) and return the database's refusal."""
    with (
        pytest.raises(IntegrityError) as refusal,
        transaction.atomic(),
        tenant_context(tenant),
        connection.cursor() as cursor,
    ):
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)
    return str(refusal.value)


def fk_message(table: str, column: str, parent: str) -> str:
    if connection.vendor == "postgresql":
        return f'violates foreign key constraint "{table}_{column}_tenant_fk"'
    return f"{table}.{column} must name a {parent} row of the same tenant"


def test_raw_sql_link_to_another_tenants_policy_is_refused(world):
    agent, _, foreign = world
    before = rows_by_model()
    message = refused(LINK, ["acme", agent.pk, foreign.pk])
    assert fk_message("agents_agentpolicy", "policy_id", "policies_policy") in message
    assert rows_by_model() == before


def test_raw_sql_link_from_another_tenants_agent_is_refused(world):
    agent, _, foreign = world
    message = refused(LINK, ["globex", agent.pk, foreign.pk], tenant="globex")
    assert fk_message("agents_agentpolicy", "agent_id", "agents_agent") in message


def test_raw_sql_repointing_a_link_at_another_tenant_is_refused(world):
    _, _, foreign = world
    sql = "UPDATE agents_agentpolicy SET policy_id = %s"
    message = refused(sql, [foreign.pk])
    assert fk_message("agents_agentpolicy", "policy_id", "policies_policy") in message


@pytest.mark.parametrize("tenant_id", ["", "bad tenant!/..", "tab\tinside"])
def test_raw_sql_row_with_a_malformed_tenant_id_is_refused(tenant_id):
    sql = "INSERT INTO policies_policy (tenant_id, name, created_at) VALUES (%s, 'p', CURRENT_TIMESTAMP)"
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        execute_as_system(sql, [tenant_id])
    expected = (
        'violates check constraint "policies_policy_tenant_id_valid"'
        if connection.vendor == "postgresql"
        else "policies_policy.tenant_id must be 1-64 characters from letters, digits"
    )
    assert expected in str(refusal.value)


def upsert(model, objs, unique: list, update: list):
    return model.objects.bulk_create(
        objs, update_conflicts=True, unique_fields=unique, update_fields=update
    )


def test_upsert_cannot_move_another_tenants_row():
    theirs = make_agent("globex", "globex-agent-1")
    with tenant_context("acme"), pytest.raises(TenantMismatch) as refusal:
        upsert(Agent, [Agent(pk=theirs.pk, name="stolen-agent-01")], ["id"], ["tenant_id", "name"])
    assert str(refusal.value) == (
        "tenant_id cannot be changed with bulk_create(update_conflicts=True)."
    )
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [
        ("globex", "globex-agent-1")
    ]


# SQLite cannot take a conflict target of an index that holds its rowid column: there the
# primary key (id) is the target, which ``refuse_foreign_primary_keys`` keeps within the tenant.
PK_TARGET = ["tenant_id", "id"] if connection.vendor == "postgresql" else ["id"]


def test_upsert_cannot_reuse_another_tenants_id():
    theirs = make_agent("globex", "globex-agent-1")
    with tenant_context("acme"), pytest.raises(TenantMismatch) as refusal:
        upsert(Agent, [Agent(pk=theirs.pk, name="stolen-agent-01")], PK_TARGET, ["name"])
    assert str(refusal.value) == (
        f"Agent {theirs.pk} exists in another tenant; it cannot be overwritten or duplicated "
        "from here."
    )
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [
        ("globex", "globex-agent-1")
    ]


def test_upsert_cannot_repoint_another_tenants_link(world):
    agent, own, _ = world
    theirs = make_agent("globex", "globex-agent-1")
    their_link = AgentPolicy.all_tenants.create(agent=theirs, policy=make_policy("globex", "p2"))
    with tenant_context("acme"), pytest.raises(TenantMismatch):
        link = AgentPolicy(pk=their_link.pk, agent=agent, policy=own)
        upsert(AgentPolicy, [link], PK_TARGET, ["agent", "policy"])
    their_link.refresh_from_db()
    assert (their_link.tenant_id, their_link.agent_id) == ("globex", theirs.pk)


def test_upsert_within_the_tenant_still_works():
    mine = make_agent("acme", "acme-agent-01")
    with tenant_context("acme"):
        upsert(Agent, [Agent(pk=mine.pk, name="acme-agent-02")], PK_TARGET, ["name"])
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [("acme", "acme-agent-02")]


def write_fixture(tmp_path, rows: list[dict]) -> str:
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(rows))
    return str(path)


def test_fixture_linking_two_tenants_is_refused(tmp_path):
    policy = make_policy("acme")
    control = make_control("globex")
    fixture = write_fixture(
        tmp_path,
        [
            {
                "model": "policies.policycontrol",
                "pk": 90,
                "fields": {"tenant_id": "acme", "policy": policy.pk, "control": control.pk},
            }
        ],
    )
    with pytest.raises(TenantMismatch, match="belongs to another tenant"):
        call_command("loaddata", fixture, verbosity=0)
    assert PolicyControl.all_tenants.count() == 0


@pytest.mark.parametrize(
    ("tenant_id", "message"),
    [("", "must not be empty"), ("bad tenant!/..", "may only contain")],
)
def test_fixture_with_a_malformed_tenant_id_is_refused(tmp_path, tenant_id, message):
    fields = {"tenant_id": tenant_id, "name": "p", "created_at": CREATED}
    row = {"model": "policies.policy", "pk": 91, "fields": fields}
    with pytest.raises(InvalidTenantId, match=message):
        call_command("loaddata", write_fixture(tmp_path, [row]), verbosity=0)
    assert Policy.all_tenants.count() == 0


def test_fixture_loaded_inside_its_tenant_is_installed(tmp_path):
    fields = {"tenant_id": "acme", "name": "p", "created_at": CREATED}
    row = {"model": "policies.policy", "pk": 92, "fields": fields}
    with tenant_context("acme"):
        call_command("loaddata", write_fixture(tmp_path, [row]), verbosity=0)
    assert list(Policy.all_tenants.values_list("pk", "tenant_id")) == [(92, "acme")]


@contextmanager
def guard_removed(table: str, column: str):
    """Drop the composite key (PostgreSQL) or triggers (SQLite) of ``table.column`` for the rest of
    the test's transaction, to force a cross-tenant row in as a broken database would hold it."""
    name = f"{table}_{column}_tenant_fk"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on the table
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        else:
            cursor.execute(f'DROP TRIGGER "{name}_ins"')
    yield


@pytest.fixture
def corrupt(world):
    agent, _, foreign = world
    with (
        guard_removed("agents_agentpolicy", "policy_id"),
        tenant_context("acme"),
        connection.cursor() as cursor,
    ):
        cursor.execute(LINK, ["acme", agent.pk, foreign.pk])
    return world


def test_joins_never_pair_a_forced_row_with_another_tenants_row(corrupt):
    agent = corrupt[0]
    with tenant_context("acme"):
        links = AgentPolicy.objects.select_related("policy").filter(agent=agent)
        assert [link.policy.name for link in links] == ["acme-policy"]
        assert list(
            AgentPolicy.objects.filter(agent=agent).values_list("policy__name", flat=True)
        ) == ["acme-policy"]
        assert Agent.objects.filter(policies__name="globex-policy").exists() is False
        assert [p.name for p in agent.policies.all()] == ["acme-policy"]


def test_related_managers_and_prefetch_never_reach_a_forced_row(corrupt):
    foreign = corrupt[2]
    with tenant_context("globex"):
        assert list(foreign.agents.all()) == []
    with tenant_context("acme"):
        fetched = Agent.objects.prefetch_related("policies").get()
        assert [p.name for p in fetched.policies.all()] == ["acme-policy"]
        forced = AgentPolicy.objects.get(policy_id=foreign.pk)
        with pytest.raises(Policy.DoesNotExist):
            forced.policy  # noqa: B018
