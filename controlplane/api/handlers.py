"""Where every error becomes the envelope: DRF's ``EXCEPTION_HANDLER``, Django's
``handler400`` / ``handler404`` / ``handler500``, and tenancy's ``TENANCY_FAILURE_VIEW``
(``tenancy_failure``: requests refused before any view runs).

``to_api_error`` translates any exception into an ``APIError`` (one small translator per kind of
exception, tried in order); ``controlplane.api.envelope.render`` renders it. A database that cannot
be reached (connection refused or lost, PostgreSQL shutting down or out of connection slots, no pool
connection within ``DB_POOL_TIMEOUT``, SQLite locked or unopenable) is 503
``DATABASE_UNAVAILABLE`` with ``Retry-After`` (every write runs in one transaction, so a request
that failed this way is whole or absent, and may be retried). Other database errors and crashes
are logged and answered 500 with a generic ``detail``; nothing is re-raised, so no HTML error
page reaches an API client.

Every 5xx carries an 8-character error id in ``metadata.request_id`` (the reference's shape),
logged on the line that records the failure (whose log record also carries the request's own id,
``telemetry.logs``); a 4xx quotes the request's id (``controlplane.api.envelope``). A 429 or 503
with ``retry_after`` gets the ``Retry-After`` header.

Deliberate difference from the reference: unknown routes (404 ``RESOURCE_NOT_FOUND``) and wrong
methods (405 ``METHOD_NOT_ALLOWED``) use the envelope too, where it answers ``{"detail": ...}``.
"""

import logging
import sqlite3
import uuid
from collections.abc import Callable

import psycopg
import pydantic
from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, JsonResponse, UnreadablePostError
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

from tenancy.exceptions import CredentialsRefused, InvalidTenantId

from .envelope import render
from .exceptions import (
    APIError,
    ErrorCode,
    error_item,
    format_field_path,
    pydantic_errors,
    validation_error,
)

logger = logging.getLogger("controlplane.api")

TENANT_HEADER_HINT = (
    "Send 1-64 characters from letters, digits, '.', '_', ':' and '-', or omit the header to use "
    "the default tenant."
)


def _drf_errors(detail, parts: tuple = ()) -> list[dict]:
    """DRF's nested ``ValidationError.detail`` as flat ``errors[]`` items."""
    if isinstance(detail, dict):
        return [item for key, val in detail.items() for item in _drf_errors(val, (*parts, key))]
    if isinstance(detail, list) and not all(isinstance(item, str) for item in detail):
        return [item for i, val in enumerate(detail) for item in _drf_errors(val, (*parts, i))]
    return [
        error_item("Request", format_field_path(parts), getattr(item, "code", "invalid"), str(item))
        for item in (detail if isinstance(detail, list) else [detail])
    ]


def _parse_error(exc: drf_exceptions.ParseError) -> APIError:
    item = error_item("Request", "body", "json_invalid", f"JSON decode error: {exc.detail}")
    return validation_error([item])


def _unsupported_media_type(exc: drf_exceptions.UnsupportedMediaType) -> APIError:
    detail = f"{exc.detail} Send the body as JSON with 'Content-Type: application/json'."
    return APIError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, detail, details=False)


def _other_drf_error(exc: drf_exceptions.APIException) -> APIError:
    status = exc.status_code
    code = ErrorCode.VALIDATION_ERROR if status < 500 else ErrorCode.INTERNAL_ERROR
    return APIError(status, code, str(exc.detail), details=False)


def _too_big(exc: RequestDataTooBig) -> APIError:
    detail = f"Request body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
    hint = "Send a smaller body (split observability batches)."
    return APIError(413, ErrorCode.PAYLOAD_TOO_LARGE, detail, hint=hint, details=False)


def _invalid_tenant(exc: InvalidTenantId) -> APIError:
    item = error_item("Request", "header.X-Tenant-Id", "invalid_tenant_id", str(exc), exc.value)
    detail = f"Invalid X-Tenant-Id header: {exc}"
    return APIError(400, ErrorCode.VALIDATION_ERROR, detail, errors=[item], hint=TENANT_HEADER_HINT)


HOST_HINT = (
    "Send a Host header the server is configured for (DJANGO_ALLOWED_HOSTS); an operator adds "
    "the name a load balancer or health check uses to that list."
)


def _unreadable_body(exc: UnreadablePostError) -> APIError:
    return APIError(
        400,
        ErrorCode.VALIDATION_ERROR,
        "The request body could not be read to its end: the client stopped sending it.",
        hint="Send the whole body at once (the server waits WEB_READ_TIMEOUT seconds for more).",
        details=False,
    )


def _disallowed_host(exc: DisallowedHost) -> APIError:
    return APIError(
        400,
        ErrorCode.VALIDATION_ERROR,
        "The Host header of the request names a host this server does not serve.",
        hint=HOST_HINT,
        details=False,
    )


def _refused_credentials(exc: CredentialsRefused) -> APIError:
    """A credential the authenticator refused: 401 ``AUTH_INVALID_KEY`` or 403
    ``AUTH_INSUFFICIENT_PRIVILEGES`` (the message and hint are the authenticator's)."""
    if exc.status_code == 403:
        code = ErrorCode.AUTH_INSUFFICIENT_PRIVILEGES
    else:
        code = ErrorCode.AUTH_INVALID_KEY
    return APIError(
        exc.status_code, code, str(exc), hint=exc.hint, details=False, challenge=exc.challenge
    )


RETRY_AFTER_SECONDS = 5
# SQLSTATEs of a server that cannot serve now: class 08 (connection exceptions), admin or crash
# shutdown, starting up, too many connections.
UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
UNAVAILABLE_SQLITE_MESSAGES = ("database is locked", "unable to open database file")


def is_database_unavailable(exc: DatabaseError) -> bool:
    """True when ``exc`` (a Django ``DatabaseError``) says the database could not be reached,
    judged from the driver's exception it wraps: a psycopg ``OperationalError`` without a
    SQLSTATE (refused, lost, pool timeout) or with one of ``UNAVAILABLE_SQLSTATES``, or SQLite
    busy / unopenable."""
    cause = exc.__cause__
    if isinstance(cause, psycopg.OperationalError):
        return cause.sqlstate is None or cause.sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause) in UNAVAILABLE_SQLITE_MESSAGES
    return False


def new_error_id() -> str:
    """An 8-character id for a 5xx, quoted to the caller and logged (the reference's shape)."""
    return uuid.uuid4().hex[:8]


def _database_error(exc: DatabaseError) -> APIError:
    error_id = new_error_id()
    if is_database_unavailable(exc):
        logger.warning("Database unavailable (error_id=%s): %s", error_id, exc)
        return APIError(
            503,
            ErrorCode.DATABASE_UNAVAILABLE,
            "",
            details=False,
            request_id=error_id,
            retry_after=RETRY_AFTER_SECONDS,
        )
    logger.error("Database error (error_id=%s)", error_id, exc_info=exc)
    return APIError(500, ErrorCode.DATABASE_ERROR, "", details=False, request_id=error_id)


# Tried in order; the first matching class wins (subclasses before their bases).
TRANSLATORS: tuple[tuple[type[BaseException], Callable[..., APIError]], ...] = (
    (APIError, lambda exc: exc),
    (pydantic.ValidationError, lambda exc: validation_error(pydantic_errors(exc))),
    (drf_exceptions.ParseError, _parse_error),
    (drf_exceptions.ValidationError, lambda exc: validation_error(_drf_errors(exc.detail))),
    (
        drf_exceptions.MethodNotAllowed,
        lambda exc: APIError(405, ErrorCode.METHOD_NOT_ALLOWED, str(exc.detail), details=False),
    ),
    (drf_exceptions.UnsupportedMediaType, _unsupported_media_type),
    (
        Http404 | drf_exceptions.NotFound,
        lambda exc: APIError(
            404, ErrorCode.RESOURCE_NOT_FOUND, "Requested resource was not found.", details=False
        ),
    ),
    (drf_exceptions.APIException, _other_drf_error),
    (RequestDataTooBig, _too_big),
    (InvalidTenantId, _invalid_tenant),
    (CredentialsRefused, _refused_credentials),
    (DisallowedHost, _disallowed_host),
    (UnreadablePostError, _unreadable_body),
    (
        SuspiciousOperation,
        lambda exc: APIError(400, ErrorCode.VALIDATION_ERROR, "Bad request.", details=False),
    ),
    (DatabaseError, _database_error),
)


def to_api_error(exc: BaseException) -> APIError:
    """The ``APIError`` that answers ``exc``; an unknown exception is logged with a fresh
    8-character request id and becomes 500 ``INTERNAL_ERROR`` quoting it."""
    for cls, translate in TRANSLATORS:
        if isinstance(exc, cls):
            return translate(exc)
    error_id = new_error_id()
    logger.error("Unhandled exception (error_id=%s)", error_id, exc_info=exc)
    return APIError(500, ErrorCode.INTERNAL_ERROR, "", details=False, request_id=error_id)


def _with_error_id(error: APIError) -> APIError:
    """Give a 5xx that has none (``AUTH_MISCONFIGURED``, ``RATE_LIMITS_UNAVAILABLE``) its logged
    8-character error id."""
    if error.status_code >= 500 and error.request_id is None:
        error.request_id = new_error_id()
        logger.warning(
            "Answered %d %s (error_id=%s): %s",
            error.status_code,
            error.error_code.value,
            error.request_id,
            error.detail,
        )
    return error


def _with_headers(response, error: APIError):
    """Every 401 carries ``WWW-Authenticate`` (``ApiKey`` unless the error names another); an
    error with ``retry_after`` carries ``Retry-After``."""
    if error.status_code == 401:
        response["WWW-Authenticate"] = error.challenge or "ApiKey"
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF ``EXCEPTION_HANDLER``: every exception raised in a view becomes an envelope response."""
    request = context.get("request")
    error = _with_error_id(to_api_error(exc))
    body = render(error, instance=request.path if request is not None else None)
    return _with_headers(Response(body, status=error.status_code), error)


def error_response(request, error: APIError) -> JsonResponse:
    """The envelope of ``error`` as a plain Django response (for middleware and URL handlers):
    compact JSON like DRF's, with its ``Content-Length`` (a middleware's answer never reaches
    ``CommonMiddleware``, which would set it)."""
    error = _with_error_id(error)
    response = JsonResponse(
        render(error, instance=request.path),
        status=error.status_code,
        json_dumps_params={"separators": (",", ":")},
    )
    response["Content-Length"] = str(len(response.content))
    return _with_headers(response, error)


def tenancy_failure(request, exception: Exception) -> JsonResponse:
    """``TENANCY_FAILURE_VIEW``: a request ``TenantMiddleware`` refused (a malformed tenant id,
    400; a refused credential, 401 ``AUTH_INVALID_KEY`` with ``WWW-Authenticate`` or 403
    ``AUTH_INSUFFICIENT_PRIVILEGES``) answered with the envelope."""
    return error_response(request, to_api_error(exception))


def bad_request(request, exception=None):
    """``handler400``: a malformed tenant id (``InvalidTenantId``: ``errors[0].field ==
    "header.X-Tenant-Id"``, code ``invalid_tenant_id``), a Host outside ``ALLOWED_HOSTS``, or
    another ``BadRequest``, each in the envelope."""
    if isinstance(exception, InvalidTenantId | DisallowedHost):
        return error_response(request, to_api_error(exception))
    return error_response(
        request, APIError(400, ErrorCode.VALIDATION_ERROR, "Bad request.", details=False)
    )


def page_not_found(request, exception=None):
    """``handler404``: unknown routes answer with the envelope (``RESOURCE_NOT_FOUND``)."""
    detail = f"No route matches {request.method} {request.path}."
    return error_response(
        request, APIError(404, ErrorCode.RESOURCE_NOT_FOUND, detail, details=False)
    )


def server_error(request):
    """``handler500``: a crash outside DRF views; generic ``INTERNAL_ERROR``."""
    return error_response(request, APIError(500, ErrorCode.INTERNAL_ERROR, "", details=False))
