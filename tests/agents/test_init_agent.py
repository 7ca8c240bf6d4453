"""``POST /api/v1/agents/initAgent``: creation, re-registration in strict and overwrite mode, and
the returned controls (API.md 1(a), 3.2; scenarios 1-3 of 7.3). Errors: ``test_init_agent_errors``."""

import pytest

from tests.agents.agent_helpers import INIT, NO_CHANGES, attach, init_body, step, stored_step
from tests.definitions import control_data, leaf
from tests.factories import REGEX_DENY, make_control
from tests.reference_errors import error

pytestmark = pytest.mark.django_db

PII_SCHEMA = {"type": "object", "properties": {"level": {"type": "string"}}}


def test_first_registration_creates_the_agent_with_no_controls(api, register):
    response = register(
        "Support-Bot-01",
        agent={"agent_description": "helps", "agent_version": "1.0", "agent_metadata": {"t": 1}},
        steps=[step(input_schema={"type": "object"})],
        evaluators=[{"name": "pii", "config_schema": PII_SCHEMA, "description": "PII"}],
    )
    assert response.json() == {
        "created": True,
        "controls": [],
        "overwrite_applied": False,
        "overwrite_changes": NO_CHANGES,
    }
    assert api.get("/api/v1/agents/support-bot-01").json() == {
        "agent": {
            "agent_name": "support-bot-01",
            "agent_description": "helps",
            "agent_created_at": None,
            "agent_updated_at": None,
            "agent_version": "1.0",
            "agent_metadata": {"t": 1},
        },
        "steps": [stored_step(input_schema={"type": "object"})],
        "evaluators": [{"name": "pii", "config_schema": PII_SCHEMA, "description": "PII"}],
    }


def test_same_payload_again_is_not_created_and_changes_nothing(api, register):
    payload = {"steps": [step()], "agent": {"agent_description": "d"}}
    register(**payload)
    response = register(**payload)
    assert response.json() == {
        "created": False,
        "controls": [],
        "overwrite_applied": False,
        "overwrite_changes": NO_CHANGES,
    }
    assert api.get("/api/v1/agents/support-bot-01").json()["steps"] == [stored_step()]


def test_reinit_replaces_the_agent_object_wholesale(api, register):
    register(agent={"agent_description": "old", "agent_version": "1", "agent_metadata": {"a": 1}})
    register(agent={"agent_version": "2", "agent_created_at": "2026-01-01T00:00:00"})
    assert api.get("/api/v1/agents/support-bot-01").json()["agent"] == {
        "agent_name": "support-bot-01",
        "agent_description": None,
        "agent_created_at": "2026-01-01T00:00:00",
        "agent_updated_at": None,
        "agent_version": "2",
        "agent_metadata": None,
    }


def test_strict_merge_keeps_old_steps_and_appends_new_ones(api, register):
    register(steps=[step("tool", "search"), step("llm", "chat")])
    response = register(steps=[step("tool", "fetch"), step("tool", "search", description="new")])
    assert response.json()["overwrite_applied"] is False
    assert response.json()["overwrite_changes"] == NO_CHANGES
    assert api.get("/api/v1/agents/support-bot-01").json()["steps"] == [
        stored_step("tool", "search", description="new"),
        stored_step("llm", "chat"),
        stored_step("tool", "fetch"),
    ]


def test_strict_description_only_change_is_not_written(api, register):
    register(steps=[step(description="old")])
    register(steps=[step(description="new")])
    steps = api.get("/api/v1/agents/support-bot-01").json()["steps"]
    assert steps == [stored_step(description="old")]


def test_strict_changed_step_schema_is_409(api, register):
    register(steps=[step(input_schema={"type": "object"})])
    response = api.post(INIT, init_body(steps=[step(input_schema={"type": "string"})]))
    assert response.status_code == 409
    assert error(response) == {
        "status": 409,
        "error_code": "SCHEMA_INCOMPATIBLE",
        "detail": "Step schema conflict for (type='tool', name='search'). A step with this "
        "name already exists with a different schema.",
        "errors": [
            {
                "resource": "Step",
                "field": "schema",
                "code": "schema_mismatch",
                "message": "Existing schema differs from incoming schema for step 'search'",
            }
        ],
    }
    assert "schema conflict" in response.json()["detail"]


def test_strict_incompatible_evaluator_schema_is_409(register, api):
    register(evaluators=[{"name": "pii", "config_schema": PII_SCHEMA}])
    new_schema = {"type": "object", "properties": {"level": {"type": "integer"}}}
    response = api.post(INIT, init_body(evaluators=[{"name": "pii", "config_schema": new_schema}]))
    assert error(response) == {
        "status": 409,
        "error_code": "SCHEMA_INCOMPATIBLE",
        "detail": "Evaluator 'pii' schema change is not backward compatible. Changes detected: "
        "Property 'level' type changed from 'string' to 'integer'. To make breaking changes, "
        "create a new agent with a different name.",
        "errors": [
            {
                "resource": "Evaluator",
                "field": "config_schema",
                "code": "schema_incompatible",
                "message": "Property 'level' type changed from 'string' to 'integer'",
            }
        ],
    }


def test_strict_compatible_evaluator_schema_change_is_stored(api, register):
    register(evaluators=[{"name": "pii", "config_schema": PII_SCHEMA}, {"name": "tox"}])
    wider = {"type": "object", "properties": {"level": {"type": "string"}, "x": {"type": "number"}}}
    register(evaluators=[{"name": "pii", "config_schema": wider}, {"name": "new"}])
    assert api.get("/api/v1/agents/support-bot-01").json()["evaluators"] == [
        {"name": "pii", "config_schema": wider, "description": None},
        {"name": "tox", "config_schema": {}, "description": None},
        {"name": "new", "config_schema": {}, "description": None},
    ]


def test_overwrite_replaces_exactly_and_reports_sorted_changes(api, register):
    register(
        steps=[step("tool", "b"), step("tool", "a"), step("llm", "keep")],
        evaluators=[{"name": "z"}, {"name": "y"}, {"name": "same"}],
    )
    response = register(
        conflict_mode="overwrite",
        steps=[step("llm", "keep", description="now described"), step("tool", "c")],
        evaluators=[{"name": "same"}, {"name": "x", "description": "new"}],
    )
    assert response.json() == {
        "created": False,
        "controls": [],
        "overwrite_applied": True,
        "overwrite_changes": {
            "metadata_changed": False,
            "steps_added": [{"type": "tool", "name": "c"}],
            "steps_updated": [{"type": "llm", "name": "keep"}],
            "steps_removed": [{"type": "tool", "name": "a"}, {"type": "tool", "name": "b"}],
            "evaluators_added": ["x"],
            "evaluators_updated": [],
            "evaluators_removed": ["y", "z"],
            "evaluator_removals": [
                {
                    "name": "y",
                    "referenced_by_active_controls": False,
                    "control_ids": [],
                    "control_names": [],
                },
                {
                    "name": "z",
                    "referenced_by_active_controls": False,
                    "control_ids": [],
                    "control_names": [],
                },
            ],
        },
    }
    body = api.get("/api/v1/agents/support-bot-01").json()
    assert body["steps"] == [
        stored_step("llm", "keep", description="now described"),
        stored_step("tool", "c"),
    ]
    assert [e["name"] for e in body["evaluators"]] == ["same", "x"]


def test_repeated_identical_overwrite_applies_nothing(register):
    payload = {"conflict_mode": "overwrite", "steps": [step()], "evaluators": [{"name": "e1"}]}
    register(**payload)
    response = register(**payload)
    assert response.json()["overwrite_applied"] is False
    assert response.json()["overwrite_changes"] == NO_CHANGES


def test_overwrite_metadata_change_alone_is_applied(register):
    register(conflict_mode="overwrite", agent={"agent_created_at": "t1"})
    response = register(conflict_mode="overwrite", agent={"agent_created_at": "t2"})
    assert response.json()["overwrite_applied"] is True
    assert response.json()["overwrite_changes"] == {**NO_CHANGES, "metadata_changed": True}


def test_overwrite_reports_removed_evaluators_still_used_by_active_controls(register):
    register(evaluators=[{"name": "pii"}, {"name": "tox"}])
    nested = control_data(
        {"or": [leaf("regex", {"pattern": "x"}), {"not": leaf("support-bot-01:pii", {})}]}
    )
    b = make_control("default-tenant", "b-uses-pii", nested)
    a = make_control("default-tenant", "a-uses-pii", control_data(leaf("support-bot-01:pii", {})))
    off = make_control(
        "default-tenant",
        "off-uses-tox",
        control_data(leaf("support-bot-01:tox", {}), enabled=False),
    )
    attach("default-tenant", "support-bot-01", controls=[b, a, off])
    response = register(conflict_mode="overwrite", evaluators=[])
    assert response.json()["overwrite_changes"]["evaluator_removals"] == [
        {
            "name": "pii",
            "referenced_by_active_controls": True,
            "control_ids": [a.id, b.id],
            "control_names": ["a-uses-pii", "b-uses-pii"],
        },
        {
            "name": "tox",
            "referenced_by_active_controls": False,
            "control_ids": [],
            "control_names": [],
        },
    ]
    assert response.json()["overwrite_changes"]["evaluators_removed"] == ["pii", "tox"]


def test_response_controls_are_the_active_ones_with_nulls(register):
    register()
    active = make_control("default-tenant", "block-secret")
    disabled = make_control("default-tenant", "disabled", {**REGEX_DENY, "enabled": False})
    attach("default-tenant", "support-bot-01", controls=[active, disabled])
    response = register()
    assert response.json()["controls"] == [
        {
            "id": active.id,
            "name": "block-secret",
            "control": {
                "condition": {
                    "selector": {"path": "input"},
                    "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
                    "and": None,
                    "or": None,
                    "not": None,
                },
                "description": None,
                "enabled": True,
                "execution": "server",
                "scope": {
                    "step_types": None,
                    "step_names": None,
                    "step_name_regex": None,
                    "stages": None,
                },
                "action": {"decision": "deny", "steering_context": None},
                "tags": [],
                "template": None,
                "template_values": None,
            },
        }
    ]
