"""Control definitions in and out: request input, the stored JSON, and reading stored rows.

- Request input (``data`` of create, set-data and validate) is validated by the library's request
  models (``CreateControlRequest`` etc., whose ``ControlInput`` parses a ``ControlDefinition``), so
  field paths, codes and messages are the reference's, including built-in evaluator config errors
  (``data.condition.evaluator.pattern``). Template-backed input (a non-null ``template`` key) is
  refused up front: this server does not render templates.
- ``stored_json`` is the reference's storage shape: ``exclude_none`` + ``exclude_unset``, by alias,
  with ``enabled`` always written.
- ``parse_stored`` reads a row back (``ControlDefinition``, or ``UnrenderedTemplateControl`` for a
  template draft written outside the API); bad JSON is the reference's 422 ``CORRUPTED_DATA``.
"""

from typing import Any

import pydantic
from agent_control_models import ControlDefinition, UnrenderedTemplateControl

from controlplane.api.errors import APIError, format_field_path, validation_error

TEMPLATE_NOT_SUPPORTED = (
    "Template-backed controls are not supported by this server; send a rendered control "
    "definition (condition, execution, action) without 'template'."
)


def has_template(data: Any) -> bool:
    """True for a payload with a non-null ``template`` key (template-backed input or row)."""
    return isinstance(data, dict) and data.get("template") is not None


def is_unrendered_template(data: Any) -> bool:
    """True for a stored template draft: ``template`` without a ``condition``."""
    return has_template(data) and data.get("condition") is None


def template_input_errors(body: Any) -> list[dict]:
    """``errors[]`` items refusing template-backed ``body["data"]`` (empty when it is not).

    Deliberate difference: the reference renders templates; we answer 422 ``VALIDATION_ERROR``
    with code ``template_not_supported`` at ``data.template``.
    """
    data = body.get("data") if isinstance(body, dict) else None
    if not has_template(data):
        return []
    return [
        {
            "resource": "Control",
            "field": "data.template",
            "code": "template_not_supported",
            "message": TEMPLATE_NOT_SUPPORTED,
        }
    ]


def refuse_template_input(body: Any) -> None:
    """Raise 422 ``VALIDATION_ERROR`` when ``body["data"]`` is template-backed input."""
    errors = template_input_errors(body)
    if errors:
        raise validation_error(errors, detail="Template-backed controls are not supported")


def stored_json(definition: ControlDefinition) -> dict:
    """The JSON stored in ``Control.data`` for a validated definition (as the reference stores it:
    unset and ``None`` fields omitted, aliases ``and``/``or``/``not``, ``enabled`` always present)."""
    data = definition.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)
    data.setdefault("enabled", definition.enabled)
    return data


def corrupted_control(name: str, control_id: int, exc: pydantic.ValidationError) -> APIError:
    """The reference's 422 ``CORRUPTED_DATA`` for a stored control that no longer parses."""
    return APIError(
        422,
        "CORRUPTED_DATA",
        f"Control '{name}' has invalid data",
        kind="Control",
        hint=f"Update the control data using PUT /api/v1/controls/{control_id}/data.",
        errors=[
            {
                "resource": "Control",
                "field": format_field_path(error.get("loc", ())),
                "code": str(error.get("type", "validation_error")),
                "message": str(error.get("msg", "Validation failed")),
            }
            for error in exc.errors(include_url=False)
        ],
    )


def corrupted_template(name: str, control_id: int) -> APIError:
    """The reference's 422 ``CORRUPTED_DATA`` for an unparseable stored template draft."""
    return APIError(
        422,
        "CORRUPTED_DATA",
        f"Control '{name}' has corrupted unrendered template data",
        kind="Control",
        name=str(control_id),
        hint=f"Update the control data using PUT /api/v1/controls/{control_id}/data.",
        errors=[
            {
                "resource": "Control",
                "field": "data",
                "code": "corrupted_data",
                "message": "Stored unrendered template data is invalid.",
            }
        ],
    )


def parse_stored(
    data: Any, *, name: str, control_id: int
) -> ControlDefinition | UnrenderedTemplateControl:
    """Parse ``Control.data``; raises 422 ``CORRUPTED_DATA`` (``GET /controls/{id}``, ``/data``,
    ``PATCH``)."""
    if is_unrendered_template(data):
        try:
            return UnrenderedTemplateControl.model_validate(data)
        except pydantic.ValidationError:
            raise corrupted_template(name, control_id) from None
    try:
        return ControlDefinition.model_validate(data)
    except pydantic.ValidationError as exc:
        raise corrupted_control(name, control_id, exc) from None
