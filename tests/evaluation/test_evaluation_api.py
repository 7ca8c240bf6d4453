"""POST /api/v1/evaluation: the reference scenarios of API.md 7.3 items 14-18, tenancy, errors."""

import uuid

import pytest

from policies.models import Control
from tenancy.context import tenant_context
from tests.definitions import control_data, leaf
from tests.factories import make_agent, make_control, make_policy

pytestmark = pytest.mark.django_db

AGENT = "support-bot-01"


SECRET = control_data(leaf("regex", {"pattern": "secret"}))


def attach(agent, *controls, via_policy: bool = True):
    if via_policy:
        policy = make_policy(agent.tenant_id, f"policy-{len(controls)}-{controls[0].pk}")
        policy.controls.add(*controls)
        agent.policies.add(policy)
    else:
        agent.controls.add(*controls)


def evaluate(api, step: dict, *, stage: str = "pre", agent: str = AGENT, tenant: str | None = None):
    body = {"agent_name": agent, "step": step, "stage": stage}
    return api.post("/api/v1/evaluation", body, tenant=tenant)


def llm(text: str, **extra) -> dict:
    return {"type": "llm", "name": "chat", "input": text, **extra}


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


SAFE_EMPTY = {
    "is_safe": True,
    "confidence": 1.0,
    "reason": None,
    "matches": None,
    "errors": None,
    "non_matches": None,
}


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


@pytest.mark.parametrize(
    ("scope", "step", "stage", "applies"),
    [
        ({"stages": ["post"]}, llm("a secret"), "pre", False),
        ({"stages": ["post"]}, llm("a secret"), "post", True),
        ({"step_types": ["tool"]}, llm("a secret"), "pre", False),
        ({"step_names": ["search"]}, llm("a secret"), "pre", False),
        ({"step_names": ["chat"]}, llm("a secret"), "pre", True),
        ({"step_name_regex": "^ch"}, llm("a secret"), "pre", True),
        ({"step_name_regex": "^search"}, llm("a secret"), "pre", False),
    ],
)
def test_scope_filters_select_the_controls_that_run(api, scope, step, stage, applies):
    agent = make_agent("default-tenant", AGENT)
    attach(agent, make_control("default-tenant", "scoped", {**SECRET, "scope": scope}))
    body = evaluate(api, step, stage=stage).json()
    if applies:
        assert (body["is_safe"], [m["control_name"] for m in body["matches"]]) == (
            False,
            ["scoped"],
        )
    else:
        assert body == SAFE_EMPTY


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


def test_disabled_control_is_listed_but_not_evaluated(api):
    agent = make_agent("default-tenant", AGENT)
    control = make_control("default-tenant", "block-secret", SECRET)
    attach(agent, control)
    assert api.patch(f"/api/v1/controls/{control.pk}", {"enabled": False}).status_code == 200
    assert evaluate(api, llm("a secret")).json() == SAFE_EMPTY
    listed = api.get(f"/api/v1/agents/{AGENT}/controls").json()["controls"]
    assert [(c["id"], c["control"]["enabled"]) for c in listed] == [(control.pk, False)]
    enabled_only = api.get(f"/api/v1/agents/{AGENT}/controls", enabled_state="enabled").json()
    assert enabled_only == {"controls": []}


def test_sdk_execution_controls_are_never_run_by_the_server(api):
    agent = make_agent("default-tenant", AGENT)
    attach(agent, make_control("default-tenant", "sdk-only", {**SECRET, "execution": "sdk"}))
    assert evaluate(api, llm("a secret")).json() == SAFE_EMPTY


def test_direct_and_policy_controls_both_run_once(api):
    agent = make_agent("default-tenant", AGENT)
    control = make_control("default-tenant", "block-secret", SECRET)
    attach(agent, control)
    attach(agent, control, via_policy=False)
    body = evaluate(api, llm("a secret")).json()
    assert [m["control_id"] for m in body["matches"]] == [control.pk]


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


def test_evaluation_query_count_does_not_grow_with_controls(api, django_assert_num_queries):
    small = make_agent("small", AGENT)
    attach(small, make_control("small", "only-one", SECRET))
    large = make_agent("large", AGENT)
    controls = [make_control("large", f"ctl-{i:02d}", SECRET) for i in range(50)]
    for start in range(0, 50, 5):
        attach(large, *controls[start : start + 5])
    for tenant in ("small", "large"):
        with django_assert_num_queries(2):  # the agent, its effective controls
            assert evaluate(api, llm("a secret"), tenant=tenant).json()["is_safe"] is False


def test_evaluators_lists_the_installed_evaluators(api):
    body = api.get("/api/v1/evaluators").json()
    assert sorted(body) == ["json", "list", "regex", "sql"]
    regex = body["regex"]
    assert {key: regex[key] for key in regex if key != "config_schema"} == {
        "name": "regex",
        "version": "1.0.0",
        "description": "Regular expression pattern matching (RE2)",
        "requires_api_key": False,
        "timeout_ms": 10000,
    }
    assert regex["config_schema"]["required"] == ["pattern"]
    assert body["json"]["timeout_ms"] == 15000


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
