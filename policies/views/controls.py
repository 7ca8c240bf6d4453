"""``ControlViewSet``: the v1 control endpoints (reference ``endpoints/controls.py``).

Routes (``policies/urls.py``): ``PUT|GET /controls``, ``GET /controls/schema``,
``POST /controls/validate``, ``GET|PATCH|DELETE /controls/{id}``, ``GET|PUT /controls/{id}/data``,
``GET /controls/{id}/versions``, ``GET /controls/{id}/versions/{n}`` and
``POST /controls/{id}/clone-and-bind``. Create, set-data and validate take raw definitions or
template input (``policies.definitions.templates``). The views validate path,
query and body with the library's request models, call the services and shape the JSON; lookups go
through the scoped managers, so another tenant's control answers exactly like a missing one
(404 ``CONTROL_NOT_FOUND``). Soft-deleted controls are missing everywhere except the versions
endpoints.
"""

from functools import cache

from agent_control_models import ControlDefinition
from agent_control_models.server import (
    CloneAndBindControlRequest,
    CloneAndBindControlResponse,
    CreateControlRequest,
    CreateControlResponse,
    DeleteControlResponse,
    GetControlDataResponse,
    GetControlResponse,
    GetControlSchemaResponse,
    GetControlVersionResponse,
    ListControlsResponse,
    ListControlVersionsResponse,
    PatchControlRequest,
    PatchControlResponse,
    SetControlDataRequest,
    SetControlDataResponse,
    ValidateControlDataRequest,
    ValidateControlDataResponse,
)
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.openapi import documented, path_int, query_parameters
from controlplane.api.operations import Operation, public, requires
from controlplane.api.validation import gather, int_from_path, validate_body, validate_query

from ..definitions.errors import corrupted_control
from ..definitions.parsing import ParsedControl, parse_control_data
from ..models import Control
from ..queries import DeleteControlQuery, ListControlsQuery, ListVersionsQuery
from ..selectors.control_list import control_list
from ..selectors.control_versions import control_version_get, control_version_list
from ..selectors.lookups import control_get
from ..services.cloning import control_clone_and_bind
from ..services.controls import (
    control_create,
    control_delete,
    control_patch,
    control_set_data,
    control_validate,
)

CONTROL_ID = path_int("control_id")
VERSION_NUM = path_int("version_num")


@cache
def control_schema() -> dict:
    """The JSON Schema of ``ControlDefinition`` (by alias), computed once."""
    return ControlDefinition.model_json_schema(by_alias=True)


def _parsed(control: Control) -> ParsedControl:
    """``control``'s stored definition, parsed; 422 ``CORRUPTED_DATA`` when it does not parse."""
    parsed = parse_control_data(control.data)
    if parsed.model is None:
        raise corrupted_control(
            control_id=control.pk, name=control.name, parsed=parsed, control_endpoint=True
        )
    return parsed


@extend_schema(tags=["controls"])
class ControlViewSet(viewsets.ViewSet):
    """Controls: create, browse, read, edit, soft delete, validate, schema, version history."""

    lookup_field = "control_id"

    @documented("create_control", CreateControlResponse, request=CreateControlRequest)
    @requires(Operation.CONTROLS_CREATE)
    def create(self, request: Request) -> Response:
        """``PUT /controls`` -> ``{"control_id": int}``; 409 ``CONTROL_NAME_CONFLICT``, 422
        ``VALIDATION_ERROR`` (name, definition, built-in evaluator config, mixed template and raw
        fields), ``TEMPLATE_RENDER_ERROR`` / ``TEMPLATE_PARAMETER_INVALID``, and the agent-scoped
        evaluator errors (404 ``AGENT_NOT_FOUND``, 422 ``EVALUATOR_NOT_FOUND`` /
        ``INVALID_CONFIG``)."""
        body = validate_body(CreateControlRequest, request.data)
        control = control_create(request=body)
        return Response({"control_id": control.pk})

    @documented(
        "list_controls", ListControlsResponse, parameters=query_parameters(ListControlsQuery)
    )
    @requires(Operation.CONTROLS_READ)
    def list(self, request: Request) -> Response:
        """``GET /controls`` -> ``{"controls": [ControlSummary], "pagination"}`` (id descending,
        cursor = id); 422 for a bad parameter or ``limit`` outside 1..100."""
        query = validate_query(ListControlsQuery, request.query_params)
        return Response(control_list(query=query))

    @documented("get_control_schema", GetControlSchemaResponse)
    @action(detail=False, methods=["get"], url_path="schema", url_name="schema")
    @public
    def json_schema(self, request: Request) -> Response:
        """``GET /controls/schema`` -> ``{"schema": <JSON Schema of ControlDefinition>}``."""
        return Response({"schema": control_schema()})

    @documented(
        "validate_control_data",
        ValidateControlDataResponse,
        request=ValidateControlDataRequest,
    )
    @action(detail=False, methods=["post"])
    @requires(Operation.CONTROLS_CREATE)
    def validate(self, request: Request) -> Response:
        """``POST /controls/validate`` -> ``{"success": true}``; the same 4xx as create (no name
        check; template input with missing values passes as a draft); nothing is stored."""
        body = validate_body(ValidateControlDataRequest, request.data)
        control_validate(request=body)
        return Response({"success": True})

    @documented("get_control", GetControlResponse, parameters=[CONTROL_ID])
    @requires(Operation.CONTROLS_READ)
    def retrieve(self, request: Request, control_id: str) -> Response:
        """``GET /controls/{id}`` -> ``{"id", "name", "cloned_from_control_id", "data"}`` with
        every field of the definition, nulls included; 404, 422 ``CORRUPTED_DATA``."""
        control = control_get(int_from_path(control_id, "control_id"))
        return Response(
            {
                "id": control.pk,
                "name": control.name,
                "cloned_from_control_id": control.cloned_from_id,
                "data": _parsed(control).full,
            }
        )

    @documented(
        "patch_control", PatchControlResponse, request=PatchControlRequest, parameters=[CONTROL_ID]
    )
    @requires(Operation.CONTROLS_UPDATE)
    def partial_update(self, request: Request, control_id: str) -> Response:
        """``PATCH /controls/{id}`` ``{"name"?, "enabled"?}`` -> ``{"success", "name",
        "enabled"}``; 404, 409 ``CONTROL_NAME_CONFLICT``, 422."""
        control_id, body = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_body(PatchControlRequest, request.data),
        )
        return Response(control_patch(control_id=control_id, request=body))

    @documented(
        "delete_control",
        DeleteControlResponse,
        parameters=[CONTROL_ID, *query_parameters(DeleteControlQuery)],
    )
    @requires(Operation.CONTROLS_DELETE)
    def destroy(self, request: Request, control_id: str) -> Response:
        """``DELETE /controls/{id}?force=false`` -> soft delete with the dissociation lists;
        404, 409 ``CONTROL_IN_USE`` (linked and not ``force``)."""
        control_id, query = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_query(DeleteControlQuery, request.query_params),
        )
        return Response(control_delete(control_id=control_id, force=query.force))

    @documented("get_control_data", GetControlDataResponse, parameters=[CONTROL_ID])
    @action(detail=True, methods=["get"])
    @requires(Operation.CONTROLS_READ)
    def data(self, request: Request, control_id: str) -> Response:
        """``GET /controls/{id}/data`` -> ``{"data": {...}}`` without null fields (a selector
        saved without ``path`` reads back as ``"*"``); 404, 422 ``CORRUPTED_DATA``."""
        control = control_get(int_from_path(control_id, "control_id"))
        model = _parsed(control).model
        return Response({"data": model.model_dump(mode="json", by_alias=True, exclude_none=True)})

    @data.mapping.put
    @documented(
        "set_control_data",
        SetControlDataResponse,
        request=SetControlDataRequest,
        parameters=[CONTROL_ID],
    )
    @requires(Operation.CONTROLS_UPDATE)
    def set_data(self, request: Request, control_id: str) -> Response:
        """``PUT /controls/{id}/data`` ``{"data"}`` (full replace) -> ``{"success": true}``; 404,
        422 as create, 409 ``CONTROL_TEMPLATE_CONFLICT`` (raw data for a template-backed
        control)."""
        control_id, body = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_body(SetControlDataRequest, request.data),
        )
        control_set_data(control_id=control_id, request=body)
        return Response({"success": True})

    @documented(
        "list_control_versions",
        ListControlVersionsResponse,
        parameters=[CONTROL_ID, *query_parameters(ListVersionsQuery)],
    )
    @action(detail=True, methods=["get"])
    @requires(Operation.CONTROLS_READ)
    def versions(self, request: Request, control_id: str) -> Response:
        """``GET /controls/{id}/versions?cursor=&limit=`` -> ``{"versions", "pagination"}``,
        newest first, also for deleted controls; 404, 422."""
        control_id, query = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_query(ListVersionsQuery, request.query_params),
        )
        return Response(control_version_list(control_id=control_id, query=query))

    @documented(
        "get_control_version", GetControlVersionResponse, parameters=[CONTROL_ID, VERSION_NUM]
    )
    @action(detail=True, methods=["get"], url_path="versions/<str:version_num>")
    @requires(Operation.CONTROLS_READ)
    def version(self, request: Request, control_id: str, version_num: str) -> Response:
        """``GET /controls/{id}/versions/{n}`` -> the version with its ``snapshot``; 404
        ``CONTROL_NOT_FOUND`` / ``CONTROL_VERSION_NOT_FOUND``, 422."""
        control_id, version_num = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: int_from_path(version_num, "version_num"),
        )
        return Response(control_version_get(control_id=control_id, version_num=version_num))

    @documented(
        "clone_and_bind_control",
        CloneAndBindControlResponse,
        request=CloneAndBindControlRequest,
        parameters=[CONTROL_ID],
    )
    @action(detail=True, methods=["post"], url_path="clone-and-bind")
    @requires(Operation.CONTROLS_CREATE)
    def clone_and_bind(self, request: Request, control_id: str) -> Response:
        """``POST /controls/{id}/clone-and-bind`` ``{"name"?, "target_binding": {"target_type",
        "target_id", "enabled"?}}`` -> ``{"id", "name", "cloned_from_control_id",
        "binding_id"}``; 422 (unknown keys are refused), 404 ``CONTROL_NOT_FOUND``, 409
        ``CONTROL_NAME_CONFLICT``, 400 ``CONTROL_BINDING_INCOMPATIBLE``."""
        control_id, body = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_body(CloneAndBindControlRequest, request.data),
        )
        return Response(control_clone_and_bind(control_id=control_id, request=body))
