"""``ObservabilityViewSet``: the v1 observability endpoints (``shared/API.md`` section 1(h)).

- ``POST /observability/events`` ``{"events": [ControlExecutionEvent, ...]}`` (1..1000) -> 202
  ``BatchEventsResponse``. The SDK's event batcher posts here with only ``Content-Type`` and its
  API-key header; the events land in the tenant the request resolves to.
- ``POST /observability/events/query`` ``EventQueryRequest`` -> ``EventQueryResponse``.
- ``GET /observability/status`` -> ``{"status": "ok", "ingestor_initialized": true,
  "store_initialized": true}``.

- ``GET /observability/stats?agent_name=&time_range=&include_timeseries=`` -> ``StatsResponse``
  and ``GET /observability/stats/controls/{control_id}?...`` -> ``ControlStatsResponse``
  (``observability.stats``).

Bodies are validated with the ``agent-control-models`` request models (legacy actions
``allow``/``warn``/``log`` become ``observe``; ``control_execution_id`` and ``timestamp`` get their
defaults there).
"""

from agent_control_models.observability import (
    BatchEventsRequest,
    BatchEventsResponse,
    ControlStatsResponse,
    EventQueryRequest,
    EventQueryResponse,
    StatsResponse,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agents.names import agent_name_from_path
from controlplane.api.exceptions import error_item, validation_error
from controlplane.api.openapi import documented, path_int, query_parameters
from controlplane.api.operations import Operation, requires
from controlplane.api.validation import gather, int_from_path, validate_body, validate_query

from . import selectors, services, stats
from .queries import StatsQuery


def json_body(request: Request):
    """``request.data``, or a 422 ``missing`` (no ``field``) when the request has no body at all,
    as FastAPI answers for a required body."""
    if request.stream is None:
        raise validation_error([error_item("Request", None, "missing", "Field required")])
    return request.data


@extend_schema(tags=["observability"])
class ObservabilityViewSet(viewsets.ViewSet):
    """Control execution events: ingest, query, status (registered at ``observability``)."""

    @documented("ingest_events", {202: BatchEventsResponse}, request=BatchEventsRequest)
    @action(detail=False, methods=["post"], url_path="events")
    @requires(Operation.OBSERVABILITY_WRITE)
    def ingest(self, request: Request) -> Response:
        """``POST /observability/events`` -> 202 ``{"received", "enqueued", "dropped",
        "status"}`` (see ``services.events_ingest`` for duplicates and failures); 422
        ``VALIDATION_ERROR`` for 0 or more than 1000 events or an invalid event
        (``events[i].<field>``)."""
        body = validate_body(BatchEventsRequest, json_body(request))
        return Response(services.events_ingest(request=body), status=202)

    @documented("query_events", EventQueryResponse, request=EventQueryRequest)
    @action(detail=False, methods=["post"], url_path="events/query")
    @requires(Operation.OBSERVABILITY_READ)
    def query(self, request: Request) -> Response:
        """``POST /observability/events/query`` -> ``{"events", "total", "limit", "offset"}`` over
        the caller's tenant only (see ``selectors.events_query``); 422 for invalid filters."""
        body = validate_body(EventQueryRequest, json_body(request))
        return Response(selectors.events_query(query=body))

    @documented("get_observability_status", OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    @requires(Operation.OBSERVABILITY_READ)
    def status(self, request: Request) -> Response:
        """``GET /observability/status`` -> ``{"status": "ok", "ingestor_initialized": true,
        "store_initialized": true}`` (static: ingestion and storage are this process and its
        database)."""
        return Response({"status": "ok", "ingestor_initialized": True, "store_initialized": True})

    @documented("get_stats", StatsResponse, parameters=query_parameters(StatsQuery))
    @action(detail=False, methods=["get"])
    @requires(Operation.OBSERVABILITY_READ)
    def stats(self, request: Request) -> Response:
        """``GET /observability/stats`` -> ``{"agent_name", "time_range", "totals", "controls"}``
        over the caller's tenant's events; 422 for a bad parameter or agent name. Never 404: an
        unknown agent has zero counts."""
        query = validate_query(StatsQuery, request.query_params)
        return Response(
            stats.stats_get(
                agent_name=agent_name_from_path(query.agent_name),
                time_range=query.time_range,
                include_timeseries=query.include_timeseries,
            )
        )

    @documented(
        "get_control_stats",
        ControlStatsResponse,
        parameters=[path_int("control_id"), *query_parameters(StatsQuery)],
    )
    @action(detail=False, methods=["get"], url_path="stats/controls/<str:control_id>")
    @requires(Operation.OBSERVABILITY_READ)
    def control_stats(self, request: Request, control_id: str) -> Response:
        """``GET /observability/stats/controls/{control_id}`` -> ``{"agent_name", "time_range",
        "control_id", "control_name", "stats"}``; 422 as ``stats`` and for a bad id. Never 404."""
        control_id, query = gather(
            lambda: int_from_path(control_id, "control_id"),
            lambda: validate_query(StatsQuery, request.query_params),
        )
        return Response(
            stats.control_stats_get(
                agent_name=agent_name_from_path(query.agent_name),
                control_id=control_id,
                time_range=query.time_range,
                include_timeseries=query.include_timeseries,
            )
        )
