"""Tenant-scoped lookups of one agent.

Reads go through the default (scoped) managers: another tenant's agent is exactly a missing agent
(404 ``AGENT_NOT_FOUND`` with the same body). The reference words the 404 hint two ways:
``AGENT_HINT`` on ``GET /agents/{name}``, ``REGISTERED_HINT`` on the association, evaluator, patch
and effective-controls routes.
"""

from controlplane.api.exceptions import APIError, not_found
from tenancy.compiled import CompiledQuery

from ..models import Agent

AGENT_HINT = "Verify the agent name is correct and the agent has been registered via initAgent."
REGISTERED_HINT = "Verify the agent name is correct and the agent has been registered."


def agent_not_found(name: str, *, hint: str = AGENT_HINT) -> APIError:
    """The reference's 404 ``AGENT_NOT_FOUND`` error for ``name``."""
    return not_found("Agent", f"Agent with name '{name}' not found", name=name, hint=hint)


def agent_get(name: str, *, hint: str = AGENT_HINT) -> Agent:
    """The caller's tenant's agent called ``name`` (already normalised); raises 404
    ``AGENT_NOT_FOUND`` with ``hint``."""
    try:
        return Agent.objects.get(name=name)
    except Agent.DoesNotExist:
        raise agent_not_found(name, hint=hint) from None


AGENT_ID_BY_NAME = CompiledQuery(
    lambda name: Agent.objects.filter(name=name).values_list("id")[:1], name=str
)


def agent_id_find(name: str) -> int | None:
    """The id of the caller's tenant's agent ``name`` (normalised), or ``None``; one compiled
    query (the hot read paths need nothing else of the agent)."""
    rows = AGENT_ID_BY_NAME(name=name)
    return rows[0][0] if rows else None


def agent_id_get(name: str, *, hint: str = AGENT_HINT) -> int:
    """``agent_id_find``, raising 404 ``AGENT_NOT_FOUND`` (with ``hint``) when there is none."""
    agent_id = agent_id_find(name)
    if agent_id is None:
        raise agent_not_found(name, hint=hint)
    return agent_id
