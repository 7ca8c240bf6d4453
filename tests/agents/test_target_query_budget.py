"""Query budgets of the target-bearing hot paths and the binding lists: constant in the number of
controls and bindings (one compiled query reads an agent's merged controls)."""

import pytest

from agents.models import AgentControl
from policies.models import ControlBinding
from tenancy.context import tenant_context
from tests.agents.agent_helpers import INIT, init_body
from tests.evaluation.evaluation_helpers import evaluate, llm
from tests.factories import make_agent, make_control

pytestmark = pytest.mark.django_db

AGENT = "budget-agent-01"
PROD = {"target_type": "env", "target_id": "prod"}


def _world(count: int) -> None:
    """``count`` controls linked directly and ``count`` others bound to env/prod (plus a binding
    to another target for each)."""
    agent = make_agent("default-tenant", AGENT)
    with tenant_context("default-tenant"):
        for index in range(count):
            direct = make_control("default-tenant", f"direct-{index}")
            AgentControl.objects.create(agent=agent, control=direct)
            bound = make_control("default-tenant", f"bound-{index}")
            ControlBinding.objects.create(control=bound, target_type="env", target_id="prod")
            ControlBinding.objects.create(control=bound, target_type="env", target_id="dev")


@pytest.mark.parametrize("count", [1, 30])
def test_agent_controls_with_a_target_is_two_queries(api, count, django_assert_num_queries):
    _world(count)
    with django_assert_num_queries(2):  # the agent, its merged controls
        response = api.get(f"/api/v1/agents/{AGENT}/controls", **PROD)
    assert len(response.json()["controls"]) == 2 * count


@pytest.mark.parametrize("count", [1, 30])
def test_evaluation_with_a_target_is_two_queries(api, count, django_assert_num_queries):
    _world(count)
    with django_assert_num_queries(2):  # the agent, its merged controls
        response = evaluate(api, llm("secret"), agent=AGENT, **PROD)
    assert len(response.json()["matches"]) == 2 * count


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [1, 30])
def test_init_agent_with_a_target_reads_controls_once(api, count, django_assert_num_queries):
    _world(count)
    # BEGIN, lock the agent, read its merged controls, COMMIT (nothing changed)
    with django_assert_num_queries(4):
        response = api.post(INIT, init_body(AGENT, **PROD))
    assert len(response.json()["controls"]) == 2 * count


@pytest.mark.parametrize("count", [1, 30])
def test_binding_and_control_lists_do_not_grow(api, count, django_assert_num_queries):
    _world(count)
    with django_assert_num_queries(2):  # page, total
        assert len(api.get("/api/v1/control-bindings", limit=100).json()["bindings"]) == 2 * count
    query = {
        "include_attachments": "true",
        "attachment_target_type": "env",
        "attachment_target_id": "prod",
        "limit": 100,
    }
    # page, total, users (one UNION query), policy links, target bindings
    with django_assert_num_queries(5):
        controls = api.get("/api/v1/controls", **query).json()["controls"]
    assert len(controls) == count
