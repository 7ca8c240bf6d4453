"""Through rows take the parent's tenant on every path; cross-tenant links are refused."""

import pytest
from django.db import transaction

from agents.models import Agent, AgentControl, AgentPolicy
from policies.models import Control, Policy, PolicyControl
from tenancy.context import tenant_context
from tenancy.exceptions import TenantMismatch
from tests.factories import REGEX_DENY, make_agent, make_control, make_policy

pytestmark = pytest.mark.django_db


def links(model):
    return sorted(model.all_tenants.values_list("tenant_id", flat=True))


@pytest.fixture
def acme():
    return {
        "agent": make_agent("acme"),
        "policy": make_policy("acme", "baseline"),
        "policy2": make_policy("acme", "strict"),
        "control": make_control("acme"),
    }


def test_forward_add_in_tenant(acme):
    with tenant_context("acme"):
        acme["agent"].policies.add(acme["policy"])
    assert links(AgentPolicy) == ["acme"]


def test_forward_add_in_system_context_copies_agent_tenant(acme):
    acme["agent"].policies.add(acme["policy"], acme["policy2"])
    acme["agent"].controls.add(acme["control"])
    assert links(AgentPolicy) == ["acme", "acme"]
    assert links(AgentControl) == ["acme"]


def test_add_by_primary_key_in_system_context(acme):
    acme["agent"].policies.add(acme["policy"].pk)
    assert links(AgentPolicy) == ["acme"]


def test_set_replaces_links_in_tenant(acme):
    agent = acme["agent"]
    agent.policies.add(acme["policy"])
    agent.policies.set([acme["policy2"]])
    assert list(AgentPolicy.all_tenants.values_list("policy__name", "tenant_id")) == [
        ("strict", "acme")
    ]


def test_create_through_related_manager_stamps_both_rows(acme):
    policy = acme["agent"].policies.create(name="created-inline")
    assert policy.tenant_id == "acme"
    assert links(AgentPolicy) == ["acme"]


def test_through_defaults_matching_tenant_is_accepted(acme):
    acme["agent"].policies.add(acme["policy"], through_defaults={"tenant_id": "acme"})
    assert links(AgentPolicy) == ["acme"]


def test_through_defaults_with_other_tenant_is_refused(acme):
    with pytest.raises(TenantMismatch), transaction.atomic():
        acme["agent"].policies.add(acme["policy"], through_defaults={"tenant_id": "globex"})
    assert links(AgentPolicy) == []


def test_reverse_side_add_copies_agent_tenant(acme):
    acme["policy"].agents.add(acme["agent"])
    acme["control"].policies.add(acme["policy"])
    assert links(AgentPolicy) == ["acme"]
    assert links(PolicyControl) == ["acme"]


def test_reverse_foreign_key_manager_create(acme):
    acme["agent"].agent_policies.create(policy=acme["policy"])
    assert links(AgentPolicy) == ["acme"]


def test_through_model_create_and_bulk_create_in_system_context(acme):
    AgentPolicy.all_tenants.create(agent=acme["agent"], policy=acme["policy"])
    AgentPolicy.all_tenants.bulk_create(
        [AgentPolicy(agent_id=acme["agent"].pk, policy_id=acme["policy2"].pk)]
    )
    PolicyControl.all_tenants.bulk_create(
        [PolicyControl(policy_id=acme["policy"].pk, control_id=acme["control"].pk)]
    )
    assert links(AgentPolicy) == ["acme", "acme"]
    assert links(PolicyControl) == ["acme"]


def test_through_model_objects_create_in_tenant(acme):
    with tenant_context("acme"):
        AgentControl.objects.create(agent=acme["agent"], control=acme["control"])
    assert links(AgentControl) == ["acme"]


def test_policy_control_takes_policys_tenant(acme):
    acme["policy"].controls.add(acme["control"])
    assert list(PolicyControl.all_tenants.values_list("tenant_id", flat=True)) == ["acme"]


def test_cross_tenant_add_is_refused_and_nothing_written(acme):
    foreign = make_policy("globex", "baseline")
    with pytest.raises(TenantMismatch, match="both ends must share a tenant"), transaction.atomic():
        acme["agent"].policies.add(acme["policy"], foreign)
    assert links(AgentPolicy) == []


def test_cross_tenant_add_by_primary_key_is_refused(acme):
    foreign = make_control("globex")
    with pytest.raises(TenantMismatch), transaction.atomic():
        acme["agent"].controls.add(foreign.pk)
    assert links(AgentControl) == []


def test_cross_tenant_bulk_create_is_refused_and_nothing_written(acme):
    foreign = make_policy("globex", "baseline")
    rows = [
        AgentPolicy(agent=acme["agent"], policy=acme["policy"]),
        AgentPolicy(agent=acme["agent"], policy=foreign),
    ]
    with pytest.raises(TenantMismatch):
        AgentPolicy.all_tenants.bulk_create(rows)
    assert links(AgentPolicy) == []


def test_related_manager_of_another_tenants_parent_is_refused(acme):
    with tenant_context("globex"), pytest.raises(TenantMismatch):
        acme["agent"].policies.add(acme["policy"])
    with tenant_context("globex"), pytest.raises(TenantMismatch):
        list(acme["agent"].policies.all())
    assert links(AgentPolicy) == []


def test_through_row_for_parent_of_other_tenant_while_bound_is_refused(acme):
    with tenant_context("globex"), pytest.raises(TenantMismatch, match="while tenant 'globex'"):
        AgentPolicy.objects.create(agent=acme["agent"], policy=acme["policy"])
    assert links(AgentPolicy) == []


def test_update_cannot_point_through_row_at_other_tenant(acme):
    acme["agent"].policies.add(acme["policy"])
    foreign = make_policy("globex", "baseline")
    with pytest.raises(TenantMismatch):
        AgentPolicy.all_tenants.update(policy=foreign)
    link = AgentPolicy.all_tenants.get()
    link.policy = foreign
    with pytest.raises(TenantMismatch):
        link.save()
    assert list(AgentPolicy.all_tenants.values_list("policy_id", flat=True)) == [acme["policy"].pk]


def test_remove_and_clear_in_system_context(acme):
    agent = acme["agent"]
    agent.policies.add(acme["policy"], acme["policy2"])
    agent.policies.remove(acme["policy"])
    assert list(agent.policies.values_list("name", flat=True)) == ["strict"]
    agent.policies.clear()
    assert links(AgentPolicy) == []


def test_related_reads_in_system_context_use_parent_tenant(acme):
    acme["agent"].policies.add(acme["policy"])
    assert [p.name for p in acme["agent"].policies.all()] == ["baseline"]
    assert [a.name for a in acme["policy"].agents.all()] == ["support-bot-01"]
    assert acme["agent"].agent_policies.count() == 1


def test_prefetch_in_system_context_across_tenants():
    for tenant in ("acme", "globex"):
        agent = make_agent(tenant)
        agent.policies.add(make_policy(tenant, f"{tenant}-policy"))
    agents = Agent.all_tenants.order_by("tenant_id").prefetch_related("policies")
    assert [(a.tenant_id, [p.name for p in a.policies.all()]) for a in agents] == [
        ("acme", ["acme-policy"]),
        ("globex", ["globex-policy"]),
    ]


def test_control_version_takes_controls_tenant():
    from policies.models import ControlVersion

    control = make_control("acme")
    ControlVersion.all_tenants.create(
        control=control, version_num=1, event_type="created", snapshot={"data": REGEX_DENY}
    )
    assert list(ControlVersion.all_tenants.values_list("tenant_id", flat=True)) == ["acme"]


def test_control_cloned_from_other_tenant_is_refused():
    source = make_control("globex")
    with tenant_context("acme"), pytest.raises(TenantMismatch):
        Control.objects.create(name="copy", data=REGEX_DENY, cloned_from=source)
    assert Control.all_tenants.count() == 1


def test_policy_agents_reverse_create_in_system_context():
    policy = make_policy("acme")
    agent = policy.agents.create(name="created-from-policy")
    assert agent.tenant_id == "acme"
    assert links(AgentPolicy) == ["acme"]
    assert Policy.all_tenants.get().agents.get().name == "created-from-policy"
