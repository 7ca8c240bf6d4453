"""The compatibility check on linking: a policy or control that uses another agent's evaluator, an
evaluator the agent has not registered, or a config failing the registered schema is refused
with 400 and no link (``POLICY_CONTROL_INCOMPATIBLE`` belongs to a later issue); deleted
controls of a policy are not checked."""

import pytest

from agents.models import Agent
from tests.agents.associations.link_helpers import AGENT, control_links, policy_links, url
from tests.factories import REGEX_DENY, make_control, soft_delete

pytestmark = pytest.mark.django_db


def scoped_control(name: str, evaluator: str, config: dict | None = None):
    data = {
        **REGEX_DENY,
        "condition": {
            "selector": {"path": "input"},
            "evaluator": {"name": evaluator, "config": config or {}},
        },
    }
    return make_control("acme", name, data)


def register_evaluator(agent, schema: dict) -> None:
    Agent.all_tenants.filter(pk=agent.pk).update(
        evaluators=[{"name": "pii", "config_schema": schema, "description": "PII detector"}]
    )


def test_policy_with_another_agents_evaluator_is_refused_on_both_policy_routes(api_acme, acme):
    foreign = scoped_control("foreign-evaluator", "other-agent-01:pii")
    acme["p2"].controls.add(foreign)
    for segment in ("policies", "policy"):
        response = api_acme.post(url(AGENT, segment, acme["p2"].pk))
        assert response.status_code == 400
        body = response.json()
        assert (body["error_code"], body["detail"], body["hint"]) == (
            "POLICY_CONTROL_INCOMPATIBLE",
            "Policy contains controls incompatible with this agent",
            "Ensure all controls in the policy are compatible with this agent's evaluators.",
        )
        assert body["errors"] == [
            {
                "resource": "Control",
                "field": "evaluator",
                "code": "incompatible",
                "message": "Control 'foreign-evaluator' references evaluator 'other-agent-01:pii' "
                f"which belongs to agent 'other-agent-01', not '{AGENT}'",
            }
        ]
    assert policy_links() == []


def test_unregistered_evaluator_blocks_the_direct_link(api_acme, acme):
    control = scoped_control("needs-pii", f"{AGENT}:pii")
    response = api_acme.post(url(AGENT, "controls", control.pk))
    assert response.status_code == 400
    assert response.json()["detail"] == "Control is incompatible with this agent"
    assert [e["message"] for e in response.json()["errors"]] == [
        f"Control 'needs-pii' references evaluator 'pii' which is not registered with agent "
        f"'{AGENT}'. Register it via initAgent or use a different evaluator."
    ]
    assert control_links() == []


def test_config_failing_the_registered_schema_blocks_the_link(api_acme, acme):
    register_evaluator(
        acme["agent"],
        {"type": "object", "properties": {"level": {"type": "integer"}}, "required": ["level"]},
    )
    control = scoped_control("pii-bad-config", f"{AGENT}:pii", {"level": "high"})
    response = api_acme.post(url(AGENT, "controls", control.pk))
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "Control 'pii-bad-config' invalid config for 'pii': 'high' is not of type 'integer'"
    ]
    assert control_links() == []


def test_registered_evaluator_with_valid_config_links(api_acme, acme):
    register_evaluator(acme["agent"], {"type": "object", "required": ["level"]})
    control = scoped_control("pii-ok", f"{AGENT}:pii", {"level": 2})
    acme["p2"].controls.add(control)
    assert api_acme.post(url(AGENT, "controls", control.pk)).json() == {"success": True}
    assert api_acme.post(url(AGENT, "policies", acme["p2"].pk)).json() == {"success": True}
    assert control_links() == [("acme", AGENT, control.pk)]


def test_deleted_controls_of_the_policy_are_not_checked(api_acme, acme):
    kept, gone = acme["control"], scoped_control("gone", "other-agent-01:pii")
    acme["p2"].controls.add(kept, gone)
    soft_delete(gone)
    assert api_acme.post(url(AGENT, "policies", acme["p2"].pk)).json() == {"success": True}
