"""Target-bearing ``POST /evaluation``: the controls bound to the request's target through enabled
bindings are evaluated with the agent's own; the pair is validated; tenants never share
bindings."""

import pytest

from tests.evaluation.evaluation_helpers import SAFE_EMPTY, evaluate, llm
from tests.factories import make_agent, make_control
from tests.policies.bindings.binding_helpers import bind
from tests.policies.control_helpers import create
from tests.reference_errors import error, half_target_pair

pytestmark = pytest.mark.django_db

AGENT = "support-bot-01"
X_DENY = {
    "execution": "server",
    "scope": {"step_types": ["llm"], "stages": ["pre"]},
    "condition": {
        "selector": {"path": "input"},
        "evaluator": {"name": "regex", "config": {"pattern": "x"}},
    },
    "action": {"decision": "deny"},
}
PROD = {"target_type": "env", "target_id": "prod"}
STEP = llm("x marks the spot")


@pytest.fixture
def agent():
    return make_agent("default-tenant", AGENT)


def matched(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return sorted(m["control_id"] for m in response.json()["matches"] or ())


def test_a_bound_control_is_evaluated_for_its_target(api, agent):
    control_id = create(api, "bound", X_DENY)
    bind(api, control_id)
    response = evaluate(api, STEP, **PROD)
    assert (response.json()["is_safe"], matched(response)) == (False, [control_id])
    assert evaluate(api, STEP).json() == SAFE_EMPTY
    assert evaluate(api, STEP, target_type="env", target_id="dev").json() == SAFE_EMPTY
    assert evaluate(api, STEP, target_type="env", target_id=" prod").json() == SAFE_EMPTY


def test_a_disabled_binding_adds_nothing(api, agent):
    bind(api, create(api, "bound", X_DENY), enabled=False)
    assert evaluate(api, STEP, **PROD).json() == SAFE_EMPTY


def test_bound_and_direct_controls_are_evaluated_together(api, agent):
    direct = create(api, "direct", X_DENY)
    api.post(f"/api/v1/agents/{AGENT}/controls/{direct}")
    bound = create(api, "bound", X_DENY)
    bind(api, bound)
    assert matched(evaluate(api, STEP, **PROD)) == [direct, bound]


def test_a_control_reached_twice_is_evaluated_once(api, agent):
    shared = create(api, "shared", X_DENY)
    api.post(f"/api/v1/agents/{AGENT}/controls/{shared}")
    bind(api, shared)
    assert matched(evaluate(api, STEP, **PROD)) == [shared]


@pytest.mark.parametrize("half", [{"target_type": "env"}, {"target_id": "prod"}])
def test_half_a_target_pair_is_422(api, agent, half):
    assert error(evaluate(api, STEP, **half)) == half_target_pair()


@pytest.mark.parametrize(
    ("value", "code"), [("", "string_too_short"), ("x" * 256, "string_too_long")]
)
def test_target_strings_are_1_to_255_characters(api, agent, value, code):
    errors = error(evaluate(api, STEP, target_type="env", target_id=value))["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("target_id", code)]


def test_an_unknown_agent_with_a_target_is_404(api):
    assert error(evaluate(api, STEP, **PROD))["error_code"] == "AGENT_NOT_FOUND"


def test_another_tenants_bindings_never_apply(api):
    for tenant in ("acme", "globex"):
        make_agent(tenant, AGENT)
    bound = make_control("acme", "bound", X_DENY)
    bind(api, bound.pk, tenant="acme")
    assert matched(evaluate(api, STEP, tenant="acme", **PROD)) == [bound.pk]
    assert evaluate(api, STEP, tenant="globex", **PROD).json() == SAFE_EMPTY
