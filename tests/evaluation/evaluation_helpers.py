"""Helpers for the ``POST /api/v1/evaluation`` tests: the agent, a deny control, the answer when
nothing applies, attaching controls to an agent, and the request itself."""

from tests.definitions import control_data, leaf
from tests.factories import make_policy

AGENT = "support-bot-01"
SECRET = control_data(leaf("regex", {"pattern": "secret"}))
SAFE_EMPTY = {
    "is_safe": True,
    "confidence": 1.0,
    "reason": None,
    "matches": None,
    "errors": None,
    "non_matches": None,
}


def attach(agent, *controls, via_policy: bool = True):
    """Give ``agent`` the controls through a new policy, or directly with ``via_policy=False``."""
    if via_policy:
        policy = make_policy(agent.tenant_id, f"policy-{len(controls)}-{controls[0].pk}")
        policy.controls.add(*controls)
        agent.policies.add(policy)
    else:
        agent.controls.add(*controls)


def evaluate(
    api, step: dict, *, stage: str = "pre", agent: str = AGENT, tenant: str | None = None, **extra
):
    """``POST /api/v1/evaluation`` of ``step`` for ``agent`` at ``stage``; keyword arguments are
    more body fields (``target_type="env", target_id="prod"``)."""
    body = {"agent_name": agent, "step": step, "stage": stage, **extra}
    return api.post("/api/v1/evaluation", body, tenant=tenant)


def llm(text: str, **extra) -> dict:
    """An LLM step named ``chat`` with ``text`` as input."""
    return {"type": "llm", "name": "chat", "input": text, **extra}
