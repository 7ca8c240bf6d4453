"""Template-backed control input (``data`` with a non-null ``template``), refused up front.

Deliberate difference from the reference, which renders templates: create, set-data and validate
answer 422 ``VALIDATION_ERROR`` with code ``template_not_supported`` at ``data.template``. The
OpenAPI document says so: these endpoints are documented with ``DOCUMENTED_REQUESTS``, the
library's request models whose ``data`` is a rendered ``ControlDefinition`` only (same names).
"""

from typing import Any

from agent_control_models import ControlDefinition
from agent_control_models import server as library
from pydantic import Field

from controlplane.api.exceptions import error_item, validation_error

from .predicates import has_template

TEMPLATE_NOT_SUPPORTED = (
    "Template-backed controls are not supported by this server; send a rendered control "
    "definition (condition, execution, action) without 'template'."
)


def refuse_template_input(body: Any) -> None:
    """Raise 422 ``VALIDATION_ERROR`` when ``body["data"]`` is template-backed input."""
    data = body.get("data") if isinstance(body, dict) else None
    if has_template(data):
        item = error_item(
            "Control", "data.template", "template_not_supported", TEMPLATE_NOT_SUPPORTED
        )
        raise validation_error([item], detail="Template-backed controls are not supported")


_RENDERED = "A rendered control definition (template-backed input is not supported)"


class CreateControlRequest(library.CreateControlRequest):
    """Create a control from a rendered definition (templates are not supported)."""

    data: ControlDefinition = Field(..., description=_RENDERED)


class SetControlDataRequest(library.SetControlDataRequest):
    """Replace a control's rendered definition (templates are not supported)."""

    data: ControlDefinition = Field(..., description=_RENDERED)


class ValidateControlDataRequest(library.ValidateControlDataRequest):
    """Validate a rendered definition (templates are not supported)."""

    data: ControlDefinition = Field(..., description=_RENDERED)
