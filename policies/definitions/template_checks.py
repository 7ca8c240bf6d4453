"""Checks of a template and its parameter values that come before any rendering.

The library's ``TemplateDefinition`` validates the shape of the request (parameter names and
types, defaults, nesting and size limits); what it cannot know is how ``definition_template`` uses
the parameters. ``check_structure`` answers that, and ``check_values`` / ``resolve_values`` check
the caller's values against the declared parameters. All of them raise the ``APIError``s of
``template_errors``; the first problem found wins, in the reference's order:

1. ``definition_template`` is an object, without top-level ``enabled`` / ``name`` and without the
   legacy flat ``selector`` / ``evaluator`` form;
2. every ``{"$param": name}`` binding (document order) is well formed, names a declared
   parameter, and that parameter is required or has a default;
3. every declared parameter is referenced;
4. no literal evaluator name in the condition tree is agent-scoped (``"<agent>:<name>"``).
"""

from collections.abc import Iterator, Mapping
from typing import Any

import re2
from agent_control_models import TemplateDefinition

from controlplane.api.exceptions import format_field_path

from .template_errors import (
    AGENT_SCOPED_DETAIL,
    AGENT_SCOPED_MESSAGE,
    structure_error,
    template_error,
    template_item,
    value_error,
)

PARAM_KEY = "$param"
FORBIDDEN_TOP_LEVEL = ("enabled", "name")

type Path = tuple[str | int, ...]


def bindings(node: Any, path: Path = ()) -> Iterator[tuple[Path, dict]]:
    """Every dict holding a ``$param`` key in ``node``, depth-first in document order, with its
    path; bindings are not descended into."""
    if isinstance(node, dict):
        if PARAM_KEY in node:
            yield path, node
            return
        for key, child in node.items():
            yield from bindings(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from bindings(child, (*path, index))


def _check_top_level(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise structure_error(
            "Templates must define a top-level control object",
            "template.definition_template",
            "invalid_definition_template_type",
            "definition_template must be a JSON object representing a control definition.",
        )
    for key in FORBIDDEN_TOP_LEVEL:
        if key in definition:
            raise structure_error(
                f"Templates must not define top-level '{key}'",
                key,
                "forbidden_template_field",
                f"Templates must not define top-level '{key}'. Manage it outside the template.",
            )
    if "condition" not in definition and ("selector" in definition or "evaluator" in definition):
        raise structure_error(
            "Templates must use the canonical 'condition' format",
            "condition",
            "legacy_condition_format_not_supported",
            "Templates must use the canonical 'condition' wrapper instead of top-level "
            "selector/evaluator fields.",
        )


def _check_bindings(template: TemplateDefinition) -> set[str]:
    """Check every binding; return the names of the referenced parameters."""
    referenced = set()
    for path, binding in bindings(template.definition_template):
        field = format_field_path(path)
        name = binding[PARAM_KEY]
        if len(binding) != 1 or not isinstance(name, str):
            raise structure_error(
                "Invalid $param binding object in template definition",
                field,
                "invalid_param_binding",
                "A $param binding must be exactly {'$param': '<parameter_name>'}.",
            )
        parameter = template.parameters.get(name)
        if parameter is None:
            raise structure_error(
                f"Template references undefined parameter '{name}'",
                field,
                "undefined_parameter_reference",
                f"Template references undefined parameter '{name}'.",
            )
        if not parameter.required and parameter.default is None:
            raise structure_error(
                f"Template parameter '{name}' is optional but referenced without a default value",
                f"template.parameters.{name}",
                "optional_referenced_parameter_requires_default",
                f"Optional template parameter '{parameter.label}' is referenced in the template "
                "and must define a default value or be marked required.",
            )
        referenced.add(name)
    return referenced


def _check_all_referenced(template: TemplateDefinition, referenced: set[str]) -> None:
    unused = sorted(set(template.parameters) - referenced)
    if unused:
        items = [
            template_item(
                f"template.parameters.{name}",
                "unused_template_parameter",
                f"Template parameter '{name}' is never referenced.",
                parameter=name,
                label=template.parameters[name].label,
            )
            for name in unused
        ]
        raise template_error(
            items,
            "Template defines parameters that are never referenced",
            "Remove unused parameters or reference them in definition_template.",
            parameter=False,
        )


def _check_literal_evaluators(definition: dict) -> None:
    """Refuse a literal agent-scoped evaluator name in the condition tree; the right-most of
    several siblings is reported (the reference walks the tree with a stack)."""
    condition = definition.get("condition")
    stack = [(condition, ("condition",))] if isinstance(condition, dict) else []
    while stack:
        node, path = stack.pop()
        evaluator = node.get("evaluator")
        name = evaluator.get("name") if isinstance(evaluator, dict) else None
        if isinstance(name, str) and ":" in name:
            raise structure_error(
                AGENT_SCOPED_DETAIL,
                format_field_path((*path, "evaluator", "name")),
                "agent_scoped_evaluator_not_supported",
                AGENT_SCOPED_MESSAGE,
            )
        for key in ("and", "or"):
            children = node.get(key)
            if isinstance(children, list):
                stack.extend(
                    (child, (*path, key, index))
                    for index, child in enumerate(children)
                    if isinstance(child, dict)
                )
        if isinstance(node.get("not"), dict):
            stack.append((node["not"], (*path, "not")))


def check_structure(template: TemplateDefinition) -> None:
    """Raise ``TEMPLATE_RENDER_ERROR`` for the first structural problem of ``template``."""
    definition = template.definition_template
    _check_top_level(definition)
    _check_all_referenced(template, _check_bindings(template))
    _check_literal_evaluators(definition)


def _type_problem(parameter, value: Any) -> tuple[str, str] | None:
    """``(code, message)`` when ``value`` does not fit ``parameter``, else ``None``."""
    label, kind = parameter.label, parameter.type
    if kind == "string" and not isinstance(value, str):
        return "invalid_type", f"Parameter '{label}' must be a string."
    if kind == "string_list" and not (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    ):
        return "invalid_type", f"Parameter '{label}' must be a list of strings."
    if kind == "boolean" and not isinstance(value, bool):
        return "invalid_type", f"Parameter '{label}' must be a boolean."
    if kind == "enum":
        if not isinstance(value, str):
            return "invalid_type", f"Parameter '{label}' must be a string enum value."
        if value not in parameter.allowed_values:
            return "invalid_enum_value", (
                f"Parameter '{label}' must be one of {parameter.allowed_values!r}."
            )
    if kind == "regex_re2":
        if not isinstance(value, str):
            return "invalid_type", f"Parameter '{label}' must be a string regex pattern."
        try:
            re2.compile(value)
        except re2.error as exc:
            return "invalid_regex", (
                f"Invalid value for parameter '{label}': Invalid regex pattern: {exc}"
            )
    return None


def check_value(name: str, parameter, value: Any) -> None:
    """Raise ``TEMPLATE_PARAMETER_INVALID`` when ``value`` does not fit ``parameter``."""
    problem = _type_problem(parameter, value)
    if problem is not None:
        raise value_error(name, parameter.label, *problem, value=value)


def check_known(template: TemplateDefinition, values: Mapping[str, Any]) -> None:
    """Raise ``TEMPLATE_PARAMETER_INVALID`` listing every key of ``values`` (sorted) that is not
    a declared parameter."""
    unknown = sorted(set(values) - set(template.parameters))
    if unknown:
        items = [
            template_item(
                f"template_values.{name}",
                "unknown_parameter",
                f"Unknown template parameter '{name}'.",
                parameter=name,
            )
            for name in unknown
        ]
        raise template_error(
            items,
            "Unknown template parameter(s) supplied",
            "Remove unknown template parameter keys and try again.",
            parameter=True,
        )


def check_supplied_values(template: TemplateDefinition, values: Mapping[str, Any]) -> None:
    """A draft's values: no unknown key, and each supplied value fits its parameter."""
    check_known(template, values)
    for name, parameter in template.parameters.items():
        if name in values:
            check_value(name, parameter, values[name])


def resolve_values(template: TemplateDefinition, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter's value (the caller's, else its default), checked, in declaration order.

    Raises ``TEMPLATE_PARAMETER_INVALID`` for an unknown key, a value or default that does not fit,
    or a missing required value. Optional parameters without a value or default are left out.
    """
    check_known(template, values)
    resolved = {}
    for name, parameter in template.parameters.items():
        if name in values:
            value = values[name]
        elif parameter.default is not None:
            value = parameter.default
        elif parameter.required:
            raise value_error(
                name,
                parameter.label,
                "missing_parameter",
                f"Missing required parameter '{parameter.label}'.",
            )
        else:
            continue
        check_value(name, parameter, value)
        resolved[name] = value
    return resolved


def can_render(template: TemplateDefinition, values: Mapping[str, Any]) -> bool:
    """Whether every required parameter has a value or a default (types are not checked)."""
    return all(
        name in values or parameter.default is not None
        for name, parameter in template.parameters.items()
        if parameter.required
    )
