"""``POST /api/v1/agents/initAgent``: validation and conflict errors, corrupted stored data,
tenancy of registrations, the creation race, and the query budget of a re-registration
(API.md 1(a), 3.1, 3.2; scenarios 4-6 of 7.3)."""

import pytest

from agents.models import Agent
from tenancy.context import tenant_context
from tests.agents.agent_helpers import INIT, NO_CHANGES, attach, init_body, step, stored_step
from tests.factories import make_control
from tests.raw_sql import execute_as_system
from tests.reference_errors import error, half_target_pair

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("short", "Value error, agent_name must be at least 10 characters long"),
        (
            "has a space-01",
            "Value error, agent_name may only contain lowercase letters, digits, ':', '_' or '-'",
        ),
        ("x" * 300, "Value error, agent_name must be at most 255 characters long"),
    ],
)
def test_invalid_agent_names_are_422(api, name, message):
    response = api.post(INIT, init_body(name))
    assert error(response) == {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Request validation failed with 1 error(s)",
        "errors": [
            {
                "resource": "Agent",
                "field": "agent.agent_name",
                "code": "value_error",
                "message": message,
                "value": "[REDACTED]",
            }
        ],
    }
    assert not Agent.all_tenants.exists()


def test_mixed_case_name_is_normalised_and_found_by_any_casing(api, register):
    register("  My-Agent-Name-01 ")
    assert (
        api.get("/api/v1/agents/MY-AGENT-NAME-01").json()["agent"]["agent_name"]
        == "my-agent-name-01"
    )
    assert register("my-agent-name-01").json()["created"] is False


def test_duplicate_steps_are_400(api):
    response = api.post(
        INIT, init_body(steps=[step("tool", "a"), step("llm", "a"), step("tool", "a")])
    )
    assert error(response) == {
        "status": 400,
        "error_code": "VALIDATION_ERROR",
        "detail": "Duplicate step name detected: type='tool', name='a'. Each step must have a "
        "unique (type, name) combination within an agent.",
        "errors": [
            {
                "resource": "Step",
                "field": "name",
                "code": "duplicate_step_name",
                "message": "Step (type='tool', name='a') appears multiple times in request",
            }
        ],
    }


@pytest.mark.parametrize("name", ["regex", "list", "json", "sql"])
def test_evaluator_named_like_a_builtin_is_409(api, name):
    response = api.post(INIT, init_body(evaluators=[{"name": "ok"}, {"name": name}]))
    assert error(response) == {
        "status": 409,
        "error_code": "EVALUATOR_NAME_CONFLICT",
        "detail": f"Evaluator name '{name}' conflicts with built-in evaluator.",
        "errors": [
            {
                "resource": "Evaluator",
                "field": "name",
                "code": "name_conflict",
                "message": f"Name '{name}' conflicts with a built-in evaluator",
                "value": "[REDACTED]",
            }
        ],
    }


def test_evaluator_named_like_a_discovered_evaluator_is_409(api, monkeypatch):
    from agents.services import evaluator_refs

    installed = {"regex": object(), "acme-scanner": object()}
    monkeypatch.setattr(evaluator_refs, "list_evaluators", lambda: installed)
    response = api.post(INIT, init_body(evaluators=[{"name": "acme-scanner"}]))
    assert (response.status_code, response.json()["error_code"]) == (409, "EVALUATOR_NAME_CONFLICT")


@pytest.mark.parametrize("given", [{"target_type": "env"}, {"target_id": "prod"}])
def test_half_a_target_pair_is_422(api, given):
    response = api.post(INIT, init_body(**given))
    assert error(response) == half_target_pair()


def test_full_target_pair_is_accepted(register):
    assert register(target_type="env", target_id="prod").json()["created"] is True


def test_missing_agent_is_422(api):
    response = api.post(INIT, {"steps": []})
    assert error(response)["errors"] == [
        {
            "resource": "Agent",
            "field": "agent",
            "code": "missing",
            "message": "Field required",
            "value": "[REDACTED]",
        }
    ]


def test_corrupted_steps_are_422_until_force_replace(api, register):
    register(steps=[step()])
    execute_as_system("UPDATE agents_agent SET steps = %s", ['"garbage"'])
    response = api.post(INIT, init_body(steps=[step()]))
    assert error(response) == {
        "status": 422,
        "error_code": "CORRUPTED_DATA",
        "detail": "Agent 'support-bot-01' has corrupted data and cannot be updated",
        "errors": [
            {
                "resource": "Agent",
                "field": "data",
                "code": "corrupted_data",
                "message": "Stored agent data is corrupted and cannot be parsed.",
            }
        ],
    }
    assert "force_replace" in response.json()["hint"]
    fixed = register(force_replace=True, steps=[step("llm", "chat")])
    assert fixed.json()["created"] is False
    assert api.get("/api/v1/agents/support-bot-01").json()["steps"] == [stored_step("llm", "chat")]


def test_force_replace_overwrite_on_corrupted_data_reports_metadata_change(api, register):
    register()
    execute_as_system("UPDATE agents_agent SET evaluators = %s", ['{"not": "a list"}'])
    response = register(force_replace=True, conflict_mode="overwrite", steps=[step()])
    assert response.json()["overwrite_changes"] == {
        **NO_CHANGES,
        "metadata_changed": True,
        "steps_added": [{"type": "tool", "name": "search"}],
    }


def test_corrupted_effective_control_is_422(api, register):
    register()
    control = make_control("default-tenant")
    attach("default-tenant", "support-bot-01", controls=[control])
    execute_as_system("UPDATE policies_control SET data = %s", ['{"execution": "server"}'])
    response = api.post(INIT, init_body())
    assert error(response)["error_code"] == "CORRUPTED_DATA"
    assert error(response)["detail"] == "Control 'block-secret' has corrupted data"


def test_tenant_id_in_the_payload_changes_nothing(api):
    body = init_body(tenant_id="globex")
    body["agent"]["tenant_id"] = "globex"
    assert api.post(INIT, body, tenant="acme").status_code == 200
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [("acme", "support-bot-01")]


def test_same_name_in_two_tenants_are_two_agents(api, register):
    register(tenant="acme", steps=[step("tool", "a")])
    assert register(tenant="globex", steps=[step("tool", "b")]).json()["created"] is True
    with tenant_context("acme"):
        assert Agent.objects.get().steps[0]["name"] == "a"
    with tenant_context("globex"):
        assert Agent.objects.get().steps[0]["name"] == "b"


def test_lost_creation_race_continues_as_reregistration(register, monkeypatch):
    """The row appears between our lookup and our insert: the unique constraint fires inside a
    savepoint and the request re-reads the winner's row instead of failing."""
    from agents.services import registration

    register(steps=[step("tool", "a")])
    real = registration._locked_agent
    calls = []

    def first_lookup_misses(name):
        calls.append(name)
        return None if len(calls) == 1 else real(name)

    monkeypatch.setattr(registration, "_locked_agent", first_lookup_misses)
    response = register(steps=[step("tool", "b")])
    assert response.json()["created"] is False
    with tenant_context("default-tenant"):
        assert [s["name"] for s in Agent.objects.get().steps] == ["a", "b"]


@pytest.mark.django_db(transaction=True)  # so the service's atomic() is the outer transaction
def test_reregistration_in_overwrite_mode_is_one_transaction_of_three_queries(
    register, django_assert_num_queries
):
    steps = [step("tool", f"t{i}", input_schema={"type": "object"}) for i in range(5)]
    register(conflict_mode="overwrite", steps=steps, agent={"agent_created_at": "t0"})
    control = make_control("default-tenant")
    attach("default-tenant", "support-bot-01", controls=[control])
    # BEGIN, lock the agent, update it, read its controls, COMMIT
    with django_assert_num_queries(5):
        response = register(
            conflict_mode="overwrite", steps=steps, agent={"agent_created_at": "t1"}
        )
    assert response.json()["overwrite_applied"] is True
    assert [c["id"] for c in response.json()["controls"]] == [control.id]
