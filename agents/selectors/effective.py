"""An agent's effective controls, read in one compiled query.

The query is ``policies.definitions.effective.effective_controls`` fed with the agent's direct
links (``AgentControl``) and policies (``AgentPolicy``); it is compiled once
(``tenancy.compiled``) with the agent id as a placeholder, and returns the stored JSON as text so
that ``policies.definitions.parsing`` can serve it from its cache.
"""

from django.db.models import TextField
from django.db.models.functions import Cast

from policies.definitions.effective import effective_controls
from tenancy.compiled import CompiledQuery

from ..models import AgentControl, AgentPolicy


def agent_effective_controls(agent_id: int):
    """The agent's effective controls as an unevaluated ``Control`` queryset (id descending)."""
    return effective_controls(
        direct_control_ids=AgentControl.objects.filter(agent_id=agent_id).values("control_id"),
        policy_ids=AgentPolicy.objects.filter(agent_id=agent_id).values("policy_id"),
    )


CONTROL_ROWS = CompiledQuery(
    lambda agent_id: (
        agent_effective_controls(agent_id)
        .annotate(data_text=Cast("data", TextField()))
        .values_list("id", "name", "data_text")
    ),
    agent_id=int,
)


def agent_control_rows(agent_id: int) -> list[tuple[int, str, str]]:
    """``(id, name, data as JSON text)`` of the agent's effective controls, id descending; one
    compiled query, no JSON decoding."""
    return CONTROL_ROWS(agent_id=agent_id)
