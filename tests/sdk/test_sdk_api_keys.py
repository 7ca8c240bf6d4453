"""The unmodified SDK in ``api_key`` mode: ``agent_control.init(..., api_key=<runtime key>)``
registers, refreshes controls, evaluates and ``@agent_control.control()`` blocks, in the key's
tenant with no tenant header, for two tenants; with a target it exchanges a runtime token and
evaluates with it; a mistyped key is refused instead of opening an empty tenant."""

import asyncio

import agent_control
import httpx
import pytest
from agent_control import AgentControlClient
from agent_control import agents as sdk_agents
from agent_control import controls as sdk_controls
from agent_control import policies as sdk_policies
from agent_control.control_decorators import ControlViolationError

from agents.models import Agent
from credentials import runtime_tokens
from credentials.services import api_key_create
from tests.credentials.credential_helpers import RUNTIME_SECRET
from tests.sdk.sdk_helpers import SSN_DENY, answer_steps, run

pytestmark = pytest.mark.django_db(transaction=True)

AGENT = "ssn-guarded-bot-01"


@pytest.fixture
def keys(sdk_server, settings):
    """``{tenant: (admin key, runtime key)}`` for acme and globex, in ``api_key`` mode."""
    settings.CREDENTIALS_MODE = "api_key"
    settings.CREDENTIALS_RUNTIME_TOKEN_SECRET = RUNTIME_SECRET
    return {
        tenant: tuple(
            api_key_create(tenant_id=tenant, role=role).secret for role in ("admin", "runtime")
        )
        for tenant in ("acme", "globex")
    }


async def guard(base_url: str, admin_key: str) -> None:
    """With the tenant's admin key: an SSN deny control in a policy attached to the agent."""
    async with AgentControlClient(base_url=base_url, api_key=admin_key) as client:
        control = await sdk_controls.create_control(client, "block-ssn", SSN_DENY)
        policy = await sdk_policies.create_policy(client, "pii")
        await sdk_policies.add_control_to_policy(client, policy["policy_id"], control["control_id"])
        await sdk_agents.add_agent_policy(client, AGENT, policy["policy_id"])


def init(base_url: str, runtime_key: str, **target):
    return agent_control.init(
        agent_name=AGENT,
        server_url=base_url,
        api_key=runtime_key,
        steps=[{"type": "llm", "name": "answer"}],
        policy_refresh_interval_seconds=0,
        observability_enabled=False,
        **target,
    )


def test_runtime_keys_register_refresh_evaluate_and_block_in_their_own_tenant(sdk_server, keys):
    acme_admin, acme_runtime = keys["acme"]
    init(sdk_server, acme_runtime)
    assert agent_control.get_server_controls() == []
    run(guard(sdk_server, acme_admin))
    assert [c["name"] for c in agent_control.refresh_controls()] == ["block-ssn"]
    leaky, careful = answer_steps()
    with pytest.raises(ControlViolationError):
        asyncio.run(leaky("what is my SSN?"))
    assert asyncio.run(careful("what is my SSN?")) == "I cannot share that."

    agent_control.shutdown()
    init(sdk_server, keys["globex"][1])  # the same agent name, globex's runtime key
    assert agent_control.get_server_controls() == []
    leaky, _ = answer_steps()
    assert asyncio.run(leaky("what is my SSN?")) == "Your SSN is 123-45-6789."
    assert sorted(Agent.all_tenants.values_list("name", "tenant_id")) == [
        (AGENT, "acme"),
        (AGENT, "globex"),
    ]


def test_runtime_key_re_registers_on_restart(sdk_server, keys):
    init(sdk_server, keys["acme"][1])
    agent_control.shutdown()
    init(sdk_server, keys["acme"][1])
    assert list(Agent.all_tenants.values_list("tenant_id", flat=True)) == ["acme"]


def test_runtime_key_cannot_change_the_guardrails(sdk_server, keys):
    init(sdk_server, keys["acme"][1])
    with pytest.raises(httpx.HTTPStatusError) as excinfo:
        run(guard(sdk_server, keys["acme"][1]))
    assert excinfo.value.response.status_code == 403
    assert excinfo.value.response.json()["error_code"] == "AUTH_INSUFFICIENT_PRIVILEGES"


def test_with_a_target_the_sdk_evaluates_with_an_exchanged_runtime_token(
    sdk_server, keys, monkeypatch
):
    verified = []
    real_verify = runtime_tokens.verify
    monkeypatch.setattr(
        runtime_tokens, "verify", lambda token: verified.append(token) or real_verify(token)
    )
    acme_admin, acme_runtime = keys["acme"]
    init(sdk_server, acme_runtime, target_type="env", target_id="prod")
    run(guard(sdk_server, acme_admin))
    agent_control.refresh_controls()
    leaky, careful = answer_steps()
    with pytest.raises(ControlViolationError):
        asyncio.run(leaky("what is my SSN?"))
    assert asyncio.run(careful("what is my SSN?")) == "I cannot share that."
    assert len(verified) == 2
    assert len(set(verified)) == 1  # the SDK cached the token


def test_a_mistyped_key_is_refused_instead_of_opening_an_empty_tenant(sdk_server, keys):
    with pytest.raises(httpx.HTTPStatusError) as excinfo:
        init(sdk_server, "Tenant-A")
    assert excinfo.value.response.status_code == 401
    assert excinfo.value.response.json()["error_code"] == "AUTH_INVALID_KEY"
    assert Agent.all_tenants.count() == 0
