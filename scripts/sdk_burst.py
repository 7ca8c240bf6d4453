"""Concurrent SDK calls against a running server: connection errors, status codes and (on
PostgreSQL) the server's database connections, measured.

    .venv/bin/python scripts/sdk_burst.py --url http://127.0.0.1:8000 [--calls 200] [--bursts 3]
        [--pg-url postgresql://root@127.0.0.1:5432/controlplane]

Each burst starts ``--calls`` unmodified agent-control SDK calls at once, each on a client (and so
a TCP connection) of its own: half ``register_agent`` (initAgent), half ``create_control``,
spread over three tenants. A last burst reuses one client's keep-alive connections after 3 s of
idleness (plain httpx). With ``--pg-url`` a separate connection samples ``pg_stat_activity`` for that database
during the bursts and reports the most connections seen. Bounded: ``bursts + 1`` bursts, then it
stops. Exit status 1 if any call failed to connect or got a 5xx.
"""

import argparse
import asyncio
import collections
import threading
import time
import uuid

import httpx
from agent_control import AgentControlClient, agents, controls
from agent_control_models import Agent

TENANTS = ("burst-a", "burst-b", "burst-c")
DEFINITION = {
    "execution": "server",
    "condition": {
        "selector": {"path": "input"},
        "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
    },
    "action": {"decision": "deny"},
}


async def one_call(client: AgentControlClient, index: int, run: str) -> str:
    """One SDK call; returns ``"2xx"``/``"4xx"``/``"5xx"`` or the transport error's name."""
    client.http_client.headers["X-Tenant-Id"] = TENANTS[index % len(TENANTS)]
    try:
        if index % 2:
            await controls.create_control(client, f"ctl-{run}-{index}", DEFINITION)
        else:
            agent = Agent(agent_name=f"agent-{run}-{index:04d}")
            steps = [{"type": "tool", "name": "search", "input_schema": {"q": {"type": "string"}}}]
            await agents.register_agent(client, agent, steps)
        return "2xx"
    except httpx.HTTPStatusError as exc:
        return f"{exc.response.status_code // 100}xx"
    except httpx.TransportError as exc:
        return type(exc).__name__


async def fresh_client_call(url: str, index: int, run: str, start: asyncio.Event) -> str:
    async with AgentControlClient(base_url=url, timeout=60) as client:
        await start.wait()
        return await one_call(client, index, run)


async def burst_of_new_connections(url: str, calls: int) -> collections.Counter:
    run, start = uuid.uuid4().hex[:8], asyncio.Event()
    tasks = [asyncio.create_task(fresh_client_call(url, i, run, start)) for i in range(calls)]
    await asyncio.sleep(0.2)
    start.set()
    return collections.Counter(await asyncio.gather(*tasks))


async def burst_on_reused_connections(url: str, calls: int) -> collections.Counter:
    """``calls`` initAgent requests (plain httpx, the SDK's HTTP client) on connections opened
    earlier and left idle for 3 s, longer than gunicorn's default keep-alive (2 s)."""
    limits = httpx.Limits(max_connections=calls, max_keepalive_connections=calls)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.gather(*(client.get("/health") for _ in range(calls)))
        await asyncio.sleep(3)
        run = uuid.uuid4().hex[:8]

        async def call(index: int) -> str:
            body = {"agent": {"agent_name": f"agent-{run}-{index:04d}"}, "steps": []}
            headers = {"X-Tenant-Id": TENANTS[index % len(TENANTS)]}
            try:
                response = await client.post("/api/v1/agents/initAgent", json=body, headers=headers)
                return f"{response.status_code // 100}xx"
            except httpx.TransportError as exc:
                return type(exc).__name__

        return collections.Counter(await asyncio.gather(*(call(i) for i in range(calls))))


def sample_connections(pg_url: str, stop: threading.Event, seen: list) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        database = conn.info.dbname
        while not stop.is_set():
            (count,) = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()",
                [database],
            ).fetchone()
            seen.append(count)
            time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--pg-url")
    args = parser.parse_args()

    stop, seen = threading.Event(), []
    sampler = None
    if args.pg_url:
        sampler = threading.Thread(target=sample_connections, args=(args.pg_url, stop, seen))
        sampler.start()
    total, failed = collections.Counter(), 0
    try:
        for number in range(1, args.bursts + 1):
            began = time.perf_counter()
            counts = asyncio.run(burst_of_new_connections(args.url, args.calls))
            elapsed = time.perf_counter() - began
            print(
                f"burst {number}: {args.calls} calls on new connections, {elapsed:.2f} s: {dict(counts)}"
            )
            total += counts
        counts = asyncio.run(burst_on_reused_connections(args.url, args.calls))
        print(
            f"burst {args.bursts + 1}: {args.calls} initAgent on keep-alive connections idle 3 s: {dict(counts)}"
        )
        total += counts
    finally:
        stop.set()
        if sampler:
            sampler.join()
    failed = sum(n for outcome, n in total.items() if outcome not in ("2xx", "4xx"))
    print(f"total: {dict(total)}; connection errors + 5xx: {failed}")
    if seen:
        print(f"database connections of the server (max seen in {len(seen)} samples): {max(seen)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
