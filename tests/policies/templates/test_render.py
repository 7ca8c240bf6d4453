"""``POST /control-templates/render``: a template and its values become a control, defaults
filled in, nothing stored; request problems are ``VALIDATION_ERROR``s, template problems
``TEMPLATE_RENDER_ERROR``s and value problems ``TEMPLATE_PARAMETER_INVALID``s."""

import pytest

from policies.models import Control
from tests.policies.templates.payloads import (
    RENDER,
    list_input,
    regex_input,
    regex_template,
    rendered_regex,
)
from tests.reference_errors import error, problem

pytestmark = pytest.mark.django_db


def test_render_returns_the_rendered_control_with_resolved_values(api):
    response = api.post(RENDER, regex_input())
    assert response.status_code == 200
    assert response.json() == {"control": rendered_regex()}
    assert not Control.all_tenants.exists()


def test_render_fills_every_value_from_the_defaults(api):
    control = api.post(RENDER, list_input()).json()["control"]
    defaults = {"values": ["secret", "blocked"], "logic": "any", "case_sensitive": False}
    assert control["template_values"] == defaults
    assert control["condition"]["evaluator"]["config"] == defaults


def test_a_parameter_may_be_bound_inside_a_list_and_used_twice(api):
    body = regex_input()
    body["template"]["definition_template"]["tags"] = ["t", {"$param": "step_name"}]
    control = api.post(RENDER, body).json()["control"]
    assert control["tags"] == ["t", "templated-step"]
    assert control["scope"]["step_names"] == ["templated-step"]


def test_render_has_no_draft_mode(api):
    response = api.post(RENDER, regex_input(values={}))
    assert error(response) == {
        "status": 422,
        "error_code": "TEMPLATE_PARAMETER_INVALID",
        "detail": "Invalid value for parameter 'Pattern'",
        "errors": [
            {
                "resource": "Control",
                "field": "template_values.pattern",
                "code": "missing_parameter",
                "message": "Missing required parameter 'Pattern'.",
                "parameter": "pattern",
                "parameter_label": "Pattern",
            }
        ],
    }


def test_a_parameter_error_has_the_full_envelope(api):
    response = api.post(RENDER, regex_input(values={"pattern": "["}))
    item = {
        "resource": "Control",
        "field": "template_values.pattern",
        "code": "invalid_regex",
        "message": "Invalid value for parameter 'Pattern': Invalid regex pattern: b'missing ]: ['",
        "value": "[REDACTED]",
        "parameter": "pattern",
        "parameter_label": "Pattern",
    }
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/template-parameter-invalid",
        "title": "Template Parameter Invalid",
        "status": 422,
        "detail": "Invalid value for parameter 'Pattern'",
        "instance": RENDER,
        "error_code": "TEMPLATE_PARAMETER_INVALID",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": [item],
        "details": {"kind": "Control", "causes": [item]},
        "hint": "Update the template parameter values and try again.",
    }


def _nested(levels: int):
    node = "leaf"
    for _ in range(levels):
        node = {"nested": node}
    return node


@pytest.mark.parametrize(
    ("body", "field", "code", "message"),
    [
        (
            {"template": regex_template(definition_template=_nested(12))},
            "template.definition_template",
            "value_error",
            "Value error, definition_template nesting depth exceeds maximum of 12",
        ),
        (
            {"template": regex_template(definition_template=list(range(1001)))},
            "template.definition_template",
            "value_error",
            "Value error, definition_template size exceeds maximum of 1000 JSON nodes",
        ),
        (
            {"template": regex_template(parameters={"bad.name": {"type": "string", "label": "B"}})},
            "template.parameters",
            "value_error",
            "Value error, Parameter names must match [a-zA-Z_][a-zA-Z0-9_]*",
        ),
        ({**regex_input(), "execution": "server"}, "execution", "extra_forbidden", None),
        ({"template_values": {}}, "template", "missing", "Field required"),
        (
            {
                "template": regex_template(
                    parameters={"pattern": {"type": "regex_re2", "label": ""}}
                )
            },
            "template.parameters.pattern.regex_re2.label",
            "string_too_short",
            "String should have at least 1 character",
        ),
    ],
)
def test_request_problems_are_validation_errors(api, body, field, code, message):
    body = problem(api.post(RENDER, body))
    assert (body["status"], body["error_code"], body["errors"][0]["resource"]) == (
        422,
        "VALIDATION_ERROR",
        "Request",
    )
    assert (body["errors"][0]["field"], body["errors"][0]["code"]) == (field, code)
    if message is not None:
        assert body["errors"][0]["message"] == message
    assert "details" not in body


def test_a_value_of_the_wrong_json_type_fails_each_union_branch(api):
    body = regex_input(values={"pattern": [1, 2]})
    errors = error(api.post(RENDER, body))["errors"]
    assert [(e["field"], e["code"], e["value"]) for e in errors] == [
        ("template_values.pattern.str", "string_type", "[REDACTED]"),
        ("template_values.pattern.bool", "bool_type", "[REDACTED]"),
        ("template_values.pattern.list[str][0]", "string_type", 1),
        ("template_values.pattern.list[str][1]", "string_type", 2),
    ]
