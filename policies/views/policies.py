"""``PolicyViewSet``: the v1 policy endpoints (``shared/API.md`` section 1(d)).

``PUT /policies``, ``POST|DELETE /policies/{policy_id}/controls/{control_id}`` and
``GET /policies/{policy_id}/controls``. Path ids arrive as strings and are parsed here, so a bad id
is a 422 ``path.<name>`` as in the reference, never a routing 404; all bad ids of one request are
reported together, as FastAPI does (``ints_from_path``).
"""

from agent_control_models.server import (
    AssocResponse,
    CreatePolicyRequest,
    CreatePolicyResponse,
    GetPolicyControlsResponse,
)
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.openapi import documented, path_int
from controlplane.api.operations import Operation, requires
from controlplane.api.validation import ints_from_path, validate_body

from ..services import policies as services

POLICY_ID = path_int("policy_id")
CONTROL_ID = path_int("control_id")


@extend_schema(tags=["policies"])
class PolicyViewSet(viewsets.ViewSet):
    """Policies: create, and manage the controls they contain."""

    lookup_field = "policy_id"

    @documented("create_policy", CreatePolicyResponse, request=CreatePolicyRequest)
    @requires(Operation.POLICIES_CREATE)
    def create(self, request: Request) -> Response:
        """``PUT /policies`` ``{"name": SlugName}`` -> ``{"policy_id": int}``; 409
        ``POLICY_NAME_CONFLICT``; 422 for a bad or missing name."""
        body = validate_body(CreatePolicyRequest, request.data)
        policy = services.policy_create(request=body)
        return Response({"policy_id": policy.pk})

    @documented("add_control_to_policy", AssocResponse, parameters=[POLICY_ID, CONTROL_ID])
    @action(detail=True, methods=["post"], url_path="controls/<str:control_id>")
    @requires(Operation.POLICIES_UPDATE)
    def control_link(self, request: Request, policy_id: str, control_id: str) -> Response:
        """``POST /policies/{policy_id}/controls/{control_id}`` -> ``{"success": true}``
        (idempotent); 404 ``POLICY_NOT_FOUND`` / ``CONTROL_NOT_FOUND``."""
        pid, cid = ints_from_path(policy_id=policy_id, control_id=control_id)
        services.policy_add_control(policy_id=pid, control_id=cid)
        return Response({"success": True})

    @control_link.mapping.delete
    @documented("remove_control_from_policy", AssocResponse, parameters=[POLICY_ID, CONTROL_ID])
    @requires(Operation.POLICIES_UPDATE)
    def control_unlink(self, request: Request, policy_id: str, control_id: str) -> Response:
        """``DELETE /policies/{policy_id}/controls/{control_id}`` -> ``{"success": true}`` (also
        when the control was not linked); 404 ``POLICY_NOT_FOUND`` / ``CONTROL_NOT_FOUND``."""
        pid, cid = ints_from_path(policy_id=policy_id, control_id=control_id)
        services.policy_remove_control(policy_id=pid, control_id=cid)
        return Response({"success": True})

    @documented("list_policy_controls", GetPolicyControlsResponse, parameters=[POLICY_ID])
    @action(detail=True, methods=["get"])
    @requires(Operation.POLICIES_READ)
    def controls(self, request: Request, policy_id: str) -> Response:
        """``GET /policies/{policy_id}/controls`` -> ``{"control_ids": [int, ...]}`` (ascending,
        non-deleted controls only); 404 ``POLICY_NOT_FOUND``."""
        (pid,) = ints_from_path(policy_id=policy_id)
        return Response({"control_ids": services.policy_control_ids(policy_id=pid)})
