"""``GET /api/v1/agents``: one page of ``AgentSummary`` items, in a constant number of queries.

Order: ``created_at`` descending, then name descending; the cursor is the last agent's name (an
unknown cursor name starts from the top, as the reference). Queries, whatever the page size: the
total, the page, the policy links of the page's agents, and their active controls (direct and via
policies in one ``UNION ALL``), plus one for the cursor's position when a cursor is given. All go
through the scoped managers, so only the caller's tenant is listed and counted.
"""

from collections import defaultdict
from datetime import UTC

from django.db.models import Q, Value

from controlplane.api.pagination import page
from policies.definitions.predicates import enabled_q
from policies.models import Control, PolicyControl

from ..models import Agent, AgentControl, AgentPolicy
from ..registration_data import CorruptedAgentData, load_registration


def _active_control_ids():
    """Non-deleted controls whose ``enabled`` is true or absent (the reference's count)."""
    return Control.objects.filter(enabled_q(), deleted_at__isnull=True).values("id")


def _active_control_counts(agent_ids: list[int], policies: dict[int, list[int]]) -> dict:
    """``{agent_id: number of distinct active controls}`` (direct + via policies), one query."""
    active = _active_control_ids()
    direct = (
        AgentControl.objects.filter(agent_id__in=agent_ids, control_id__in=active)
        .annotate(kind=Value("agent"))
        .values_list("agent_id", "control_id", "kind")
    )
    policy_ids = {policy_id for ids in policies.values() for policy_id in ids}
    if policy_ids:
        via = (
            PolicyControl.objects.filter(policy_id__in=policy_ids, control_id__in=active)
            .annotate(kind=Value("policy"))
            .values_list("policy_id", "control_id", "kind")
        )
        direct = direct.union(via, all=True)
    by_agent: dict[int, set] = defaultdict(set)
    by_policy: dict[int, set] = defaultdict(set)
    for owner, control_id, kind in direct:
        (by_agent if kind == "agent" else by_policy)[owner].add(control_id)
    for agent_id, ids in policies.items():
        for policy_id in ids:
            by_agent[agent_id] |= by_policy.get(policy_id, set())
    return {agent_id: len(ids) for agent_id, ids in by_agent.items()}


def _counts(agent: Agent) -> tuple[int, int]:
    try:
        steps, evaluators = load_registration(agent)
    except CorruptedAgentData:
        return 0, 0  # unreadable registration data counts as empty, as the reference
    return len(steps), len(evaluators)


def _iso_naive_utc(moment) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def agent_list(*, cursor: str | None, limit: int, name: str | None) -> dict:
    """``{"agents": [AgentSummary], "pagination": {...}}`` for the bound tenant.

    ``cursor`` is a normalised agent name or ``None``; ``limit`` is already clamped to 1..100;
    ``name`` is a case-insensitive substring filter (ignored when empty).
    """
    agents = Agent.objects.all()
    if name:
        agents = agents.filter(name__icontains=name)
    total = agents.count()
    ordered = agents.order_by("-created_at", "-name")
    if cursor:
        anchor = Agent.objects.filter(name=cursor).values_list("created_at", flat=True).first()
        if anchor is not None:
            ordered = ordered.filter(
                Q(created_at__lt=anchor) | Q(created_at=anchor, name__lt=cursor)
            )
    rows = list(ordered.only("id", "name", "created_at", "steps", "evaluators")[: limit + 1])
    items, pagination = page(rows, limit, total, cursor_of=lambda agent: agent.name)
    ids = [agent.id for agent in items]
    policies: dict[int, list[int]] = defaultdict(list)
    counts: dict[int, int] = {}
    if ids:
        links = AgentPolicy.objects.filter(agent_id__in=ids).order_by("agent_id", "policy_id")
        for agent_id, policy_id in links.values_list("agent_id", "policy_id"):
            policies[agent_id].append(policy_id)
        counts = _active_control_counts(ids, policies)
    summaries = []
    for agent in items:
        step_count, evaluator_count = _counts(agent)
        summaries.append(
            {
                "agent_name": agent.name,
                "policy_ids": policies.get(agent.id, []),
                "created_at": _iso_naive_utc(agent.created_at),
                "step_count": step_count,
                "evaluator_count": evaluator_count,
                "active_controls_count": counts.get(agent.id, 0),
            }
        )
    return {"agents": summaries, "pagination": pagination}
