"""``RequestTelemetryMiddleware``: the request id, the request's metrics and its log line.

Place it first (after ``SecurityMiddleware``), so it sees every response, including those the
tenant middleware refuses. For every request:

1. its id: a well-formed incoming ``X-Request-Id`` or a fresh one, bound for the request
   (``controlplane.api.request_scope``: error envelopes and log lines quote it) and returned in
   the ``X-Request-Id`` response header (and kept as ``request.request_id``);
2. with ``TELEMETRY_METRICS``: ``requests_in_progress`` while it runs, then the request counted
   and timed by route template, method and status, and by tenant and operation class when
   ``TELEMETRY_TENANT_SERIES`` is set (``telemetry.metrics``; the pool is sampled when it
   finishes, ``telemetry.receivers``);
3. with ``TELEMETRY_REQUEST_LOG``: one line on the ``controlplane.requests`` logger (INFO; DEBUG
   for ``/health`` and ``/metrics``) with request id, tenant, principal, route, method, path,
   status and duration in milliseconds.

Sync and async capable.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.deprecation import MiddlewareMixin

from controlplane.api.request_scope import (
    HEADER,
    current_request_id,
    request_id_of,
    request_scope,
)

from .conf import get_setting
from .logs import request_context
from .metrics import get_metrics, method_label, metrics_enabled
from .routes import UNRECORDED_ROUTES, class_of, route_of

logger = logging.getLogger("controlplane.requests")


class _Served:
    """The response of the request being served, once there is one."""

    response = None


class RequestTelemetryMiddleware(MiddlewareMixin):
    """See the module docstring (``MiddlewareMixin`` provides the sync/async plumbing)."""

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        with self.serving(request) as served:
            served.response = self.get_response(request)
        return served.response

    async def __acall__(self, request):
        with self.serving(request) as served:
            served.response = await self.get_response(request)
        return served.response

    @contextmanager
    def serving(self, request) -> Iterator[_Served]:
        """Bind the request's id around the response; count, time and log it afterwards."""
        request_id = request.request_id = request_id_of(request)
        served = _Served()
        with request_scope(request_id, request):
            started = self.start(request)
            try:
                yield served
            finally:
                self.finish(request, served.response, started)
            served.response[HEADER] = request_id

    def start(self, request) -> float:
        if metrics_enabled() and request.path_info not in UNRECORDED_ROUTES:
            metrics = get_metrics()
            metrics.child(metrics.in_progress, metrics.app_name, method_label(request.method)).inc()
        return time.perf_counter()

    def finish(self, request, response, started: float) -> None:
        seconds = time.perf_counter() - started
        status = 500 if response is None else response.status_code
        route = route_of(request)
        if metrics_enabled() and request.path_info not in UNRECORDED_ROUTES:
            metrics = get_metrics()
            metrics.child(metrics.in_progress, metrics.app_name, method_label(request.method)).dec()
            if route is not None and route not in UNRECORDED_ROUTES:
                metrics.record_request(request.method, route, status, seconds)
                tenant_id = getattr(request, "tenant_id", None)
                if tenant_id is not None and metrics.tenant_requests is not None:
                    metrics.record_tenant_request(tenant_id, class_of(request), status)
        if get_setting("REQUEST_LOG"):
            self.log(request, route, status, seconds)

    def log(self, request, route: str | None, status: int, seconds: float) -> None:
        level = logging.DEBUG if route in UNRECORDED_ROUTES else logging.INFO
        if not logger.isEnabledFor(level):
            return
        duration_ms = round(seconds * 1000, 1)
        shown = route or request.path_info
        logger.log(
            level,
            "%s %s %d %.1fms",
            request.method,
            shown,
            status,
            duration_ms,
            extra={
                "request_id": current_request_id(),
                **request_context(request),
                "route": route,
                "method": request.method,
                "path": request.path_info,
                "status": status,
                "duration_ms": duration_ms,
            },
        )
