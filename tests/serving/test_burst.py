"""A burst as the SDK makes it when a fleet starts: 200 concurrent initAgent calls and 200
concurrent control creates, each client on its own connection, against the production server
(gunicorn with ``controlplane/gunicorn.conf.py``) — no connection error, no 5xx, every row stored.
(``tests/serving/test_connection_pool.py`` proves the PostgreSQL connection bound under load.)"""

import asyncio
import collections
import json
import urllib.request

import httpx
from agent_control import AgentControlClient, agents, controls
from agent_control_models import Agent

CALLS = 200
DEFINITION = {
    "execution": "server",
    "enabled": True,
    "action": {"decision": "deny"},
    "condition": {
        "selector": {"path": "input"},
        "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
    },
}
STEPS = [{"type": "tool", "name": "search", "input_schema": {"q": {"type": "string"}}}]


async def sdk_call(url: str, kind: str, index: int, start: asyncio.Event) -> int | str:
    """The status of one SDK call, or the transport error's class name."""
    statuses = []

    async def record(response):
        statuses.append(response.status_code)

    async with AgentControlClient(base_url=url, timeout=60) as client:
        client.http_client.headers["X-Tenant-Id"] = "burst-tenant"
        client.http_client.event_hooks["response"].append(record)
        await start.wait()
        try:
            if kind == "initAgent":
                agent = Agent(agent_name=f"burst-agent-{index:04d}")
                await agents.register_agent(client, agent, STEPS)
            else:
                await controls.create_control(client, f"burst-control-{index:04d}", DEFINITION)
        except httpx.HTTPStatusError:
            pass
        except httpx.TransportError as error:
            return type(error).__name__
    return statuses[-1]


async def burst(url: str) -> collections.Counter:
    start = asyncio.Event()
    calls = [
        asyncio.create_task(sdk_call(url, kind, index, start))
        for kind in ("initAgent", "create_control")
        for index in range(CALLS)
    ]
    await asyncio.sleep(0.5)  # every client ready, then all released at once
    start.set()
    return collections.Counter(await asyncio.gather(*calls))


def tenant_count(url: str, path: str, key: str) -> int:
    request = urllib.request.Request(url + path, headers={"X-Tenant-Id": "burst-tenant"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["pagination"][key]


def test_200_concurrent_init_agents_and_200_control_creates_all_succeed(gunicorn_server):
    url, _ = gunicorn_server
    assert asyncio.run(burst(url)) == collections.Counter({200: 2 * CALLS})
    assert tenant_count(url, "/api/v1/agents?limit=1", "total") == CALLS
    assert tenant_count(url, "/api/v1/controls?limit=1", "total") == CALLS
