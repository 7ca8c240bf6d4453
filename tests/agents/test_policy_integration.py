"""API.md scenarios 11-13 as behaviour: what an agent's effective controls are after policy and
direct-control changes made through the API (read with ``agents.selectors.effective.agent_control_rows``, as the endpoints do,
the function behind ``GET /agents/{name}/controls``)."""

import pytest

from agents.selectors.effective import agent_control_rows as control_rows
from tenancy.context import tenant_context
from tests.factories import REGEX_DENY, make_agent, make_control

pytestmark = pytest.mark.django_db

TENANT = "acme"


def effective_ids(agent) -> list[int]:
    with tenant_context(agent.tenant_id):
        return [row[0] for row in control_rows(agent.pk)]


@pytest.fixture
def acme(api):
    return api.as_tenant(TENANT)


def create_policy(api, name) -> int:
    response = api.put("/api/v1/policies", {"name": name})
    assert response.status_code == 200
    return response.json()["policy_id"]


def ok(response, body=None):
    assert response.status_code == 200, response.json()
    assert response.json() == (body if body is not None else {"success": True})


# --- scenario 11: policy to agent integration ------------------------------------------------


def test_agent_sees_policy_controls_as_the_policy_changes(acme):
    agent = make_agent(TENANT, "support-bot-01")
    c1, c2, c3 = (make_control(TENANT, name) for name in ("c1", "c2", "c3"))
    policy = create_policy(acme, "baseline")
    ok(acme.post(f"/api/v1/policies/{policy}/controls/{c1.pk}"))
    ok(acme.post(f"/api/v1/agents/{agent.name}/policies/{policy}"))
    assert effective_ids(agent) == [c1.pk]

    ok(acme.post(f"/api/v1/policies/{policy}/controls/{c2.pk}"))
    assert effective_ids(agent) == [c2.pk, c1.pk]

    second = create_policy(acme, "extra")
    ok(acme.post(f"/api/v1/policies/{second}/controls/{c3.pk}"))
    ok(acme.post(f"/api/v1/policies/{second}/controls/{c1.pk}"))
    ok(acme.post(f"/api/v1/agents/{agent.name}/policies/{second}"))
    assert effective_ids(agent) == [c3.pk, c2.pk, c1.pk]

    ok(acme.delete(f"/api/v1/policies/{policy}/controls/{c2.pk}"))
    assert effective_ids(agent) == [c3.pk, c1.pk]

    ok(acme.delete(f"/api/v1/agents/{agent.name}/policies"))
    assert effective_ids(agent) == []
    ok(acme.get(f"/api/v1/agents/{agent.name}/policies"), {"policy_ids": []})


def test_agents_sharing_a_policy_see_the_same_controls(acme):
    first, second = make_agent(TENANT, "agent-one-01"), make_agent(TENANT, "agent-two-02")
    shared = make_control(TENANT, "shared")
    p1, p2 = create_policy(acme, "p1"), create_policy(acme, "p2")
    for policy in (p1, p2):
        ok(acme.post(f"/api/v1/policies/{policy}/controls/{shared.pk}"))
    ok(acme.post(f"/api/v1/agents/{first.name}/policies/{p1}"))
    ok(acme.post(f"/api/v1/agents/{second.name}/policies/{p1}"))
    ok(acme.post(f"/api/v1/agents/{second.name}/policies/{p2}"))
    assert effective_ids(first) == effective_ids(second) == [shared.pk]


def test_policy_controls_reach_only_the_tenants_own_agent_of_that_name(api):
    acme_agent = make_agent("acme", "support-bot-01")
    globex_agent = make_agent("globex", "support-bot-01")
    control = make_control("acme")
    policy = create_policy(api.as_tenant("acme"), "baseline")
    ok(api.post(f"/api/v1/policies/{policy}/controls/{control.pk}", tenant="acme"))
    ok(api.post(f"/api/v1/agents/support-bot-01/policies/{policy}", tenant="acme"))
    assert effective_ids(acme_agent) == [control.pk]
    assert effective_ids(globex_agent) == []


# --- scenario 12: compatibility single-policy routes -----------------------------------------


def test_compatibility_single_policy_flow(acme):
    agent = make_agent(TENANT, "support-bot-01")
    c1, c2 = make_control(TENANT, "c1"), make_control(TENANT, "c2")
    p1, p2 = create_policy(acme, "p1"), create_policy(acme, "p2")
    ok(acme.post(f"/api/v1/policies/{p1}/controls/{c1.pk}"))
    ok(acme.post(f"/api/v1/policies/{p2}/controls/{c2.pk}"))
    base = f"/api/v1/agents/{agent.name}/policy"

    ok(acme.post(f"{base}/{p1}"), {"success": True, "old_policy_id": None})
    ok(acme.get(base), {"policy_id": p1})
    assert effective_ids(agent) == [c1.pk]

    ok(acme.post(f"{base}/{p2}"), {"success": True, "old_policy_id": p1})
    ok(acme.get(base), {"policy_id": p2})
    assert effective_ids(agent) == [c2.pk]

    ok(acme.delete(base))
    response = acme.get(base)
    assert (response.status_code, response.json()["error_code"]) == (404, "POLICY_NOT_FOUND")
    assert effective_ids(agent) == []

    assert acme.post(f"/api/v1/agents/no-such-agent-1/policy/{p1}").status_code == 404
    assert acme.post(f"{base}/{p2 + 1000}").status_code == 404


# --- scenario 13: direct agent controls ------------------------------------------------------


def test_direct_control_flow(acme):
    agent = make_agent(TENANT, "support-bot-01")
    control = make_control(TENANT)
    path = f"/api/v1/agents/{agent.name}/controls/{control.pk}"

    ok(acme.post(path))
    assert effective_ids(agent) == [control.pk]
    ok(
        acme.delete(path),
        {"success": True, "removed_direct_association": True, "control_still_active": False},
    )
    assert effective_ids(agent) == []

    policy = create_policy(acme, "baseline")
    ok(acme.post(f"/api/v1/policies/{policy}/controls/{control.pk}"))
    ok(acme.post(f"/api/v1/agents/{agent.name}/policies/{policy}"))
    ok(acme.post(path))
    ok(
        acme.delete(path),
        {"success": True, "removed_direct_association": True, "control_still_active": True},
    )
    assert effective_ids(agent) == [control.pk]


def test_control_with_another_agents_evaluator_is_incompatible(acme):
    agent = make_agent(TENANT, "support-bot-01")
    foreign = dict(REGEX_DENY)
    foreign["condition"] = {
        "selector": {"path": "input"},
        "evaluator": {"name": "other-agent-01:custom", "config": {}},
    }
    control = make_control(TENANT, "foreign-evaluator", foreign)
    response = acme.post(f"/api/v1/agents/{agent.name}/controls/{control.pk}")
    assert (response.status_code, response.json()["error_code"]) == (
        400,
        "POLICY_CONTROL_INCOMPATIBLE",
    )
