"""``AgentViewSet``: the agent endpoints of the v1 API (API.md 1(a), 1(b), 3.1, 3.2).

Routes (bound by ``controlplane.api.routers.APIRouter`` in ``agents/urls.py``, under ``/api/v1/``)::

    GET   agents                                   list           AgentSummary page
    POST  agents/initAgent                         init_agent     register / re-register
    GET   agents/{agent_name}                      retrieve       agent object, steps, evaluators
    PATCH agents/{agent_name}                      partial_update remove steps / evaluators
    GET   agents/{agent_name}/controls             controls       effective controls
    GET   agents/{agent_name}/evaluators           evaluators     agent-scoped evaluators, paged
    GET   agents/{agent_name}/evaluators/{name}    evaluator      one of them

The views validate input with the agent-control-models request models, call a selector or a
service, and shape the reference's JSON. Path names are normalised (trim + lower-case); every lookup
goes through the scoped managers, so another tenant's agent is exactly a missing one.
"""

from agent_control_models.server import (
    AgentControlsResponse,
    GetAgentResponse,
    InitAgentResponse,
    ListAgentsResponse,
    PatchAgentRequest,
    PatchAgentResponse,
)
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from controlplane.api.openapi import documented, query_parameters
from controlplane.api.operations import Operation, requires
from controlplane.api.validation import validate_body, validate_query
from policies.definitions.effective import controls_body, matches_state
from policies.definitions.parsing import parse_control_rows
from policies.targets import target_of

from ..limits import InitAgentRequest
from ..names import agent_name_from_path
from ..queries import AgentControlsQuery, ListAgentsQuery, PageQuery
from ..responses import EvaluatorSchemaItem, ListEvaluatorsResponse
from ..selectors.agent_list import agent_list
from ..selectors.details import agent_detail_get, agent_evaluator_get, agent_evaluator_list
from ..selectors.effective import agent_control_rows
from ..selectors.lookups import REGISTERED_HINT, agent_id_get
from ..services import agent_patch, agent_register
from .params import AGENT_NAME, clamp_limit


@extend_schema(tags=["agents"])
class AgentViewSet(viewsets.ViewSet):
    """The agent endpoints; agents are addressed by (normalised) name within the caller's tenant."""

    lookup_field = "agent_name"

    @documented("list_agents", ListAgentsResponse, parameters=query_parameters(ListAgentsQuery))
    @requires(Operation.AGENTS_READ)
    def list(self, request: Request) -> Response:
        """``GET /agents?cursor=&limit=&name=`` -> ``{"agents": [AgentSummary], "pagination"}``.

        ``limit`` (default 20) is clamped to 1..100; ``cursor`` is the last agent name of the
        previous page (422 ``VALIDATION_ERROR`` field ``cursor`` if it is not a valid name);
        ``name`` filters by case-insensitive substring. Mirrors ``list_agents``.
        """
        query = validate_query(ListAgentsQuery, request.query_params)
        cursor = agent_name_from_path(query.cursor, field="cursor") if query.cursor else None
        limit = clamp_limit(query.limit)
        return Response(agent_list(cursor=cursor, limit=limit, name=query.name))

    @documented("init_agent", InitAgentResponse, request=InitAgentRequest)
    @action(detail=False, methods=["post"], url_path="initAgent")
    @requires(Operation.AGENTS_CREATE)
    def init_agent(self, request: Request) -> Response:
        """``POST /agents/initAgent`` -> ``InitAgentResponse`` (nested ``null``s kept).

        Errors: 422 ``VALIDATION_ERROR`` (body, name, target pair), 409
        ``EVALUATOR_NAME_CONFLICT``, 400 ``VALIDATION_ERROR`` (duplicate steps), 409
        ``SCHEMA_INCOMPATIBLE`` (strict), 422 ``CORRUPTED_DATA``. A ``target_type``/``target_id``
        pair adds the controls bound to that target. See ``agent_register``.
        """
        body = validate_body(InitAgentRequest, request.data)
        target = target_of(body.target_type, body.target_id)
        registration = agent_register(request=body, target=target)
        return Response(
            {
                "created": registration.created,
                "controls": registration.controls,
                "overwrite_applied": registration.overwrite_applied,
                "overwrite_changes": registration.overwrite_changes,
            }
        )

    @documented("get_agent", GetAgentResponse, parameters=[AGENT_NAME])
    @requires(Operation.AGENTS_READ)
    def retrieve(self, request: Request, agent_name: str) -> Response:
        """``GET /agents/{agent_name}`` -> ``{"agent", "steps", "evaluators"}`` (``null``s kept).

        Errors: 422 invalid name, 404 ``AGENT_NOT_FOUND``, 422 ``CORRUPTED_DATA``.
        """
        return Response(agent_detail_get(name=agent_name_from_path(agent_name)))

    @documented(
        "patch_agent", PatchAgentResponse, request=PatchAgentRequest, parameters=[AGENT_NAME]
    )
    @requires(Operation.AGENTS_UPDATE)
    def partial_update(self, request: Request, agent_name: str) -> Response:
        """``PATCH /agents/{agent_name}`` ``{"remove_steps", "remove_evaluators"}`` ->
        ``{"steps_removed", "evaluators_removed"}`` (idempotent). See ``agent_patch``."""
        body = validate_body(PatchAgentRequest, request.data)
        return Response(agent_patch(name=agent_name_from_path(agent_name), request=body))

    @documented(
        "list_agent_controls",
        AgentControlsResponse,
        parameters=[AGENT_NAME, *query_parameters(AgentControlsQuery)],
    )
    @action(detail=True, methods=["get"])
    @requires(Operation.AGENTS_READ)
    def controls(self, request: Request, agent_name: str) -> HttpResponse:
        """``GET /agents/{agent_name}/controls`` -> ``{"controls": [{"id", "name", "control"}]}``
        (``null``s omitted), the effective controls, id descending, filtered by
        ``rendered_state`` / ``enabled_state`` (default ``all`` / ``all``).

        Errors: 422 bad enum value, 400 ``VALIDATION_ERROR`` ``missing_target_pair``, 422 invalid
        name, 404 ``AGENT_NOT_FOUND``, 422 ``CORRUPTED_DATA``. A full target pair adds the
        controls bound to that target through enabled bindings. Two queries; the body is
        assembled from cached JSON.
        """
        query = validate_query(AgentControlsQuery, request.query_params)
        if (query.target_type is None) != (query.target_id is None):
            message = "target_type and target_id must be supplied together."
            item = error_item(
                "AgentControls",
                "target_type" if query.target_type is None else "target_id",
                "missing_target_pair",
                message,
            )
            raise APIError(400, ErrorCode.VALIDATION_ERROR, message, errors=[item])
        agent_id = agent_id_get(agent_name_from_path(agent_name), hint=REGISTERED_HINT)
        target = target_of(query.target_type, query.target_id)
        rows = [
            row
            for row in parse_control_rows(agent_control_rows(agent_id, target))
            if matches_state(row[2], query.rendered_state, query.enabled_state)
        ]
        return HttpResponse(controls_body(rows), content_type="application/json")

    @documented(
        "list_agent_evaluators",
        ListEvaluatorsResponse,
        parameters=[AGENT_NAME, *query_parameters(PageQuery)],
    )
    @action(detail=True, methods=["get"])
    @requires(Operation.AGENTS_READ)
    def evaluators(self, request: Request, agent_name: str) -> Response:
        """``GET /agents/{agent_name}/evaluators?cursor=&limit=`` ->
        ``{"evaluators": [{"name", "description", "config_schema"}], "pagination"}``; ``limit``
        (default 20) is clamped to 1..100. Errors: 422 invalid name, 404 ``AGENT_NOT_FOUND``."""
        query = validate_query(PageQuery, request.query_params)
        name = agent_name_from_path(agent_name)
        limit = clamp_limit(query.limit)
        return Response(agent_evaluator_list(name=name, cursor=query.cursor, limit=limit))

    @documented("get_agent_evaluator", EvaluatorSchemaItem, parameters=[AGENT_NAME])
    @action(detail=True, methods=["get"], url_path="evaluators/<str:evaluator_name>")
    @requires(Operation.AGENTS_READ)
    def evaluator(self, request: Request, agent_name: str, evaluator_name: str) -> Response:
        """``GET /agents/{agent_name}/evaluators/{evaluator_name}`` ->
        ``{"name", "description", "config_schema"}``.

        Errors: 422 invalid name, 404 ``AGENT_NOT_FOUND``, 404 ``EVALUATOR_NOT_FOUND``.
        """
        name = agent_name_from_path(agent_name)
        return Response(agent_evaluator_get(name=name, evaluator_name=evaluator_name))
