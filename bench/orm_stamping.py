"""Stamping + scoping overhead: the same three write paths through our managers ("ours") and
through the plain models of ``orm_plain.py`` ("plain"), ``REPEAT`` alternating repetitions each,
reported as medians of wall time and of this process's CPU time.

Imported by ``bench/orm.py`` after ``setup_django()`` (it imports models).
"""

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from agents.models import Agent, AgentPolicy
from policies.models import Policy
from tenancy.context import tenant_context

from .orm_db import truncate
from .orm_plain import PlainAgent, PlainAgentPolicy, PlainPolicy

REPEAT = 9
TENANT = "bench-tenant"


# --- the timed write paths -------------------------------------------------------------------


def bulk_agents_ours() -> None:
    with tenant_context(TENANT):
        Agent.objects.bulk_create(Agent(name=f"bench-agent-{i:06d}") for i in range(10_000))


def bulk_agents_plain() -> None:
    PlainAgent.objects.bulk_create(
        PlainAgent(tenant_id=TENANT, name=f"bench-agent-{i:06d}") for i in range(10_000)
    )


def bulk_links_ours(pairs: list[tuple[int, int]]) -> None:
    AgentPolicy.all_tenants.bulk_create(AgentPolicy(agent_id=a, policy_id=p) for a, p in pairs)


def bulk_links_plain(pairs: list[tuple[int, int]]) -> None:
    PlainAgentPolicy.objects.bulk_create(
        PlainAgentPolicy(tenant_id=TENANT, agent_id=a, policy_id=p) for a, p in pairs
    )


def single_creates_ours() -> None:
    with tenant_context(TENANT):
        for i in range(1_000):
            Agent.objects.create(name=f"single-agent-{i:05d}")


def single_creates_plain() -> None:
    for i in range(1_000):
        PlainAgent.objects.create(tenant_id=TENANT, name=f"single-agent-{i:05d}")


# --- the untimed preparation before each run --------------------------------------------------


def emptied(*tables: str) -> tuple:
    """Truncate ``tables``; the run that follows takes no arguments."""
    truncate(*tables)
    return ()


def link_pairs_ours() -> tuple[list[tuple[int, int]]]:
    """100 fresh agents and 100 fresh policies; the run links every pair (10,000 rows)."""
    truncate("agents_agentpolicy", "agents_agent", "policies_policy")
    with tenant_context(TENANT):
        agents = Agent.objects.bulk_create(Agent(name=f"link-agent-{i:04d}") for i in range(100))
        policies = Policy.objects.bulk_create(Policy(name=f"link-pol-{i}") for i in range(100))
    return ([(a.pk, p.pk) for a in agents for p in policies],)


def link_pairs_plain() -> tuple[list[tuple[int, int]]]:
    """As ``link_pairs_ours`` on the plain tables."""
    truncate("bench_plain_agentpolicy", "bench_plain_agent", "bench_plain_policy")
    agents = PlainAgent.objects.bulk_create(
        PlainAgent(tenant_id=TENANT, name=f"link-agent-{i:04d}") for i in range(100)
    )
    policies = PlainPolicy.objects.bulk_create(
        PlainPolicy(tenant_id=TENANT, name=f"link-pol-{i}") for i in range(100)
    )
    return ([(a.pk, p.pk) for a in agents for p in policies],)


# --- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a case: ``prepare()`` (untimed) returns the arguments of the timed ``run``."""

    prepare: Callable[[], tuple]
    run: Callable[..., None]


CASES = [
    (
        "bulk_create 10,000 agents",
        Side(partial(emptied, "agents_agent"), bulk_agents_ours),
        Side(partial(emptied, "bench_plain_agent"), bulk_agents_plain),
    ),
    (
        "bulk_create 10,000 agent<->policy through rows",
        Side(link_pairs_ours, bulk_links_ours),
        Side(link_pairs_plain, bulk_links_plain),
    ),
    (
        "1,000 single create() calls",
        Side(partial(emptied, "agents_agent"), single_creates_ours),
        Side(partial(emptied, "bench_plain_agent"), single_creates_plain),
    ),
]


def timed(fn) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) spent in ``fn``, with the garbage collector
    paused as ``timeit`` does (a full collection landing in one side's run swamped the result)."""
    gc.collect()
    gc.disable()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        gc.enable()


def measure(ours: Side, plain: Side) -> dict[str, list[tuple[float, float]]]:
    """``REPEAT`` runs of each side, alternating which goes first."""
    times = {"ours": [], "plain": []}
    for repeat in range(REPEAT):
        order = [("ours", ours), ("plain", plain)]
        for name, side in order if repeat % 2 == 0 else order[::-1]:
            arguments = side.prepare()
            times[name].append(timed(partial(side.run, *arguments)))
    return times


def summary(name: str, times: dict) -> dict:
    """Medians of wall time (the ratio the goal is about) and of client CPU time."""
    ours = statistics.median(wall for wall, _ in times["ours"])
    plain = statistics.median(wall for wall, _ in times["plain"])
    ours_cpu = statistics.median(cpu for _, cpu in times["ours"])
    plain_cpu = statistics.median(cpu for _, cpu in times["plain"])
    return {
        "name": name,
        "ours": ours,
        "plain": plain,
        "ratio": ours / plain,
        "ours_cpu": ours_cpu,
        "plain_cpu": plain_cpu,
        "cpu_ratio": ours_cpu / plain_cpu,
    }


def stamping() -> list[dict]:
    """Time ratios ours/plain for the three write paths, in ``CASES`` order."""
    return [summary(name, measure(ours, plain)) for name, ours, plain in CASES]
