"""Template errors of ``POST /control-templates/render`` (``TEMPLATE_RENDER_ERROR``): the
structure of ``definition_template`` and its ``$param`` bindings, exactly as the reference words
them (each case changes one thing of the regex template)."""

import pytest

from tests.policies.templates.render_errors import (
    AGENT_SCOPED,
    TEMPLATE_HINT,
    check_render_error,
    item,
    set_pattern_binding,
)

pytestmark = pytest.mark.django_db

PATTERN = "condition.evaluator.config.pattern"
CASES = {
    "non_object_definition": (
        lambda t, d, b: t.update(definition_template="just a string"),
        "R",
        "Templates must define a top-level control object",
        TEMPLATE_HINT,
        [
            item(
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
            item(
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
            item(
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
            item(
                "condition",
                "legacy_condition_format_not_supported",
                "Templates must use the canonical 'condition' wrapper instead of top-level "
                "selector/evaluator fields.",
            )
        ],
    ),
    "binding_with_an_extra_key": (
        set_pattern_binding({"$param": "pattern", "extra": True}),
        "R",
        "Invalid $param binding object in template definition",
        TEMPLATE_HINT,
        [
            item(
                PATTERN,
                "invalid_param_binding",
                "A $param binding must be exactly {'$param': '<parameter_name>'}.",
            )
        ],
    ),
    "binding_to_a_number": (
        set_pattern_binding({"$param": 123}),
        "R",
        "Invalid $param binding object in template definition",
        TEMPLATE_HINT,
        [
            item(
                PATTERN,
                "invalid_param_binding",
                "A $param binding must be exactly {'$param': '<parameter_name>'}.",
            )
        ],
    ),
    "undefined_parameter": (
        set_pattern_binding({"$param": "nowhere"}),
        "R",
        "Template references undefined parameter 'nowhere'",
        TEMPLATE_HINT,
        [
            item(
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
            item(
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
            item(
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
            item(
                "condition.and[1].not.evaluator.name",
                "agent_scoped_evaluator_not_supported",
                "Agent-scoped evaluators are not supported in control templates.",
            )
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_render_error(api, case):
    check_render_error(api, CASES[case])
