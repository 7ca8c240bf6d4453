"""Isolation even when the database holds a cross-tenant through row (inserted with raw SQL)."""

import pytest
from django.db import connection

from agents.models import Agent, AgentPolicy
from policies.models import Policy
from tenancy.context import tenant_context
from tests.factories import make_agent, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrupt():
    """acme's agent linked to acme's policy properly, and to globex's policy by a raw row."""
    agent = make_agent("acme")
    own = make_policy("acme", "acme-policy")
    foreign = make_policy("globex", "globex-policy")
    agent.policies.add(own)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agents_agentpolicy (tenant_id, agent_id, policy_id) VALUES (%s, %s, %s)",
            ["acme", agent.pk, foreign.pk],
        )
    return agent, own, foreign


def test_many_to_many_manager_hides_the_foreign_policy(corrupt):
    agent = corrupt[0]
    with tenant_context("acme"):
        assert [p.name for p in agent.policies.all()] == ["acme-policy"]
        assert agent.policies.count() == 1
    assert [p.name for p in agent.policies.all()] == ["acme-policy"]


def test_reverse_many_to_many_manager_hides_the_foreign_agent(corrupt):
    foreign = corrupt[2]
    with tenant_context("globex"):
        assert list(foreign.agents.all()) == []


def test_prefetch_many_to_many_hides_the_foreign_policy(corrupt):
    with tenant_context("acme"):
        agents = list(Agent.objects.prefetch_related("policies"))
        assert [[p.name for p in a.policies.all()] for a in agents] == [["acme-policy"]]


def test_prefetch_in_system_context_hides_the_foreign_policy(corrupt):
    agents = list(Agent.all_tenants.prefetch_related("policies"))
    assert [[p.name for p in a.policies.all()] for a in agents] == [["acme-policy"]]


def test_prefetch_with_unscoped_queryset_still_matches_by_tenant(corrupt):
    from django.db.models import Prefetch

    agents = list(
        Agent.all_tenants.prefetch_related(
            Prefetch("policies", queryset=Policy.all_tenants.order_by("name"))
        )
    )
    assert [[p.name for p in a.policies.all()] for a in agents] == [["acme-policy"]]


def test_forward_foreign_key_does_not_reach_the_foreign_policy(corrupt):
    with tenant_context("acme"):
        rows = list(AgentPolicy.objects.order_by("id"))
        assert rows[0].policy.name == "acme-policy"
        with pytest.raises(Policy.DoesNotExist):
            rows[1].policy  # noqa: B018


def test_prefetch_forward_foreign_key_leaves_the_foreign_policy_out(corrupt):
    with tenant_context("acme"):
        rows = list(AgentPolicy.objects.order_by("id").prefetch_related("policy"))
        assert rows[0].policy.name == "acme-policy"
        with pytest.raises(Policy.DoesNotExist):
            rows[1].policy  # noqa: B018


def test_default_manager_join_filters_stay_in_tenant(corrupt):
    with tenant_context("acme"):
        assert list(Policy.objects.filter(agents__name="support-bot-01").values_list("name")) == [
            ("acme-policy",)
        ]
