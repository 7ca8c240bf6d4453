"""Value errors of ``POST /control-templates/render`` (``TEMPLATE_PARAMETER_INVALID``, and
``TEMPLATE_RENDER_ERROR`` when no parameter explains a problem of the rendered control), exactly
as the reference words them."""

import pytest

from tests.policies.templates.payloads import RENDER, list_input
from tests.policies.templates.render_errors import (
    AGENT_SCOPED,
    RENDERED,
    RENDERED_HINT,
    VALUES_HINT,
    bind,
    check_render_error,
    item,
    param,
)

pytestmark = pytest.mark.django_db

CASES = {
    "bound_agent_scoped_evaluator": (
        bind(
            lambda d, v: d["condition"]["evaluator"].update(name=v),
            "evaluator_name",
            {"type": "string", "label": "Evaluator Name", "default": "bot:custom"},
        ),
        "P",
        AGENT_SCOPED,
        "Use a built-in or package-scoped evaluator in template-backed controls.",
        [
            {
                **param(
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
            item(
                "action.decision",
                "value_error",
                "Value error, Invalid action 'block'. Must be one of: deny, steer, observe.",
            )
        ],
    ),
    "bound_invalid_decision": (
        bind(
            lambda d, v: d["action"].update(decision=v),
            "decision",
            {"type": "string", "label": "Decision", "default": "block"},
        ),
        "P",
        RENDERED,
        RENDERED_HINT,
        [
            {
                **param(
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
        bind(
            lambda d, v: d["condition"]["selector"].update(path=v),
            "path",
            {"type": "string", "label": "Path", "default": "bogus.root"},
        ),
        "P",
        RENDERED,
        RENDERED_HINT,
        [
            {
                **param(
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
            item(
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
        [item("execution", "missing", "Field required")],
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
            param(
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
    check_render_error(api, CASES[case])


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
        param(
            name,
            label,
            code,
            f"Parameter '{label}' {message}",
            value=value if isinstance(value, bool) else "[REDACTED]",
        )
    ]
