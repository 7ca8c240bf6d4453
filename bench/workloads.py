"""The request shapes wrk drives, built per server (tenant headers, credentials differ).

Each workload turns a ``Target`` (server kind and the headers every request carries) into the
list of requests wrk cycles through. ``wrk.TOKEN`` in a body becomes a unique value per request.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from . import dataset
from .wrk import TOKEN, Request

API = "/api/v1"


@dataclass(frozen=True)
class Target:
    """What a workload needs to know about a server: ``ours`` or ``reference``, and headers."""

    server: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    build: Callable[[Target], list[Request]]
    dataset: str = "base"  # what must be loaded first: "base" or "bust" (see dataset.py)


def _json(body: dict) -> str:
    return json.dumps(body, separators=(",", ":"))


def _one(method: str, path: str, body: dict | None = None) -> Callable[[Target], list[Request]]:
    def build(target: Target) -> list[Request]:
        return [Request(method, path, _json(body) if body else None, target.headers)]

    return build


def _bust(target: Target) -> list[Request]:
    """One evaluation per tenant (ours: ``X-Tenant-Id``) or per agent (the reference, one
    namespace), in a cycle longer than our parsed-control cache."""
    requests = []
    for index in range(dataset.bust_tenants()):
        headers = target.headers
        if target.server == "ours":
            headers = (*headers, ("X-Tenant-Id", dataset.bust_tenant(index)))
        body = dataset.evaluation_body(agent=dataset.bust_agent(index))
        requests.append(Request("POST", f"{API}/evaluation", _json(body), headers))
    return requests


def _writers(target: Target) -> list[Request]:
    """initAgent for each writer agent in turn, one step renamed with a unique token per
    request: every request changes the stored steps (a write on both servers)."""
    return [
        Request(
            "POST",
            f"{API}/agents/initAgent",
            _json(dataset.init_agent_body(dataset.writer_agent(index), token=TOKEN)),
            target.headers,
        )
        for index in range(dataset.WRITERS)
    ]


CONTROLS_PATH = (
    f"{API}/agents/{dataset.AGENT}/controls?rendered_state=rendered&enabled_state=enabled"
)

WORKLOADS = {
    workload.name: workload
    for workload in [
        Workload(
            "floor",
            "GET /health (constant JSON behind every middleware, no database): the floor",
            _one("GET", "/health"),
        ),
        Workload(
            "agent_controls",
            "GET /api/v1/agents/{name}/controls (10 controls over 3 policies)",
            _one("GET", CONTROLS_PATH),
        ),
        Workload(
            "evaluation",
            "POST /api/v1/evaluation (10 regex/list controls, clean input)",
            _one("POST", f"{API}/evaluation", dataset.evaluation_body()),
        ),
        Workload(
            "evaluation_bust",
            "POST /api/v1/evaluation, cache-busting: every request another tenant's agent, "
            "10 distinct controls each",
            _bust,
            dataset="bust",
        ),
        Workload(
            "init_agent_same",
            "POST /api/v1/agents/initAgent, re-register with the same steps (a read path)",
            _one("POST", f"{API}/agents/initAgent", dataset.init_agent_body(dataset.AGENT)),
        ),
        Workload(
            "init_agent_write",
            f"POST /api/v1/agents/initAgent, steps change every request ({dataset.WRITERS} "
            "agents in turn; a write path)",
            _writers,
        ),
        Workload(
            "create_control",
            "PUT /api/v1/controls (create, a unique name per request)",
            _one("PUT", f"{API}/controls", dataset.create_control_body(TOKEN)),
        ),
    ]
}
