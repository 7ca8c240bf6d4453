"""Every input of issue 12 (items 4 and 9) that used to answer 500 or be stored: each is now a
422 VALIDATION_ERROR in the envelope naming the field, and nothing is written."""

import json

import pytest

from agents.models import Agent
from observability.models import ControlExecutionEvent
from policies.models import Control, Policy
from tests.factories import REGEX_DENY, make_control
from tests.observability.payloads import event

pytestmark = pytest.mark.django_db

BAD_DECISION = {**REGEX_DENY, "action": {"decision": {}}}
INVALID_INPUT = ("body", "invalid_input")
NON_FINITE = "non_finite_number"


def with_inf(body: dict) -> str:
    """``body`` as JSON with each string ``"INF"`` replaced by the number ``1e400``."""
    return json.dumps(body).replace('"INF"', "1e400")


CASES = [
    # item 4: a TypeError inside a model validator
    ("put", "/api/v1/controls", json.dumps({"name": "c", "data": BAD_DECISION}), INVALID_INPUT),
    ("post", "/api/v1/controls/validate", json.dumps({"data": BAD_DECISION}), INVALID_INPUT),
    ("put", "/api/v1/controls/{id}/data", json.dumps({"data": BAD_DECISION}), INVALID_INPUT),
    (
        "post",
        "/api/v1/observability/events",
        json.dumps({"events": [event(action={})]}),
        INVALID_INPUT,
    ),
    ("post", "/api/v1/observability/events/query", '{"actions": false}', INVALID_INPUT),
    ("post", "/api/v1/observability/events/query", '{"actions": 1}', INVALID_INPUT),
    # item 4: numbers too large for a double
    ("put", "/api/v1/policies", with_inf({"name": "p", "extra": "INF"}), ("extra", NON_FINITE)),
    (
        "put",
        "/api/v1/controls",
        with_inf({"name": "c", "data": {**REGEX_DENY, "description": "INF"}}),
        ("data.description", NON_FINITE),
    ),
    (
        "post",
        "/api/v1/controls/validate",
        with_inf({"data": {**REGEX_DENY, "enabled": "INF"}}),
        ("data.enabled", NON_FINITE),
    ),
    (
        "post",
        "/api/v1/observability/events",
        with_inf({"events": [event(confidence="INF")]}),
        ("events[0].confidence", NON_FINITE),
    ),
    (
        "post",
        "/api/v1/observability/events/query",
        with_inf({"limit": "INF"}),
        ("limit", NON_FINITE),
    ),
    (
        "post",
        "/api/v1/agents/initAgent",
        with_inf({"agent": {"agent_name": "agent-000001", "agent_metadata": {"x": "INF"}}}),
        ("agent.agent_metadata.x", NON_FINITE),
    ),
    # item 9: limits
    (
        "post",
        "/api/v1/agents/initAgent",
        json.dumps(
            {
                "agent": {"agent_name": "agent-000002"},
                "steps": [{"type": "tool", "name": "x" * 256}],
            }
        ),
        ("steps[0].name", "string_too_long"),
    ),
    (
        "post",
        "/api/v1/agents/initAgent",
        json.dumps(
            {
                "agent": {"agent_name": "agent-000003"},
                "steps": [{"type": "tool", "name": f"s{i}"} for i in range(1001)],
            }
        ),
        ("steps", "too_long"),
    ),
    (
        "post",
        "/api/v1/agents/initAgent",
        json.dumps({"agent": {"agent_name": "agent-000004", "agent_metadata": {"x": "y" * 65536}}}),
        ("agent.agent_metadata", "value_error"),
    ),
    # an agent name ending in a newline: Python's re lets "$" match before it, JSON Schema not
    (
        "post",
        "/api/v1/evaluation",
        json.dumps(
            {
                "agent_name": "support-bot-01\n",
                "step": {"type": "llm", "name": "x", "input": "hi"},
                "stage": "pre",
            }
        ),
        ("agent_name", "pattern"),
    ),
    (
        "post",
        "/api/v1/observability/events/query",
        json.dumps({"agent_name": "support-bot-01\n"}),
        ("agent_name", "anyOf"),  # optional: a pattern-checked string or null
    ),
    (
        "post",
        "/api/v1/observability/events",
        json.dumps({"events": [event(agent_name="support-bot-01\n")]}),
        ("events[0].agent_name", "pattern"),
    ),
    # item 6: wrong JSON types the reference coerces
    ("patch", "/api/v1/controls/{id}", '{"enabled": 0}', ("enabled", "type")),
    (
        "post",
        "/api/v1/agents/initAgent",
        json.dumps({"agent": {"agent_name": "agent-000005"}, "force_replace": 1}),
        ("force_replace", "type"),
    ),
    ("post", "/api/v1/observability/events/query", '{"offset": "3"}', ("offset", "type")),
    (
        "post",
        "/api/v1/observability/events",
        json.dumps({"events": [event(execution_duration_ms="5")]}),
        ("events[0].execution_duration_ms", "type"),
    ),
]


def rows():
    return [
        sorted(model.all_tenants.values_list("pk", flat=True))
        for model in (Agent, Control, Policy, ControlExecutionEvent)
    ]


@pytest.mark.parametrize(("method", "path", "text", "problem"), CASES)
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(
    client, method, path, text, problem
):
    control = make_control("default-tenant", "existing")
    before = rows()
    response = getattr(client, method)(
        path.format(id=control.pk), text, content_type="application/json"
    )
    body = response.json()
    assert (response.status_code, body["error_code"]) == (422, "VALIDATION_ERROR")
    assert problem in [(e["field"], e["code"]) for e in body["errors"]]
    assert rows() == before
