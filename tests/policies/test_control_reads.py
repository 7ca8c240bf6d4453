"""``GET /controls/{id}`` (every field, ``null``s included) and ``GET /controls/{id}/data`` (the
definition without ``null``s, round-tripped exactly)."""

import pytest

from tests.definitions import definition, leaf
from tests.policies.control_helpers import CONTROLS, create

pytestmark = pytest.mark.django_db


NULL_SCOPE = {"step_types": None, "step_names": None, "step_name_regex": None, "stages": None}


# ---- GET /controls/{id} -----------------------------------------------------------------------


def test_get_control_includes_every_field_with_nulls(api):
    control_id = create(api, data=definition(leaf(path=None)))
    response = api.get(f"{CONTROLS}/{control_id}")
    assert response.status_code == 200
    assert response.json() == {
        "id": control_id,
        "name": "block-ssn",
        "cloned_from_control_id": None,
        "data": {
            "condition": {
                "selector": {"path": "*"},
                "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
                "and": None,
                "or": None,
                "not": None,
            },
            "description": None,
            "enabled": True,
            "execution": "server",
            "scope": NULL_SCOPE,
            "action": {"decision": "deny", "steering_context": None},
            "tags": [],
            "template": None,
            "template_values": None,
        },
    }


def test_get_control_nested_nulls_in_composite_conditions(api):
    control_id = create(api, data=definition({"not": leaf()}))
    condition = api.get(f"{CONTROLS}/{control_id}").json()["data"]["condition"]
    assert condition == {
        "selector": None,
        "evaluator": None,
        "and": None,
        "or": None,
        "not": {
            "selector": {"path": "input"},
            "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
            "and": None,
            "or": None,
            "not": None,
        },
    }


# ---- GET /controls/{id}/data ------------------------------------------------------------------


def test_get_data_returns_the_definition_without_nulls(api):
    control_id = create(api, data=definition(leaf(path=None)))
    response = api.get(f"{CONTROLS}/{control_id}/data")
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "condition": {
                "selector": {"path": "*"},
                "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
            },
            "enabled": True,
            "execution": "server",
            "scope": {},
            "action": {"decision": "deny"},
            "tags": [],
        }
    }


def test_get_data_round_trips_a_full_definition(api):
    data = definition(
        {
            "or": [
                leaf(),
                {"and": [leaf(path="output"), leaf("list", {"values": ["x"]}, "context.u")]},
            ]
        },
        description="d",
        enabled=False,
        scope={"step_types": ["llm"], "stages": ["pre", "post"], "step_name_regex": "^chat"},
        action={"decision": "steer", "steering_context": {"message": "m"}},
        tags=["a", "b"],
    )
    control_id = create(api, data=data)
    assert api.get(f"{CONTROLS}/{control_id}/data").json() == {"data": data}
