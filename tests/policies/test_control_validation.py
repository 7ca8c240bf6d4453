"""Invalid control definitions (API.md 2.4, scenario 8), agent-scoped evaluators,
``POST /controls/validate`` and ``GET /controls/schema``.

Field paths, codes and messages were compared with a live reference server 8.15.0.
"""

import pytest
from agent_control_models import ControlDefinition

from agents.models import Agent
from policies.models import Control, ControlVersion
from tests.definitions import definition, leaf
from tests.factories import make_agent
from tests.policies.control_helpers import CONTROLS, create, stored
from tests.reference_errors import problem, validation_problem

pytestmark = pytest.mark.django_db

VALIDATE = f"{CONTROLS}/validate"


def nested_not(depth):
    node = leaf()
    for _ in range(depth):
        node = {"not": node}
    return node


# (case id, data, field, code, message)
INVALID = [
    (
        "list-logic-not-allowed",
        definition(leaf("list", {"values": ["a"], "logic": "bogus"})),
        "data.condition.evaluator.logic",
        "literal_error",
        "Input should be 'any' or 'all'",
    ),
    (
        "list-missing-values",
        definition(leaf("list", {})),
        "data.condition.evaluator.values",
        "missing",
        "Field required",
    ),
    (
        "regex-flags-as-string",
        definition(leaf("regex", {"pattern": "a", "flags": "IGNORECASE"})),
        "data.condition.evaluator.flags",
        "list_type",
        "Input should be a valid list",
    ),
    (
        "regex-invalid-pattern",
        definition(leaf("regex", {"pattern": "["})),
        "data.condition.evaluator.pattern",
        "value_error",
        "Value error, Invalid regex pattern: b'missing ]: ['",
    ),
    (
        "empty-step-names",
        definition(scope={"step_names": []}),
        "data.scope.step_names",
        "value_error",
        "Value error, step_names cannot be an empty list. Use None/omit the field to apply to "
        "all steps.",
    ),
    (
        "nested-and-list-logic",
        definition({"and": [leaf("list", {"values": ["a"], "logic": "bogus"}), leaf()]}),
        "data.condition.and[0].evaluator.logic",
        "literal_error",
        "Input should be 'any' or 'all'",
    ),
    (
        "execution-missing",
        {"condition": leaf(), "action": {"decision": "deny"}},
        "data.execution",
        "missing",
        "Field required",
    ),
    (
        "legacy-decision",
        definition(action={"decision": "allow"}),
        "data.action.decision",
        "value_error",
        "Value error, Invalid action 'allow'. Must be one of: deny, steer, observe.",
    ),
    (
        "selector-bad-root",
        definition(leaf(path="body.x")),
        "data.condition.selector.path",
        "value_error",
        "Value error, Invalid path root 'body'. Must be one of: *, context, input, name, "
        "output, type",
    ),
    (
        "selector-empty-path",
        definition(leaf(path="")),
        "data.condition.selector.path",
        "value_error",
        "Value error, Path cannot be empty string. Use '*' for root or omit the field.",
    ),
    (
        "leaf-and-composite",
        definition({**leaf(), "and": [leaf()]}),
        "data.condition",
        "value_error",
        "Value error, Condition node must contain exactly one of leaf, and, or, not",
    ),
    (
        "empty-node",
        definition({}),
        "data.condition",
        "value_error",
        "Value error, Condition node must contain exactly one of leaf, and, or, not",
    ),
    (
        "and-empty",
        definition({"and": []}),
        "data.condition",
        "value_error",
        "Value error, 'and' must contain at least one child condition",
    ),
    (
        "deeper-than-12",
        definition(nested_not(12)),
        "data",
        "value_error",
        "Value error, Condition nesting depth exceeds maximum of 12",
    ),
    (
        "scope-empty-step-types",
        definition(scope={"step_types": []}),
        "data.scope.step_types",
        "value_error",
        "Value error, step_types cannot be an empty list. Use None/omit the field to apply to "
        "all types.",
    ),
    (
        "scope-empty-stages",
        definition(scope={"stages": []}),
        "data.scope.stages",
        "value_error",
        "Value error, stages cannot be an empty list. Use None/omit the field to apply to all "
        "stages.",
    ),
    (
        "step-name-regex-not-re2",
        definition(scope={"step_name_regex": "(?<=x)"}),
        "data.scope.step_name_regex",
        "value_error",
        "Value error, Invalid step_name_regex: b'invalid perl operator: (?<='",
    ),
    (
        "composite-steer-without-context",
        definition({"or": [leaf()]}, action={"decision": "steer"}),
        "data",
        "value_error",
        "Value error, Composite steer controls require action.steering_context",
    ),
    (
        "list-blank-value",
        definition(leaf("list", {"values": ["a", " "]})),
        "data.condition.evaluator.values",
        "value_error",
        "Value error, values must not contain empty or whitespace-only strings",
    ),
    (
        "json-without-checks",
        definition(leaf("json", {})),
        "data.condition.evaluator",
        "value_error",
        "Value error, At least one validation check must be configured: json_schema, "
        "field_types, required_fields, field_constraints, or field_patterns",
    ),
    (
        "sql-blocked-and-allowed",
        definition(leaf("sql", {"blocked_operations": ["DROP"], "allowed_operations": ["SELECT"]})),
        "data.condition.evaluator",
        "value_error",
        "Value error, Cannot specify both blocked_operations and allowed_operations",
    ),
    (
        "legacy-and-canonical-mixed",
        {**definition(), "selector": {"path": "input"}},
        "data",
        "value_error",
        "Value error, Control definition mixes canonical condition fields with legacy "
        "selector/evaluator fields.",
    ),
    (
        "blank-evaluator-name",
        definition(leaf("  ", {})),
        "data.condition.evaluator.name",
        "value_error",
        "Value error, Evaluator name cannot be empty or whitespace-only.",
    ),
]


def one_error(field, code, message):
    return [
        {
            "resource": "Control",
            "field": field,
            "code": code,
            "message": message,
            "value": "[REDACTED]",
        }
    ]


@pytest.mark.parametrize(("data", "field", "code", "message"), [c[1:] for c in INVALID],
                         ids=[c[0] for c in INVALID])  # fmt: skip
def test_invalid_definition_is_rejected_on_create(api, data, field, code, message):
    response = api.put(CONTROLS, {"name": "bad-control", "data": data})
    assert response.status_code == 422
    assert problem(response) == validation_problem(CONTROLS, one_error(field, code, message))
    assert not Control.all_tenants.exists()


@pytest.mark.parametrize(("data", "field", "code", "message"), [c[1:] for c in INVALID],
                         ids=[c[0] for c in INVALID])  # fmt: skip
def test_invalid_definition_is_rejected_on_validate(api, data, field, code, message):
    response = api.post(VALIDATE, {"data": data})
    assert response.status_code == 422
    assert problem(response) == validation_problem(VALIDATE, one_error(field, code, message))


@pytest.mark.parametrize(("data", "field", "code", "message"), [c[1:] for c in INVALID[:6]],
                         ids=[c[0] for c in INVALID[:6]])  # fmt: skip
def test_invalid_definition_is_rejected_on_set_data(api, data, field, code, message):
    control_id = create(api)
    path = f"{CONTROLS}/{control_id}/data"
    response = api.put(path, {"data": data})
    assert response.status_code == 422
    assert problem(response) == validation_problem(path, one_error(field, code, message))
    assert ControlVersion.all_tenants.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        definition(leaf("regex", {"pattern": "a", "unknown": 1})),  # unknown config keys ignored
        definition(leaf("galileo.luna", {"anything": True})),  # uninstalled external evaluator
        definition(action={"decision": "steer"}),  # a single-leaf steer needs no context
        definition(leaf("sql", {"blocked_operations": ["DROP"]}), execution="sdk"),
    ],
    ids=["unknown-config-keys", "external-evaluator", "leaf-steer", "sql-sdk"],
)
def test_valid_definitions_are_accepted(api, data):
    assert api.post(VALIDATE, {"data": data}).json() == {"success": True}
    create(api, data=data)


def test_validate_stores_nothing(api):
    response = api.post(VALIDATE, {"data": definition()})
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert not Control.all_tenants.exists()
    assert not ControlVersion.all_tenants.exists()


def test_validate_requires_data(api):
    response = api.post(VALIDATE, {})
    assert problem(response) == validation_problem(
        VALIDATE,
        [
            {
                "resource": "Control",
                "field": "data",
                "code": "missing",
                "message": "Field required",
                "value": "[REDACTED]",
            }
        ],
    )


def test_validate_refuses_template_input(api):
    response = api.post(VALIDATE, {"data": {"template": {}, "template_values": {}}})
    assert response.status_code == 422
    body = problem(response)
    assert body["detail"] == "Template-backed controls are not supported"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("data.template", "template_not_supported")
    ]


# ---- agent-scoped evaluators ("<agent>:<evaluator>") ---------------------------------------

PII_SCHEMA = {
    "type": "object",
    "properties": {"level": {"type": "integer"}},
    "required": ["level"],
}


@pytest.fixture
def support_bot():
    return make_agent(
        "default-tenant",
        "support-bot-01",
        evaluators=[{"name": "pii", "config_schema": PII_SCHEMA}, {"name": "free"}],
    )


def scoped(name, config, *, slot="or"):
    """A condition whose second ``or`` child uses evaluator ``name``."""
    if slot == "not":
        return definition({"not": leaf(name, config)})
    return definition({"or": [leaf(), leaf(name, config)]})


def test_agent_scoped_evaluator_that_validates_is_accepted(api, support_bot):
    data = scoped("support-bot-01:pii", {"level": 3})
    assert api.post(VALIDATE, {"data": data}).json() == {"success": True}
    control_id = create(api, "uses-pii", data)
    assert stored(control_id).data["condition"]["or"][1]["evaluator"]["name"] == (
        "support-bot-01:pii"
    )


def test_agent_scoped_evaluator_without_schema_accepts_any_config(api, support_bot):
    data = scoped("support-bot-01:free", {"whatever": [1]})
    assert api.post(VALIDATE, {"data": data}).json() == {"success": True}


def test_unregistered_agent_scoped_evaluator_is_evaluator_not_found(api, support_bot):
    data = definition({"or": [leaf("support-bot-01:nope", {}), leaf()]})
    response = api.put(CONTROLS, {"name": "uses-nope", "data": data})
    assert response.status_code == 422
    errors = [
        {
            "resource": "Control",
            "field": "data.condition.or[0].evaluator.name",
            "code": "evaluator_not_found",
            "message": "Evaluator 'nope' not found on agent 'support-bot-01'",
            "value": "[REDACTED]",
        }
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/evaluator-not-found",
        "title": "Evaluator Not Found",
        "status": 422,
        "detail": "Evaluator 'nope' is not registered with agent 'support-bot-01'",
        "instance": CONTROLS,
        "error_code": "EVALUATOR_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": errors,
        "details": {"kind": "Evaluator", "causes": errors},
        "hint": "Register it via initAgent first. Available evaluators: ['pii', 'free'].",
    }
    assert not Control.all_tenants.exists()
    assert not ControlVersion.all_tenants.exists()


def test_config_failing_the_agent_schema_is_invalid_config(api, support_bot):
    response = api.post(
        VALIDATE, {"data": scoped("support-bot-01:pii", {"level": "x"}, slot="not")}
    )
    assert response.status_code == 422
    errors = [
        {
            "resource": "Control",
            "field": "data.condition.not.evaluator.config",
            "code": "schema_validation_error",
            "message": "Config does not satisfy the evaluator schema.",
        }
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/invalid-config",
        "title": "Invalid Configuration",
        "status": 422,
        "detail": "Config validation failed for evaluator 'support-bot-01:pii'",
        "instance": VALIDATE,
        "error_code": "INVALID_CONFIG",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": errors,
        "details": {"kind": "Control", "causes": errors},
        "hint": "Check the evaluator's config schema for required fields and types.",
    }


def agent_not_found(name, instance):
    return {
        "type": "https://agentcontrol.dev/errors/agent-not-found",
        "title": "Agent Not Found",
        "status": 404,
        "detail": f"Agent '{name}' not found",
        "instance": instance,
        "error_code": "AGENT_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "NotFound",
        "details": {"name": name, "kind": "Agent"},
        "hint": "Ensure the agent exists before creating controls that reference its evaluators.",
    }


@pytest.mark.parametrize("agent_name", ["no-such-agent", "SUPPORT-BOT-01", ""])
def test_missing_agent_is_agent_not_found(api, support_bot, agent_name):
    response = api.post(VALIDATE, {"data": scoped(f"{agent_name}:pii", {"level": 1})})
    assert response.status_code == 404
    assert problem(response) == agent_not_found(agent_name, VALIDATE)


def test_another_tenants_agent_is_not_found(api, support_bot):
    response = api.put(
        CONTROLS,
        {"name": "uses-pii", "data": scoped("support-bot-01:pii", {"level": 1})},
        tenant="globex",
    )
    assert response.status_code == 404
    assert problem(response) == agent_not_found("support-bot-01", CONTROLS)
    assert not Control.all_tenants.exists()


def test_duplicate_name_wins_over_agent_scoped_errors(api, support_bot):
    create(api, "uses-pii")
    response = api.put(CONTROLS, {"name": "uses-pii", "data": scoped("gone-agent-01:x", {})})
    assert (response.status_code, response.json()["error_code"]) == (409, "CONTROL_NAME_CONFLICT")


def test_set_data_checks_agent_scoped_evaluators(api, support_bot):
    control_id = create(api)
    path = f"{CONTROLS}/{control_id}/data"
    response = api.put(path, {"data": scoped("support-bot-01:pii", {})})
    assert (response.status_code, response.json()["error_code"]) == (422, "INVALID_CONFIG")
    assert api.put(path, {"data": scoped("support-bot-01:pii", {"level": 2})}).json() == {
        "success": True
    }


def test_agent_with_unparseable_evaluators_is_corrupted_data(api):
    make_agent("default-tenant", "support-bot-01", evaluators=[{"config_schema": {}}])
    response = api.post(VALIDATE, {"data": scoped("support-bot-01:pii", {})})
    assert response.status_code == 422
    body = problem(response)
    assert (body["error_code"], body["detail"]) == (
        "CORRUPTED_DATA",
        "Agent 'support-bot-01' has invalid data",
    )
    assert body["errors"] == [
        {
            "resource": "Agent",
            "field": "evaluators[0].name",
            "code": "missing",
            "message": "Field required",
        }
    ]


def test_one_query_for_all_referenced_agents(api, support_bot, django_assert_num_queries):
    make_agent("default-tenant", "billing-bot-01", evaluators=[{"name": "pii"}])
    data = definition(
        {
            "and": [
                leaf("support-bot-01:pii", {"level": 1}),
                leaf("billing-bot-01:pii", {}),
                leaf("support-bot-01:free", {}),
            ]
        }
    )
    with django_assert_num_queries(1):
        assert api.post(VALIDATE, {"data": data}).json() == {"success": True}
    assert Agent.all_tenants.count() == 2


# ---- schema -----------------------------------------------------------------------------------


def test_schema_is_the_control_definition_json_schema(api):
    response = api.get(f"{CONTROLS}/schema")
    assert response.status_code == 200
    schema = response.json()["schema"]
    assert list(response.json()) == ["schema"]
    assert schema == ControlDefinition.model_json_schema(by_alias=True)
    assert set(schema["required"]) == {"condition", "execution", "action"}


def test_schema_needs_no_database(api, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api.get(f"{CONTROLS}/schema", tenant="acme").status_code == 200
