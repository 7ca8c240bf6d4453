"""The one error envelope of the API (reference server 8.15, ``shared/API.md`` section 0.1).

``render(error, instance=...)`` turns an ``APIError`` into the RFC 7807 problem body: ``type``,
``title``, ``status``, ``detail``, ``instance``, ``error_code``, Kubernetes-style
``kind``/``api_version``/``reason``/``metadata``, an optional GitHub-style ``errors`` list and
``details``, and an optional ``hint``. ``null`` fields are omitted.

Sanitising, as the reference: ``errors[].value`` strings and objects become ``"[REDACTED]"``;
``detail`` and ``hint`` have whitespace collapsed and are cut to 500 characters; a 5xx keeps only a
fixed safe ``detail`` (``DATABASE_ERROR`` / ``DATABASE_UNAVAILABLE`` / ``AUTH_MISCONFIGURED`` /
anything else, the last quoting an 8-character ``request_id`` when it has one).

``metadata.request_id``: a 5xx keeps the reference's shape, its own 8-character error id (the log
line that records the failure carries it next to the request's id); every other error quotes the
id of the request being served (``controlplane.api.request_scope``, also sent as the
``X-Request-Id`` response header), so a caller can quote it. ``metadata.retry_after`` carries the
seconds of a ``Retry-After`` (429 ``RATE_LIMITED``, 503 ``DATABASE_UNAVAILABLE``).
"""

from datetime import UTC, datetime
from typing import Any

from agent_control_models.errors import ERROR_TITLES
from agent_control_models.errors import ErrorCode as ReferenceErrorCode

from .exceptions import APIError, ErrorCode
from .request_scope import current_request_id

MAX_PUBLIC_TEXT = 500
REDACTED = "[REDACTED]"
GENERIC_INTERNAL_DETAIL = "An unexpected error occurred. Please try again or contact support."
GENERIC_DATABASE_DETAIL = "A database error occurred while processing the request."
GENERIC_AUTH_DETAIL = "Server authentication is misconfigured. Contact administrator."
# The fixed ``detail`` of a 5xx, by code (anything else: GENERIC_INTERNAL_DETAIL).
GENERIC_DETAILS = {
    ErrorCode.DATABASE_ERROR: GENERIC_DATABASE_DETAIL,
    ErrorCode.AUTH_MISCONFIGURED: GENERIC_AUTH_DETAIL,
    ErrorCode.RATE_LIMITS_UNAVAILABLE: (
        "Rate limiting is temporarily unavailable. Retry after the Retry-After delay."
    ),
}
UNAVAILABLE_DETAIL = "The database is unavailable. Retry the request later."
UNAVAILABLE_HINT = "Retry after the number of seconds in the Retry-After header."
ERROR_TYPE_BASE = "https://agentcontrol.dev/errors/"

REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    414: "URITooLong",
    415: "UnsupportedMediaType",
    417: "ExpectationFailed",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    431: "RequestHeaderFieldsTooLarge",
    500: "InternalError",
    501: "NotImplemented",
    502: "InternalError",
    503: "ServiceUnavailable",
}
# Titles of the codes the reference's table does not have.
EXTRA_TITLES = {
    ErrorCode.METHOD_NOT_ALLOWED: "Method Not Allowed",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "Unsupported Media Type",
    ErrorCode.PAYLOAD_TOO_LARGE: "Payload Too Large",
    ErrorCode.VALIDATION_ERROR: "Validation Error",
    ErrorCode.DATABASE_UNAVAILABLE: "Database Unavailable",
    ErrorCode.QUOTA_EXCEEDED: "Quota Exceeded",
    ErrorCode.RATE_LIMITED: "Rate Limit Exceeded",
    ErrorCode.RATE_LIMITS_UNAVAILABLE: "Rate Limiting Unavailable",
}


def title_of(code: ErrorCode) -> str:
    """The envelope ``title`` of ``code`` (the reference's table, then ours, else ``"Error"``)."""
    if code in EXTRA_TITLES:
        return EXTRA_TITLES[code]
    try:
        return ERROR_TITLES.get(ReferenceErrorCode(code.value), "Error")
    except ValueError:
        return "Error"


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


def _present(pairs) -> dict:
    return {key: val for key, val in pairs if val is not None}


def render(error: APIError, *, instance: str | None) -> dict:
    """The sanitised envelope of ``error`` as a dict; ``instance`` is the request path."""
    status, code = error.status_code, error.error_code
    if code == ErrorCode.DATABASE_UNAVAILABLE:
        detail, errors, hint = UNAVAILABLE_DETAIL, None, UNAVAILABLE_HINT
        request_id = error.request_id
    elif status >= 500:
        detail = GENERIC_DETAILS.get(code, GENERIC_INTERNAL_DETAIL)
        errors = None
        request_id = error.request_id
        hint = (
            f"Reference error ID '{request_id}' when contacting support."
            if request_id and code == ErrorCode.INTERNAL_ERROR
            else None
        )
    else:
        detail = _public_text(str(error.detail)) or "Request failed."
        hint = _public_text(error.hint)
        errors = _public_errors(error.errors)
        request_id = error.request_id or current_request_id()
    body = {
        "type": ERROR_TYPE_BASE + code.value.lower().replace("_", "-"),
        "title": title_of(code),
        "status": status,
        "detail": detail,
        "instance": instance,
        "error_code": code.value,
        "kind": "Status",
        "api_version": "v1",
        "reason": REASONS.get(status, "Unknown"),
        "metadata": _present(
            (
                ("request_id", request_id),
                ("timestamp", datetime.now(UTC).isoformat()),
                ("retry_after", error.retry_after),
            )
        ),
        "errors": errors,
        "hint": hint,
    }
    if error.details and (error.kind is not None or errors):
        body["details"] = _present((("name", error.name), ("kind", error.kind), ("causes", errors)))
    return _present(body.items())
