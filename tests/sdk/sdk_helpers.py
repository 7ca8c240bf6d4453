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
