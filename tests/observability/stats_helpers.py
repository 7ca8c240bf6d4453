"""Helpers for the stats tests: the route, and events stored directly with a chosen age."""

from datetime import timedelta

from django.utils import timezone

from observability.models import ControlExecutionEvent
from tenancy.context import tenant_context
from tests.observability.payloads import event, stored

STATS = "/api/v1/observability/stats"
AGENT = "stats-agent-01"
ZERO_TOTALS = {
    "execution_count": 0,
    "match_count": 0,
    "non_match_count": 0,
    "error_count": 0,
    "action_counts": {},
    "timeseries": None,
}


def put(tenant="default-tenant", ago=timedelta(minutes=10), **fields):
    """Store one event of ``AGENT`` (unless overridden) ``ago`` before now, in ``tenant``."""
    moment = timezone.now() - ago
    data = stored(event(**{"agent_name": AGENT, "timestamp": moment.isoformat(), **fields}))
    with tenant_context(tenant):
        ControlExecutionEvent.objects.create(
            control_execution_id=data["control_execution_id"],
            timestamp=moment,
            agent_name=data["agent_name"],
            trace_id=data["trace_id"],
            span_id=data["span_id"],
            data=data,
        )


def one(control_id=1, **fields):
    return {"control_id": control_id, "control_name": f"control-{control_id}", **fields}
