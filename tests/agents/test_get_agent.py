"""``GET /api/v1/agents/{agent_name}``: the agent object, steps and evaluators (nulls kept)."""

import pytest

from tests.agents.agent_helpers import step, stored_step
from tests.raw_sql import execute_as_system
from tests.reference_errors import error

pytestmark = pytest.mark.django_db

MISSING = {
    "status": 404,
    "error_code": "AGENT_NOT_FOUND",
    "detail": "Agent with name 'support-bot-01' not found",
    "errors": None,
}


def test_returns_the_registration(api, register):
    register(
        agent={"agent_updated_at": "2026-02-02", "agent_metadata": {"env": "prod"}},
        steps=[step("llm", "chat", output_schema={"type": "string"}, metadata={"m": 1})],
        evaluators=[{"name": "pii", "description": "finds PII"}],
    )
    response = api.get("/api/v1/agents/support-bot-01")
    assert response.status_code == 200
    assert response.json() == {
        "agent": {
            "agent_name": "support-bot-01",
            "agent_description": None,
            "agent_created_at": None,
            "agent_updated_at": "2026-02-02",
            "agent_version": None,
            "agent_metadata": {"env": "prod"},
        },
        "steps": [stored_step("llm", "chat", output_schema={"type": "string"}, metadata={"m": 1})],
        "evaluators": [{"name": "pii", "config_schema": {}, "description": "finds PII"}],
    }


def test_path_name_is_normalised(api, register):
    register()
    assert api.get("/api/v1/agents/%20SUPPORT-BOT-01%20").status_code == 200


def test_missing_agent_is_404(api):
    response = api.get("/api/v1/agents/support-bot-01")
    assert error(response) == MISSING
    assert response.json()["hint"] == (
        "Verify the agent name is correct and the agent has been registered via initAgent."
    )


def test_another_tenants_agent_is_the_same_404(api, register):
    missing = api.get("/api/v1/agents/support-bot-01", tenant="globex").json()
    register(tenant="acme")
    foreign = api.get("/api/v1/agents/support-bot-01", tenant="globex").json()
    for body in (missing, foreign):
        body.pop("metadata")
    assert foreign == missing
    assert api.get("/api/v1/agents/support-bot-01", tenant="acme").status_code == 200


def test_invalid_name_in_path_is_422(api):
    response = api.get("/api/v1/agents/bad")
    assert error(response) == {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Invalid agent_name",
        "errors": [
            {
                "resource": "Agent",
                "field": "agent_name",
                "code": "invalid_format",
                "message": "agent_name must be at least 10 characters long",
                "value": "[REDACTED]",
            }
        ],
    }


def test_overlong_name_in_path_is_422(api):
    assert api.get("/api/v1/agents/" + "a" * 300).status_code == 422


def test_corrupted_steps_are_422(api, register):
    register()
    execute_as_system("UPDATE agents_agent SET steps = %s", ['"garbage"'])
    assert error(api.get("/api/v1/agents/support-bot-01")) == {
        "status": 422,
        "error_code": "CORRUPTED_DATA",
        "detail": "Agent data is corrupted for agent 'support-bot-01'",
        "errors": None,
    }


def test_corrupted_metadata_is_422(api, register):
    register()
    execute_as_system("UPDATE agents_agent SET metadata = %s", ["[1, 2]"])
    assert error(api.get("/api/v1/agents/support-bot-01"))["detail"] == (
        "Agent metadata is corrupted for agent 'support-bot-01'"
    )
