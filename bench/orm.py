"""ORM-level figures, run as ``python -m bench.orm`` with ``DATABASE_URL`` set to an empty
PostgreSQL database (``python -m bench`` does this). Prints one JSON line for the report.

1. Stamping + scoping overhead: ``bulk_create`` of 10,000 agents, ``bulk_create`` of 10,000
   agent<->policy through rows, and 1,000 single ``create()`` calls through our managers versus
   plain Django models with the same columns and indexes; 9 alternating repetitions with
   ``synchronous_commit = off`` for both, median time.
2. Query counts per endpoint with 1 control versus 50 controls (over 10 policies).
3. Scale: ``GET /agents/{name}/controls`` latency (in-process, Django test client) with one tenant
   loaded versus N tenants x 100 agents x 10 controls (loaded with COPY).
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.db.models.functions import Length  # noqa: E402
from django.db.models.lookups import GreaterThanOrEqual  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agents.models import Agent, AgentPolicy  # noqa: E402
from policies.models import Policy  # noqa: E402
from tenancy.context import tenant_context  # noqa: E402

from .dataset import control_definition  # noqa: E402

REPEAT = 9


class PlainAgent(models.Model):
    """Agent's columns, indexes and constraints on a plain model (no stamping, no scoping)."""

    tenant_id = models.CharField(max_length=64, db_default="default-tenant")
    name = models.CharField(max_length=255)
    description = models.TextField(null=True)
    version = models.CharField(max_length=255, null=True)
    metadata = models.JSONField(null=True)
    reported_created_at = models.CharField(max_length=64, null=True)
    reported_updated_at = models.CharField(max_length=64, null=True)
    steps = models.JSONField(default=list)
    evaluators = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "bench"
        db_table = "bench_plain_agent"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "name"], name="bench_pa_tenant_name"),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("name"), 10), name="bench_pa_name_len"
            ),
            models.CheckConstraint(
                condition=models.Q(name__regex=r"^[a-z0-9:_-]+$"), name="bench_pa_name_format"
            ),
        ]
        indexes = [models.Index(fields=["tenant_id", "-created_at", "-name"], name="bench_pa_tc")]

    def __str__(self):
        return self.name


class PlainPolicy(models.Model):
    tenant_id = models.CharField(max_length=64, db_default="default-tenant")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench"
        db_table = "bench_plain_policy"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "name"], name="bench_pp_tenant_name")
        ]

    def __str__(self):
        return self.name


class PlainAgentPolicy(models.Model):
    tenant_id = models.CharField(max_length=64, db_default="default-tenant")
    agent = models.ForeignKey(PlainAgent, on_delete=models.CASCADE)
    policy = models.ForeignKey(PlainPolicy, on_delete=models.CASCADE)

    class Meta:
        app_label = "bench"
        db_table = "bench_plain_agentpolicy"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "agent", "policy"], name="bench_pap_pair")
        ]
        indexes = [models.Index(fields=["tenant_id", "policy"], name="bench_pap_pol")]

    def __str__(self):
        return f"{self.agent_id}->{self.policy_id}"


def _truncate(*tables: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _quiet_session() -> None:
    """Same for both sides: no fsync wait per commit (its jitter swamped a 2 % difference)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")


def _timed(fn) -> tuple[float, float]:
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


def stamping() -> list[dict]:
    """Time ratios ours/plain for the three write paths."""
    ours_agents = ["agents_agent"]
    plain_agents = ["bench_plain_agent"]

    def bulk_agents_ours():
        with tenant_context("bench-tenant"):
            Agent.objects.bulk_create(Agent(name=f"bench-agent-{i:06d}") for i in range(10_000))

    def bulk_agents_plain():
        PlainAgent.objects.bulk_create(
            PlainAgent(tenant_id="bench-tenant", name=f"bench-agent-{i:06d}") for i in range(10_000)
        )

    def setup_links_ours():
        _truncate("agents_agentpolicy", "agents_agent", "policies_policy")
        with tenant_context("bench-tenant"):
            agents = Agent.objects.bulk_create(
                Agent(name=f"link-agent-{i:04d}") for i in range(100)
            )
            policies = Policy.objects.bulk_create(Policy(name=f"link-pol-{i}") for i in range(100))
        return [(a.pk, p.pk) for a in agents for p in policies]

    def setup_links_plain():
        _truncate("bench_plain_agentpolicy", "bench_plain_agent", "bench_plain_policy")
        agents = PlainAgent.objects.bulk_create(
            PlainAgent(tenant_id="bench-tenant", name=f"link-agent-{i:04d}") for i in range(100)
        )
        policies = PlainPolicy.objects.bulk_create(
            PlainPolicy(tenant_id="bench-tenant", name=f"link-pol-{i}") for i in range(100)
        )
        return [(a.pk, p.pk) for a in agents for p in policies]

    def single_ours():
        with tenant_context("bench-tenant"):
            for i in range(1_000):
                Agent.objects.create(name=f"single-agent-{i:05d}")

    def single_plain():
        for i in range(1_000):
            PlainAgent.objects.create(tenant_id="bench-tenant", name=f"single-agent-{i:05d}")

    rows = []
    cases = [
        (
            "bulk_create 10,000 agents",
            bulk_agents_ours,
            bulk_agents_plain,
            ours_agents,
            plain_agents,
        ),
        ("1,000 single create() calls", single_ours, single_plain, ours_agents, plain_agents),
    ]
    for name, ours_fn, plain_fn, ours_tables, plain_tables in cases:
        times = {"ours": [], "plain": []}
        for repeat in range(REPEAT):
            order = [("ours", ours_fn, ours_tables), ("plain", plain_fn, plain_tables)]
            for side, fn, tables in order if repeat % 2 == 0 else order[::-1]:
                _truncate(*tables)
                times[side].append(_timed(fn))
        rows.append(_row(name, times))

    times = {"ours": [], "plain": []}
    for repeat in range(REPEAT):
        for side in ("ours", "plain") if repeat % 2 == 0 else ("plain", "ours"):
            if side == "ours":
                pairs = setup_links_ours()
                times[side].append(
                    _timed(
                        lambda pairs=pairs: AgentPolicy.all_tenants.bulk_create(
                            AgentPolicy(agent_id=a, policy_id=p) for a, p in pairs
                        )
                    )
                )
            else:
                pairs = setup_links_plain()
                times[side].append(
                    _timed(
                        lambda pairs=pairs: PlainAgentPolicy.objects.bulk_create(
                            PlainAgentPolicy(tenant_id="bench-tenant", agent_id=a, policy_id=p)
                            for a, p in pairs
                        )
                    )
                )
    rows.insert(1, _row("bulk_create 10,000 agent<->policy through rows", times))
    return rows


def _row(name: str, times: dict) -> dict:
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


def _populate_agent(tenant: str, controls: int, policies: int) -> None:
    from policies.models import Control

    with tenant_context(tenant):
        agent = Agent.objects.create(name="count-agent-0001", steps=[])
        created = Control.objects.bulk_create(
            Control(name=f"count-ctl-{i:03d}", data=control_definition(i % 10))
            for i in range(controls)
        )
        groups = [created[i::policies] for i in range(policies)]
        for index, group in enumerate(groups):
            policy = Policy.objects.create(name=f"count-pol-{index}")
            policy.controls.add(*group)
            agent.policies.add(policy)


def query_counts() -> list[dict]:
    """Queries per request for each endpoint, agent with 1 control vs 50 controls/10 policies."""
    _populate_agent("count-small", 1, 1)
    _populate_agent("count-large", 50, 10)
    client = Client()
    evaluation = {
        "agent_name": "count-agent-0001",
        "step": {"type": "llm", "name": "chat", "input": "clean text"},
        "stage": "pre",
    }
    init = {
        "agent": {"agent_name": "count-agent-0001"},
        "steps": [{"type": "llm", "name": "chat"}],
        "conflict_mode": "overwrite",
    }
    endpoints = [
        (
            "GET /api/v1/agents/{name}/controls",
            "get",
            "/api/v1/agents/count-agent-0001/controls",
            None,
        ),
        ("GET /api/v1/controls", "get", "/api/v1/controls", None),
        ("GET /api/v1/agents", "get", "/api/v1/agents", None),
        ("POST /api/v1/evaluation", "post", "/api/v1/evaluation", evaluation),
        ("POST /api/v1/agents/initAgent", "post", "/api/v1/agents/initAgent", init),
    ]
    rows = []
    for label, method, path, body in endpoints:
        counts = {}
        for size, tenant in (("small", "count-small"), ("large", "count-large")):
            kwargs = {"headers": {"X-Tenant-Id": tenant}}
            if body is not None:
                kwargs.update(data=json.dumps(body), content_type="application/json")
            getattr(client, method)(path, **kwargs)  # warm caches once
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(path, **kwargs)
            if response.status_code != 200:
                raise RuntimeError(f"{label} -> {response.status_code}: {response.content[:300]}")
            counts[size] = len(captured.captured_queries)
        rows.append({"endpoint": label, **counts})
    return rows


def _copy(table: str, columns: list[str], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _load_tenants(first: int, last: int, agents: int, controls: int) -> int:
    """Tenants ``first..last-1``: ``agents`` agents each with ``controls`` controls, half direct,
    half through the agent's own policy. Ids are assigned here; returns control rows written."""
    data = json.dumps(control_definition(0))
    half = controls // 2
    per_tenant_controls = agents * controls
    now = "2026-01-01 00:00:00+00"
    agent_rows, policy_rows, control_rows = [], [], []
    ap_rows, ac_rows, pc_rows = [], [], []
    for t in range(first, last):
        tenant = f"scale-tenant-{t:04d}"
        for a in range(agents):
            agent_id = t * agents + a + 1
            agent_rows.append((agent_id, tenant, f"scale-agent-{a:04d}", "[]", "[]", now, now))
            policy_rows.append((agent_id, tenant, f"scale-pol-{a:04d}", now))
            ap_rows.append((tenant, agent_id, agent_id))
            for c in range(controls):
                control_id = t * per_tenant_controls + a * controls + c + 1
                control_rows.append(
                    (control_id, tenant, f"scale-ctl-{a:04d}-{c:02d}", data, now, now)
                )
                if c < half:
                    ac_rows.append((tenant, agent_id, control_id))
                else:
                    pc_rows.append((tenant, agent_id, control_id))
    _copy(
        "agents_agent",
        ["id", "tenant_id", "name", "steps", "evaluators", "created_at", "updated_at"],
        agent_rows,
    )
    _copy("policies_policy", ["id", "tenant_id", "name", "created_at"], policy_rows)
    _copy(
        "policies_control",
        ["id", "tenant_id", "name", "data", "created_at", "updated_at"],
        control_rows,
    )
    _copy("agents_agentpolicy", ["tenant_id", "agent_id", "policy_id"], ap_rows)
    _copy("agents_agentcontrol", ["tenant_id", "agent_id", "control_id"], ac_rows)
    _copy("policies_policycontrol", ["tenant_id", "policy_id", "control_id"], pc_rows)
    return len(control_rows)


def _p50_agent_controls(requests: int) -> float:
    client = Client()
    path = "/api/v1/agents/scale-agent-0042/controls"
    headers = {"X-Tenant-Id": "scale-tenant-0000"}
    for _ in range(200):
        client.get(path, headers=headers)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append(time.perf_counter() - started)
    if response.status_code != 200 or len(response.json()["controls"]) != 10:
        raise RuntimeError(f"scale probe failed: {response.status_code} {response.content[:200]}")
    return statistics.median(samples) * 1000


def scale(tenants: int, agents: int = 100, controls: int = 10, requests: int = 2000) -> dict:
    _truncate("agents_agent", "policies_policy", "policies_control")
    rows = _load_tenants(0, 1, agents, controls)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small = statistics.median(_p50_agent_controls(requests) for _ in range(3))
    started = time.perf_counter()
    rows += _load_tenants(1, tenants, agents, controls)
    with connection.cursor() as cursor:
        for table in ("agents_agent", "policies_policy", "policies_control"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    load_seconds = time.perf_counter() - started
    large = statistics.median(_p50_agent_controls(requests) for _ in range(3))
    return {
        "tenants": tenants,
        "agents": agents,
        "controls": controls,
        "rows": rows,
        "load_seconds": load_seconds,
        "small_p50_ms": small,
        "large_p50_ms": large,
        "ratio": large / small,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.orm")
    parser.add_argument("--scale-tenants", type=int, default=1000)
    args = parser.parse_args(argv)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    with connection.schema_editor() as editor:
        for model in (PlainAgent, PlainPolicy, PlainAgentPolicy):
            editor.create_model(model)
    _quiet_session()
    result = {"stamping": stamping()}
    _truncate("agents_agent", "policies_policy", "policies_control")
    result["queries"] = query_counts()
    result["scale"] = scale(args.scale_tenants)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
