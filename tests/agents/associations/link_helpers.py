"""Helpers for the agent <-> policy and agent <-> control route tests: the agent, the route
URLs, the hints of the single-policy routes, and every link row of all tenants."""

from agents.models import AgentControl, AgentPolicy

AGENT = "support-bot-01"
MISSING_AGENT = "no-such-agent-1"
GET_HINT = "Assign a policy to the agent using POST /{agent_name}/policies/{policy_id}."
DELETE_HINT = "The agent does not have a policy to remove."


def url(agent, *rest):
    return "/".join(["/api/v1/agents", agent, *(str(part) for part in rest)])


def policy_links():
    return sorted(AgentPolicy.all_tenants.values_list("tenant_id", "agent__name", "policy_id"))


def control_links():
    return sorted(AgentControl.all_tenants.values_list("tenant_id", "agent__name", "control_id"))
