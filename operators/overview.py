"""What the operators' tenant pages show.

- ``tenants_summary()``: every tenant that owns rows, with its agents, controls, policies, links
  and events counted (``tenancy.inventory``: one ``GROUP BY tenant_id`` per tenant model, past
  row-level security by name, as system code).
- ``tenant_overview(tenant_id)``: one tenant's page, read *inside that tenant* (``tenant_context``
  and the scoped managers), so nothing of another tenant can appear on it: the count of every
  tenant model, its most recent events and its evaluation outcomes over time
  (``observability.stats.outcomes_by_control``) drawn as SVG (``operators.chart``), and its
  quotas and rate limits in force (``quotas.usage``; a note when rates are not enforced).
"""

from django.urls import reverse

from agents.models import Agent, AgentControl, AgentPolicy
from observability.models import ControlExecutionEvent
from observability.stats import RANGES, outcomes_by_control
from policies.models import Control, ControlBinding, Policy, PolicyControl
from quotas.usage import (
    RATES_NOT_ENFORCED,
    format_limit,
    rates_enforced,
    tenant_rates,
    tenant_usage,
)
from tenancy.context import tenant_context
from tenancy.inventory import tenant_row_counts
from tenancy.schema import tenant_models
from tenancy.validators import validate_tenant_id

from .chart import outcomes_svg

LINK_MODELS = (AgentPolicy, AgentControl, PolicyControl, ControlBinding)
DEFAULT_RANGE = "24h"
RECENT_EVENTS = 10


def _label(model) -> str:
    return model._meta.label_lower


def _summary(counts: dict[str, int]) -> dict[str, int]:
    return {
        "agents": counts.get(_label(Agent), 0),
        "controls": counts.get(_label(Control), 0),
        "policies": counts.get(_label(Policy), 0),
        "links": sum(counts.get(_label(model), 0) for model in LINK_MODELS),
        "events": counts.get(_label(ControlExecutionEvent), 0),
        "rows": sum(counts.values()),
    }


def tenants_summary() -> list[dict]:
    """``[{"tenant_id", "agents", "controls", "policies", "links", "events", "rows"}]`` for every
    tenant that owns rows, sorted by tenant id."""
    return [
        {"tenant_id": tenant, **_summary(counts)} for tenant, counts in tenant_row_counts().items()
    ]


def _changelist(model, tenant_id: str) -> str:
    opts = model._meta
    return (
        f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?tenant_id={tenant_id}"
    )


def tenant_overview(tenant_id: str, *, time_range: str = DEFAULT_RANGE) -> dict:
    """One tenant's overview (module docstring); ``time_range`` is a key of
    ``observability.stats.RANGES``. Raises ``InvalidTenantId`` / ``KeyError``."""
    validate_tenant_id(tenant_id)
    if time_range not in RANGES:
        raise KeyError(f"Unknown time range {time_range!r}; use one of {', '.join(RANGES)}.")
    with tenant_context(tenant_id):
        counts = {_label(model): model.objects.count() for model in tenant_models()}
        tables = [
            {
                "name": model._meta.verbose_name_plural,
                "label": _label(model),
                "count": counts[_label(model)],
                "url": _changelist(model, tenant_id),
            }
            for model in tenant_models()
        ]
        events = list(ControlExecutionEvent.objects.order_by("-timestamp", "-id")[:RECENT_EVENTS])
        deleted = Control.objects.filter(deleted_at__isnull=False).count()
        outcomes = outcomes_by_control(time_range=time_range)
    return {
        "tenant_id": tenant_id,
        "summary": {**_summary(counts), "deleted_controls": deleted},
        "tables": tables,
        "recent_events": [
            {
                "timestamp": event.timestamp,
                "agent_name": event.agent_name,
                "control_name": event.data.get("control_name"),
                "action": event.data.get("action"),
                "matched": event.data.get("matched"),
                "error": event.data.get("error_message"),
                "url": reverse("admin:observability_controlexecutionevent_change", args=[event.pk]),
            }
            for event in events
        ],
        "time_range": time_range,
        "time_ranges": list(RANGES),
        "outcomes": outcomes,
        "chart": outcomes_svg(outcomes),
        "quotas": [
            {
                "resource": item.resource,
                "used": item.used,
                "limit": format_limit(item.limit, item.source),
                "at_limit": item.at_limit,
            }
            for item in tenant_usage(tenant_id)
        ],
        "rates": [
            {"operation_class": rate.operation_class, "rate": format_limit(rate.rate, rate.source)}
            for rate in tenant_rates(tenant_id)
        ],
        "rates_note": None if rates_enforced() else RATES_NOT_ENFORCED,
    }
