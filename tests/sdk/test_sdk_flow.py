"""The unmodified agent-control SDK (8.15) as the client: registration, controls, policies and
links, for two tenants that never see each other's objects."""

import agent_control
import pytest
from agent_control import AgentControlClient
from agent_control import agents as sdk_agents
from agent_control import controls as sdk_controls
from agent_control import policies as sdk_policies

from agents.models import Agent, AgentPolicy
from policies.models import Control, Policy, PolicyControl
from tests.sdk.sdk_helpers import init_session, run

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    {"type": "tool", "name": "lookup_order", "input_schema": {"order_id": {"type": "string"}}},
    {"type": "llm", "name": "support-answer"},
]
SSN_CONTROL = {
    "execution": "server",
    "scope": {"step_types": ["llm"], "stages": ["post"]},
    "condition": {
        "selector": {"path": "output"},
        "evaluator": {"name": "regex", "config": {"pattern": r"\d{3}-\d{2}-\d{4}"}},
    },
    "action": {"decision": "deny"},
}


async def build_guardrails(base_url: str, agent_name: str, *, tenant: str | None, how: str):
    """Create a control and a policy, link them to the agent and list its controls."""
    if how == "api_key":
        client = AgentControlClient(base_url=base_url, api_key=tenant, api_key_header="X-Tenant-Id")
    else:
        client = AgentControlClient(base_url=base_url)
    async with client:
        if how == "header" and tenant is not None:
            client.http_client.headers["X-Tenant-Id"] = tenant
        control = await sdk_controls.create_control(client, "block-ssn", SSN_CONTROL)
        policy = await sdk_policies.create_policy(client, "support-baseline")
        await sdk_policies.add_control_to_policy(client, policy["policy_id"], control["control_id"])
        await sdk_agents.add_agent_policy(client, agent_name, policy["policy_id"])
        listed = await sdk_agents.list_agent_controls(
            client, agent_name, rendered_state="rendered", enabled_state="enabled"
        )
        fetched = await sdk_agents.get_agent(client, agent_name)
        all_agents = await sdk_agents.list_agents(client)
    return control, policy, listed, fetched, all_agents


def test_sdk_registers_builds_and_lists_in_the_default_tenant(sdk_server):
    agent = agent_control.init(
        agent_name="SDK-Support-Bot-01",
        agent_description="support bot",
        server_url=sdk_server,
        steps=STEPS,
        policy_refresh_interval_seconds=0,
        observability_enabled=False,
    )
    assert agent.agent_name == "sdk-support-bot-01"
    control, _policy, listed, fetched, all_agents = run(
        build_guardrails(sdk_server, "sdk-support-bot-01", tenant=None, how="header")
    )
    assert control == {"control_id": control["control_id"], "configured": True}
    assert listed["controls"] == [
        {
            "id": control["control_id"],
            "name": "block-ssn",
            "control": {**SSN_CONTROL, "enabled": True, "tags": []},
        }
    ]
    assert [(s["type"], s["name"]) for s in fetched["steps"]] == [
        ("tool", "lookup_order"),
        ("llm", "support-answer"),
    ]
    assert [a["agent_name"] for a in all_agents["agents"]] == ["sdk-support-bot-01"]
    assert list(Agent.all_tenants.values_list("name", "tenant_id")) == [
        ("sdk-support-bot-01", "default-tenant")
    ]
    for model in (Control, Policy, PolicyControl, AgentPolicy):
        assert set(model.all_tenants.values_list("tenant_id", flat=True)) == {"default-tenant"}


@pytest.mark.parametrize("how", ["api_key", "header"])
def test_two_tenants_through_the_sdk_never_see_each_other(sdk_server, how):
    for tenant in ("acme", "globex"):
        if how == "api_key":
            init_session(sdk_server, "shared-agent-name-01", tenant, steps=STEPS)
            agent_control.shutdown()
        else:
            run(_register_with_header(sdk_server, tenant))
    results = {
        tenant: run(build_guardrails(sdk_server, "shared-agent-name-01", tenant=tenant, how=how))
        for tenant in ("acme", "globex")
    }
    acme, globex = results["acme"], results["globex"]
    assert acme[0]["control_id"] != globex[0]["control_id"]
    assert acme[1]["policy_id"] != globex[1]["policy_id"]
    for control, _policy, listed, _fetched, all_agents in results.values():
        assert [c["id"] for c in listed["controls"]] == [control["control_id"]]
        assert [a["agent_name"] for a in all_agents["agents"]] == ["shared-agent-name-01"]
        assert all_agents["pagination"]["total"] == 1
    assert sorted(Agent.all_tenants.values_list("tenant_id", flat=True)) == ["acme", "globex"]
    assert sorted(AgentPolicy.all_tenants.values_list("tenant_id", flat=True)) == [
        "acme",
        "globex",
    ]
    assert sorted(Control.all_tenants.values_list("tenant_id", "name")) == [
        ("acme", "block-ssn"),
        ("globex", "block-ssn"),
    ]


async def _register_with_header(base_url: str, tenant: str) -> None:
    from agent_control_models import Agent as AgentModel

    async with AgentControlClient(base_url=base_url) as client:
        client.http_client.headers["X-Tenant-Id"] = tenant
        await sdk_agents.register_agent(
            client, AgentModel(agent_name="shared-agent-name-01"), steps=STEPS
        )


def test_other_tenants_ids_are_404_through_the_sdk(sdk_server):
    import httpx

    control, policy, *_ = run(_seed_acme(sdk_server))

    async def poke():
        async with AgentControlClient(base_url=sdk_server) as client:
            client.http_client.headers["X-Tenant-Id"] = "globex"
            failures = []
            for call in (
                sdk_controls.get_control(client, control["control_id"]),
                sdk_policies.list_policy_controls(client, policy["policy_id"]),
                sdk_agents.get_agent(client, "acme-agent-0001"),
                sdk_agents.list_agent_controls(client, "acme-agent-0001"),
            ):
                try:
                    await call
                except httpx.HTTPStatusError as exc:
                    failures.append((exc.response.status_code, exc.response.json()["error_code"]))
            return failures

    assert run(poke()) == [
        (404, "CONTROL_NOT_FOUND"),
        (404, "POLICY_NOT_FOUND"),
        (404, "AGENT_NOT_FOUND"),
        (404, "AGENT_NOT_FOUND"),
    ]


async def _seed_acme(base_url: str):
    from agent_control_models import Agent as AgentModel

    async with AgentControlClient(base_url=base_url) as client:
        client.http_client.headers["X-Tenant-Id"] = "acme"
        await sdk_agents.register_agent(
            client, AgentModel(agent_name="acme-agent-0001"), steps=STEPS
        )
        control = await sdk_controls.create_control(client, "block-ssn", SSN_CONTROL)
        policy = await sdk_policies.create_policy(client, "acme-policy")
        return control, policy
