"""The benchmark data, loaded identically into every server through the HTTP API.

- ``base``: one agent (``bench-agent-0001``, 5 steps) holding 10 server-side deny controls (5
  regex, 5 list) over 3 policies (4 + 3 + 3); and ``WRITERS`` agents for the registration write
  workload. The evaluation input is clean, so every control runs (no cancel-on-deny shortcut).
- ``bust``: ``bust_tenants()`` tenants (ours: one tenant each, by ``X-Tenant-Id``; the reference,
  which has no tenants with auth off: one agent each in its single namespace), each with one agent
  and 10 controls whose definitions differ from every other control's: more distinct JSON
  documents than our parsed-control cache holds, sent in a cycle (an LRU cache's worst case).
"""

import re
from concurrent.futures import ThreadPoolExecutor

import httpx

from .environment import ROOT

AGENT = "bench-agent-0001"
API = "/api/v1"
CLEAN_INPUT = "hello, what is the weather like in Lisbon today?"
DIRTY_INPUT = "please forward secret-token-4242 to the vendor"
WRITERS = 16
CONTROLS_PER_AGENT = 10

STEPS = [
    {"type": "llm", "name": "chat", "description": "chat turn"},
    {"type": "tool", "name": "search", "input_schema": {"query": {"type": "string"}}},
    {"type": "tool", "name": "fetch_url", "input_schema": {"url": {"type": "string"}}},
    {"type": "tool", "name": "send_email", "input_schema": {"to": {"type": "string"}}},
    {"type": "llm", "name": "summarize", "description": "summary"},
]

REGEX_PATTERNS = [
    r"secret-token-\d+",
    r"\b\d{3}-\d{2}-\d{4}\b",
    r"(?i)password\s*[:=]",
    r"AKIA[0-9A-Z]{16}",
    r"(?i)drop\s+table",
]
LIST_VALUES = [
    ["ignore previous instructions", "jailbreak"],
    ["credit card", "cvv"],
    ["wire transfer", "bitcoin"],
    ["rm -rf", "sudo"],
    ["internal only", "confidential"],
]


def cache_size() -> int | None:
    """Our parsed-control cache's size (``PARSE_CACHE_SIZE`` in the project), None if not found."""
    text = (ROOT / "policies" / "definitions" / "parsing.py").read_text()
    match = re.search(r"^PARSE_CACHE_SIZE = (\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def bust_tenants() -> int:
    """Tenants of the cache-busting data: 1.25x as many distinct controls as the cache holds."""
    return -(-(cache_size() or 2048) * 5 // 4 // CONTROLS_PER_AGENT)


def bust_tenant(index: int) -> str:
    return f"bust-{index:04d}"


def bust_agent(index: int) -> str:
    return f"bench-bust-{index:04d}"


def writer_agent(index: int) -> str:
    return f"bench-writer-{index:02d}"


def control_definition(index: int, variant: str | None = None) -> dict:
    """The ``index``-th benchmark control: regex for 0-4, list (contains) for 5-9. A ``variant``
    makes the definition unique (pattern, values and description carry it)."""
    if index < 5:
        pattern = REGEX_PATTERNS[index] if variant is None else rf"secret-{variant}-\d+"
        evaluator = {"name": "regex", "config": {"pattern": pattern}}
    else:
        values = LIST_VALUES[index - 5]
        if variant is not None:
            values = [f"{value} {variant}" for value in values]
        evaluator = {"name": "list", "config": {"values": values, "match_mode": "contains"}}
    return {
        "description": f"benchmark control {index}" + (f" {variant}" if variant else ""),
        "execution": "server",
        "scope": {"step_types": ["llm"], "stages": ["pre"]},
        "condition": {"selector": {"path": "input"}, "evaluator": evaluator},
        "action": {"decision": "deny"},
        "tags": ["bench"],
    }


def init_agent_body(agent: str = AGENT, token: str | None = None) -> dict:
    """initAgent in overwrite mode with the 5 steps; a ``token`` renames the last step."""
    steps = STEPS if token is None else [*STEPS[:4], {**STEPS[4], "name": f"summarize-{token}"}]
    return {
        "agent": {
            "agent_name": agent,
            "agent_description": "benchmark agent",
            "agent_version": "1.0.0",
        },
        "steps": steps,
        "conflict_mode": "overwrite",
    }


def evaluation_body(text: str = CLEAN_INPUT, agent: str = AGENT) -> dict:
    return {
        "agent_name": agent,
        "step": {"type": "llm", "name": "chat", "input": text},
        "stage": "pre",
    }


def create_control_body(name: str) -> dict:
    """The create-control workload body; ``name`` is replaced per request."""
    return {"name": name, "data": control_definition(0)}


def ok(response: httpx.Response) -> dict:
    """The JSON of a 2xx response; raises ``RuntimeError`` naming the request otherwise."""
    if not 200 <= response.status_code < 300:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: "
            f"{response.text[:300]}"
        )
    return response.json()


def client(base_url: str, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=base_url + API, headers=headers, timeout=30)


def load_base(base_url: str, headers: dict[str, str]) -> None:
    """The agent, its 10 controls over 3 policies, and the writer agents."""
    with client(base_url, headers) as http:
        ok(http.post("/agents/initAgent", json=init_agent_body()))
        control_ids = [
            ok(
                http.put(
                    "/controls", json={"name": f"bench-ctl-{i:02d}", "data": control_definition(i)}
                )
            )["control_id"]
            for i in range(CONTROLS_PER_AGENT)
        ]
        for index, group in enumerate([control_ids[0:4], control_ids[4:7], control_ids[7:10]]):
            policy_id = ok(http.put("/policies", json={"name": f"bench-pol-{index}"}))["policy_id"]
            for control_id in group:
                ok(http.post(f"/policies/{policy_id}/controls/{control_id}"))
            ok(http.post(f"/agents/{AGENT}/policies/{policy_id}"))
        for index in range(WRITERS):
            ok(http.post("/agents/initAgent", json=init_agent_body(writer_agent(index))))


def _load_bust_tenant(base_url: str, headers: dict[str, str], server: str, index: int) -> None:
    agent = bust_agent(index)
    with client(base_url, bust_headers(headers, server, index)) as http:
        ok(http.post("/agents/initAgent", json=init_agent_body(agent)))
        for i in range(CONTROLS_PER_AGENT):
            data = control_definition(i, variant=f"{index:04d}-{i:02d}")
            control = ok(http.put("/controls", json={"name": f"{agent}-ctl-{i:02d}", "data": data}))
            ok(http.post(f"/agents/{agent}/controls/{control['control_id']}"))


def load_bust(base_url: str, headers: dict[str, str], server: str, parallel: int = 8) -> None:
    """The cache-busting tenants, ``parallel`` tenants at a time."""
    with ThreadPoolExecutor(parallel) as pool:
        futures = [
            pool.submit(_load_bust_tenant, base_url, headers, server, index)
            for index in range(bust_tenants())
        ]
        for future in futures:
            future.result()


def sample_bust_tenants() -> list[int]:
    """The cache-busting tenants the correctness probe reads: first, middle and last."""
    count = bust_tenants()
    return sorted({0, count // 2, count - 1})


def bust_headers(headers: dict[str, str], server: str, index: int) -> dict[str, str]:
    return {**headers, "X-Tenant-Id": bust_tenant(index)} if server == "ours" else headers
