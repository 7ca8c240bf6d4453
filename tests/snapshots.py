"""Snapshots of every tenant-owned row, to prove a request wrote nothing."""

from agents.models import Agent, AgentControl, AgentPolicy
from observability.models import ControlExecutionEvent
from policies.models import Control, ControlBinding, ControlVersion, Policy, PolicyControl

MODELS = (
    Agent,
    AgentControl,
    AgentPolicy,
    Control,
    ControlBinding,
    ControlVersion,
    Policy,
    PolicyControl,
    ControlExecutionEvent,
)


def rows_by_model(tenant_id: str | None = None) -> dict:
    """``{model name: sorted row tuples}`` of all tenants, or of ``tenant_id`` only."""
    snapshot = {}
    for model in MODELS:
        queryset = model.all_tenants.all()
        if tenant_id is not None:
            queryset = queryset.filter(tenant_id=tenant_id)
        snapshot[model.__name__] = sorted(tuple(row) for row in queryset.values_list())
    return snapshot
