"""``ObservabilityViewSet``: the v1 observability endpoints (``shared/API.md`` section 1(h)).

- ``POST /observability/events`` ``{"events": [ControlExecutionEvent, ...]}`` (1..1000) -> 202
  ``BatchEventsResponse``. The SDK's event batcher posts here with only ``Content-Type`` and its
  API-key header; the events land in the tenant the request resolves to.
- ``POST /observability/events/query`` ``EventQueryRequest`` -> ``EventQueryResponse``.
- ``GET /observability/status`` -> ``{"status": "ok", "ingestor_initialized": true,
  "store_initialized": true}``.

Bodies are validated with the ``agent-control-models`` request models (legacy actions
``allow``/``warn``/``log`` become ``observe``; ``control_execution_id`` and ``timestamp`` get their
defaults there). The reference's stats endpoints (``/observability/stats``...) are not provided.
"""

from agent_control_models.observability import (
    BatchEventsRequest,
    BatchEventsResponse,
    EventQueryRequest,
    EventQueryResponse,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.exceptions import error_item, validation_error
from controlplane.api.openapi import documented
from controlplane.api.operations import Operation, requires
from controlplane.api.validation import validate_body

from . import selectors, services


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
