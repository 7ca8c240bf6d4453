"""Queries per request for each endpoint: an agent with 1 control versus one with 50 controls over
10 policies, in two tenants, through the in-process Django test client.

Imported by ``bench/orm.py`` after ``setup_django()`` (it imports models).
"""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agents.models import Agent
from policies.models import Control, Policy
from tenancy.context import tenant_context

from .dataset import control_definition

AGENT = "count-agent-0001"
SIZES = (("small", "count-small"), ("large", "count-large"))  # (figure, tenant)
EVALUATION = {
    "agent_name": AGENT,
    "step": {"type": "llm", "name": "chat", "input": "clean text"},
    "stage": "pre",
}
INIT = {
    "agent": {"agent_name": AGENT},
    "steps": [{"type": "llm", "name": "chat"}],
    "conflict_mode": "overwrite",
}
ENDPOINTS = [  # (label, client method, path, JSON body)
    ("GET /api/v1/agents/{name}/controls", "get", f"/api/v1/agents/{AGENT}/controls", None),
    ("GET /api/v1/controls", "get", "/api/v1/controls", None),
    ("GET /api/v1/agents", "get", "/api/v1/agents", None),
    ("POST /api/v1/evaluation", "post", "/api/v1/evaluation", EVALUATION),
    ("POST /api/v1/agents/initAgent", "post", "/api/v1/agents/initAgent", INIT),
]


def populate_agent(tenant: str, controls: int, policies: int) -> None:
    """The tenant's agent, with ``controls`` controls spread over ``policies`` policies."""
    with tenant_context(tenant):
        agent = Agent.objects.create(name=AGENT, steps=[])
        created = Control.objects.bulk_create(
            Control(name=f"count-ctl-{i:03d}", data=control_definition(i % 10))
            for i in range(controls)
        )
        groups = [created[i::policies] for i in range(policies)]
        for index, group in enumerate(groups):
            policy = Policy.objects.create(name=f"count-pol-{index}")
            policy.controls.add(*group)
            agent.policies.add(policy)


def count_queries(client: Client, label: str, method: str, path: str, body, tenant: str) -> int:
    """Queries of the second of two identical requests (the first warms caches)."""
    kwargs = {"headers": {"X-Tenant-Id": tenant}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    request = getattr(client, method)
    request(path, **kwargs)  # warm caches once
    with CaptureQueriesContext(connection) as captured:
        response = request(path, **kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"{label} -> {response.status_code}: {response.content[:300]}")
    return len(captured.captured_queries)


def query_counts() -> list[dict]:
    """``{"endpoint": label, "small": queries, "large": queries}`` per endpoint."""
    populate_agent("count-small", 1, 1)
    populate_agent("count-large", 50, 10)
    client = Client()
    rows = []
    for label, method, path, body in ENDPOINTS:
        counts = {
            size: count_queries(client, label, method, path, body, tenant) for size, tenant in SIZES
        }
        rows.append({"endpoint": label, **counts})
    return rows
