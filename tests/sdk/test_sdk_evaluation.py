"""Server-side evaluation driven by the unmodified SDK: ``check_evaluation`` and the
``@agent_control.control()`` decorator block an SSN leak and let clean output through."""

import asyncio

import agent_control
import pytest
from agent_control import AgentControlClient
from agent_control import agents as sdk_agents
from agent_control import controls as sdk_controls
from agent_control import policies as sdk_policies
from agent_control.control_decorators import ControlViolationError
from agent_control.evaluation import check_evaluation
from agent_control_models import Agent as AgentModel
from agent_control_models import Step

from tests.sdk.sdk_helpers import SSN_DENY, answer_steps, init_session, run

pytestmark = pytest.mark.django_db(transaction=True)

AGENT = "ssn-guarded-bot-01"


async def guard(base_url: str, tenant: str) -> int:
    """Register the agent and attach an SSN deny control through a policy, as ``tenant``."""
    async with AgentControlClient(base_url=base_url) as client:
        client.http_client.headers["X-Tenant-Id"] = tenant
        await sdk_agents.register_agent(
            client, AgentModel(agent_name=AGENT), steps=[{"type": "llm", "name": "answer"}]
        )
        control = await sdk_controls.create_control(client, "block-ssn", SSN_DENY)
        policy = await sdk_policies.create_policy(client, "pii")
        await sdk_policies.add_control_to_policy(client, policy["policy_id"], control["control_id"])
        await sdk_agents.add_agent_policy(client, AGENT, policy["policy_id"])
        return control["control_id"]


async def check(base_url: str, tenant: str, output: str):
    async with AgentControlClient(base_url=base_url) as client:
        client.http_client.headers["X-Tenant-Id"] = tenant
        step = Step(type="llm", name="answer", input="what is my SSN?", output=output)
        return await check_evaluation(client, AGENT, step, "post")


def test_check_evaluation_denies_an_ssn_and_allows_clean_output(sdk_server):
    control_id = run(guard(sdk_server, "acme"))
    denied = run(check(sdk_server, "acme", "It is 123-45-6789."))
    assert denied.is_safe is False
    assert denied.confidence == 1.0
    assert [(m.control_id, m.control_name, m.action) for m in denied.matches] == [
        (control_id, "block-ssn", "deny")
    ]
    allowed = run(check(sdk_server, "acme", "I cannot share that."))
    assert (allowed.is_safe, allowed.matches) == (True, None)


def test_check_evaluation_for_another_tenants_agent_is_404(sdk_server):
    import httpx

    run(guard(sdk_server, "acme"))
    with pytest.raises(httpx.HTTPStatusError) as excinfo:
        run(check(sdk_server, "globex", "It is 123-45-6789."))
    assert excinfo.value.response.status_code == 404
    assert excinfo.value.response.json()["error_code"] == "AGENT_NOT_FOUND"


def test_control_decorator_blocks_a_denied_call_after_init(sdk_server):
    run(guard(sdk_server, "acme"))
    init_session(sdk_server, AGENT, "acme")
    assert [c["name"] for c in agent_control.get_server_controls()] == ["block-ssn"]
    leaky, careful = answer_steps()
    with pytest.raises(ControlViolationError):
        asyncio.run(leaky("what is my SSN?"))
    assert asyncio.run(careful("what is my SSN?")) == "I cannot share that."
