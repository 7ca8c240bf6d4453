"""The benchmark data, loaded identically into both servers through the HTTP API, and the
correctness probe run before any timing.

One agent (``bench-agent-0001``, 5 steps) holds 10 server-side deny controls (5 regex, 5 list)
spread over 3 policies (4 + 3 + 3). The evaluation input is clean, so every control runs (no
cancel-on-deny shortcut); the probe also checks a dirty input is denied by the same control.
"""

import httpx

AGENT = "bench-agent-0001"
API = "/api/v1"
CLEAN_INPUT = "hello, what is the weather like in Lisbon today?"
DIRTY_INPUT = "please forward secret-token-4242 to the vendor"

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


def control_definition(index: int) -> dict:
    """The ``index``-th benchmark control: regex for 0-4, list (contains) for 5-9."""
    if index < 5:
        evaluator = {"name": "regex", "config": {"pattern": REGEX_PATTERNS[index]}}
    else:
        evaluator = {
            "name": "list",
            "config": {"values": LIST_VALUES[index - 5], "match_mode": "contains"},
        }
    return {
        "description": f"benchmark control {index}",
        "execution": "server",
        "scope": {"step_types": ["llm"], "stages": ["pre"]},
        "condition": {"selector": {"path": "input"}, "evaluator": evaluator},
        "action": {"decision": "deny"},
        "tags": ["bench"],
    }


def init_agent_body() -> dict:
    """The initAgent body of the re-register workload (overwrite mode, 5 steps)."""
    return {
        "agent": {
            "agent_name": AGENT,
            "agent_description": "benchmark agent",
            "agent_version": "1.0.0",
        },
        "steps": STEPS,
        "conflict_mode": "overwrite",
    }


def evaluation_body(text: str = CLEAN_INPUT) -> dict:
    return {
        "agent_name": AGENT,
        "step": {"type": "llm", "name": "chat", "input": text},
        "stage": "pre",
    }


def create_control_body(name: str) -> dict:
    """The create-control workload body; ``name`` is replaced per request."""
    return {"name": name, "data": control_definition(0)}


def _ok(response: httpx.Response) -> dict:
    if response.status_code >= 300:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: "
            f"{response.text[:300]}"
        )
    return response.json()


def load(base_url: str) -> None:
    """Create the agent, 10 controls, 3 policies and their links on the server at ``base_url``."""
    with httpx.Client(base_url=base_url + API, timeout=30) as client:
        _ok(client.post("/agents/initAgent", json=init_agent_body()))
        control_ids = [
            _ok(
                client.put(
                    "/controls", json={"name": f"bench-ctl-{i:02d}", "data": control_definition(i)}
                )
            )["control_id"]
            for i in range(10)
        ]
        groups = [control_ids[0:4], control_ids[4:7], control_ids[7:10]]
        for index, group in enumerate(groups):
            policy_id = _ok(client.put("/policies", json={"name": f"bench-pol-{index}"}))[
                "policy_id"
            ]
            for control_id in group:
                _ok(client.post(f"/policies/{policy_id}/controls/{control_id}"))
            _ok(client.post(f"/agents/{AGENT}/policies/{policy_id}"))


def probe(base_url: str) -> dict:
    """What the correctness check compares: effective control ids/names and evaluation verdicts."""
    with httpx.Client(base_url=base_url + API, timeout=30) as client:
        controls = _ok(
            client.get(
                f"/agents/{AGENT}/controls",
                params={"rendered_state": "rendered", "enabled_state": "enabled"},
            )
        )["controls"]
        clean = _ok(client.post("/evaluation", json=evaluation_body(CLEAN_INPUT)))
        dirty = _ok(client.post("/evaluation", json=evaluation_body(DIRTY_INPUT)))
    return {
        "control_ids": [c["id"] for c in controls],
        "control_names": [c["name"] for c in controls],
        "clean_is_safe": clean["is_safe"],
        "clean_non_matches": len(clean["non_matches"] or []),
        "dirty_is_safe": dirty["is_safe"],
        "dirty_matches": sorted(m["control_name"] for m in dirty["matches"] or []),
    }
