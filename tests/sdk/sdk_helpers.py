"""Helpers for driving the unmodified agent-control SDK from synchronous tests."""

import asyncio

import agent_control

#: A server-side control denying an SSN in an LLM step's output.
SSN_DENY = {
    "execution": "server",
    "scope": {"step_types": ["llm"], "stages": ["post"]},
    "condition": {
        "selector": {"path": "output"},
        "evaluator": {"name": "regex", "config": {"pattern": r"\b\d{3}-\d{2}-\d{4}\b"}},
    },
    "action": {"decision": "deny"},
}


def run(coroutine):
    """Run one SDK coroutine to completion (the SDK's helpers are async)."""
    return asyncio.run(coroutine)


def answer_steps():
    """``(leaky, careful)``: two ``@agent_control.control(step_name="answer")`` coroutines; the
    first answers an SSN (a deny control blocks it), the second does not."""

    @agent_control.control(step_name="answer")
    async def leaky(question: str) -> str:
        return "Your SSN is 123-45-6789."

    @agent_control.control(step_name="answer")
    async def careful(question: str) -> str:
        return "I cannot share that."

    return leaky, careful


def init_session(base_url: str, agent_name: str, tenant: str, **extra):
    """``agent_control.init`` for ``agent_name`` as ``tenant`` (sent in the API-key slot as
    ``X-Tenant-Id``), no background refresh, no observability; ``extra`` are more arguments
    (``target_type=..., target_id=...``)."""
    return agent_control.init(
        agent_name=agent_name,
        server_url=base_url,
        api_key=tenant,
        api_key_header="X-Tenant-Id",
        policy_refresh_interval_seconds=0,
        observability_enabled=False,
        **extra,
    )
