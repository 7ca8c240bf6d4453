"""Agent <-> policy and agent <-> control routes: exact bodies, every error code, link rows and
their tenant, the compatibility single-policy routes, and tenant isolation in both directions."""

import pytest

from agents.models import Agent, AgentControl, AgentPolicy
from policies.models import PolicyControl
from tests.factories import REGEX_DENY, make_agent, make_control, make_policy, soft_delete
from tests.reference_errors import (
    agent_not_found,
    assert_request_validation,
    control_not_found,
    invalid_agent_name,
    no_policy_assigned,
    path_id_error,
    policy_not_found,
    problem,
)

pytestmark = pytest.mark.django_db

AGENT = "support-bot-01"
MISSING_AGENT = "no-such-agent-1"
GET_HINT = "Assign a policy to the agent using POST /{agent_name}/policies/{policy_id}."
DELETE_HINT = "The agent does not have a policy to remove."


def url(agent, *rest):
    return "/".join(["/api/v1/agents", agent, *(str(part) for part in rest)])


def policy_links():
    return sorted(AgentPolicy.all_tenants.values_list("tenant_id", "agent__name", "policy_id"))


def control_links():
    return sorted(AgentControl.all_tenants.values_list("tenant_id", "agent__name", "control_id"))


@pytest.fixture
def acme():
    """Tenant acme's agent, two policies and a control; ``api`` bound to acme."""
    return {
        "agent": make_agent("acme", AGENT),
        "p1": make_policy("acme", "baseline"),
        "p2": make_policy("acme", "strict"),
        "control": make_control("acme"),
    }


@pytest.fixture
def api_acme(api):
    return api.as_tenant("acme")


# --- POST / DELETE /agents/{name}/policies/{policy_id}, GET / DELETE /agents/{name}/policies --


def test_add_policy_is_additive_idempotent_and_stamped_with_the_agents_tenant(api_acme, acme):
    p1, p2 = acme["p1"], acme["p2"]
    for policy in (p2, p1, p2):
        response = api_acme.post(url(AGENT, "policies", policy.pk))
        assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == [("acme", AGENT, p1.pk), ("acme", AGENT, p2.pk)]
    response = api_acme.get(url(AGENT, "policies"))
    assert (response.status_code, response.json()) == (200, {"policy_ids": [p1.pk, p2.pk]})


def test_agent_name_in_the_path_is_normalised(api_acme, acme):
    assert api_acme.post(url("SUPPORT-BOT-01", "policies", acme["p1"].pk)).status_code == 200
    assert api_acme.get(url("%20Support-Bot-01%20", "policies")).json() == {
        "policy_ids": [acme["p1"].pk]
    }


def test_list_policies_of_an_agent_without_any(api_acme, acme):
    assert api_acme.get(url(AGENT, "policies")).json() == {"policy_ids": []}


def test_remove_policy_unlinks_only_that_one(api_acme, acme):
    p1, p2 = acme["p1"], acme["p2"]
    acme["agent"].policies.add(p1, p2)
    response = api_acme.delete(url(AGENT, "policies", p1.pk))
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == [("acme", AGENT, p2.pk)]


def test_remove_policy_that_is_not_linked_is_200(api_acme, acme):
    response = api_acme.delete(url(AGENT, "policies", acme["p1"].pk))
    assert (response.status_code, response.json()) == (200, {"success": True})


def test_remove_all_policies(api_acme, acme):
    acme["agent"].policies.add(acme["p1"], acme["p2"])
    for _ in range(2):
        response = api_acme.delete(url(AGENT, "policies"))
        assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == []


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("post", ("policies", 999999)),
        ("delete", ("policies", 999999)),
        ("get", ("policies",)),
        ("delete", ("policies",)),
        ("post", ("policy", 999999)),
        ("get", ("policy",)),
        ("delete", ("policy",)),
        ("post", ("controls", 999999)),
        ("delete", ("controls", 999999)),
    ],
)
def test_missing_agent_is_404_before_anything_else(api_acme, acme, method, suffix):
    path = url(MISSING_AGENT, *suffix)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 404
    assert problem(response) == agent_not_found(MISSING_AGENT, path)


@pytest.mark.parametrize(
    ("method", "segment"),
    [("post", "policies"), ("delete", "policies"), ("post", "policy")],
)
def test_missing_policy_is_404_and_links_are_unchanged(api_acme, acme, method, segment):
    acme["agent"].policies.add(acme["p1"])
    path = url(AGENT, segment, 999999)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 404
    assert problem(response) == policy_not_found(999999, path)
    assert policy_links() == [("acme", AGENT, acme["p1"].pk)]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("post", ("policies", 1)),
        ("delete", ("policies", 1)),
        ("get", ("policies",)),
        ("delete", ("policies",)),
        ("post", ("policy", 1)),
        ("get", ("policy",)),
        ("delete", ("policy",)),
        ("post", ("controls", 1)),
        ("delete", ("controls", 1)),
    ],
)
def test_bad_agent_name_in_the_path_is_422(api_acme, method, suffix):
    path = url("bad", *suffix)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 422
    assert problem(response) == invalid_agent_name(
        path, "agent_name must be at least 10 characters long"
    )


@pytest.mark.parametrize(
    ("method", "segment", "field"),
    [
        ("post", "policies", "policy_id"),
        ("delete", "policies", "policy_id"),
        ("post", "policy", "policy_id"),
        ("post", "controls", "control_id"),
        ("delete", "controls", "control_id"),
    ],
)
def test_non_integer_id_is_422_even_with_a_bad_agent_name(api_acme, method, segment, field):
    path = url("bad", segment, "abc")
    assert_request_validation(getattr(api_acme, method)(path), path, [path_id_error(field)])


# --- compatibility single-policy routes -------------------------------------------------------


def test_assign_policy_replaces_every_link_and_reports_the_smallest_old_id(api_acme, acme):
    p1, p2 = acme["p1"], acme["p2"]
    p3 = make_policy("acme", "third")
    response = api_acme.post(url(AGENT, "policy", p2.pk))
    assert (response.status_code, response.json()) == (
        200,
        {"success": True, "old_policy_id": None},
    )
    acme["agent"].policies.add(p1)
    response = api_acme.post(url(AGENT, "policy", p3.pk))
    assert response.json() == {"success": True, "old_policy_id": p1.pk}
    assert policy_links() == [("acme", AGENT, p3.pk)]
    response = api_acme.post(url(AGENT, "policy", p3.pk))
    assert response.json() == {"success": True, "old_policy_id": p3.pk}
    assert policy_links() == [("acme", AGENT, p3.pk)]


def test_get_policy_returns_the_smallest_linked_id(api_acme, acme):
    acme["agent"].policies.add(acme["p2"], acme["p1"])
    response = api_acme.get(url(AGENT, "policy"))
    assert (response.status_code, response.json()) == (200, {"policy_id": acme["p1"].pk})


def test_get_policy_without_any_is_404(api_acme, acme):
    path = url("Support-Bot-01", "policy")
    response = api_acme.get(path)
    assert response.status_code == 404
    assert problem(response) == no_policy_assigned(AGENT, path, GET_HINT)


def test_delete_policy_removes_every_link(api_acme, acme):
    acme["agent"].policies.add(acme["p1"], acme["p2"])
    response = api_acme.delete(url(AGENT, "policy"))
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == []


def test_delete_policy_without_any_is_404(api_acme, acme):
    path = url(AGENT, "policy")
    response = api_acme.delete(path)
    assert response.status_code == 404
    assert problem(response) == no_policy_assigned(AGENT, path, DELETE_HINT)


# --- POST / DELETE /agents/{name}/controls/{control_id} ----------------------------------------


def test_add_control_is_idempotent_and_stamped_with_the_agents_tenant(api_acme, acme):
    control = acme["control"]
    for _ in range(2):
        response = api_acme.post(url(AGENT, "controls", control.pk))
        assert (response.status_code, response.json()) == (200, {"success": True})
    assert control_links() == [("acme", AGENT, control.pk)]


def test_remove_control_reports_the_direct_link_and_policy_supply(api_acme, acme):
    control = acme["control"]
    acme["agent"].controls.add(control)
    path = url(AGENT, "controls", control.pk)
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": True,
        "control_still_active": False,
    }
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": False,
        "control_still_active": False,
    }
    assert control_links() == []


def test_remove_control_still_active_through_a_policy(api_acme, acme):
    control, policy = acme["control"], acme["p1"]
    policy.controls.add(control)
    acme["agent"].policies.add(policy)
    acme["agent"].controls.add(control)
    path = url(AGENT, "controls", control.pk)
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": True,
        "control_still_active": True,
    }
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": False,
        "control_still_active": True,
    }


def test_control_in_a_policy_the_agent_does_not_hold_is_not_still_active(api_acme, acme):
    acme["p1"].controls.add(acme["control"])
    acme["agent"].controls.add(acme["control"])
    body = api_acme.delete(url(AGENT, "controls", acme["control"].pk)).json()
    assert body["control_still_active"] is False


@pytest.mark.parametrize("method", ["post", "delete"])
def test_missing_control_is_404(api_acme, acme, method):
    path = url(AGENT, "controls", 999999)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 404
    assert problem(response) == control_not_found(999999, path)


@pytest.mark.parametrize("method", ["post", "delete"])
def test_soft_deleted_control_is_404_and_the_link_stays(api_acme, acme, method):
    control = acme["control"]
    acme["agent"].controls.add(control)
    soft_delete(control)
    path = url(AGENT, "controls", control.pk)
    response = getattr(api_acme, method)(path)
    assert problem(response) == control_not_found(control.pk, path)
    assert control_links() == [("acme", AGENT, control.pk)]


@pytest.mark.parametrize("control_id", ["-1", str(2**63)])
def test_ids_no_row_can_have_are_404_not_500(api_acme, acme, control_id):
    path = url(AGENT, "controls", control_id)
    assert problem(api_acme.post(path)) == control_not_found(control_id, path)
    path = url(AGENT, "policies", control_id)
    assert problem(api_acme.post(path)) == policy_not_found(control_id, path)


# --- the compatibility hook (POLICY_CONTROL_INCOMPATIBLE belongs to a later issue) -------------


def scoped_control(name: str, evaluator: str, config: dict | None = None):
    data = {
        **REGEX_DENY,
        "condition": {
            "selector": {"path": "input"},
            "evaluator": {"name": evaluator, "config": config or {}},
        },
    }
    return make_control("acme", name, data)


def register_evaluator(agent, schema: dict) -> None:
    Agent.all_tenants.filter(pk=agent.pk).update(
        evaluators=[{"name": "pii", "config_schema": schema, "description": "PII detector"}]
    )


def test_policy_with_another_agents_evaluator_is_refused_on_both_policy_routes(api_acme, acme):
    foreign = scoped_control("foreign-evaluator", "other-agent-01:pii")
    acme["p2"].controls.add(foreign)
    for segment in ("policies", "policy"):
        response = api_acme.post(url(AGENT, segment, acme["p2"].pk))
        assert response.status_code == 400
        body = response.json()
        assert (body["error_code"], body["detail"], body["hint"]) == (
            "POLICY_CONTROL_INCOMPATIBLE",
            "Policy contains controls incompatible with this agent",
            "Ensure all controls in the policy are compatible with this agent's evaluators.",
        )
        assert body["errors"] == [
            {
                "resource": "Control",
                "field": "evaluator",
                "code": "incompatible",
                "message": "Control 'foreign-evaluator' references evaluator 'other-agent-01:pii' "
                f"which belongs to agent 'other-agent-01', not '{AGENT}'",
            }
        ]
    assert policy_links() == []


def test_unregistered_evaluator_blocks_the_direct_link(api_acme, acme):
    control = scoped_control("needs-pii", f"{AGENT}:pii")
    response = api_acme.post(url(AGENT, "controls", control.pk))
    assert response.status_code == 400
    assert response.json()["detail"] == "Control is incompatible with this agent"
    assert [e["message"] for e in response.json()["errors"]] == [
        f"Control 'needs-pii' references evaluator 'pii' which is not registered with agent "
        f"'{AGENT}'. Register it via initAgent or use a different evaluator."
    ]
    assert control_links() == []


def test_config_failing_the_registered_schema_blocks_the_link(api_acme, acme):
    register_evaluator(
        acme["agent"],
        {"type": "object", "properties": {"level": {"type": "integer"}}, "required": ["level"]},
    )
    control = scoped_control("pii-bad-config", f"{AGENT}:pii", {"level": "high"})
    response = api_acme.post(url(AGENT, "controls", control.pk))
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "Control 'pii-bad-config' invalid config for 'pii': 'high' is not of type 'integer'"
    ]
    assert control_links() == []


def test_registered_evaluator_with_valid_config_links(api_acme, acme):
    register_evaluator(acme["agent"], {"type": "object", "required": ["level"]})
    control = scoped_control("pii-ok", f"{AGENT}:pii", {"level": 2})
    acme["p2"].controls.add(control)
    assert api_acme.post(url(AGENT, "controls", control.pk)).json() == {"success": True}
    assert api_acme.post(url(AGENT, "policies", acme["p2"].pk)).json() == {"success": True}
    assert control_links() == [("acme", AGENT, control.pk)]


def test_deleted_controls_of_the_policy_are_not_checked(api_acme, acme):
    kept, gone = acme["control"], scoped_control("gone", "other-agent-01:pii")
    acme["p2"].controls.add(kept, gone)
    soft_delete(gone)
    assert api_acme.post(url(AGENT, "policies", acme["p2"].pk)).json() == {"success": True}


# --- tenant isolation -------------------------------------------------------------------------


@pytest.fixture
def globex():
    """Tenant globex owns an agent with the same name as acme's, a policy and a control."""
    return {
        "agent": make_agent("globex", AGENT),
        "policy": make_policy("globex", "baseline"),
        "control": make_control("globex"),
    }


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


# --- query budget -----------------------------------------------------------------------------


def test_association_routes_use_few_queries(api_acme, acme, django_assert_num_queries):
    with django_assert_num_queries(4):  # agent, policy, its controls, INSERT ... ON CONFLICT
        api_acme.post(url(AGENT, "policies", acme["p1"].pk))
    with django_assert_num_queries(1):
        api_acme.get(url(AGENT, "policies"))
    with django_assert_num_queries(1):
        api_acme.get(url(AGENT, "policy"))
    # agent, SAVEPOINT, control FOR UPDATE, INSERT ... ON CONFLICT DO NOTHING, RELEASE
    with django_assert_num_queries(5):
        api_acme.post(url(AGENT, "controls", acme["control"].pk))
