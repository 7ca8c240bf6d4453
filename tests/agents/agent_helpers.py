"""Helpers for the agent endpoint tests: initAgent bodies and steps, and linking controls and
policies to an agent with the ORM."""

from agents.models import Agent, AgentControl, AgentPolicy
from policies.models import PolicyControl
from tenancy.context import tenant_context

INIT = "/api/v1/agents/initAgent"
NO_CHANGES = {  # overwrite_changes when nothing was overwritten
    "metadata_changed": False,
    "steps_added": [],
    "steps_updated": [],
    "steps_removed": [],
    "evaluators_added": [],
    "evaluators_updated": [],
    "evaluators_removed": [],
    "evaluator_removals": [],
}


def init_body(name="support-bot-01", **fields) -> dict:
    """An initAgent body for ``name``; keyword arguments are top-level fields
    (``steps=[...]``, ``conflict_mode="overwrite"``) or ``agent=`` extras."""
    agent = {"agent_name": name, **fields.pop("agent", {})}
    return {"agent": agent, **fields}


def step(kind="tool", name="search", **fields) -> dict:
    return {"type": kind, "name": name, **fields}


def stored_step(kind="tool", name="search", **fields) -> dict:
    """A step as the API returns it (every field present)."""
    return {
        "type": kind,
        "name": name,
        "description": None,
        "input_schema": None,
        "output_schema": None,
        "metadata": None,
        **fields,
    }


def attach(tenant: str, agent_name: str, *, controls=(), policies=()) -> None:
    """Link controls directly and policies to the tenant's agent (ORM, stamped)."""
    with tenant_context(tenant):
        agent = Agent.objects.get(name=agent_name)
        for control in controls:
            AgentControl.objects.create(agent=agent, control=control)
        for policy in policies:
            AgentPolicy.objects.create(agent=agent, policy=policy)


def fill_policy(tenant: str, policy, controls) -> None:
    with tenant_context(tenant):
        for control in controls:
            PolicyControl.objects.create(policy=policy, control=control)
