"""OpenAPI documentation helpers shared by the apps' views (drf-spectacular ``extend_schema``), and
the postprocessing hook that documents the error envelope on every operation.

Path and query parameters arrive as strings and are validated in the views (so a bad value is the
reference's 422, not a routing 404); these helpers document their real types and constraints
(``minimum``/``maximum``, ``enum``, ``minLength``...) from the same pydantic models the views
validate with, so the document and the server agree (a schemathesis run in the suite checks it).
"""

from typing import Any

import pydantic
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from .accepted import accepted_schema
from .exceptions import ErrorCode


def path_int(name: str) -> OpenApiParameter:
    """An integer path parameter (``control_id``, ``policy_id``, ``version_num``)."""
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH)


def path_string(name: str, schema: dict[str, Any], description: str) -> OpenApiParameter:
    """A string path parameter with its JSON Schema (``pattern``, lengths)."""
    return OpenApiParameter(
        name, {"type": "string", **schema}, OpenApiParameter.PATH, description=description
    )


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with every ``{"$ref": "#/$defs/Name"}`` replaced by that definition (a query
    parameter's schema stands alone: the model's ``$defs`` are not in the OpenAPI document)."""
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        rest = {key: val for key, val in schema.items() if key != "$ref"}
        return _inline({**defs[ref.removeprefix("#/$defs/")], **rest}, defs)
    return {key: _inline(val, defs) for key, val in schema.items()}


def _query_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic property schema as a query parameter's: ``X | None`` is just ``X`` (a missing
    parameter is the ``None``); titles and defaults are dropped (the default is set apart)."""
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    merged = {**schema, **options[0]} if len(options) == 1 else dict(schema)
    return {key: val for key, val in merged.items() if key not in ("anyOf", "title", "default")}


def query_parameters(model: type[pydantic.BaseModel]) -> list[OpenApiParameter]:
    """One ``OpenApiParameter`` per field of a pydantic query model (schema, default, required)."""
    document = model.model_json_schema()
    properties = _inline(document["properties"], document.get("$defs", {}))
    parameters = []
    for name, field in model.model_fields.items():
        parameters.append(
            OpenApiParameter(
                name,
                _query_schema(properties[name]),
                OpenApiParameter.QUERY,
                required=field.is_required(),
                default=None if field.is_required() else field.default,
            )
        )
    return parameters


def documented(operation_id: str, responses, *, request=None, parameters=(), **extra):
    """``extend_schema`` for one operation: the reference's ``operation_id``, the response model
    (``{status: model}``, or a model answered with 200 whatever the method), the request model
    (``None``: no body) and extra ``parameters``. Tags are set once per viewset with
    ``extend_schema(tags=[...])`` on the class; error responses are added by ``document_errors``."""
    return extend_schema(
        operation_id=operation_id,
        request=request,
        responses=responses if isinstance(responses, dict) else {200: responses},
        parameters=list(parameters) or None,
        **extra,
    )


PROBLEM = {
    "type": "object",
    "description": "The error envelope (RFC 7807 problem details) of every error response.",
    "required": ["type", "title", "status", "detail", "error_code", "kind", "reason"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "error_code": {"type": "string", "enum": [code.value for code in ErrorCode]},
        "kind": {"type": "string"},
        "api_version": {"type": "string"},
        "reason": {"type": "string"},
        "metadata": {"type": "object"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["resource", "code", "message"],
                "properties": {
                    "resource": {"type": "string"},
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "value": {},
                },
            },
        },
        "hint": {"type": "string"},
        "details": {"type": "object"},
    },
}

ERROR_DESCRIPTIONS = {
    400: "Malformed X-Tenant-Id header, or parameters that must come together (VALIDATION_ERROR).",
    401: "api_key / jwt modes: no credential, or an unknown, revoked, expired or invalid one "
    "(AUTH_MISSING_KEY, AUTH_INVALID_KEY), with WWW-Authenticate.",
    403: "The credential's role does not grant the operation (AUTH_INSUFFICIENT_PRIVILEGES), or "
    "X-Tenant-Id names another tenant than the credential's.",
    404: "The named agent, control, policy, version or evaluator does not exist in the caller's "
    "tenant (AGENT_NOT_FOUND, CONTROL_NOT_FOUND, ...).",
    409: "Conflicts with the stored state (a name in use, a control in use, an incompatible "
    "schema...).",
    413: "Request body larger than 10 MiB (PAYLOAD_TOO_LARGE).",
    414: "Request line longer than the server's limit (answered by gunicorn, VALIDATION_ERROR).",
    431: "Too many or too large headers (answered by gunicorn, VALIDATION_ERROR).",
    415: "Request body that is not JSON (UNSUPPORTED_MEDIA_TYPE).",
    422: "Invalid request (VALIDATION_ERROR with field-level errors; CORRUPTED_DATA, "
    "INVALID_CONFIG, EVALUATOR_NOT_FOUND...). JSON types are strict, numbers must be finite.",
    500: "Unexpected error (INTERNAL_ERROR, DATABASE_ERROR) with a generic detail.",
    503: "The database cannot be reached (DATABASE_UNAVAILABLE); retry after Retry-After seconds. "
    "The runtime token exchange also answers 503 AUTH_MISCONFIGURED when it cannot mint tokens.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
# Operations without path parameters that can still answer 404 (an agent named in the body).
NOT_FOUND_BY_BODY = {
    "create_control",
    "validate_control_data",
    "evaluate",
    "create_control_binding",
    "upsert_control_binding_by_key",
    "patch_control_binding_by_key",
}
UNSAFE = {"post", "put", "patch", "delete"}
# Unsafe operations that change no stored state, so nothing can conflict.
NO_CONFLICT = {"evaluate", "validate_control_data", "ingest_events", "query_events"}


def error_statuses(path: str, method: str, operation: dict) -> list[int]:
    """The error statuses ``operation`` can answer (see ``ERROR_DESCRIPTIONS``)."""
    if not path.startswith("/api/v1/"):
        return [400, 414, 431, 500]
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    statuses = [400, 414, 431, 500, 503]
    if parameters or has_body:
        statuses.append(422)
    if any(p["in"] == "path" for p in parameters) or operation["operationId"] in NOT_FOUND_BY_BODY:
        statuses.append(404)
    if method in UNSAFE and operation["operationId"] not in NO_CONFLICT:
        statuses.append(409)
    if has_body:
        statuses += [413, 415]
    if operation.get("security"):  # a credential mode (api_key, jwt) answers these
        statuses += [401, 403]
    return sorted(statuses)


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the library's component schemas say what the server
    accepts (``controlplane.api.accepted``), the ``Problem`` component, request bodies are required
    (except PATCH's), and on every operation the error responses ``error_statuses`` names, each
    with the envelope as its body."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(accepted_schema(schemas))
    schemas["Problem"] = PROBLEM
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if "requestBody" in operation and method != "patch":
                operation["requestBody"]["required"] = True  # PATCH bodies may be left out
            for status in error_statuses(path, method, operation):
                response = {"description": ERROR_DESCRIPTIONS[status], "content": problem}
                if status == 503:
                    response["headers"] = RETRY_AFTER
                operation["responses"].setdefault(str(status), response)
    return result
