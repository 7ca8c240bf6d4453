"""The API's exception and its vocabulary: ``APIError``, the ``ErrorCode`` enum, and the factories
and translations that build one (``not_found``, ``validation_error``, ``pydantic_errors``).

Raise ``APIError`` from views and services; ``controlplane.api.handlers`` turns it (and every
other exception) into the envelope that ``controlplane.api.envelope`` renders.

``ErrorCode`` holds every code of the reference server (``agent_control_models.errors.ErrorCode``,
8.15.0) plus the codes this server adds for the HTTP layer; ``APIError`` accepts nothing else, so a
misspelt code fails where it is written.
"""

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

import pydantic
from rest_framework import exceptions as drf_exceptions


class ErrorCode(StrEnum):
    """Every ``error_code`` this server answers. The first block mirrors the reference's enum (a
    test keeps them equal); the second is ours."""

    AUTH_MISSING_KEY = "AUTH_MISSING_KEY"
    AUTH_INVALID_KEY = "AUTH_INVALID_KEY"
    AUTH_INSUFFICIENT_PRIVILEGES = "AUTH_INSUFFICIENT_PRIVILEGES"
    AUTH_MISCONFIGURED = "AUTH_MISCONFIGURED"
    AUTH_UPSTREAM_REJECTED = "AUTH_UPSTREAM_REJECTED"
    RESOURCE_NOT_FOUND = "RESOURCE_NOT_FOUND"
    AGENT_NOT_FOUND = "AGENT_NOT_FOUND"
    POLICY_NOT_FOUND = "POLICY_NOT_FOUND"
    CONTROL_NOT_FOUND = "CONTROL_NOT_FOUND"
    CONTROL_VERSION_NOT_FOUND = "CONTROL_VERSION_NOT_FOUND"
    CONTROL_BINDING_NOT_FOUND = "CONTROL_BINDING_NOT_FOUND"
    EVALUATOR_NOT_FOUND = "EVALUATOR_NOT_FOUND"
    AGENT_NAME_CONFLICT = "AGENT_NAME_CONFLICT"
    POLICY_NAME_CONFLICT = "POLICY_NAME_CONFLICT"
    CONTROL_NAME_CONFLICT = "CONTROL_NAME_CONFLICT"
    CONTROL_BINDING_CONFLICT = "CONTROL_BINDING_CONFLICT"
    EVALUATOR_NAME_CONFLICT = "EVALUATOR_NAME_CONFLICT"
    CONTROL_IN_USE = "CONTROL_IN_USE"
    CONTROL_TEMPLATE_CONFLICT = "CONTROL_TEMPLATE_CONFLICT"
    EVALUATOR_IN_USE = "EVALUATOR_IN_USE"
    SCHEMA_INCOMPATIBLE = "SCHEMA_INCOMPATIBLE"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    INVALID_CONFIG = "INVALID_CONFIG"
    INVALID_SCHEMA = "INVALID_SCHEMA"
    CORRUPTED_DATA = "CORRUPTED_DATA"
    POLICY_CONTROL_INCOMPATIBLE = "POLICY_CONTROL_INCOMPATIBLE"
    CONTROL_BINDING_INCOMPATIBLE = "CONTROL_BINDING_INCOMPATIBLE"
    TEMPLATE_PARAMETER_INVALID = "TEMPLATE_PARAMETER_INVALID"
    TEMPLATE_RENDER_ERROR = "TEMPLATE_RENDER_ERROR"
    DATABASE_ERROR = "DATABASE_ERROR"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    EVALUATION_FAILED = "EVALUATION_FAILED"
    # Ours: HTTP-level failures the reference leaves to its framework.
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    # Ours: tenants as neighbours (quotas, rate limits).
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
    RATE_LIMITED = "RATE_LIMITED"
    RATE_LIMITS_UNAVAILABLE = "RATE_LIMITS_UNAVAILABLE"


VALIDATION_HINT = "Check the 'errors' array for field-level validation details."

# ``errors[].resource`` from the first segment of a pydantic location, as the reference maps it.
RESOURCE_BY_PREFIX = {
    "agent": "Agent",
    "steps": "Step",
    "evaluators": "Evaluator",
    "data": "Control",
    "policy": "Policy",
}


class APIError(drf_exceptions.APIException):
    """An error with an envelope: raise it from views and services.

    ``status`` (HTTP), ``error_code`` (an ``ErrorCode``; anything else is a ``TypeError``),
    ``detail`` (what happened and what to change), ``errors`` (list of ``{resource, field, code,
    message, value?}`` dicts), ``hint``, the resource ``kind``/``name`` for ``details`` (omitted
    when ``details=False``), ``request_id`` (a 5xx's 8-character error id; other errors quote
    the request's id), the ``WWW-Authenticate`` ``challenge`` of a 401 (default ``"ApiKey"``, as
    the reference), and ``retry_after`` (whole seconds: the ``Retry-After`` header and
    ``metadata.retry_after`` of a 429 or 503).
    """

    def __init__(
        self,
        status: int,
        error_code: ErrorCode,
        detail: str,
        *,
        errors: list[dict] | None = None,
        hint: str | None = None,
        kind: str | None = None,
        name: str | None = None,
        details: bool = True,
        request_id: str | None = None,
        challenge: str | None = None,
        retry_after: int | None = None,
    ):
        if not isinstance(error_code, ErrorCode):
            raise TypeError(f"APIError needs an ErrorCode member, got {error_code!r}.")
        super().__init__(detail)
        self.status_code = status
        self.error_code = error_code
        self.errors = errors
        self.hint = hint
        self.kind = kind
        self.name = name
        self.details = details
        self.request_id = request_id
        self.challenge = challenge
        self.retry_after = retry_after


def error_item(
    resource: str, field: str | None, code: str, message: str, value: Any = None
) -> dict:
    """One ``errors[]`` item: ``{resource, field, code, message, value}``. ``None`` fields are left
    out of the response, and ``value`` is redacted there unless it is a number or a boolean."""
    return {"resource": resource, "field": field, "code": code, "message": message, "value": value}


def not_found(kind: str, detail: str, *, name: Any = None, hint: str | None = None) -> APIError:
    """404 ``<KIND>_NOT_FOUND`` (``kind="Agent"`` -> ``AGENT_NOT_FOUND``), ``details.kind`` =
    ``kind`` and ``details.name`` = ``str(name)``."""
    return APIError(
        404,
        ErrorCode(f"{kind.upper()}_NOT_FOUND"),
        detail,
        kind=kind,
        name=None if name is None else str(name),
        hint=hint,
    )


def name_conflict(kind: str, name: str, *, hint: str | None = None) -> APIError:
    """409 ``<KIND>_NAME_CONFLICT`` (``kind="Control"`` -> ``CONTROL_NAME_CONFLICT``): another
    row of the caller's tenant already has ``name``; the hint (by default "choose a different
    name or update the existing <kind>") says how to resolve it."""
    hint = hint or f"Choose a different name or update the existing {kind.lower()}."
    detail = f"{kind} with name '{name}' already exists"
    code = ErrorCode(f"{kind.upper()}_NAME_CONFLICT")
    return APIError(409, code, detail, kind=kind, name=name, hint=hint)


def validation_error(
    errors: list[dict], *, status: int = 422, detail: str | None = None, hint: str | None = None
) -> APIError:
    """422 (or ``status``) ``VALIDATION_ERROR`` carrying field-level ``errors``; like the
    reference's request-validation handler it has no ``details`` object."""
    return APIError(
        status,
        ErrorCode.VALIDATION_ERROR,
        detail or f"Request validation failed with {len(errors)} error(s)",
        errors=errors,
        hint=hint if hint is not None else VALIDATION_HINT,
        details=False,
    )


def format_field_path(parts: Iterable[str | int]) -> str | None:
    """``("data", "condition", "and", 0, "evaluator")`` -> ``"data.condition.and[0].evaluator"``;
    ``None`` for an empty path."""
    field = ""
    for part in parts:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += f".{part}" if field else str(part)
    return field or None


def pydantic_errors(
    exc: pydantic.ValidationError,
    prefix: Sequence[str | int] = (),
    *,
    resource: str | None = None,
    with_value: bool = True,
) -> list[dict]:
    """Convert a pydantic ``ValidationError`` to ``errors[]`` items
    (``{resource, field, code, message, value}``).

    ``prefix`` is prepended to each location (``("path",)`` for path parameters, ``("query",)``
    for query parameters, ``("data",)`` for a stored control). ``resource`` fixes the resource;
    by default it comes from the first segment as in the reference. ``with_value=False`` leaves
    out the offending input.
    """
    items = []
    for error in exc.errors(include_url=False):
        parts = [*prefix, *error.get("loc", ())]
        first = str(parts[0]).lower() if parts else ""
        item = {
            "resource": resource or RESOURCE_BY_PREFIX.get(first, "Request"),
            "field": format_field_path(parts),
            "code": str(error.get("type", "validation_error")),
            "message": str(error.get("msg", "Validation failed")),
        }
        if with_value:
            item["value"] = error.get("input")
        items.append(item)
    return items
