"""``GET /api/v1/agents/{agent_name}/controls``: the effective controls (direct and via policies,
de-duplicated, id descending, ``null``s omitted), the state filters, the target pair rule, and a
constant query count."""

import pytest

from tenancy.context import tenant_context
from tests.agents.agent_helpers import attach, fill_policy
from tests.definitions import leaf
from tests.factories import make_control, make_policy
from tests.raw_sql import execute_as_system
from tests.reference_errors import error

pytestmark = pytest.mark.django_db

URL = "/api/v1/agents/support-bot-01/controls"
TEMPLATE_DRAFT = {
    "template": {
        "parameters": {"pattern": {"type": "regex_re2", "label": "Pattern"}},
        "definition_template": {
            "execution": "server",
            "condition": {
                "selector": {"path": "input"},
                "evaluator": {"name": "regex", "config": {"pattern": {"$param": "pattern"}}},
            },
            "action": {"decision": "deny"},
        },
    },
    "template_values": {},
    "enabled": False,
}


@pytest.fixture
def controls(register):
    """Agent with: direct ``on`` (also in p1), ``off`` (disabled) via p1 and p2, a template draft
    via p2, and a deleted control; returns them by name."""
    register()
    on = make_control("default-tenant", "on")
    steer = {
        "execution": "server",
        "scope": {"step_types": ["llm"]},
        "condition": {
            "and": [
                leaf("regex", {"pattern": "x"}),
                {  # an explicit null path
                    "not": {
                        "selector": {"path": None},
                        "evaluator": {"name": "list", "config": {"values": ["a"]}},
                    }
                },
            ]
        },
        "action": {"decision": "steer", "steering_context": {"message": "ask"}},
        "enabled": False,
    }
    off = make_control("default-tenant", "off", steer)
    draft = make_control("default-tenant", "draft", TEMPLATE_DRAFT)
    gone = make_control("default-tenant", "gone")
    with tenant_context("default-tenant"):
        gone.deleted_at = gone.created_at
        gone.save()
    p1, p2 = make_policy("default-tenant", "p1"), make_policy("default-tenant", "p2")
    fill_policy("default-tenant", p1, [on, off])
    fill_policy("default-tenant", p2, [off, draft, gone])
    attach("default-tenant", "support-bot-01", controls=[on, gone], policies=[p1, p2])
    return {"on": on, "off": off, "draft": draft}


def test_default_lists_every_effective_control_without_nulls(api, controls):
    response = api.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "controls": [
            {
                "id": controls["draft"].id,
                "name": "draft",
                "control": {  # read back through the model: parameter defaults appear
                    **TEMPLATE_DRAFT,
                    "template": {
                        **TEMPLATE_DRAFT["template"],
                        "parameters": {
                            "pattern": {"type": "regex_re2", "label": "Pattern", "required": True}
                        },
                    },
                },
            },
            {
                "id": controls["off"].id,
                "name": "off",
                "control": {
                    "condition": {
                        "and": [
                            {
                                "selector": {"path": "input"},
                                "evaluator": {"name": "regex", "config": {"pattern": "x"}},
                            },
                            {
                                "not": {
                                    "selector": {"path": "*"},
                                    "evaluator": {"name": "list", "config": {"values": ["a"]}},
                                }
                            },
                        ]
                    },
                    "enabled": False,
                    "execution": "server",
                    "scope": {"step_types": ["llm"]},
                    "action": {"decision": "steer", "steering_context": {"message": "ask"}},
                    "tags": [],
                },
            },
            {
                "id": controls["on"].id,
                "name": "on",
                "control": {
                    "condition": {
                        "selector": {"path": "input"},
                        "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
                    },
                    "enabled": True,
                    "execution": "server",
                    "scope": {},
                    "action": {"decision": "deny"},
                    "tags": [],
                },
            },
        ]
    }


@pytest.mark.parametrize(
    ("rendered", "enabled", "expected"),
    [
        ("rendered", "enabled", ["on"]),
        ("rendered", "all", ["off", "on"]),
        ("rendered", "disabled", ["off"]),
        ("unrendered", "all", ["draft"]),
        ("unrendered", "enabled", []),
        ("all", "disabled", ["draft", "off"]),
        ("all", "all", ["draft", "off", "on"]),
    ],
)
def test_state_filters_intersect(api, controls, rendered, enabled, expected):
    response = api.get(URL, rendered_state=rendered, enabled_state=enabled)
    assert [c["name"] for c in response.json()["controls"]] == expected


def test_invalid_state_is_422(api, controls):
    assert error(api.get(URL, enabled_state="on")) == {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Request validation failed with 1 error(s)",
        "errors": [
            {
                "resource": "Request",
                "field": "query.enabled_state",
                "code": "literal_error",
                "message": "Input should be 'enabled', 'disabled' or 'all'",
                "value": "[REDACTED]",
            }
        ],
    }


@pytest.mark.parametrize(
    ("given", "field"),
    [({"target_type": "env"}, "target_id"), ({"target_id": "prod"}, "target_type")],
)
def test_half_a_target_pair_is_400(api, controls, given, field):
    assert error(api.get(URL, **given)) == {
        "status": 400,
        "error_code": "VALIDATION_ERROR",
        "detail": "target_type and target_id must be supplied together.",
        "errors": [
            {
                "resource": "AgentControls",
                "field": field,
                "code": "missing_target_pair",
                "message": "target_type and target_id must be supplied together.",
            }
        ],
    }


def test_a_target_without_bindings_adds_nothing(api, controls):
    assert api.get(URL, target_type="env", target_id="prod").json() == api.get(URL).json()


def test_empty_target_part_is_422(api, controls):
    assert (
        error(api.get(URL, target_type="env", target_id=""))["errors"][0]["field"]
        == "query.target_id"
    )


def test_agent_without_controls_has_an_empty_list(api, register):
    register()
    assert api.get(URL).json() == {"controls": []}


def test_missing_agent_is_404(api):
    response = api.get(URL)
    assert error(response) == {
        "status": 404,
        "error_code": "AGENT_NOT_FOUND",
        "detail": "Agent with name 'support-bot-01' not found",
        "errors": None,
    }
    assert (
        response.json()["hint"]
        == "Verify the agent name is correct and the agent has been registered."
    )


def test_path_name_is_normalised_and_validated(api, controls):
    assert len(api.get("/api/v1/agents/SUPPORT-BOT-01/controls").json()["controls"]) == 3
    assert api.get("/api/v1/agents/bad/controls").status_code == 422


def test_one_corrupted_control_poisons_the_list_even_if_filtered_out(api, controls):
    execute_as_system(
        "UPDATE policies_control SET data = %s WHERE id = %s",
        ['{"execution": "server"}', controls["off"].id],
    )
    response = api.get(URL, enabled_state="enabled")
    assert error(response) == {
        "status": 422,
        "error_code": "CORRUPTED_DATA",
        "detail": "Control 'off' has corrupted data",
        "errors": [
            {
                "resource": "Control",
                "field": "data.condition",
                "code": "missing",
                "message": "Field required",
            },
            {
                "resource": "Control",
                "field": "data.action",
                "code": "missing",
                "message": "Field required",
            },
        ],
    }
    assert (
        response.json()["hint"]
        == f"Update the control data using PUT /api/v1/controls/{controls['off'].id}/data."
    )


def _attach_controls(register, count: int, policies: int) -> None:
    register()
    policy_rows = [make_policy("default-tenant", f"p{i}") for i in range(policies)]
    for index in range(count):
        control = make_control("default-tenant", f"c{index}")
        fill_policy("default-tenant", policy_rows[index % policies], [control])
    attach("default-tenant", "support-bot-01", policies=policy_rows)


@pytest.mark.parametrize(("count", "policies"), [(1, 1), (50, 10)])
def test_two_queries_whatever_the_number_of_controls(
    api, register, count, policies, django_assert_num_queries
):
    _attach_controls(register, count, policies)
    with django_assert_num_queries(2):  # the agent, its effective controls
        response = api.get(URL, rendered_state="rendered", enabled_state="enabled")
    assert len(response.json()["controls"]) == count
