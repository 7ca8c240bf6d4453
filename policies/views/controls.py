"""``ControlViewSet``: the v1 control endpoints (reference ``endpoints/controls.py``).

Routes (``policies/urls.py``): ``PUT|GET /controls``, ``GET /controls/schema``,
``POST /controls/validate``, ``GET|PATCH|DELETE /controls/{id}``, ``GET|PUT /controls/{id}/data``,
``GET /controls/{id}/versions`` and ``GET /controls/{id}/versions/{n}``. The views validate path,
query and body with the library's request models, call the services and shape the JSON; lookups go
through the scoped managers, so another tenant's control answers exactly like a missing one
(404 ``CONTROL_NOT_FOUND``). Soft-deleted controls are missing everywhere except the versions
endpoints.
"""

from functools import cache

import pydantic
from agent_control_models import ControlDefinition
from agent_control_models.server import (
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
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.openapi import path_int, query_parameters
from controlplane.api.validation import gather, int_from_path, validate_body, validate_query

from ..definitions.errors import corrupted_control
from ..definitions.parsing import ParsedControl, parse_control_data
from ..definitions.templates import refuse_template_input
from ..models import Control
from ..queries import DeleteControlQuery, ListControlsQuery, ListVersionsQuery
from ..selectors.control_list import control_list
from ..selectors.control_versions import control_version_get, control_version_list
from ..selectors.lookups import control_get
from ..services.controls import control_create, control_delete, control_patch, control_set_data
from ..signals import control_validating

TAGS = ["controls"]
CONTROL_ID = path_int("control_id")
VERSION_NUM = path_int("version_num")


@cache
def control_schema() -> dict:
    """The JSON Schema of ``ControlDefinition`` (by alias), computed once."""
    return ControlDefinition.model_json_schema(by_alias=True)


def _definition_body[ModelT: pydantic.BaseModel](model: type[ModelT], data) -> ModelT:
    """Validate a body whose ``data`` is a control definition; template input is refused."""
    refuse_template_input(data)
    return validate_body(model, data)


def _parsed(control: Control) -> ParsedControl:
    """``control``'s stored definition, parsed; 422 ``CORRUPTED_DATA`` when it does not parse."""
    parsed = parse_control_data(control.data)
    if parsed.model is None:
        raise corrupted_control(
            control_id=control.pk, name=control.name, parsed=parsed, control_endpoint=True
        )
    return parsed


class ControlViewSet(viewsets.ViewSet):
    """Controls: create, browse, read, edit, soft delete, validate, schema, version history."""

    @extend_schema(
        operation_id="create_control",
        request=CreateControlRequest,
        responses=CreateControlResponse,
        tags=TAGS,
    )
    def create(self, request: Request) -> Response:
        """``PUT /controls`` -> ``{"control_id": int}``; 409 ``CONTROL_NAME_CONFLICT``, 422
        ``VALIDATION_ERROR`` (name, definition, built-in evaluator config, template input), and
        the agent-scoped evaluator errors (404 ``AGENT_NOT_FOUND``, 422 ``EVALUATOR_NOT_FOUND`` /
        ``INVALID_CONFIG``)."""
        body = _definition_body(CreateControlRequest, request.data)
        control = control_create(request=body)
        return Response({"control_id": control.pk})

    @extend_schema(
        operation_id="list_controls",
        parameters=query_parameters(ListControlsQuery),
        responses=ListControlsResponse,
        tags=TAGS,
    )
    def list_controls(self, request: Request) -> Response:
        """``GET /controls`` -> ``{"controls": [ControlSummary], "pagination"}`` (id descending,
        cursor = id); 422 for a bad parameter or ``limit`` outside 1..100. (Not named ``list``:
        the OpenAPI generator would document a ``list`` action as an array.)"""
        query = validate_query(ListControlsQuery, request.query_params)
        return Response(control_list(query=query))

    @extend_schema(operation_id="get_control_schema", responses=GetControlSchemaResponse, tags=TAGS)
    def json_schema(self, request: Request) -> Response:
        """``GET /controls/schema`` -> ``{"schema": <JSON Schema of ControlDefinition>}``."""
        return Response({"schema": control_schema()})

    @extend_schema(
        operation_id="validate_control_data",
        request=ValidateControlDataRequest,
        responses=ValidateControlDataResponse,
        tags=TAGS,
    )
    def validate(self, request: Request) -> Response:
        """``POST /controls/validate`` -> ``{"success": true}``; the same 4xx as create (no name
        check); nothing is stored."""
        body = _definition_body(ValidateControlDataRequest, request.data)
        control_validating.send(sender=Control, definition=body.data)
        return Response({"success": True})

    @extend_schema(
        operation_id="get_control", parameters=[CONTROL_ID], responses=GetControlResponse, tags=TAGS
    )
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

    @extend_schema(
        operation_id="patch_control",
        parameters=[CONTROL_ID],
        request=PatchControlRequest,
        responses=PatchControlResponse,
        tags=TAGS,
    )
    def partial_update(self, request: Request, control_id: str) -> Response:
        """``PATCH /controls/{id}`` ``{"name"?, "enabled"?}`` -> ``{"success", "name",
        "enabled"}``; 404, 409 ``CONTROL_NAME_CONFLICT``, 422."""
        control_id, body = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_body(PatchControlRequest, request.data),
        )
        return Response(control_patch(control_id=control_id, request=body))

    @extend_schema(
        operation_id="delete_control",
        parameters=[CONTROL_ID, *query_parameters(DeleteControlQuery)],
        responses=DeleteControlResponse,
        tags=TAGS,
    )
    def destroy(self, request: Request, control_id: str) -> Response:
        """``DELETE /controls/{id}?force=false`` -> soft delete with the dissociation lists;
        404, 409 ``CONTROL_IN_USE`` (linked and not ``force``)."""
        control_id, query = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_query(DeleteControlQuery, request.query_params),
        )
        return Response(control_delete(control_id=control_id, force=query.force))

    @extend_schema(
        operation_id="get_control_data",
        parameters=[CONTROL_ID],
        responses=GetControlDataResponse,
        tags=TAGS,
    )
    def data(self, request: Request, control_id: str) -> Response:
        """``GET /controls/{id}/data`` -> ``{"data": {...}}`` without null fields (a selector
        saved without ``path`` reads back as ``"*"``); 404, 422 ``CORRUPTED_DATA``."""
        control = control_get(int_from_path(control_id, "control_id"))
        model = _parsed(control).model
        return Response({"data": model.model_dump(mode="json", by_alias=True, exclude_none=True)})

    @extend_schema(
        operation_id="set_control_data",
        parameters=[CONTROL_ID],
        request=SetControlDataRequest,
        responses=SetControlDataResponse,
        tags=TAGS,
    )
    def set_data(self, request: Request, control_id: str) -> Response:
        """``PUT /controls/{id}/data`` ``{"data"}`` (full replace) -> ``{"success": true}``; 404,
        422 as create, 409 ``CONTROL_TEMPLATE_CONFLICT``."""
        control_id, body = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: _definition_body(SetControlDataRequest, request.data),
        )
        control_set_data(control_id=control_id, request=body)
        return Response({"success": True})

    @extend_schema(
        operation_id="list_control_versions",
        parameters=[CONTROL_ID, *query_parameters(ListVersionsQuery)],
        responses=ListControlVersionsResponse,
        tags=TAGS,
    )
    def versions(self, request: Request, control_id: str) -> Response:
        """``GET /controls/{id}/versions?cursor=&limit=`` -> ``{"versions", "pagination"}``,
        newest first, also for deleted controls; 404, 422."""
        control_id, query = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_query(ListVersionsQuery, request.query_params),
        )
        return Response(control_version_list(control_id=control_id, query=query))

    @extend_schema(
        operation_id="get_control_version",
        parameters=[CONTROL_ID, VERSION_NUM],
        responses=GetControlVersionResponse,
        tags=TAGS,
    )
    def version(self, request: Request, control_id: str, version_num: str) -> Response:
        """``GET /controls/{id}/versions/{n}`` -> the version with its ``snapshot``; 404
        ``CONTROL_NOT_FOUND`` / ``CONTROL_VERSION_NOT_FOUND``, 422."""
        control_id, version_num = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: int_from_path(version_num, "version_num"),
        )
        return Response(control_version_get(control_id=control_id, version_num=version_num))
