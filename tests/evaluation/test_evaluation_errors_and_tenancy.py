"""``POST /api/v1/evaluation`` errors and tenancy: an unknown agent and another tenant's agent are
the same 404, each tenant's namesake agent uses its own controls, invalid bodies and a corrupted
control are 422, and step data that could not be stored is still evaluated."""

import pytest

from policies.models import Control
from tenancy.context import tenant_context
from tests.definitions import control_data, leaf
from tests.evaluation.evaluation_helpers import AGENT, SECRET, attach, evaluate, llm
from tests.factories import make_agent, make_control

pytestmark = pytest.mark.django_db


def test_unknown_agent_is_404_with_the_evaluation_hint(api):
    response = evaluate(api, llm("hi"), agent="nobody-here-01")
    assert response.status_code == 404
    body = response.json()
    assert (body["error_code"], body["detail"], body["hint"]) == (
        "AGENT_NOT_FOUND",
        "Agent 'nobody-here-01' not found",
        "Register the agent via initAgent before evaluating.",
    )


def test_another_tenants_agent_is_404_like_a_missing_one(api):
    agent = make_agent("acme", AGENT)
    attach(agent, make_control("acme", "block-secret", SECRET))
    foreign = evaluate(api, llm("a secret"), tenant="globex")
    missing = evaluate(api, llm("a secret"), agent="nobody-here-01", tenant="globex")
    assert (foreign.status_code, foreign.json()["error_code"]) == (404, "AGENT_NOT_FOUND")
    assert foreign.json()["detail"] == f"Agent '{AGENT}' not found"
    assert missing.json()["hint"] == foreign.json()["hint"]


def test_same_agent_name_in_two_tenants_uses_the_callers_controls(api):
    acme = make_agent("acme", AGENT)
    attach(acme, make_control("acme", "block-secret", SECRET))
    globex = make_agent("globex", AGENT)
    allow_all = control_data(leaf("regex", {"pattern": "^never-matches$"}))
    attach(globex, make_control("globex", "harmless", allow_all))
    assert evaluate(api, llm("a secret"), tenant="acme").json()["is_safe"] is False
    body = evaluate(api, llm("a secret"), tenant="globex").json()
    assert body["is_safe"] is True
    assert [m["control_name"] for m in body["non_matches"]] == ["harmless"]


def test_tool_step_needs_an_object_input(api):
    make_agent("default-tenant", AGENT)
    response = evaluate(api, {"type": "tool", "name": "search", "input": "plain text"})
    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "VALIDATION_ERROR"
    assert [(e["field"], e["code"], e["message"]) for e in body["errors"]] == [
        ("step", "value_error", "Value error, tool steps require object input")
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"agent_name": AGENT, "step": llm("x"), "stage": "during"}, "stage"),
        ({"agent_name": "short", "step": llm("x"), "stage": "pre"}, "agent_name"),
        ({"agent_name": AGENT, "stage": "pre"}, "step"),
        (
            {"agent_name": AGENT, "step": {"type": "llm", "name": "chat"}, "stage": "pre"},
            "step.input",
        ),
    ],
)
def test_invalid_bodies_are_422_with_the_field(api, body, field):
    make_agent("default-tenant", AGENT)
    response = api.post("/api/v1/evaluation", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_corrupted_control_fails_the_evaluation_with_422(api):
    agent = make_agent("default-tenant", AGENT)
    control = make_control("default-tenant", "block-secret", SECRET)
    attach(agent, control)
    with tenant_context("default-tenant"):
        Control.objects.filter(pk=control.pk).update(data={"execution": "server"})
    response = evaluate(api, llm("hi"))
    assert response.status_code == 422
    body = response.json()
    assert (body["error_code"], body["detail"]) == (
        "CORRUPTED_DATA",
        "Control 'block-secret' has corrupted data",
    )
    assert {e["field"] for e in body["errors"]} == {"data.condition", "data.action"}


def evaluate_raw_output(client, raw_output: str):
    agent = make_agent("default-tenant", AGENT)
    data = control_data(leaf("regex", {"pattern": "secret"}, path="output"))
    attach(agent, make_control("default-tenant", "block-secret", data))
    body = (
        '{"agent_name": "support-bot-01", "stage": "pre", '
        '"step": {"type": "llm", "name": "chat", "input": "hi", "output": ' + raw_output + "}}"
    )
    return client.post("/api/v1/evaluation", body, content_type="application/json")


@pytest.mark.parametrize("raw_output", ['"a\\u0000b secret"', "[" * 80 + '"secret"' + "]" * 80])
def test_step_data_that_could_not_be_stored_is_still_evaluated(client, raw_output):
    response = evaluate_raw_output(client, raw_output)
    assert response.status_code == 200
    assert response.json()["is_safe"] is False
    assert [m["control_name"] for m in response.json()["matches"]] == ["block-secret"]


def test_unpaired_surrogate_makes_the_regex_evaluator_fail_closed_not_the_server(client):
    response = evaluate_raw_output(client, '"lone \\ud800 secret"')
    assert response.status_code == 200
    body = response.json()
    assert (body["is_safe"], body["confidence"], body["matches"]) == (False, 0.0, None)
    assert [(e["control_name"], e["result"]["error"]) for e in body["errors"]] == [
        ("block-secret", "Evaluation failed due to an internal evaluator error.")
    ]
    assert "\\ud800" in response.content.decode()  # echoed back escaped, as valid JSON
