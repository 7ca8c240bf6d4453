"""``AgentViewSet``: the agent endpoints of the v1 API (API.md 1(a), 1(b), 3.1, 3.2).

Routes (``agents/urls.py``, all under ``/api/v1/``)::

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

from typing import Any

from agent_control_models.server import (
    AgentControlsResponse,
    GetAgentResponse,
    InitAgentRequest,
    InitAgentResponse,
    ListAgentsResponse,
    PatchAgentRequest,
    PatchAgentResponse,
)
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.errors import APIError, validation_error
from controlplane.api.pagination import page
from controlplane.api.validation import agent_name_from_path, validate_body, validate_query

from ..api_models import (
    AgentControlsQuery,
    EvaluatorSchemaItem,
    ListAgentsQuery,
    ListEvaluatorsResponse,
    PageQuery,
)
from ..control_json import control_rows, controls_body, matches_state, parse_rows
from ..listing import agents_page
from ..names import AGENT_NAME_MAX_LENGTH
from ..registration_data import (
    CorruptedAgentData,
    agent_object,
    dump_evaluators,
    dump_steps,
    load_registration,
)
from ..selectors import get_agent, get_agent_id
from ..services import agent_patch, agent_register
from ..services.editing import REGISTERED_HINT

TAGS = ["agents"]
MAX_LIMIT = 100


def _clamp(limit: int) -> int:
    return min(max(1, limit), MAX_LIMIT)


def _check_name_length(raw: Any, name: str) -> None:
    """422 for a name longer than the column (the reference answers 500 here)."""
    if len(name) > AGENT_NAME_MAX_LENGTH:
        message = f"agent_name must be at most {AGENT_NAME_MAX_LENGTH} characters long"
        raise validation_error(
            [
                {
                    "resource": "Agent",
                    "field": "agent.agent_name",
                    "code": "value_error",
                    "message": f"Value error, {message}",
                    "value": raw,
                }
            ]
        )


def _query_params(*names: str) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, str, OpenApiParameter.QUERY, required=False) for name in names]


class AgentViewSet(viewsets.ViewSet):
    """The agent endpoints; agents are addressed by (normalised) name within the caller's tenant."""

    @extend_schema(
        parameters=[
            *_query_params("cursor", "name"),
            OpenApiParameter("limit", int, OpenApiParameter.QUERY, required=False),
        ],
        responses=ListAgentsResponse,
        operation_id="list_agents",
        tags=TAGS,
    )
    def list(self, request: Request) -> Response:
        """``GET /agents?cursor=&limit=&name=`` -> ``{"agents": [AgentSummary], "pagination"}``.

        ``limit`` (default 20) is clamped to 1..100; ``cursor`` is the last agent name of the
        previous page (422 ``VALIDATION_ERROR`` field ``cursor`` if it is not a valid name);
        ``name`` filters by case-insensitive substring. Mirrors ``list_agents``.
        """
        query = validate_query(ListAgentsQuery, request.query_params)
        cursor = agent_name_from_path(query.cursor, field="cursor") if query.cursor else None
        return Response(agents_page(cursor=cursor, limit=_clamp(query.limit), name=query.name))

    @extend_schema(
        request=InitAgentRequest, responses=InitAgentResponse, operation_id="init_agent", tags=TAGS
    )
    def init_agent(self, request: Request) -> Response:
        """``POST /agents/initAgent`` -> ``InitAgentResponse`` (nested ``null``s kept).

        Errors: 422 ``VALIDATION_ERROR`` (body, name, target pair), 409
        ``EVALUATOR_NAME_CONFLICT``, 400 ``VALIDATION_ERROR`` (duplicate steps), 409
        ``SCHEMA_INCOMPATIBLE`` (strict), 422 ``CORRUPTED_DATA``. See ``agent_register``.
        """
        body = validate_body(InitAgentRequest, request.data)
        raw = request.data.get("agent", {}).get("agent_name")
        _check_name_length(raw, body.agent.agent_name)
        registration = agent_register(request=body)
        return Response(
            {
                "created": registration.created,
                "controls": registration.controls,
                "overwrite_applied": registration.overwrite_applied,
                "overwrite_changes": registration.overwrite_changes,
            }
        )

    @extend_schema(responses=GetAgentResponse, operation_id="get_agent", tags=TAGS)
    def retrieve(self, request: Request, agent_name: str) -> Response:
        """``GET /agents/{agent_name}`` -> ``{"agent", "steps", "evaluators"}`` (``null``s kept).

        Errors: 422 invalid name, 404 ``AGENT_NOT_FOUND``, 422 ``CORRUPTED_DATA``.
        """
        agent = get_agent(agent_name_from_path(agent_name))
        try:
            steps, evaluators = load_registration(agent)
        except CorruptedAgentData:
            raise APIError(
                422,
                "CORRUPTED_DATA",
                f"Agent data is corrupted for agent '{agent.name}'",
                kind="Agent",
                hint="The agent's stored data is invalid. Re-register the agent with initAgent.",
            ) from None
        agent_json = agent_object(agent)
        if agent_json is None:
            raise APIError(
                422,
                "CORRUPTED_DATA",
                f"Agent metadata is corrupted for agent '{agent.name}'",
                kind="Agent",
                hint="The agent's metadata is invalid. Re-register the agent with initAgent.",
            )
        latest = {(step.type, step.name): step for step in steps}
        return Response(
            {
                "agent": agent_json,
                "steps": dump_steps(list(latest.values())),
                "evaluators": dump_evaluators(evaluators),
            }
        )

    @extend_schema(
        request=PatchAgentRequest,
        responses=PatchAgentResponse,
        operation_id="patch_agent",
        tags=TAGS,
    )
    def partial_update(self, request: Request, agent_name: str) -> Response:
        """``PATCH /agents/{agent_name}`` ``{"remove_steps", "remove_evaluators"}`` ->
        ``{"steps_removed", "evaluators_removed"}`` (idempotent). See ``agent_patch``."""
        body = validate_body(PatchAgentRequest, request.data)
        return Response(agent_patch(name=agent_name_from_path(agent_name), request=body))

    @extend_schema(
        parameters=_query_params("rendered_state", "enabled_state", "target_type", "target_id"),
        responses=AgentControlsResponse,
        operation_id="list_agent_controls",
        tags=TAGS,
    )
    def controls(self, request: Request, agent_name: str) -> HttpResponse:
        """``GET /agents/{agent_name}/controls`` -> ``{"controls": [{"id", "name", "control"}]}``
        (``null``s omitted), the effective controls, id descending, filtered by
        ``rendered_state`` / ``enabled_state`` (default ``all`` / ``all``).

        Errors: 422 bad enum value, 400 ``VALIDATION_ERROR`` ``missing_target_pair``, 422 invalid
        name, 404 ``AGENT_NOT_FOUND``, 422 ``CORRUPTED_DATA``. A full target pair adds nothing:
        this server has no control bindings. Two queries; the body is assembled from cached JSON.
        """
        query = validate_query(AgentControlsQuery, request.query_params)
        if (query.target_type is None) != (query.target_id is None):
            message = "target_type and target_id must be supplied together."
            raise APIError(
                400,
                "VALIDATION_ERROR",
                message,
                errors=[
                    {
                        "resource": "AgentControls",
                        "field": "target_type" if query.target_type is None else "target_id",
                        "code": "missing_target_pair",
                        "message": message,
                    }
                ],
            )
        agent_id = get_agent_id(agent_name_from_path(agent_name), hint=REGISTERED_HINT)
        rows = [
            row
            for row in parse_rows(control_rows(agent_id))
            if matches_state(row[2], query.rendered_state, query.enabled_state)
        ]
        return HttpResponse(controls_body(rows), content_type="application/json")

    @extend_schema(
        parameters=[
            *_query_params("cursor"),
            OpenApiParameter("limit", int, OpenApiParameter.QUERY, required=False),
        ],
        responses=ListEvaluatorsResponse,
        operation_id="list_agent_evaluators",
        tags=TAGS,
    )
    def evaluators(self, request: Request, agent_name: str) -> Response:
        """``GET /agents/{agent_name}/evaluators?cursor=&limit=`` ->
        ``{"evaluators": [{"name", "description", "config_schema"}], "pagination"}``.

        The cursor is the last evaluator name of the previous page (unknown: from the top);
        ``limit`` (default 20) is clamped to 1..100; unreadable stored evaluators list as none.
        Errors: 422 invalid name, 404 ``AGENT_NOT_FOUND``.
        """
        query = validate_query(PageQuery, request.query_params)
        agent = get_agent(agent_name_from_path(agent_name), hint=REGISTERED_HINT)
        limit = _clamp(query.limit)
        try:
            items = dump_evaluators(load_registration(agent)[1])
        except CorruptedAgentData:
            items = []
        start = 0
        if query.cursor:
            names = [item["name"] for item in items]
            start = names.index(query.cursor) + 1 if query.cursor in names else 0
        rows, pagination = page(
            items[start : start + limit + 1], limit, len(items), lambda item: item["name"]
        )
        return Response({"evaluators": rows, "pagination": pagination})

    @extend_schema(responses=EvaluatorSchemaItem, operation_id="get_agent_evaluator", tags=TAGS)
    def evaluator(self, request: Request, agent_name: str, evaluator_name: str) -> Response:
        """``GET /agents/{agent_name}/evaluators/{evaluator_name}`` ->
        ``{"name", "description", "config_schema"}``.

        Errors: 422 invalid name, 404 ``AGENT_NOT_FOUND``, 404 ``EVALUATOR_NOT_FOUND``.
        """
        agent = get_agent(agent_name_from_path(agent_name), hint=REGISTERED_HINT)
        try:
            evaluators = load_registration(agent)[1]
        except CorruptedAgentData:
            raise APIError(
                404,
                "EVALUATOR_NOT_FOUND",
                f"Evaluator '{evaluator_name}' not found",
                kind="Evaluator",
                name=evaluator_name,
                hint="The agent's data may be corrupted. Re-register the agent with initAgent.",
            ) from None
        for evaluator in evaluators:
            if evaluator.name == evaluator_name:
                return Response(evaluator.model_dump(mode="json"))
        raise APIError(
            404,
            "EVALUATOR_NOT_FOUND",
            f"Evaluator '{evaluator_name}' not found on agent '{agent.name}'",
            kind="Evaluator",
            name=evaluator_name,
            hint="Register the evaluator with this agent via initAgent.",
        )
