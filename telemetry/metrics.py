"""The metric families of ``/metrics`` (prometheus_client), built once per process from the
``TELEMETRY_*`` settings and rebuilt when one that shapes them changes.

``<p>`` is ``TELEMETRY_METRICS_PREFIX`` (default ``agent_control_server``, the reference's, so its
dashboards keep working):

| family | type | labels |
| --- | --- | --- |
| ``<p>_requests_total`` | counter | ``app_name, method, path, status_code`` (``path``: the route template, e.g. ``/api/v1/agents/{agent_name}/controls``) |
| ``<p>_request_duration_seconds`` | histogram | the same (buckets 5 ms .. 60 s, a superset of the reference's) |
| ``<p>_requests_in_progress`` | gauge (livesum) | ``app_name, method`` |
| ``<p>_evaluations_total`` | counter | ``decision``: ``allow``, ``deny``, ``steer``, ``observe`` |
| ``<p>_evaluation_errors_total`` | counter | ``kind``: ``evaluator`` (answered, with evaluator errors), ``failed`` (no verdict); both exposed at 0 from the start |
| ``<p>_db_pool_connections_in_use`` / ``_connections`` / ``_requests_waiting`` | gauge (livesum) | ``pool_name`` (``telemetry.pool``) |
| ``<p>_rate_limit_backend_errors_total`` | counter | (none): Redis failures of the rate limiter |
| ``<p>_quota_refusals_total`` | counter | ``resource`` |
| ``<p>_tenant_requests_total`` | counter | ``tenant, operation_class, status_code`` (only with ``TELEMETRY_TENANT_SERIES``) |
| ``<p>_tenant_evaluations_total`` | counter | ``tenant, decision`` (the same) |

Routes that are not recorded, as the reference: ``/metrics``, ``/health``, the OpenAPI document
and Swagger UI, and paths that match no route. Methods outside the HTTP vocabulary count as
``OTHER``. Under several processes prometheus_client's multiprocess mode aggregates the values
(``telemetry.multiprocess``); the gauges then sum over the live processes.
"""

import threading

from django.core.signals import setting_changed
from django.dispatch import receiver
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
)

from .conf import get_setting, setting_name
from .tenants import TenantLabels

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
DECISIONS = ("deny", "steer", "observe")  # strongest first; no match of them: "allow"
ERROR_KINDS = ("evaluator", "failed")  # exposed at 0 from the start
REQUEST_LABELS = ("app_name", "method", "path", "status_code")
SHAPING_SETTINGS = frozenset(
    setting_name(name) for name in ("METRICS_PREFIX", "METRICS_APP_NAME", "TENANT_SERIES")
)


def method_label(method: str) -> str:
    """``method`` if it is an HTTP method, else ``"OTHER"`` (a client cannot add series)."""
    return method if method in METHODS else "OTHER"


def decision_of(body: dict) -> str:
    """The verdict of an evaluation response body: the strongest action among its matches
    (``deny`` > ``steer`` > ``observe``), or ``allow`` when nothing matched."""
    actions = {match.get("action") for match in body.get("matches") or ()}
    return next((decision for decision in DECISIONS if decision in actions), "allow")


class Metrics:
    """Every family of this process, registered in ``registry`` (see the module docstring)."""

    def __init__(self, prefix: str, app_name: str, tenant_series: int, registry=None):
        if registry is None:
            registry = CollectorRegistry(auto_describe=True)
            for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
                registry.register(collector)
        self.registry, self.app_name = registry, app_name
        self._children: dict[tuple, object] = {}  # (id(metric), labels) -> labelled child
        kw = {"registry": registry}
        self.requests = Counter(
            f"{prefix}_requests", "HTTP requests by route template, method and status.",
            REQUEST_LABELS, **kw,
        )  # fmt: skip
        self.duration = Histogram(
            f"{prefix}_request_duration_seconds", "HTTP request duration in seconds.",
            REQUEST_LABELS, buckets=BUCKETS, **kw,
        )  # fmt: skip
        self.in_progress = Gauge(
            f"{prefix}_requests_in_progress", "HTTP requests being served.",
            ("app_name", "method"), multiprocess_mode="livesum", **kw,
        )  # fmt: skip
        self.evaluations = Counter(
            f"{prefix}_evaluations", "Evaluations answered, by decision.", ("decision",), **kw
        )
        self.evaluation_errors = Counter(
            f"{prefix}_evaluation_errors",
            "Evaluations with evaluator errors (kind=evaluator) or without a verdict (kind=failed).",
            ("kind",), **kw,
        )  # fmt: skip
        for kind in ERROR_KINDS:
            self.evaluation_errors.labels(kind)
        self.pool_in_use, self.pool_size, self.pool_waiting = (
            Gauge(
                f"{prefix}_db_pool_{name}", text, ("pool_name",), multiprocess_mode="livesum", **kw
            )
            for name, text in (
                ("connections_in_use", "Database connections lent to requests."),
                ("connections", "Database connections the pool holds open."),
                ("requests_waiting", "Requests waiting for a database connection."),
            )
        )
        self.rate_limit_backend_errors = Counter(
            f"{prefix}_rate_limit_backend_errors",
            "Rate limit checks that could not reach Redis.", **kw,
        )  # fmt: skip
        self.quota_refusals = Counter(
            f"{prefix}_quota_refusals", "Creates refused by a tenant quota.", ("resource",), **kw
        )
        self.tenant_labels = TenantLabels(tenant_series)
        self.tenant_requests = self.tenant_evaluations = None
        if tenant_series > 0:
            self.tenant_requests = Counter(
                f"{prefix}_tenant_requests",
                "API requests by tenant (bounded; the rest are 'other'), operation class, status.",
                ("tenant", "operation_class", "status_code"), **kw,
            )  # fmt: skip
            self.tenant_evaluations = Counter(
                f"{prefix}_tenant_evaluations",
                "Evaluations by tenant (bounded; the rest are 'other') and decision.",
                ("tenant", "decision"), **kw,
            )  # fmt: skip

    def child(self, metric, *labels: str):
        """``metric.labels(*labels)``, remembered: prometheus_client's ``labels()`` takes a lock
        and builds its key on every call, a few microseconds each, several times per request.
        The label sets are bounded (route templates, methods, statuses, bounded tenants)."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def record_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count and time one request answered on ``route`` (a route template)."""
        labels = (self.app_name, method_label(method), route, str(status))
        self.child(self.requests, *labels).inc()
        self.child(self.duration, *labels).observe(seconds)

    def record_tenant_request(self, tenant_id: str, operation_class: str, status: int) -> None:
        """Count one request of ``tenant_id`` (no-op without per-tenant series)."""
        if self.tenant_requests is not None:
            label = self.tenant_labels.label(tenant_id)
            self.tenant_requests.labels(label, operation_class, str(status)).inc()

    def record_evaluation(self, body: dict, tenant_id: str | None) -> None:
        """Count one answered evaluation by its decision, and its evaluator errors."""
        decision = decision_of(body)
        self.child(self.evaluations, decision).inc()
        if body.get("errors"):
            self.evaluation_errors.labels("evaluator").inc()
        if self.tenant_evaluations is not None and tenant_id is not None:
            self.tenant_evaluations.labels(self.tenant_labels.label(tenant_id), decision).inc()


_build_lock = threading.Lock()
_current: list[Metrics] = []  # the process's one Metrics, once built


def get_metrics() -> Metrics:
    """This process's ``Metrics``, built from the settings on first use, once even when several
    request threads ask at the same moment (two would write the same multiprocess files from
    different in-memory values: a gauge could read -1)."""
    if not _current:
        with _build_lock:
            if not _current:
                _current.append(
                    Metrics(
                        get_setting("METRICS_PREFIX"),
                        get_setting("METRICS_APP_NAME"),
                        int(get_setting("TENANT_SERIES") or 0),
                    )
                )
    return _current[0]


def reset_metrics() -> None:
    """Forget the built ``Metrics`` (the shaping settings changed; tests)."""
    with _build_lock:
        _current.clear()


def metrics_enabled() -> bool:
    """``TELEMETRY_METRICS``."""
    return bool(get_setting("METRICS"))


@receiver(setting_changed)
def _rebuild_on_change(*, setting, **kwargs):
    if setting in SHAPING_SETTINGS:
        reset_metrics()
