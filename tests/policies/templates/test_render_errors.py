"""Every template and parameter error of ``POST /control-templates/render``: code, detail, hint and
``errors[]`` exactly as the reference words them (each case changes one thing of the regex
template or its values)."""

import pytest

from tests.policies.templates.payloads import RENDER, list_input, regex_input

pytestmark = pytest.mark.django_db

TEMPLATE_HINT = "Update the template definition and try again."
VALUES_HINT = "Update the template parameter values and try again."
RENDERED_HINT = "Update the template structure or template parameter values and try again."
RENDERED = "Rendered template did not produce a valid control definition"
AGENT_SCOPED = "Agent-scoped evaluators are not supported in control templates"


def _edit(change):
    body = regex_input()
    change(body["template"], body["template"]["definition_template"], body)
    return body


def _item(field, code, message, rendered=True, **extra):
    item = {"resource": "Control", "field": field, "code": code, "message": message, **extra}
    if rendered:
        item["rendered_field"] = field
    return item


def _param(field_name, label, code, message, **extra):
    return {
        "resource": "Control",
        "field": f"template_values.{field_name}",
        "code": code,
        "message": message,
        **extra,
        "parameter": field_name,
        "parameter_label": label,
    }


def _set_pattern_binding(binding):
    def change(template, definition, body):
        definition["condition"]["evaluator"]["config"]["pattern"] = binding

    return change


def _bind(path_setter, name, parameter):
    def change(template, definition, body):
        path_setter(definition, {"$param": name})
        template["parameters"][name] = parameter

    return change


PATTERN = "condition.evaluator.config.pattern"
CASES = {
    "non_object_definition": (
        lambda t, d, b: t.update(definition_template="just a string"),
        "R",
        "Templates must define a top-level control object",
        TEMPLATE_HINT,
        [
            _item(
                "template.definition_template",
                "invalid_definition_template_type",
                "definition_template must be a JSON object representing a control definition.",
            )
        ],
    ),
    "top_level_enabled": (
        lambda t, d, b: d.update(enabled=True, name="x"),
        "R",
        "Templates must not define top-level 'enabled'",
        TEMPLATE_HINT,
        [
            _item(
                "enabled",
                "forbidden_template_field",
                "Templates must not define top-level 'enabled'. Manage it outside the template.",
            )
        ],
    ),
    "top_level_name": (
        lambda t, d, b: d.update(name="x"),
        "R",
        "Templates must not define top-level 'name'",
        TEMPLATE_HINT,
        [
            _item(
                "name",
                "forbidden_template_field",
                "Templates must not define top-level 'name'. Manage it outside the template.",
            )
        ],
    ),
    "legacy_flat_format": (
        lambda t, d, b: d.update(
            selector=d.pop("condition")["selector"], evaluator={"name": "regex", "config": {}}
        ),
        "R",
        "Templates must use the canonical 'condition' format",
        TEMPLATE_HINT,
        [
            _item(
                "condition",
                "legacy_condition_format_not_supported",
                "Templates must use the canonical 'condition' wrapper instead of top-level "
                "selector/evaluator fields.",
            )
        ],
    ),
    "binding_with_an_extra_key": (
        _set_pattern_binding({"$param": "pattern", "extra": True}),
        "R",
        "Invalid $param binding object in template definition",
        TEMPLATE_HINT,
        [
            _item(
                PATTERN,
                "invalid_param_binding",
                "A $param binding must be exactly {'$param': '<parameter_name>'}.",
            )
        ],
    ),
    "binding_to_a_number": (
        _set_pattern_binding({"$param": 123}),
        "R",
        "Invalid $param binding object in template definition",
        TEMPLATE_HINT,
        [
            _item(
                PATTERN,
                "invalid_param_binding",
                "A $param binding must be exactly {'$param': '<parameter_name>'}.",
            )
        ],
    ),
    "undefined_parameter": (
        _set_pattern_binding({"$param": "nowhere"}),
        "R",
        "Template references undefined parameter 'nowhere'",
        TEMPLATE_HINT,
        [
            _item(
                PATTERN,
                "undefined_parameter_reference",
                "Template references undefined parameter 'nowhere'.",
            )
        ],
    ),
    "optional_without_default": (
        lambda t, d, b: t["parameters"]["step_name"].pop("default"),
        "R",
        "Template parameter 'step_name' is optional but referenced without a default value",
        TEMPLATE_HINT,
        [
            _item(
                "template.parameters.step_name",
                "optional_referenced_parameter_requires_default",
                "Optional template parameter 'Step Name' is referenced in the template and must "
                "define a default value or be marked required.",
            )
        ],
    ),
    "unused_parameters": (
        lambda t, d, b: t["parameters"].update(
            zeta={"type": "string", "label": "Zeta", "default": "z"},
            alpha={"type": "boolean", "label": "Alpha", "default": True},
        ),
        "R",
        "Template defines parameters that are never referenced",
        "Remove unused parameters or reference them in definition_template.",
        [
            _item(
                f"template.parameters.{name}",
                "unused_template_parameter",
                f"Template parameter '{name}' is never referenced.",
                rendered=False,
                parameter=name,
                parameter_label=label,
            )
            for name, label in (("alpha", "Alpha"), ("zeta", "Zeta"))
        ],
    ),
    "literal_agent_scoped_evaluator_right_most_first": (
        lambda t, d, b: d.update(
            condition={
                "and": [
                    {
                        "selector": {"path": "input"},
                        "evaluator": {"name": "bot:first", "config": {}},
                    },
                    {"not": {**d["condition"], "evaluator": {"name": "bot:x", "config": {}}}},
                    {**d["condition"]},
                ]
            }
        ),
        "R",
        AGENT_SCOPED,
        TEMPLATE_HINT,
        [
            _item(
                "condition.and[1].not.evaluator.name",
                "agent_scoped_evaluator_not_supported",
                "Agent-scoped evaluators are not supported in control templates.",
            )
        ],
    ),
    "bound_agent_scoped_evaluator": (
        _bind(
            lambda d, v: d["condition"]["evaluator"].update(name=v),
            "evaluator_name",
            {"type": "string", "label": "Evaluator Name", "default": "bot:custom"},
        ),
        "P",
        AGENT_SCOPED,
        "Use a built-in or package-scoped evaluator in template-backed controls.",
        [
            {
                **_param(
                    "evaluator_name",
                    "Evaluator Name",
                    "template_parameter_invalid",
                    "Invalid value for parameter 'Evaluator Name': Agent-scoped evaluators are "
                    "not supported in control templates.",
                ),
                "rendered_field": "condition.evaluator.name",
            }
        ],
    ),
    "unbound_invalid_decision": (
        lambda t, d, b: d["action"].update(decision="block"),
        "R",
        RENDERED,
        RENDERED_HINT,
        [
            _item(
                "action.decision",
                "value_error",
                "Value error, Invalid action 'block'. Must be one of: deny, steer, observe.",
            )
        ],
    ),
    "bound_invalid_decision": (
        _bind(
            lambda d, v: d["action"].update(decision=v),
            "decision",
            {"type": "string", "label": "Decision", "default": "block"},
        ),
        "P",
        RENDERED,
        RENDERED_HINT,
        [
            {
                **_param(
                    "decision",
                    "Decision",
                    "template_parameter_invalid",
                    "Invalid value for parameter 'Decision': Value error, Invalid action "
                    "'block'. Must be one of: deny, steer, observe.",
                ),
                "rendered_field": "action.decision",
            }
        ],
    ),
    "bound_invalid_selector_path": (
        _bind(
            lambda d, v: d["condition"]["selector"].update(path=v),
            "path",
            {"type": "string", "label": "Path", "default": "bogus.root"},
        ),
        "P",
        RENDERED,
        RENDERED_HINT,
        [
            {
                **_param(
                    "path",
                    "Path",
                    "template_parameter_invalid",
                    "Invalid value for parameter 'Path': Value error, Invalid path root "
                    "'bogus'. Must be one of: *, context, input, name, output, type",
                ),
                "rendered_field": "condition.selector.path",
            }
        ],
    ),
    "string_bound_into_an_invalid_regex_config": (
        lambda t, d, b: (
            t["parameters"].update(pattern={"type": "string", "label": "Pattern"}),
            b["template_values"].update(pattern="["),
        ),
        "R",
        RENDERED,
        RENDERED_HINT,
        [
            _item(
                "condition.evaluator.pattern",
                "value_error",
                "Value error, Invalid regex pattern: b'missing ]: ['",
            )
        ],
    ),
    "missing_execution": (
        lambda t, d, b: d.pop("execution"),
        "R",
        RENDERED,
        RENDERED_HINT,
        [_item("execution", "missing", "Field required")],
    ),
    "unknown_values": (
        lambda t, d, b: b["template_values"].update(unknown="x", another="y"),
        "P",
        "Unknown template parameter(s) supplied",
        "Remove unknown template parameter keys and try again.",
        [
            {
                "resource": "Control",
                "field": f"template_values.{name}",
                "code": "unknown_parameter",
                "message": f"Unknown template parameter '{name}'.",
                "parameter": name,
            }
            for name in ("another", "unknown")
        ],
    ),
    "boolean_for_a_regex": (
        lambda t, d, b: b["template_values"].update(pattern=True),
        "P",
        "Invalid value for parameter 'Pattern'",
        VALUES_HINT,
        [
            _param(
                "pattern",
                "Pattern",
                "invalid_type",
                "Parameter 'Pattern' must be a string regex pattern.",
                value=True,
            )
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_render_error(api, case):
    change, kind, detail, hint, errors = CASES[case]
    response = api.post(RENDER, _edit(change))
    body = response.json()
    code = "TEMPLATE_PARAMETER_INVALID" if kind == "P" else "TEMPLATE_RENDER_ERROR"
    assert (response.status_code, body["error_code"]) == (422, code)
    assert (body["detail"], body["hint"], body["errors"]) == (detail, hint, errors)
    assert body["details"] == {"kind": "Control", "causes": errors}


@pytest.mark.parametrize(
    ("name", "label", "value", "code", "message"),
    [
        ("logic", "Logic", "some", "invalid_enum_value", "must be one of ['any', 'all']."),
        ("logic", "Logic", True, "invalid_type", "must be a string enum value."),
        ("case_sensitive", "Case Sensitive", "yes", "invalid_type", "must be a boolean."),
        ("values", "Values", "secret", "invalid_type", "must be a list of strings."),
        ("values", "Values", False, "invalid_type", "must be a list of strings."),
    ],
)
def test_values_of_the_wrong_kind(api, name, label, value, code, message):
    body = {**list_input(), "template_values": {name: value}}
    response = api.post(RENDER, body).json()
    assert response["error_code"] == "TEMPLATE_PARAMETER_INVALID"
    assert response["errors"] == [
        _param(
            name,
            label,
            code,
            f"Parameter '{label}' {message}",
            value=value if isinstance(value, bool) else "[REDACTED]",
        )
    ]
