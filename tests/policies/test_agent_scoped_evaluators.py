"""Agent-scoped evaluators (``<agent>:<evaluator>``) in control definitions: accepted when the
agent registered the evaluator and the config satisfies its schema; otherwise
``EVALUATOR_NOT_FOUND``, ``INVALID_CONFIG``, ``AGENT_NOT_FOUND`` or ``CORRUPTED_DATA``, with one
query for all referenced agents.

Field paths, codes and messages were compared with a live reference server 8.15.0.
"""

import pytest

from agents.models import Agent
from policies.models import Control, ControlVersion
from tests.definitions import definition, leaf
from tests.factories import make_agent
from tests.policies.control_helpers import CONTROLS, VALIDATE, create, stored
from tests.reference_errors import problem

pytestmark = pytest.mark.django_db


PII_SCHEMA = {
    "type": "object",
    "properties": {"level": {"type": "integer"}},
    "required": ["level"],
}


@pytest.fixture
def support_bot():
    return make_agent(
        "default-tenant",
        "support-bot-01",
        evaluators=[{"name": "pii", "config_schema": PII_SCHEMA}, {"name": "free"}],
    )


def scoped(name, config, *, slot="or"):
    """A condition whose second ``or`` child uses evaluator ``name``."""
    if slot == "not":
        return definition({"not": leaf(name, config)})
    return definition({"or": [leaf(), leaf(name, config)]})


def test_agent_scoped_evaluator_that_validates_is_accepted(api, support_bot):
    data = scoped("support-bot-01:pii", {"level": 3})
    assert api.post(VALIDATE, {"data": data}).json() == {"success": True}
    control_id = create(api, "uses-pii", data)
    assert stored(control_id).data["condition"]["or"][1]["evaluator"]["name"] == (
        "support-bot-01:pii"
    )


def test_agent_scoped_evaluator_without_schema_accepts_any_config(api, support_bot):
    data = scoped("support-bot-01:free", {"whatever": [1]})
    assert api.post(VALIDATE, {"data": data}).json() == {"success": True}


def test_unregistered_agent_scoped_evaluator_is_evaluator_not_found(api, support_bot):
    data = definition({"or": [leaf("support-bot-01:nope", {}), leaf()]})
    response = api.put(CONTROLS, {"name": "uses-nope", "data": data})
    assert response.status_code == 422
    errors = [
        {
            "resource": "Control",
            "field": "data.condition.or[0].evaluator.name",
            "code": "evaluator_not_found",
            "message": "Evaluator 'nope' not found on agent 'support-bot-01'",
            "value": "[REDACTED]",
        }
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/evaluator-not-found",
        "title": "Evaluator Not Found",
        "status": 422,
        "detail": "Evaluator 'nope' is not registered with agent 'support-bot-01'",
        "instance": CONTROLS,
        "error_code": "EVALUATOR_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": errors,
        "details": {"kind": "Evaluator", "causes": errors},
        "hint": "Register it via initAgent first. Available evaluators: ['pii', 'free'].",
    }
    assert not Control.all_tenants.exists()
    assert not ControlVersion.all_tenants.exists()


def test_config_failing_the_agent_schema_is_invalid_config(api, support_bot):
    response = api.post(
        VALIDATE, {"data": scoped("support-bot-01:pii", {"level": "x"}, slot="not")}
    )
    assert response.status_code == 422
    errors = [
        {
            "resource": "Control",
            "field": "data.condition.not.evaluator.config",
            "code": "schema_validation_error",
            "message": "Config does not satisfy the evaluator schema.",
        }
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/invalid-config",
        "title": "Invalid Configuration",
        "status": 422,
        "detail": "Config validation failed for evaluator 'support-bot-01:pii'",
        "instance": VALIDATE,
        "error_code": "INVALID_CONFIG",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": errors,
        "details": {"kind": "Control", "causes": errors},
        "hint": "Check the evaluator's config schema for required fields and types.",
    }


def agent_not_found(name, instance):
    return {
        "type": "https://agentcontrol.dev/errors/agent-not-found",
        "title": "Agent Not Found",
        "status": 404,
        "detail": f"Agent '{name}' not found",
        "instance": instance,
        "error_code": "AGENT_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "NotFound",
        "details": {"name": name, "kind": "Agent"},
        "hint": "Ensure the agent exists before creating controls that reference its evaluators.",
    }


@pytest.mark.parametrize("agent_name", ["no-such-agent", "SUPPORT-BOT-01", ""])
def test_missing_agent_is_agent_not_found(api, support_bot, agent_name):
    response = api.post(VALIDATE, {"data": scoped(f"{agent_name}:pii", {"level": 1})})
    assert response.status_code == 404
    assert problem(response) == agent_not_found(agent_name, VALIDATE)


def test_another_tenants_agent_is_not_found(api, support_bot):
    response = api.put(
        CONTROLS,
        {"name": "uses-pii", "data": scoped("support-bot-01:pii", {"level": 1})},
        tenant="globex",
    )
    assert response.status_code == 404
    assert problem(response) == agent_not_found("support-bot-01", CONTROLS)
    assert not Control.all_tenants.exists()


def test_duplicate_name_wins_over_agent_scoped_errors(api, support_bot):
    create(api, "uses-pii")
    response = api.put(CONTROLS, {"name": "uses-pii", "data": scoped("gone-agent-01:x", {})})
    assert (response.status_code, response.json()["error_code"]) == (409, "CONTROL_NAME_CONFLICT")


def test_set_data_checks_agent_scoped_evaluators(api, support_bot):
    control_id = create(api)
    path = f"{CONTROLS}/{control_id}/data"
    response = api.put(path, {"data": scoped("support-bot-01:pii", {})})
    assert (response.status_code, response.json()["error_code"]) == (422, "INVALID_CONFIG")
    assert api.put(path, {"data": scoped("support-bot-01:pii", {"level": 2})}).json() == {
        "success": True
    }


def test_agent_with_unparseable_evaluators_is_corrupted_data(api):
    make_agent("default-tenant", "support-bot-01", evaluators=[{"config_schema": {}}])
    response = api.post(VALIDATE, {"data": scoped("support-bot-01:pii", {})})
    assert response.status_code == 422
    body = problem(response)
    assert (body["error_code"], body["detail"]) == (
        "CORRUPTED_DATA",
        "Agent 'support-bot-01' has invalid data",
    )
    assert body["errors"] == [
        {
            "resource": "Agent",
            "field": "evaluators[0].name",
            "code": "missing",
            "message": "Field required",
        }
    ]


def test_one_query_for_all_referenced_agents(api, support_bot, django_assert_num_queries):
    make_agent("default-tenant", "billing-bot-01", evaluators=[{"name": "pii"}])
    data = definition(
        {
            "and": [
                leaf("support-bot-01:pii", {"level": 1}),
                leaf("billing-bot-01:pii", {}),
                leaf("support-bot-01:free", {}),
            ]
        }
    )
    with django_assert_num_queries(1):
        assert api.post(VALIDATE, {"data": data}).json() == {"success": True}
    assert Agent.all_tenants.count() == 2
