"""The merged target contract: with a target pair, initAgent and ``GET /agents/{name}/controls``
return the agent's policy and direct controls plus those bound to the target through enabled
bindings, de-duplicated, newest first; without one (or for another target) nothing is added."""

import pytest

from policies.models import Control
from tests.agents.agent_helpers import INIT, init_body
from tests.definitions import control_data, leaf
from tests.factories import soft_delete
from tests.policies.bindings.binding_helpers import bind
from tests.policies.control_helpers import CONTROLS, create
from tests.policies.templates.payloads import draft_input

pytestmark = pytest.mark.django_db

AGENT = "merge-agent-0001"
URL = f"/api/v1/agents/{AGENT}/controls"
PROD = {"target_type": "env", "target_id": "prod"}


def listed(api, **query) -> list[int]:
    response = api.get(URL, **query)
    assert response.status_code == 200, response.json()
    return [c["id"] for c in response.json()["controls"]]


def init_ids(api, **fields) -> list[int]:
    response = api.post(INIT, init_body(AGENT, **fields))
    assert response.status_code == 200, response.json()
    return [c["id"] for c in response.json()["controls"]]


@pytest.fixture
def world(api):
    """A draft bound to env/prod; a policy with c1 and c3; c2 (disabled) linked directly; c3 and
    c4 bound to env/prod; c5 bound through a disabled binding."""
    api.post(INIT, init_body(AGENT))
    draft = create(api, "draft", draft_input())
    c1, c2, c3, c4, c5 = (create(api, f"c{n}") for n in range(1, 6))
    api.patch(f"{CONTROLS}/{c2}", {"enabled": False})
    policy_id = api.put("/api/v1/policies", {"name": "merge"}).json()["policy_id"]
    for control_id in (c1, c3):
        api.post(f"/api/v1/policies/{policy_id}/controls/{control_id}")
    api.post(f"/api/v1/agents/{AGENT}/policies/{policy_id}")
    api.post(f"/api/v1/agents/{AGENT}/controls/{c2}")
    for control_id in (c3, c4, draft):
        bind(api, control_id)
    bind(api, c5, enabled=False)
    return {"draft": draft, "c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5}


def test_the_target_adds_its_enabled_bindings_once(api, world):
    w = world
    assert listed(api, **PROD) == [w["c4"], w["c3"], w["c2"], w["c1"], w["draft"]]
    assert listed(api) == [w["c3"], w["c2"], w["c1"]]
    assert listed(api, target_type="env", target_id="dev") == [w["c3"], w["c2"], w["c1"]]


def test_state_filters_apply_after_the_merge(api, world):
    w = world
    assert listed(api, rendered_state="rendered", enabled_state="enabled", **PROD) == [
        w["c4"],
        w["c3"],
        w["c1"],
    ]
    assert listed(api, rendered_state="unrendered", **PROD) == [w["draft"]]


def test_init_agent_with_the_target_returns_the_same_active_set(api, world):
    w = world
    assert init_ids(api, **PROD) == [w["c4"], w["c3"], w["c1"]]
    assert init_ids(api) == [w["c3"], w["c1"]]
    assert sorted(init_ids(api, **PROD)) == sorted(
        listed(api, rendered_state="rendered", enabled_state="enabled", **PROD)
    )


def test_a_new_agent_gets_bindings_that_existed_before_it(api):
    bound = create(api, "bound")
    bind(api, bound)
    create(api, "unbound")
    response = api.post(INIT, init_body(AGENT, **PROD))
    assert (response.json()["created"], [c["id"] for c in response.json()["controls"]]) == (
        True,
        [bound],
    )
    item = response.json()["controls"][0]  # initAgent keeps null fields
    assert (item["name"], item["control"]["template"], item["control"]["description"]) == (
        "bound",
        None,
        None,
    )


def test_a_disabled_binding_only_stops_contributing(api):
    api.post(INIT, init_body(AGENT))
    control_id = create(api, "both", control_data(leaf()))
    api.post(f"/api/v1/agents/{AGENT}/controls/{control_id}")
    binding_id = bind(api, control_id)
    api.patch(f"/api/v1/control-bindings/{binding_id}", {"enabled": False})
    assert listed(api, **PROD) == [control_id]
    api.delete(f"/api/v1/agents/{AGENT}/controls/{control_id}")
    assert listed(api, **PROD) == []


def test_a_soft_deleted_bound_control_is_gone(api):
    api.post(INIT, init_body(AGENT))
    control_id = create(api, "bound")
    bind(api, control_id)
    soft_delete(Control.all_tenants.get(pk=control_id))
    assert listed(api, **PROD) == []


def test_another_tenants_agent_is_404_even_with_a_target(api, world):
    response = api.get(URL, tenant="globex", **PROD)
    assert (response.status_code, response.json()["error_code"]) == (404, "AGENT_NOT_FOUND")
