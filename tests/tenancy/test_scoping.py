"""Scoping: every read and write of the default manager sees only the bound tenant; none bound
raises; the unscoped manager is explicit."""

import pytest
from django.db.models import Count, Max

from agents.models import Agent
from policies.models import Policy
from tenancy.context import tenant_context
from tenancy.exceptions import NoTenantBound
from tests.factories import make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tenants():
    make_agent("acme", "acme-agent-01", description="a")
    make_agent("acme", "acme-agent-02", description="a")
    make_agent("globex", "globex-agent-1", description="g")


@pytest.mark.parametrize(
    "operation",
    [
        lambda: list(Agent.objects.all()),
        lambda: Agent.objects.filter(name="x"),
        lambda: Agent.objects.get(name="x"),
        lambda: Agent.objects.count(),
        lambda: Agent.objects.exists(),
        lambda: Agent.objects.update(description="x"),
        lambda: Agent.objects.all().delete(),
        lambda: list(Agent.objects.values("name")),
        lambda: list(Agent.objects.iterator()),
        lambda: Agent.objects.aggregate(Max("name")),
        lambda: Agent.objects.first(),
        lambda: Agent.objects.in_bulk(),
    ],
)
def test_default_manager_fails_closed_without_tenant(two_tenants, operation):
    with pytest.raises(NoTenantBound):
        operation()
    assert Agent.all_tenants.count() == 3


def test_reads_are_scoped(two_tenants):
    with tenant_context("acme"):
        assert sorted(Agent.objects.values_list("name", flat=True)) == [
            "acme-agent-01",
            "acme-agent-02",
        ]
        assert Agent.objects.count() == 2
        assert Agent.objects.filter(name="globex-agent-1").exists() is False
        assert Agent.objects.aggregate(n=Count("id")) == {"n": 2}
        assert [a.name for a in Agent.objects.order_by("name").iterator()] == [
            "acme-agent-01",
            "acme-agent-02",
        ]
        with pytest.raises(Agent.DoesNotExist):
            Agent.objects.get(name="globex-agent-1")
        assert sorted(agent.name for agent in Agent.objects.in_bulk().values()) == [
            "acme-agent-01",
            "acme-agent-02",
        ]


def test_update_and_delete_are_scoped(two_tenants):
    with tenant_context("acme"):
        assert Agent.objects.update(description="changed") == 2
        assert Agent.objects.filter(name="acme-agent-01").delete() == (
            1,
            {"agents.Agent": 1},
        )
    assert sorted(Agent.all_tenants.values_list("name", "description")) == [
        ("acme-agent-02", "changed"),
        ("globex-agent-1", "g"),
    ]


def test_unscoped_manager_sees_every_tenant(two_tenants):
    assert sorted(Agent.all_tenants.values_list("tenant_id", flat=True)) == [
        "acme",
        "acme",
        "globex",
    ]
    with tenant_context("acme"):
        assert Agent.all_tenants.count() == 3


def test_queryset_built_in_one_tenant_keeps_its_scope():
    make_agent("acme", "acme-agent-01")
    make_agent("globex", "globex-agent-1")
    with tenant_context("acme"):
        queryset = Agent.objects.all()
    with tenant_context("globex"):
        assert [a.name for a in queryset] == ["acme-agent-01"]


def test_nested_tenant_context_restores_the_outer_tenant():
    with tenant_context("acme"):
        with tenant_context("globex"):
            Policy.objects.create(name="inner")
        Policy.objects.create(name="outer")
    assert sorted(Policy.all_tenants.values_list("name", "tenant_id")) == [
        ("inner", "globex"),
        ("outer", "acme"),
    ]
