"""Tenant-scoped lookups for agents, and the agent's effective controls.

Reads go through the default (scoped) managers: another tenant's agent is exactly a missing agent
(404 ``AGENT_NOT_FOUND`` with the same body).
"""

from django.db.models import Q, QuerySet

from controlplane.api.errors import not_found
from policies.models import Control, PolicyControl
from tenancy.compiled import CompiledQuery

from .models import Agent, AgentControl, AgentPolicy

AGENT_HINT = "Verify the agent name is correct and the agent has been registered via initAgent."


def agent_not_found(name: str, *, hint: str = AGENT_HINT):
    """The reference's 404 ``AGENT_NOT_FOUND`` error for ``name``."""
    return not_found("Agent", f"Agent with name '{name}' not found", name=name, hint=hint)


def get_agent(name: str, **hint) -> Agent:
    """The caller's tenant's agent called ``name`` (already normalised); raises 404
    ``AGENT_NOT_FOUND`` (``hint=`` overrides the hint, e.g. for evaluation)."""
    try:
        return Agent.objects.get(name=name)
    except Agent.DoesNotExist:
        raise agent_not_found(name, **hint) from None


def is_rendered(data: dict) -> bool:
    """False for an unrendered template draft (``template`` without a ``condition``)."""
    return not (data.get("template") is not None and data.get("condition") is None)


def is_enabled(data: dict) -> bool:
    """The control's ``enabled`` flag (absent means enabled, as the reference reads it)."""
    return data.get("enabled", True) is not False


def effective_controls_queryset(agent_id: int) -> QuerySet[Control]:
    """The agent's effective controls: direct links and controls of its policies, de-duplicated,
    non-deleted, ordered by id descending (``GET /agents/{name}/controls``, initAgent,
    evaluation). Unevaluated; ``agents.control_json.CONTROL_ROWS`` compiles it once."""
    direct = AgentControl.objects.filter(agent_id=agent_id).values("control_id")
    via_policies = PolicyControl.objects.filter(
        policy_id__in=AgentPolicy.objects.filter(agent_id=agent_id).values("policy_id")
    ).values("control_id")
    return Control.objects.filter(
        Q(id__in=direct) | Q(id__in=via_policies), deleted_at__isnull=True
    ).order_by("-id")


AGENT_ID_BY_NAME = CompiledQuery(
    lambda name: Agent.objects.filter(name=name).values_list("id")[:1], name=str
)


def get_agent_id(name: str, **hint) -> int:
    """The id of the caller's tenant's agent ``name`` (normalised), through a compiled query (the
    hot read paths need nothing else of the agent); raises 404 ``AGENT_NOT_FOUND`` like
    ``get_agent`` (``hint=`` overrides the hint)."""
    rows = AGENT_ID_BY_NAME(name=name)
    if not rows:
        raise agent_not_found(name, **hint)
    return rows[0][0]
