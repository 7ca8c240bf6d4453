"""Rendering a control template: ``{"$param": name}`` bindings replaced by parameter values.

``render(input, enabled=...)`` follows the reference server 8.15's order (``template_checks`` for
the structure and the values), then:

1. substitute every binding by its parameter's resolved value, remembering which rendered field
   came from which parameter;
2. validate the result as the library's ``ControlDefinition`` (built-in evaluator configs
   included); each problem is reported at the parameter that produced the field when there is
   one (``TEMPLATE_PARAMETER_INVALID``), else at the rendered field (``TEMPLATE_RENDER_ERROR``);
3. refuse an agent-scoped evaluator name that a parameter produced;
4. return the control with ``enabled`` as asked, the ``template`` and the resolved
   ``template_values`` (defaults included).

The agent-control libraries model templates but do not render them; this module is our renderer.
"""

import copy
from collections.abc import Iterator
from typing import Any

import pydantic
from agent_control_models import (
    ConditionNode,
    ControlDefinition,
    RenderControlTemplateRequest,
    TemplateControlInput,
)

from controlplane.api.exceptions import format_field_path

from .template_checks import PARAM_KEY, bindings, check_structure, resolve_values
from .template_errors import (
    AGENT_SCOPED_DETAIL,
    AGENT_SCOPED_MESSAGE,
    RENDERED_DETAIL,
    RENDERED_HINT,
    mapped_item,
    template_error,
    template_item,
)


def _substitute(definition: dict, values: dict[str, Any]) -> tuple[dict, dict[str, str]]:
    """``definition`` with its bindings replaced, and ``{rendered field: parameter name}``."""
    rendered = copy.deepcopy(definition)
    sources = {}
    for path, binding in list(bindings(rendered)):
        name = binding[PARAM_KEY]
        sources[format_field_path(path)] = name
        if not path:  # the whole definition is one binding
            return copy.deepcopy(values[name]), sources
        parent = rendered
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = copy.deepcopy(values[name])
    return rendered, sources


def _validated(rendered: dict, sources: dict[str, str], labels: dict[str, str]):
    try:
        return ControlDefinition.model_validate(rendered)
    except pydantic.ValidationError as exc:
        items, mapped = [], False
        for problem in exc.errors(include_url=False):
            field = format_field_path(problem.get("loc", ()))
            message = str(problem.get("msg", "Validation failed"))
            name = sources.get(field)
            if name is not None:
                items.append(mapped_item(name, labels[name], message, field))
                mapped = True
            else:
                code = str(problem.get("type", "value_error"))
                items.append(template_item(field, code, message, rendered_field=field))
        raise template_error(items, RENDERED_DETAIL, RENDERED_HINT, parameter=mapped) from None


def condition_leaves(node: ConditionNode, path: tuple = ("condition",)) -> Iterator[tuple]:
    """``(path, leaf)`` for every leaf of a condition tree, left to right."""
    if node.is_leaf():
        yield path, node
        return
    for key, children in (("and", node.and_), ("or", node.or_)):
        for index, child in enumerate(children or ()):
            yield from condition_leaves(child, (*path, key, index))
    if node.not_ is not None:
        yield from condition_leaves(node.not_, (*path, "not"))


def _check_rendered_evaluators(control: ControlDefinition, sources, labels) -> None:
    for path, leaf in condition_leaves(control.condition):
        if ":" not in leaf.evaluator.name:
            continue
        field = format_field_path((*path, "evaluator", "name"))
        name = sources.get(field)
        if name is None:
            item = template_item(
                field, "agent_scoped_evaluator_not_supported", AGENT_SCOPED_MESSAGE
            )
            item["rendered_field"] = field
        else:
            item = mapped_item(name, labels[name], AGENT_SCOPED_MESSAGE, field)
        raise template_error(
            [item],
            AGENT_SCOPED_DETAIL,
            "Use a built-in or package-scoped evaluator in template-backed controls.",
            parameter=name is not None,
        )


def render(
    template_input: TemplateControlInput | RenderControlTemplateRequest, *, enabled: bool = True
) -> ControlDefinition:
    """The ``ControlDefinition`` that ``template_input`` renders to, with ``enabled`` set and the
    template metadata attached (``template_values`` holds every resolved value, defaults
    included). Raises 422 ``TEMPLATE_RENDER_ERROR`` / ``TEMPLATE_PARAMETER_INVALID``."""
    template = template_input.template
    check_structure(template)
    values = resolve_values(template, template_input.template_values)
    rendered, sources = _substitute(template.definition_template, values)
    labels = {name: parameter.label for name, parameter in template.parameters.items()}
    control = _validated(rendered, sources, labels)
    _check_rendered_evaluators(control, sources, labels)
    return control.model_copy(
        update={"enabled": enabled, "template": template, "template_values": values}
    )
