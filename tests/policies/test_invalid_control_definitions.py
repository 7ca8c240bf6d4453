"""Invalid control definitions (API.md 2.4, scenario 8) are refused alike by ``PUT /controls``,
``POST /controls/validate`` and ``PUT /controls/{id}/data`` with the reference's field, code and
message; valid edge cases are accepted.

Field paths, codes and messages were compared with a live reference server 8.15.0.
"""

import pytest

from policies.models import Control, ControlVersion
from tests.definitions import definition, leaf
from tests.policies.control_helpers import CONTROLS, VALIDATE, create
from tests.reference_errors import problem, validation_problem

pytestmark = pytest.mark.django_db


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
