"""Request validation with the agent-control-models pydantic models.

The reference server validates bodies, path and query parameters with these same models, so using
them keeps field paths, codes and messages identical (``shared/API.md`` section 0.1). Every failure
raises ``APIError`` 422 ``VALIDATION_ERROR`` with one ``errors[]`` item per problem.
"""

from typing import Any

import pydantic
from django.http import QueryDict

from agents.names import normalize_name

from .errors import APIError, pydantic_errors, validation_error
from .parsers import check_storable

AGENT_NAME_HINT = (
    "Agent names must be at least 10 characters and may only contain letters, digits, ':', "
    "'_' or '-'."
)


def validate_body[ModelT: pydantic.BaseModel](model: type[ModelT], data: Any) -> ModelT:
    """Validate a JSON request body (``request.data``) against ``model``.

    Raises ``APIError`` 422 whose ``errors[].field`` is the pydantic location without a ``body``
    prefix (``agent.agent_name``, ``data.condition.evaluator.pattern``).
    """
    try:
        # from_attributes: a non-object body is reported as FastAPI does (model_attributes_type).
        return model.model_validate(data, from_attributes=True)
    except pydantic.ValidationError as exc:
        raise validation_error(pydantic_errors(exc)) from exc


def validate_query[ModelT: pydantic.BaseModel](model: type[ModelT], params: QueryDict) -> ModelT:
    """Validate query parameters against ``model`` (fields as ``query.<name>``); a value with a
    NUL character or an unpaired surrogate is a 422 too (the databases cannot compare it)."""
    check_storable({key: params.get(key) for key in params}, ("query",))
    try:
        return model.model_validate({key: params.get(key) for key in params})
    except pydantic.ValidationError as exc:
        raise validation_error(pydantic_errors(exc, prefix=("query",))) from exc


def agent_name_from_path(raw: str, *, field: str = "agent_name") -> str:
    """Normalise an agent name taken from the URL path (mirrors the reference's
    ``normalize_agent_name_or_422``): 422 ``detail="Invalid agent_name"``, code ``invalid_format``."""
    try:
        return normalize_name(raw)
    except ValueError as exc:
        raise APIError(
            422,
            "VALIDATION_ERROR",
            "Invalid agent_name",
            kind="Agent",
            hint=AGENT_NAME_HINT,
            errors=[
                {
                    "resource": "Agent",
                    "field": field,
                    "code": "invalid_format",
                    "message": str(exc),
                    "value": raw,
                }
            ],
        ) from exc


def int_from_path(raw: str, name: str) -> int:
    """An integer path parameter (``control_id``, ``policy_id``); 422 ``path.<name>`` otherwise,
    with pydantic's ``int_parsing`` code and message, as FastAPI answers."""
    try:
        return pydantic.TypeAdapter(int).validate_python(raw, strict=False)
    except pydantic.ValidationError as exc:
        raise validation_error(pydantic_errors(exc, prefix=("path", name))) from exc
