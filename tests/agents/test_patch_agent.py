"""``PATCH /api/v1/agents/{agent_name}``: idempotent removal of steps and evaluators, refused for an
evaluator that an active control still uses."""

import pytest

from tests.agents.agent_helpers import attach, fill_policy, step, stored_step
from tests.definitions import control_data, leaf
from tests.factories import make_control, make_policy
from tests.raw_sql import execute_as_system
from tests.reference_errors import error

pytestmark = pytest.mark.django_db

URL = "/api/v1/agents/support-bot-01"


@pytest.fixture
def agent(register):
    register(
        steps=[step("tool", "search"), step("llm", "chat"), step("tool", "fetch")],
        evaluators=[{"name": "pii"}, {"name": "tox"}, {"name": "spare"}],
    )


def test_removes_what_exists_and_reports_it(api, agent):
    response = api.patch(
        URL,
        {
            "remove_steps": [
                {"type": "tool", "name": "fetch"},
                {"type": "tool", "name": "chat"},
                {"type": "llm", "name": "chat"},
            ],
            "remove_evaluators": ["spare", "nope"],
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "steps_removed": [{"type": "llm", "name": "chat"}, {"type": "tool", "name": "fetch"}],
        "evaluators_removed": ["spare"],
    }
    body = api.get(URL).json()
    assert body["steps"] == [stored_step("tool", "search")]
    assert [e["name"] for e in body["evaluators"]] == ["pii", "tox"]


def test_repeating_a_removal_is_idempotent(api, agent):
    payload = {"remove_steps": [{"type": "tool", "name": "search"}], "remove_evaluators": ["spare"]}
    api.patch(URL, payload)
    assert api.patch(URL, payload).json() == {"steps_removed": [], "evaluators_removed": []}
    assert api.patch(URL, {}).json() == {"steps_removed": [], "evaluators_removed": []}


def test_evaluator_used_by_an_active_control_is_409(api, agent):
    nested = control_data(
        {
            "and": [
                leaf("regex", {"pattern": "x"}),
                {"not": {"or": [leaf("support-bot-01:tox", {})]}},
            ]
        }
    )
    via_policy = make_control("default-tenant", "nested-tox", nested)
    direct = make_control(
        "default-tenant", "uses-pii", control_data(leaf("support-bot-01:pii", {}))
    )
    policy = make_policy("default-tenant")
    fill_policy("default-tenant", policy, [via_policy])
    attach("default-tenant", "support-bot-01", controls=[direct], policies=[policy])
    response = api.patch(
        URL,
        {
            "remove_steps": [{"type": "tool", "name": "search"}],
            "remove_evaluators": ["tox", "pii", "spare"],
        },
    )
    assert error(response) == {
        "status": 409,
        "error_code": "EVALUATOR_IN_USE",
        "detail": "Cannot remove evaluators: active controls reference them",
        "errors": [
            {
                "resource": "Control",
                "field": "evaluator.name",
                "code": "in_use",
                "message": "Control 'nested-tox' uses evaluator 'tox'",
            },
            {
                "resource": "Control",
                "field": "evaluator.name",
                "code": "in_use",
                "message": "Control 'uses-pii' uses evaluator 'pii'",
            },
        ],
    }
    body = api.get(URL).json()  # nothing was written
    assert len(body["steps"]) == 3
    assert len(body["evaluators"]) == 3


def test_disabled_control_or_another_agents_reference_does_not_block(api, agent):
    disabled = make_control(
        "default-tenant", "off", control_data(leaf("support-bot-01:pii", {}), enabled=False)
    )
    other = make_control(
        "default-tenant", "other-agent", control_data(leaf("other-agent-01:tox", {}))
    )
    attach("default-tenant", "support-bot-01", controls=[disabled, other])
    response = api.patch(URL, {"remove_evaluators": ["pii", "tox"]})
    assert response.json() == {"steps_removed": [], "evaluators_removed": ["pii", "tox"]}


def test_missing_agent_is_404(api):
    response = api.patch(URL, {"remove_evaluators": ["pii"]})
    assert error(response) == {
        "status": 404,
        "error_code": "AGENT_NOT_FOUND",
        "detail": "Agent with name 'support-bot-01' not found",
        "errors": None,
    }


def test_invalid_body_is_422_before_the_lookup(api):
    response = api.patch(URL, {"remove_steps": [{"type": ""}]})
    assert [(e["field"], e["code"]) for e in error(response)["errors"]] == [
        ("remove_steps[0].type", "string_too_short"),
        ("remove_steps[0].name", "missing"),
    ]


def test_invalid_name_is_422(api):
    assert error(api.patch("/api/v1/agents/bad", {}))["detail"] == "Invalid agent_name"


def test_corrupted_registration_is_422(api, agent):
    execute_as_system("UPDATE agents_agent SET evaluators = %s", ['"garbage"'])
    assert error(api.patch(URL, {})) == {
        "status": 422,
        "error_code": "CORRUPTED_DATA",
        "detail": "Agent 'support-bot-01' has corrupted data",
        "errors": None,
    }


def test_corrupted_control_is_422_when_removing_evaluators(api, agent):
    control = make_control("default-tenant")
    attach("default-tenant", "support-bot-01", controls=[control])
    execute_as_system("UPDATE policies_control SET data = %s", ['"garbage"'])
    assert error(api.patch(URL, {"remove_evaluators": ["pii"]}))["error_code"] == "CORRUPTED_DATA"
    assert api.patch(URL, {"remove_steps": [{"type": "llm", "name": "chat"}]}).status_code == 200
