"""Tenant isolation of the agent <-> policy and agent <-> control routes in both directions:
another tenant's agent, policy or control is exactly a missing one, and the same agent name in two
tenants has independent links."""

import pytest

from policies.models import PolicyControl
from tests.agents.associations.link_helpers import (
    AGENT,
    DELETE_HINT,
    GET_HINT,
    control_links,
    policy_links,
    url,
)
from tests.factories import make_policy
from tests.reference_errors import (
    agent_not_found,
    control_not_found,
    no_policy_assigned,
    policy_not_found,
    problem,
)

pytestmark = pytest.mark.django_db


def test_other_tenants_policy_cannot_be_attached_to_own_agent(api, acme, globex):
    for method, segment in (("post", "policies"), ("post", "policy"), ("delete", "policies")):
        path = url(AGENT, segment, acme["p1"].pk)
        response = getattr(api, method)(path, tenant="globex")
        assert problem(response) == policy_not_found(acme["p1"].pk, path)
    assert policy_links() == []


def test_own_policy_cannot_be_attached_to_another_tenants_agent(api, acme):
    policy = make_policy("globex")
    for method, segment in (("post", "policies"), ("post", "policy")):
        path = url(AGENT, segment, policy.pk)
        response = getattr(api, method)(path, tenant="globex")
        assert problem(response) == agent_not_found(AGENT, path)
    assert policy_links() == []


def test_other_tenants_control_cannot_be_attached_or_detached(api, acme, globex):
    acme["agent"].controls.add(acme["control"])
    globex["agent"].controls.add(globex["control"])
    before = control_links()
    for method in ("post", "delete"):
        path = url(AGENT, "controls", acme["control"].pk)
        response = getattr(api, method)(path, tenant="globex")
        assert problem(response) == control_not_found(acme["control"].pk, path)
    assert control_links() == before


def test_same_agent_name_in_two_tenants_has_independent_links(api, acme, globex):
    acme["agent"].policies.add(acme["p1"])
    acme["agent"].controls.add(acme["control"])
    path = url(AGENT, "policy")
    assert api.get(url(AGENT, "policies"), tenant="globex").json() == {"policy_ids": []}
    assert problem(api.get(path, tenant="globex")) == no_policy_assigned(AGENT, path, GET_HINT)
    assert problem(api.delete(path, tenant="globex")) == no_policy_assigned(
        AGENT, path, DELETE_HINT
    )
    assert api.delete(url(AGENT, "policies"), tenant="globex").status_code == 200
    assert api.post(url(AGENT, "policy", globex["policy"].pk), tenant="globex").json() == {
        "success": True,
        "old_policy_id": None,
    }
    response = api.delete(url(AGENT, "controls", globex["control"].pk), tenant="globex")
    assert response.json()["removed_direct_association"] is False
    assert policy_links() == [
        ("acme", AGENT, acme["p1"].pk),
        ("globex", AGENT, globex["policy"].pk),
    ]
    assert control_links() == [("acme", AGENT, acme["control"].pk)]


def test_agent_of_another_tenant_is_exactly_a_missing_agent(api, acme):
    for method, suffix in (
        ("get", ("policies",)),
        ("delete", ("policies",)),
        ("get", ("policy",)),
        ("delete", ("policy",)),
        ("post", ("controls", acme["control"].pk)),
    ):
        path = url(AGENT, *suffix)
        response = getattr(api, method)(path, tenant="globex")
        assert problem(response) == agent_not_found(AGENT, path)


def test_control_still_active_only_counts_the_agents_own_policies(api, acme, globex):
    acme["p1"].controls.add(acme["control"])
    acme["agent"].policies.add(acme["p1"])
    globex["policy"].controls.add(globex["control"])
    globex["agent"].controls.add(globex["control"])
    body = api.delete(url(AGENT, "controls", globex["control"].pk), tenant="globex").json()
    assert body == {
        "success": True,
        "removed_direct_association": True,
        "control_still_active": False,
    }
    assert PolicyControl.all_tenants.count() == 2
