"""``ControlBindingViewSet``: the v1 control binding endpoints (reference
``endpoints/control_bindings.py``, 8.15.0).

Routes (``policies/urls.py``, under ``/api/v1/control-bindings``): ``PUT`` (create), ``GET``
(browse), ``GET|PATCH|DELETE /{binding_id}``, ``PUT|PATCH /by-key`` (upsert, update) and ``POST
/by-key:delete``. Bodies are validated with the library's request models (unknown keys are
ignored, as there); lookups go through the scoped manager, so another tenant's binding answers
exactly like a missing one (404 ``CONTROL_BINDING_NOT_FOUND``). ``GET``/``DELETE /by-key`` are not
routes of the reference: there they reach ``/{binding_id}`` and fail its integer check, as here.
Deliberate difference: a non-integer binding id is one ``path.binding_id`` error (the reference
validates it twice and lists it twice).
"""

from agent_control_models.server import (
    CreateControlBindingRequest,
    CreateControlBindingResponse,
    DeleteControlBindingByKeyRequest,
    DeleteControlBindingByKeyResponse,
    DeleteControlBindingResponse,
    GetControlBindingResponse,
    ListControlBindingsResponse,
    PatchControlBindingByKeyRequest,
    PatchControlBindingRequest,
    PatchControlBindingResponse,
    UpsertControlBindingRequest,
    UpsertControlBindingResponse,
)
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.openapi import documented, path_int, query_parameters
from controlplane.api.operations import Operation, requires
from controlplane.api.validation import gather, int_from_path, validate_body, validate_query

from ..queries import ListBindingsQuery
from ..selectors.bindings import binding_body, binding_get, binding_list
from ..services import bindings as services

BINDING_ID = path_int("binding_id")


@extend_schema(tags=["control-bindings"])
class ControlBindingViewSet(viewsets.ViewSet):
    """Control bindings: attach controls to targets, by id or by natural key."""

    lookup_field = "binding_id"

    @documented(
        "create_control_binding", CreateControlBindingResponse, request=CreateControlBindingRequest
    )
    @requires(Operation.CONTROL_BINDINGS_WRITE)
    def create(self, request: Request) -> Response:
        """``PUT /control-bindings`` -> ``{"binding_id": int}``; 422, 404 ``CONTROL_NOT_FOUND``,
        400 ``CONTROL_BINDING_INCOMPATIBLE``, 409 ``CONTROL_BINDING_CONFLICT``."""
        body = validate_body(CreateControlBindingRequest, request.data)
        return Response({"binding_id": services.binding_create(request=body).pk})

    @documented(
        "list_control_bindings",
        ListControlBindingsResponse,
        parameters=query_parameters(ListBindingsQuery),
    )
    @requires(Operation.CONTROL_BINDINGS_READ)
    def list(self, request: Request) -> Response:
        """``GET /control-bindings?cursor=&limit=&target_type=&target_id=&control_id=`` ->
        ``{"bindings", "pagination"}`` (id descending); 422 for a bad parameter, 400 for a bad
        cursor."""
        query = validate_query(ListBindingsQuery, request.query_params)
        return Response(binding_list(query=query))

    @documented("get_control_binding", GetControlBindingResponse, parameters=[BINDING_ID])
    @requires(Operation.CONTROL_BINDINGS_READ)
    def retrieve(self, request: Request, binding_id: str) -> Response:
        """``GET /control-bindings/{binding_id}`` -> the binding; 422, 404
        ``CONTROL_BINDING_NOT_FOUND``."""
        return Response(binding_body(binding_get(int_from_path(binding_id, "binding_id"))))

    @documented(
        "patch_control_binding",
        PatchControlBindingResponse,
        request=PatchControlBindingRequest,
        parameters=[BINDING_ID],
    )
    @requires(Operation.CONTROL_BINDINGS_WRITE)
    def partial_update(self, request: Request, binding_id: str) -> Response:
        """``PATCH /control-bindings/{binding_id}`` ``{"enabled"}`` -> ``{"success", "enabled"}``;
        422, 404 ``CONTROL_BINDING_NOT_FOUND``."""
        binding_id, body = gather(
            lambda: int_from_path(binding_id, "binding_id"),
            lambda: validate_body(PatchControlBindingRequest, request.data),
        )
        return Response(services.binding_set_enabled(binding_id=binding_id, enabled=body.enabled))

    @documented("delete_control_binding", DeleteControlBindingResponse, parameters=[BINDING_ID])
    @requires(Operation.CONTROL_BINDINGS_WRITE)
    def destroy(self, request: Request, binding_id: str) -> Response:
        """``DELETE /control-bindings/{binding_id}`` -> ``{"success": true}``; 422, 404
        ``CONTROL_BINDING_NOT_FOUND``."""
        services.binding_delete(binding_id=int_from_path(binding_id, "binding_id"))
        return Response({"success": True})

    @documented(
        "upsert_control_binding_by_key",
        UpsertControlBindingResponse,
        request=UpsertControlBindingRequest,
    )
    @action(detail=False, methods=["put"], url_path="by-key", url_name="by-key")
    @requires(Operation.CONTROL_BINDINGS_WRITE)
    def by_key(self, request: Request) -> Response:
        """``PUT /control-bindings/by-key`` -> ``{"binding_id", "created", "enabled"}``; 422, 404
        ``CONTROL_NOT_FOUND``, 400 ``CONTROL_BINDING_INCOMPATIBLE``."""
        body = validate_body(UpsertControlBindingRequest, request.data)
        return Response(services.binding_upsert(request=body))

    @by_key.mapping.patch
    @documented(
        "patch_control_binding_by_key",
        PatchControlBindingResponse,
        request=PatchControlBindingByKeyRequest,
    )
    @requires(Operation.CONTROL_BINDINGS_WRITE)
    def patch_by_key(self, request: Request) -> Response:
        """``PATCH /control-bindings/by-key`` -> ``{"success", "enabled"}``; 422, 404
        ``CONTROL_BINDING_NOT_FOUND`` (never creates)."""
        body = validate_body(PatchControlBindingByKeyRequest, request.data)
        return Response(services.binding_patch_by_key(request=body))

    @by_key.mapping.get
    @by_key.mapping.delete
    @extend_schema(exclude=True)
    @requires(Operation.CONTROL_BINDINGS_READ)
    def by_key_is_not_an_id(self, request: Request) -> Response:
        """``GET``/``DELETE /control-bindings/by-key`` are not routes of the reference: there
        ``by-key`` reaches ``/{binding_id}`` and fails its integer check (422
        ``path.binding_id``); here too, before anything is read."""
        return self.retrieve(request, "by-key")

    @documented(
        "delete_control_binding_by_key",
        DeleteControlBindingByKeyResponse,
        request=DeleteControlBindingByKeyRequest,
    )
    @action(detail=False, methods=["post"], url_path="by-key:delete", url_name="by-key-delete")
    @requires(Operation.CONTROL_BINDINGS_WRITE)
    def delete_by_natural_key(self, request: Request) -> Response:
        """``POST /control-bindings/by-key:delete`` -> ``{"deleted": bool}`` (idempotent); 422."""
        body = validate_body(DeleteControlBindingByKeyRequest, request.data)
        return Response(services.binding_delete_by_key(request=body))
