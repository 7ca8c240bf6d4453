"""An agent's effective controls, read in one compiled query.

The query is ``policies.definitions.effective.effective_controls`` fed with the agent's direct
links (``AgentControl``) and policies (``AgentPolicy``) and, for a target-bearing request, the
target's enabled bindings; it is compiled once per shape (``tenancy.compiled``) with the agent id
and the target strings as placeholders, and returns the stored JSON as text so that
``policies.definitions.parsing`` can serve it from its cache.
"""

from django.db.models import TextField
from django.db.models.functions import Cast

from policies.definitions.effective import effective_controls
from policies.targets import Target
from tenancy.compiled import CompiledQuery

from ..models import AgentControl, AgentPolicy


def agent_effective_controls(agent_id: int, target: Target | None = None):
    """The agent's effective controls (with ``target``'s bound ones) as an unevaluated
    ``Control`` queryset (id descending)."""
    return effective_controls(
        direct_control_ids=AgentControl.objects.filter(agent_id=agent_id).values("control_id"),
        policy_ids=AgentPolicy.objects.filter(agent_id=agent_id).values("policy_id"),
        target=target,
    )


def _rows(agent_id: int, target: Target | None = None):
    return (
        agent_effective_controls(agent_id, target)
        .annotate(data_text=Cast("data", TextField()))
        .values_list("id", "name", "data_text")
    )


CONTROL_ROWS = CompiledQuery(_rows, agent_id=int)
TARGET_CONTROL_ROWS = CompiledQuery(
    lambda agent_id, target_type, target_id: _rows(agent_id, Target(target_type, target_id)),
    agent_id=int,
    target_type=str,
    target_id=str,
)


def agent_control_rows(agent_id: int, target: Target | None = None) -> list[tuple[int, str, str]]:
    """``(id, name, data as JSON text)`` of the agent's effective controls, id descending; with a
    ``target``, the controls bound to it through enabled bindings too. One compiled query, no
    JSON decoding."""
    if target is None:
        return CONTROL_ROWS(agent_id=agent_id)
    return TARGET_CONTROL_ROWS(
        agent_id=agent_id, target_type=target.target_type, target_id=target.target_id
    )
