"""Control input -> what ``Control.data`` stores: raw definitions, rendered templates and drafts.

The ``data`` of create, set-data and validate is the library's ``ControlInput``: a raw
``ControlDefinition``, or a ``TemplateControlInput`` (``template`` + ``template_values``; mixing
the two is refused by the library). ``materialize`` decides, like the reference server 8.15:

| input    | current stored data             | result                                             |
| -------- | ------------------------------- | -------------------------------------------------- |
| template | none, or a draft                | rendered if every required value is known, else a  |
|          |                                 | draft (structure and supplied values checked)      |
| template | a control with a ``condition``  | rendered (missing values are an error: a rendered  |
|          |                                 | or raw control never turns back into a draft)      |
| raw      | template-backed                 | 409 ``CONTROL_TEMPLATE_CONFLICT``                  |
| raw      | none, or raw                    | stored as given                                    |

A rendered control keeps the stored ``enabled`` flag (``true`` for a new control, or when the
stored flag is missing); a draft is stored as ``{"template", "template_values", "enabled":
false}`` and only ever becomes enabled by being rendered and then ``PATCH``ed.
"""

from dataclasses import dataclass

from agent_control_models import ControlDefinition, TemplateControlInput

from controlplane.api.exceptions import APIError, ErrorCode, error_item

from .predicates import has_template
from .rendering import render
from .storing import stored_json
from .template_checks import can_render, check_structure, check_supplied_values


@dataclass(frozen=True, slots=True)
class Materialized:
    """What to store (``stored``) and the definition to check before storing it
    (``definition``: ``None`` for a draft, which has no evaluators to check)."""

    stored: dict
    definition: ControlDefinition | None


def template_conflict(control_id: int) -> APIError:
    """409 ``CONTROL_TEMPLATE_CONFLICT``: raw data sent to a template-backed control."""
    return APIError(
        409,
        ErrorCode.CONTROL_TEMPLATE_CONFLICT,
        "Template-backed controls cannot be updated with raw control data in v1",
        kind="Control",
        name=str(control_id),
        hint="Submit template input to update this control, or delete and recreate it as a raw "
        "control.",
        errors=[
            error_item(
                "Control",
                "data",
                "template_backed_control_conflict",
                "Template-backed controls must be updated with template input.",
            )
        ],
    )


def draft_json(template_input: TemplateControlInput) -> dict:
    """The stored shape of an unrendered template (only the keys the caller sent)."""
    template = template_input.template.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_unset=True
    )
    return {
        "template": template,
        "template_values": dict(template_input.template_values),
        "enabled": False,
    }


def _stored_enabled(current: dict) -> bool:
    enabled = current.get("enabled")
    return enabled if isinstance(enabled, bool) else True


def materialize(
    data: ControlDefinition | TemplateControlInput,
    *,
    current: dict | None = None,
    control_id: int | None = None,
) -> Materialized:
    """Turn validated input ``data`` into what is stored (see the module docstring).

    ``current`` is the control's stored JSON (``None`` when creating or validating) and
    ``control_id`` its id. Raises 422 ``TEMPLATE_RENDER_ERROR`` / ``TEMPLATE_PARAMETER_INVALID``
    and 409 ``CONTROL_TEMPLATE_CONFLICT``.
    """
    current_data = current if isinstance(current, dict) else None
    if isinstance(data, TemplateControlInput):
        has_condition = current_data is not None and current_data.get("condition") is not None
        if has_condition or can_render(data.template, data.template_values):
            enabled = True if current_data is None else _stored_enabled(current_data)
            rendered = render(data, enabled=enabled)
            return Materialized(stored_json(rendered), rendered)
        check_structure(data.template)
        check_supplied_values(data.template, data.template_values)
        return Materialized(draft_json(data), None)
    if has_template(current_data):
        raise template_conflict(control_id)
    return Materialized(stored_json(data), data)
