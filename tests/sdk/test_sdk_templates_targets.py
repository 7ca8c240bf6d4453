"""The unmodified SDK against a live server: a template-backed control is previewed, created and
bound to a target, and evaluation with that target (explicit, or the session target of
``agent_control.init``) applies it; other targets and tenants do not see it."""

import asyncio

import agent_control
import pytest
from agent_control import AgentControlClient
from agent_control import agents as sdk_agents
from agent_control import control_bindings as sdk_bindings
from agent_control import controls as sdk_controls
from agent_control.control_decorators import ControlViolationError
from agent_control.evaluation import check_evaluation
from agent_control_models import Agent as AgentModel
from agent_control_models import Step, TemplateControlInput

from policies.models import Control, ControlBinding
from tests.policies.templates.payloads import regex_input
from tests.sdk.sdk_helpers import init_session, run

pytestmark = pytest.mark.django_db(transaction=True)

AGENT = "target-bound-bot-01"
TARGET = {"target_type": "env", "target_id": "prod"}


def client_for(base_url: str, tenant: str) -> AgentControlClient:
    return AgentControlClient(base_url=base_url, api_key=tenant, api_key_header="X-Tenant-Id")


async def build(base_url: str, tenant: str):
    """Preview and create the templated control, bind it to env/prod, register the agent (with
    no links of its own)."""
    template_input = TemplateControlInput.model_validate(regex_input({"pattern": "hello"}))
    async with client_for(base_url, tenant) as client:
        preview = await sdk_controls.render_control_template(
            client, template_input.template, template_input.template_values
        )
        created = await sdk_controls.create_control(client, "templated", template_input)
        bound = await sdk_bindings.upsert_control_binding_by_key(
            client, control_id=created["control_id"], **TARGET
        )
        await sdk_agents.register_agent(
            client, AgentModel(agent_name=AGENT), steps=[{"type": "llm", "name": "templated-step"}]
        )
        fetched = await sdk_controls.get_control(client, created["control_id"])
    return preview, created, bound, fetched


async def evaluate(base_url: str, tenant: str, text: str, **target):
    async with client_for(base_url, tenant) as client:
        step = Step(type="llm", name="templated-step", input=text)
        return await check_evaluation(client, AGENT, step, "pre", **target)


def test_a_template_backed_control_bound_to_a_target_is_evaluated_for_it(sdk_server):
    preview, created, bound, fetched = run(build(sdk_server, "acme"))
    assert preview["control"]["template_values"] == {
        "pattern": "hello",
        "step_name": "templated-step",
    }
    assert bound == {"binding_id": bound["binding_id"], "created": True, "enabled": True}
    stored = Control.all_tenants.get(pk=created["control_id"])
    assert (stored.tenant_id, stored.data["template_values"]) == (
        "acme",
        {"pattern": "hello", "step_name": "templated-step"},
    )
    assert fetched["data"]["template"]["description"] == "Regex denial template"
    assert ControlBinding.all_tenants.get().tenant_id == "acme"

    denied = run(evaluate(sdk_server, "acme", "hello there", **TARGET))
    assert denied.is_safe is False
    assert [(m.control_id, m.control_name) for m in denied.matches] == [
        (created["control_id"], "templated")
    ]
    assert run(evaluate(sdk_server, "acme", "hello there")).is_safe is True
    other = run(evaluate(sdk_server, "acme", "hello", target_type="env", target_id="dev"))
    assert other.is_safe is True


def test_the_session_target_of_init_brings_the_bound_control(sdk_server):
    run(build(sdk_server, "acme"))
    init_session(sdk_server, AGENT, "acme", **TARGET)
    assert [c["name"] for c in agent_control.get_server_controls()] == ["templated"]

    @agent_control.control(step_name="templated-step")
    async def answer(question: str) -> str:
        return "fine"

    with pytest.raises(ControlViolationError):
        asyncio.run(answer("hello"))
    assert asyncio.run(answer("bye")) == "fine"


def test_another_tenant_with_the_same_target_gets_nothing(sdk_server):
    run(build(sdk_server, "acme"))

    async def register_globex():
        async with client_for(sdk_server, "globex") as client:
            await sdk_agents.register_agent(client, AgentModel(agent_name=AGENT), steps=[])
            return await sdk_agents.list_agent_controls(client, AGENT, **TARGET)

    assert run(register_globex()) == {"controls": []}
    assert run(evaluate(sdk_server, "globex", "hello", **TARGET)).is_safe is True
