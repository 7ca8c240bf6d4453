"""Request validation with the agent-control-models pydantic models.

The reference server validates bodies, path and query parameters with these same models, so using
them keeps field paths, codes and messages identical (``shared/API.md`` section 0.1). Every failure
raises ``APIError`` 422 ``VALIDATION_ERROR`` with one ``errors[]`` item per problem; so does an
unexpected exception raised inside a model's validator (``INVALID_INPUT_ERRORS``: the library's
validators assume the types they check, and ``{"decision": {}}`` makes one raise ``TypeError``):
whatever the validator chokes on is the caller's input, never a 500. Bodies are then checked
against the JSON Schema that the OpenAPI document shows (``check_json_types``): the document is
the contract, and what pydantic would coerce is refused (jsonschema-rs answers "valid?" for the
common case; the python-jsonschema validator, whose messages the API reports, only explains a
failure). ``gather`` reports the failures of
several parts of one request together, as FastAPI does.
"""

from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema
import jsonschema_rs
import pydantic
from django.http import QueryDict

from .accepted import accepted_schema
from .exceptions import (
    APIError,
    ErrorCode,
    error_item,
    format_field_path,
    pydantic_errors,
    validation_error,
)
from .parsers import check_storable

_INT = pydantic.TypeAdapter(int)

#: What a model validator raises when the input is not the shape it assumes (pydantic turns only
#: ``ValueError`` and ``AssertionError`` raised in validators into a ``ValidationError``).
INVALID_INPUT_ERRORS = (TypeError, ValueError, AttributeError, LookupError, ArithmeticError)


def _invalid_input(exc: Exception) -> APIError:
    """422 for an exception a validator raised on the input (see the module docstring)."""
    message = f"Invalid input: the value could not be validated ({type(exc).__name__})."
    return validation_error([error_item("Request", "body", "invalid_input", message)])


def validate_body[ModelT: pydantic.BaseModel](
    model: type[ModelT], data: Any, *, strict_types: bool = True
) -> ModelT:
    """Validate a JSON request body (``request.data``) against ``model``: first as the reference
    does (pydantic, lax: its errors are the reference's), then, with ``strict_types``, against the
    model's JSON Schema (``check_json_types``), so what the OpenAPI document excludes is a 422
    even where the reference coerces it (``"enabled": 0``, ``"offset": "3"``).

    Raises ``APIError`` 422 whose ``errors[].field`` is the pydantic location without a ``body``
    prefix (``agent.agent_name``, ``data.condition.evaluator.pattern``).
    """
    try:
        # from_attributes: a non-object body is reported as FastAPI does (model_attributes_type).
        validated = model.model_validate(data, from_attributes=True)
    except pydantic.ValidationError as exc:
        raise validation_error(pydantic_errors(exc)) from exc
    except INVALID_INPUT_ERRORS as exc:
        raise _invalid_input(exc) from exc
    if strict_types:
        check_json_types(model, data)
    return validated


@cache
def _schema_validators(model: type[pydantic.BaseModel]) -> tuple:
    """``(fast, explaining)`` validators of ``model``'s documented schema, built once per model:
    jsonschema-rs (compiled, about 50x faster: every valid body pays only this) and
    python-jsonschema (its errors are the ones the API reports)."""
    schema = accepted_schema(model.model_json_schema())
    explaining = jsonschema.validators.validator_for(schema)(schema)
    return jsonschema_rs.validator_for(schema), explaining


def _schema_problem(error: jsonschema.ValidationError) -> tuple[str, str]:
    """``(code, message)`` of a JSON Schema error: the keyword that failed (an ``anyOf`` of types,
    such as ``boolean | null``, is reported as ``type``) and a message of at most 200 chars."""
    types = [sub.validator_value for sub in error.context or () if sub.validator == "type"]
    if error.validator in ("anyOf", "oneOf") and types and len(types) == len(error.context):
        return "type", "Input should be of JSON type " + " or ".join(repr(t) for t in types)
    if error.validator == "type":
        return "type", f"Input should be of JSON type {error.validator_value!r}"
    message = str(error.message)
    return str(error.validator), message if len(message) <= 200 else message[:197] + "..."


def check_json_types(model: type[pydantic.BaseModel], value: Any, prefix: tuple = ()) -> None:
    """Validate ``value`` against ``model``'s JSON Schema, the one the OpenAPI document shows:
    what pydantic's lax validation (or a model's before-validator) would coerce or let through
    (``"enabled": 0``, ``"offset": "3"``, ``"actions": {}``) is a 422 like everything else the
    schema excludes. Errors (code = the JSON Schema keyword) are located under ``prefix``."""
    fast, explaining = _schema_validators(model)
    if fast.is_valid(value):
        return
    errors = sorted(explaining.iter_errors(value), key=lambda e: [str(p) for p in e.path])
    items = []
    for error in errors:
        field = format_field_path((*prefix, *error.absolute_path)) or "body"
        code, message = _schema_problem(error)
        items.append(error_item("Request", field, code, message, error.instance))
    if not items:
        # The two disagree where Python's ``re`` is laxer than JSON Schema's regular
        # expressions (``$`` matches before a final newline): the stricter answer wins.
        for error in fast.iter_errors(value):
            field = format_field_path((*prefix, *error.instance_path)) or "body"
            message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
            code = error.schema_path[-1] if error.schema_path else "invalid"
            items.append(error_item("Request", field, str(code), message, error.instance))
    raise validation_error(items)


def validate_query[ModelT: pydantic.BaseModel](model: type[ModelT], params: QueryDict) -> ModelT:
    """Validate query parameters against ``model`` (fields as ``query.<name>``); a value with a
    NUL character or an unpaired surrogate is a 422 too (the databases cannot compare it)."""
    check_storable({key: params.get(key) for key in params}, ("query",))
    try:
        return model.model_validate({key: params.get(key) for key in params})
    except pydantic.ValidationError as exc:
        items = pydantic_errors(exc, prefix=("query",))
        for item in items:  # FastAPI has no input to echo for a missing parameter
            if item["code"] == "missing":
                item["value"] = None
        raise validation_error(items) from exc
    except INVALID_INPUT_ERRORS as exc:
        raise _invalid_input(exc) from exc


def int_from_path(raw: str, name: str) -> int:
    """An integer path parameter (``control_id``, ``policy_id``); 422 ``path.<name>`` otherwise,
    with pydantic's ``int_parsing`` code and message, as FastAPI answers."""
    try:
        return _INT.validate_python(raw, strict=False)
    except pydantic.ValidationError as exc:
        raise validation_error(pydantic_errors(exc, prefix=("path", name))) from exc


def gather(*steps: Callable[[], Any]) -> list[Any]:
    """Run each validation step; return their results in order.

    A step that fails with a 422 ``VALIDATION_ERROR`` does not stop the others. If exactly one
    step failed its error is raised unchanged (keeping its own ``detail``); if several failed,
    one 422 carries all their ``errors[]`` items. Other errors propagate at once.
    """
    results, failures = [], []
    for step in steps:
        try:
            results.append(step())
        except APIError as exc:
            if exc.status_code != 422 or exc.error_code != ErrorCode.VALIDATION_ERROR:
                raise
            if not exc.errors:
                raise
            failures.append(exc)
            results.append(None)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise validation_error([item for exc in failures for item in exc.errors])
    return results


def ints_from_path(**raw: str) -> list[int]:
    """Parse integer path parameters (``policy_id="3", control_id="x"``) in order, reporting every
    bad one in one 422 (``path.<name>``, code ``int_parsing``)."""
    return gather(*(lambda n=name, v=value: int_from_path(v, n) for name, value in raw.items()))
