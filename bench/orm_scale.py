"""Scale: ``GET /agents/{name}/controls`` latency (in-process, Django test client) with one tenant
loaded versus N tenants x 100 agents x 10 controls, the rows written with COPY; every control's
definition is distinct.

Imported by ``bench/orm.py`` after ``setup_django()`` (it runs requests through the project).
"""

import json
import statistics
import time

from django.db import connection
from django.test import Client

from .dataset import control_definition
from .orm_db import truncate

NOW = "2026-01-01 00:00:00+00"
COLUMNS = {  # in COPY order: every foreign key points at a table written before
    "agents_agent": ["id", "tenant_id", "name", "steps", "evaluators", "created_at", "updated_at"],
    "policies_policy": ["id", "tenant_id", "name", "created_at"],
    "policies_control": ["id", "tenant_id", "name", "data", "created_at", "updated_at"],
    "agents_agentpolicy": ["tenant_id", "agent_id", "policy_id"],
    "agents_agentcontrol": ["tenant_id", "agent_id", "control_id"],
    "policies_policycontrol": ["tenant_id", "policy_id", "control_id"],
}
SERIAL_TABLES = ("agents_agent", "policies_policy", "policies_control")  # ids written by COPY
PROBE_PATH = "/api/v1/agents/scale-agent-0042/controls"
PROBE_HEADERS = {"X-Tenant-Id": "scale-tenant-0000"}
VARIANT = "@variant@"  # replaced per control: every stored definition differs


def tenant_rows(first: int, last: int, agents: int, controls: int) -> dict[str, list[tuple]]:
    """Rows of tenants ``first..last-1`` by table: ``agents`` agents each with ``controls``
    controls, half direct, half through the agent's own policy; every control's definition is
    distinct (its tenant, agent and index in the pattern or values). Ids are assigned here."""
    templates = [json.dumps(control_definition(c % 10, variant=VARIANT)) for c in range(controls)]
    half = controls // 2
    per_tenant_controls = agents * controls
    rows = {table: [] for table in COLUMNS}
    for t in range(first, last):
        tenant = f"scale-tenant-{t:04d}"
        for a in range(agents):
            agent_id = t * agents + a + 1
            rows["agents_agent"].append(
                (agent_id, tenant, f"scale-agent-{a:04d}", "[]", "[]", NOW, NOW)
            )
            rows["policies_policy"].append((agent_id, tenant, f"scale-pol-{a:04d}", NOW))
            rows["agents_agentpolicy"].append((tenant, agent_id, agent_id))
            for c in range(controls):
                control_id = t * per_tenant_controls + a * controls + c + 1
                data = templates[c].replace(VARIANT, f"{t:04d}-{a:04d}-{c:02d}")
                rows["policies_control"].append(
                    (control_id, tenant, f"scale-ctl-{a:04d}-{c:02d}", data, NOW, NOW)
                )
                link = "agents_agentcontrol" if c < half else "policies_policycontrol"
                rows[link].append((tenant, agent_id, control_id))
    return rows


def copy(table: str, rows: list[tuple]) -> None:
    """Write ``rows`` into ``table`` with ``COPY ... FROM STDIN``."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copier,
    ):
        for row in rows:
            copier.write_row(row)


def load_tenants(first: int, last: int, agents: int, controls: int) -> int:
    """Load tenants ``first..last-1`` (see ``tenant_rows``); returns the control rows written."""
    rows = tenant_rows(first, last, agents, controls)
    for table in COLUMNS:
        copy(table, rows[table])
    return len(rows["policies_control"])


def after_copy() -> None:
    """Move the id sequences past the copied ids and refresh the planner's statistics."""
    with connection.cursor() as cursor:
        for table in SERIAL_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")


def p50_agent_controls(requests: int) -> float:
    """Median milliseconds of ``requests`` requests for one agent's controls, after 200 warm-ups."""
    client = Client()
    for _ in range(200):
        client.get(PROBE_PATH, headers=PROBE_HEADERS)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(PROBE_PATH, headers=PROBE_HEADERS)
        samples.append(time.perf_counter() - started)
    if response.status_code != 200 or len(response.json()["controls"]) != 10:
        raise RuntimeError(f"scale probe failed: {response.status_code} {response.content[:200]}")
    return statistics.median(samples) * 1000


def scale(tenants: int, agents: int = 100, controls: int = 10, requests: int = 2000) -> dict:
    """The probe's median latency (median of 3 runs) with tenant 0 loaded, then with all."""
    truncate(*SERIAL_TABLES)
    rows = load_tenants(0, 1, agents, controls)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small = statistics.median(p50_agent_controls(requests) for _ in range(3))
    started = time.perf_counter()
    rows += load_tenants(1, tenants, agents, controls)
    after_copy()
    load_seconds = time.perf_counter() - started
    large = statistics.median(p50_agent_controls(requests) for _ in range(3))
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
