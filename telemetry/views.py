"""``GET /metrics``: the Prometheus text format (prometheus_client's exposition).

In one process it renders this process's registry (with the process and Python collectors); under
several worker processes (``PROMETHEUS_MULTIPROC_DIR`` set, ``telemetry.multiprocess``) it
aggregates every worker's values from that directory. The pool gauges are refreshed first.
Public or not per ``telemetry.access``; 404 ``RESOURCE_NOT_FOUND`` when ``TELEMETRY_METRICS`` is
off. Not part of the OpenAPI document (the reference serves it outside its API too).
"""

import os

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from rest_framework.request import Request
from rest_framework.views import APIView

from controlplane.api.exceptions import APIError, ErrorCode
from controlplane.api.operations import public
from tenancy.authentication import credentials_optional

from .access import check_scrape_access
from .metrics import get_metrics, metrics_enabled
from .pool import sample_pools

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def exposition() -> bytes:
    """The current metrics in the Prometheus text format."""
    metrics = get_metrics()
    sample_pools(metrics)
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(metrics.registry)


@method_decorator(credentials_optional, name="dispatch")
class MetricsView(APIView):
    """``GET /metrics`` (see the module docstring). A credential meant for the API (or a scrape
    token in ``jwt`` mode) does not stop the scrape: the access check decides."""

    http_method_names = ["get"]

    @extend_schema(exclude=True)
    @public
    def get(self, request: Request) -> HttpResponse:
        if not metrics_enabled():
            raise APIError(
                404, ErrorCode.RESOURCE_NOT_FOUND, "Metrics are off (TELEMETRY_METRICS).",
                details=False,
            )  # fmt: skip
        check_scrape_access(request._request)
        return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
