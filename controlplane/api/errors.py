"""The one error envelope of the API (reference server 8.15, ``shared/API.md`` section 0.1).

Every error, from DRF views, from Django's URL resolver, from ``TenantMiddleware`` or from a crash,
is rendered here as an RFC 7807 problem body with ``error_code`` (the ``agent-control-models``
``ErrorCode`` values), Kubernetes-style ``kind``/``api_version``/``reason``/``metadata``, an optional
GitHub-style ``errors`` list and ``details``, and an optional ``hint``. ``null`` fields are omitted.

Sanitising, as the reference: ``errors[].value`` strings and objects become ``"[REDACTED]"``;
``detail`` and ``hint`` have whitespace collapsed and are cut to 500 characters; a 5xx keeps only a
fixed safe ``detail`` (``DATABASE_ERROR`` / ``INTERNAL_ERROR`` with an 8-character ``request_id``).

Deliberate difference: unknown routes (404 ``RESOURCE_NOT_FOUND``) and wrong methods (405
``METHOD_NOT_ALLOWED``) use the envelope too, where the reference answers ``{"detail": ...}``.
"""

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import pydantic
from agent_control_models.errors import ERROR_TITLES, ErrorCode, make_error_type
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

logger = logging.getLogger("controlplane.api")

MAX_PUBLIC_TEXT = 500
REDACTED = "[REDACTED]"
GENERIC_INTERNAL_DETAIL = "An unexpected error occurred. Please try again or contact support."
GENERIC_DATABASE_DETAIL = "A database error occurred while processing the request."
VALIDATION_HINT = "Check the 'errors' array for field-level validation details."

REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "UnprocessableEntity",
    500: "InternalError",
}
EXTRA_TITLES = {
    "METHOD_NOT_ALLOWED": "Method Not Allowed",
    "UNSUPPORTED_MEDIA_TYPE": "Unsupported Media Type",
    "PAYLOAD_TOO_LARGE": "Payload Too Large",
}
RESOURCE_BY_PREFIX = {
    "agent": "Agent",
    "steps": "Step",
    "evaluators": "Evaluator",
    "data": "Control",
    "policy": "Policy",
}


class APIError(drf_exceptions.APIException):
    """An error with an envelope: raise it from views and services.

    ``status`` (HTTP), ``error_code`` (an ``ErrorCode`` value or another upper-case code),
    ``detail`` (what happened and what to change), ``errors`` (list of ``{resource, field, code,
    message, value?}`` dicts), ``hint``, and the resource ``kind``/``name`` for ``details``.
    """

    def __init__(
        self,
        status: int,
        error_code: str,
        detail: str,
        *,
        errors: list[dict] | None = None,
        hint: str | None = None,
        kind: str | None = None,
        name: str | None = None,
        details: bool = True,
    ):
        super().__init__(detail)
        self.status_code = status
        self.error_code = str(error_code)
        self.errors = errors
        self.hint = hint
        self.kind = kind
        self.name = name
        self.details = details


def not_found(kind: str, detail: str, *, name: Any = None, hint: str | None = None) -> APIError:
    """404 ``<KIND>_NOT_FOUND`` (``AGENT_NOT_FOUND``, ``CONTROL_NOT_FOUND``, ...)."""
    return APIError(
        404, f"{kind.upper()}_NOT_FOUND", detail, kind=kind, name=_text(name), hint=hint
    )


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
    """``("data", "condition", "and", 0, "evaluator")`` -> ``"data.condition.and[0].evaluator"``."""
    field = ""
    for part in parts:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += f".{part}" if field else str(part)
    return field or None


def pydantic_errors(exc: pydantic.ValidationError, prefix: Sequence[str | int] = ()) -> list[dict]:
    """Convert a pydantic ``ValidationError`` to ``errors[]`` items.

    ``prefix`` is prepended to each location (``("path",)`` for path parameters, ``("query",)``
    for query parameters); the resource comes from the first body segment as in the reference.
    """
    items = []
    for error in exc.errors(include_url=False):
        parts = [*prefix, *error.get("loc", ())]
        first = str(parts[0]).lower() if parts else ""
        items.append(
            {
                "resource": RESOURCE_BY_PREFIX.get(first, "Request"),
                "field": format_field_path(parts),
                "code": str(error.get("type", "validation_error")),
                "message": str(error.get("msg", "Validation failed")),
                "value": error.get("input"),
            }
        )
    return items


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _public_text(text: str | None) -> str | None:
    if not text:
        return None
    collapsed = " ".join(str(text).split())
    if len(collapsed) > MAX_PUBLIC_TEXT:
        collapsed = collapsed[: MAX_PUBLIC_TEXT - 3] + "..."
    return collapsed or None


def _public_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return REDACTED


def _public_errors(errors: list[dict] | None) -> list[dict] | None:
    if errors is None:
        return None
    public = []
    for item in errors:
        cleaned = {key: val for key, val in item.items() if val is not None and key != "value"}
        value = _public_value(item.get("value"))
        if value is not None:
            cleaned["value"] = value
        public.append(cleaned)
    return public


def problem(
    status: int,
    error_code: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[dict] | None = None,
    hint: str | None = None,
    kind: str | None = None,
    name: str | None = None,
    request_id: str | None = None,
    details: bool = True,
) -> dict:
    """The sanitised envelope as a dict (``None`` fields omitted)."""
    error_code = str(error_code)
    if status >= 500:
        detail = (
            GENERIC_DATABASE_DETAIL
            if error_code == ErrorCode.DATABASE_ERROR
            else GENERIC_INTERNAL_DETAIL
        )
        errors = None
        hint = f"Reference error ID '{request_id}' when contacting support." if request_id else None
    else:
        detail = _public_text(detail) or "Request failed."
        hint = _public_text(hint)
        errors = _public_errors(errors)
    try:
        code = ErrorCode(error_code)
        title, error_type = ERROR_TITLES.get(code, "Error"), make_error_type(code)
    except ValueError:
        title = EXTRA_TITLES.get(error_code, "Error")
        error_type = f"https://agentcontrol.dev/errors/{error_code.lower().replace('_', '-')}"
    if error_code == ErrorCode.VALIDATION_ERROR:
        title = "Validation Error"
    body = {
        "type": error_type,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "error_code": error_code,
        "kind": "Status",
        "api_version": "v1",
        "reason": REASONS.get(status, "Unknown"),
        "metadata": {
            key: val
            for key, val in (
                ("request_id", request_id),
                ("timestamp", datetime.now(UTC).isoformat()),
            )
            if val is not None
        },
        "errors": errors,
        "hint": hint,
    }
    if details and (kind is not None or errors):
        body["details"] = {
            key: val
            for key, val in (("name", name), ("kind", kind), ("causes", errors))
            if val is not None
        }
    return {key: val for key, val in body.items() if val is not None}


def _envelope_for(exc: Exception, path: str) -> tuple[int, dict]:
    """Map any exception to ``(status, envelope)``."""
    if isinstance(exc, APIError):
        return exc.status_code, problem(
            exc.status_code,
            exc.error_code,
            str(exc.detail),
            instance=path,
            errors=exc.errors,
            hint=exc.hint,
            kind=exc.kind,
            name=exc.name,
            details=exc.details,
        )
    if isinstance(exc, pydantic.ValidationError):
        err = validation_error(pydantic_errors(exc))
        return _envelope_for(err, path)
    if isinstance(exc, drf_exceptions.ParseError):
        err = validation_error(
            [
                {
                    "resource": "Request",
                    "field": "body",
                    "code": "json_invalid",
                    "message": f"JSON decode error: {exc.detail}",
                }
            ]
        )
        return _envelope_for(err, path)
    if isinstance(exc, drf_exceptions.ValidationError):
        return _envelope_for(validation_error(_drf_errors(exc.detail)), path)
    if isinstance(exc, drf_exceptions.MethodNotAllowed):
        return 405, problem(405, "METHOD_NOT_ALLOWED", str(exc.detail), instance=path)
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        return 415, problem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"{exc.detail} Send the body as JSON with 'Content-Type: application/json'.",
            instance=path,
        )
    if isinstance(exc, Http404 | drf_exceptions.NotFound):
        return 404, problem(
            404, ErrorCode.RESOURCE_NOT_FOUND, "Requested resource was not found.", instance=path
        )
    if isinstance(exc, drf_exceptions.APIException):
        status = exc.status_code
        code = ErrorCode.VALIDATION_ERROR if status < 500 else ErrorCode.INTERNAL_ERROR
        return status, problem(status, code, str(exc.detail), instance=path)
    if isinstance(exc, RequestDataTooBig):
        return 413, problem(
            413,
            "PAYLOAD_TOO_LARGE",
            f"Request body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            instance=path,
            hint="Send a smaller body (split observability batches).",
        )
    if isinstance(exc, SuspiciousOperation):
        return 400, problem(400, ErrorCode.VALIDATION_ERROR, "Bad request.", instance=path)
    if isinstance(exc, DatabaseError):
        logger.exception("Database error on %s", path, exc_info=exc)
        return 500, problem(500, ErrorCode.DATABASE_ERROR, "", instance=path)
    request_id = uuid.uuid4().hex[:8]
    logger.error("Unhandled exception (error_id=%s, path=%s)", request_id, path, exc_info=exc)
    return 500, problem(500, ErrorCode.INTERNAL_ERROR, "", instance=path, request_id=request_id)


def _drf_errors(detail, parts: tuple = ()) -> list[dict]:
    if isinstance(detail, dict):
        return [item for key, val in detail.items() for item in _drf_errors(val, (*parts, key))]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [
                {
                    "resource": "Request",
                    "field": format_field_path(parts),
                    "code": getattr(item, "code", "invalid"),
                    "message": str(item),
                }
                for item in detail
            ]
        return [item for i, val in enumerate(detail) for item in _drf_errors(val, (*parts, i))]
    return [
        {
            "resource": "Request",
            "field": format_field_path(parts),
            "code": getattr(detail, "code", "invalid"),
            "message": str(detail),
        }
    ]


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF ``EXCEPTION_HANDLER``: every exception raised in a view becomes an envelope response.

    Database errors and crashes are logged and answered 500 with a generic ``detail``; nothing is
    re-raised, so no HTML error page ever reaches an API client.
    """
    request = context.get("request")
    path = request.path if request is not None else None
    status, body = _envelope_for(exc, path)
    return Response(body, status=status)


def _json(status: int, body: dict) -> JsonResponse:
    return JsonResponse(body, status=status)


def bad_request(request, exception=None):
    """``handler400``: a malformed tenant id (``InvalidTenantId``) or another ``BadRequest``.

    The tenant case carries ``errors[0].field == "header.X-Tenant-Id"`` and code
    ``invalid_tenant_id``; the request did nothing.
    """
    from tenancy.exceptions import InvalidTenantId

    if isinstance(exception, InvalidTenantId):
        return _json(
            400,
            problem(
                400,
                ErrorCode.VALIDATION_ERROR,
                f"Invalid X-Tenant-Id header: {exception}",
                instance=request.path,
                errors=[
                    {
                        "resource": "Request",
                        "field": "header.X-Tenant-Id",
                        "code": "invalid_tenant_id",
                        "message": str(exception),
                        "value": exception.value,
                    }
                ],
                hint="Send 1-64 characters from letters, digits, '.', '_', ':' and '-', or omit "
                "the header to use the default tenant.",
            ),
        )
    return _json(
        400,
        problem(400, ErrorCode.VALIDATION_ERROR, "Bad request.", instance=request.path),
    )


def page_not_found(request, exception=None):
    """``handler404``: unknown routes answer with the envelope (``RESOURCE_NOT_FOUND``)."""
    return _json(
        404,
        problem(
            404,
            ErrorCode.RESOURCE_NOT_FOUND,
            f"No route matches {request.method} {request.path}.",
            instance=request.path,
        ),
    )


def server_error(request):
    """``handler500``: a crash outside DRF views; generic ``INTERNAL_ERROR``."""
    return _json(500, problem(500, ErrorCode.INTERNAL_ERROR, "", instance=request.path))
