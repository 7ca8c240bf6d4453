"""``POST /api/v1/evaluation`` verdicts, the reference scenarios of API.md 7.3 items 14-18: a deny
match with the reference's exact body, clean input, nothing to evaluate, selectors that find
nothing or nested data, observe, deny and steer decisions, and an erroring evaluator failing
closed."""

import uuid

import pytest

from tests.definitions import control_data, leaf
from tests.evaluation.evaluation_helpers import AGENT, SAFE_EMPTY, SECRET, attach, evaluate, llm
from tests.factories import make_agent, make_control, make_policy

pytestmark = pytest.mark.django_db


def test_regex_deny_matches_with_the_reference_body(api):
    agent = make_agent("default-tenant", AGENT)
    control = make_control("default-tenant", "block-secret", SECRET)
    attach(agent, control)
    response = evaluate(api, llm("my secret plan"))
    assert response.status_code == 200
    body = response.json()
    (match,) = body["matches"]
    uuid.UUID(match.pop("control_execution_id"))
    assert isinstance(match.pop("execution_duration_ms"), float)
    assert body == {
        "is_safe": False,
        "confidence": 1.0,
        "reason": None,
        "matches": [
            {
                "control_id": control.pk,
                "control_name": "block-secret",
                "action": "deny",
                "result": {
                    "matched": True,
                    "confidence": 1.0,
                    "message": "Pattern 'secret' found",
                    "metadata": {
                        "pattern": "secret",
                        "engine_selected_data_preview": {
                            "type": "str",
                            "value": "my secret plan",
                            "truncated": False,
                        },
                        "condition_trace": {
                            "type": "leaf",
                            "evaluated": True,
                            "matched": True,
                            "selector_path": "input",
                            "evaluator_name": "regex",
                            "confidence": 1.0,
                            "error": None,
                            "message": "Pattern 'secret' found",
                        },
                    },
                    "error": None,
                },
                "steering_context": None,
            }
        ],
        "errors": None,
        "non_matches": None,
    }


def test_clean_input_lists_the_control_in_non_matches(api):
    agent = make_agent("default-tenant", AGENT)
    attach(agent, make_control("default-tenant", "block-secret", SECRET))
    body = evaluate(api, llm("hello there")).json()
    assert (body["is_safe"], body["confidence"], body["matches"], body["errors"]) == (
        True,
        1.0,
        None,
        None,
    )
    assert [(m["control_name"], m["result"]["matched"]) for m in body["non_matches"]] == [
        ("block-secret", False)
    ]


def test_agent_without_policy_is_safe(api):
    make_agent("default-tenant", AGENT)
    assert evaluate(api, llm("my secret")).json() == SAFE_EMPTY


def test_agent_with_empty_policy_is_safe(api):
    agent = make_agent("default-tenant", AGENT)
    agent.policies.add(make_policy("default-tenant", "empty"))
    assert evaluate(api, llm("my secret")).json() == SAFE_EMPTY


def test_missing_selector_path_is_safe_not_an_error(api):
    agent = make_agent("default-tenant", AGENT)
    data = control_data(leaf("regex", {"pattern": "admin"}, path="context.user.role"))
    attach(agent, make_control("default-tenant", "role-check", data))
    body = evaluate(api, llm("hello")).json()
    assert (body["is_safe"], body["matches"], body["errors"]) == (True, None, None)
    assert [m["result"]["matched"] for m in body["non_matches"]] == [False]


def test_star_selector_with_json_required_field_is_safe(api):
    agent = make_agent("default-tenant", AGENT)
    data = control_data(leaf("json", {"required_fields": ["type"]}, path="*"))
    attach(agent, make_control("default-tenant", "has-type", data))
    body = evaluate(api, llm("hello")).json()
    assert (body["is_safe"], body["confidence"], body["matches"], body["errors"]) == (
        True,
        1.0,
        None,
        None,
    )


def test_nested_tool_input_path_is_selected(api):
    agent = make_agent("default-tenant", AGENT)
    data = control_data(
        leaf("list", {"values": ["high"]}, path="input.config.risk_level"),
        scope={"step_types": ["tool"]},
    )
    attach(agent, make_control("default-tenant", "high-risk", data))
    risky = {"type": "tool", "name": "deploy", "input": {"config": {"risk_level": "high"}}}
    calm = {"type": "tool", "name": "deploy", "input": {"config": {"risk_level": "low"}}}
    assert evaluate(api, risky).json()["is_safe"] is False
    assert evaluate(api, calm).json()["is_safe"] is True


def test_observe_and_deny_both_matching_is_unsafe_with_the_deny_in_matches(api):
    agent = make_agent("default-tenant", AGENT)
    observe = make_control(
        "default-tenant", "watch-secret", control_data(SECRET["condition"], decision="observe")
    )
    deny = make_control("default-tenant", "block-secret", SECRET)
    attach(agent, observe, deny)
    body = evaluate(api, llm("a secret")).json()
    assert body["is_safe"] is False
    assert body["confidence"] == 1.0
    assert "block-secret" in [m["control_name"] for m in body["matches"]]
    assert {m["action"] for m in body["matches"]} <= {"deny", "observe"}


def test_observe_match_alone_stays_safe(api):
    agent = make_agent("default-tenant", AGENT)
    attach(
        agent,
        make_control(
            "default-tenant", "watch-secret", control_data(SECRET["condition"], decision="observe")
        ),
    )
    body = evaluate(api, llm("a secret")).json()
    assert (body["is_safe"], [m["action"] for m in body["matches"]]) == (True, ["observe"])


def test_deny_control_whose_evaluator_errors_fails_closed(api):
    agent = make_agent("default-tenant", AGENT)
    broken = make_control("default-tenant", "vendor-check", control_data(leaf("vendor.x", {})))
    attach(agent, broken)
    body = evaluate(api, llm("hello")).json()
    assert (body["is_safe"], body["confidence"], body["matches"], body["non_matches"]) == (
        False,
        0.0,
        None,
        None,
    )
    (error,) = body["errors"]
    assert (error["control_name"], error["action"]) == ("vendor-check", "deny")
    assert error["result"]["error"] == "Evaluation failed due to an internal evaluator error."
    assert error["result"]["message"] == "Evaluation failed due to an internal evaluator error."
    assert error["result"]["matched"] is False
    assert "vendor.x" not in str(error["result"]["metadata"]["condition_trace"]["error"])


def test_steer_match_is_unsafe_and_echoes_the_steering_context(api):
    agent = make_agent("default-tenant", AGENT)
    steer = control_data(
        leaf("regex", {"pattern": "transfer"}),
        decision="steer",
        steering_context={"message": "ask for approval"},
    )
    attach(agent, make_control("default-tenant", "approve-transfers", steer))
    body = evaluate(api, llm("transfer 100 EUR")).json()
    assert body["is_safe"] is False
    assert [(m["action"], m["steering_context"]) for m in body["matches"]] == [
        ("steer", {"message": "ask for approval"})
    ]
