"""Template-backed controls through the control endpoints: create, read, replace data, validate,
and what ``Control.data`` stores (rendered controls keep their template and resolved values;
drafts keep only what the caller sent and are disabled)."""

import pytest

from policies.models import Control
from tests.policies.control_helpers import CONTROLS, VALIDATE, create, stored, versions
from tests.policies.templates.payloads import (
    RENDER,
    draft_input,
    list_input,
    regex_input,
    rendered_regex,
)
from tests.reference_errors import error

pytestmark = pytest.mark.django_db

STORED_RENDERED = {
    "description": "Template-backed control",
    "execution": "server",
    "scope": {"step_names": ["templated-step"], "stages": ["pre"]},
    "condition": {
        "selector": {"path": "input"},
        "evaluator": {"name": "regex", "config": {"pattern": "hello"}},
    },
    "action": {"decision": "deny"},
    "tags": ["template"],
    "enabled": True,
    "template": regex_input()["template"],
    "template_values": {"pattern": "hello", "step_name": "templated-step"},
}


def data_of(api, control_id):
    response = api.get(f"{CONTROLS}/{control_id}/data")
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_create_stores_the_rendered_control_with_its_template(api):
    control_id = create(api, "templated", regex_input())
    assert stored(control_id).data == STORED_RENDERED
    assert data_of(api, control_id) == rendered_regex()
    assert versions(control_id) == [(1, "created", "Initial creation")]


def test_get_control_shows_the_template_with_every_null(api):
    control_id = create(api, "templated", regex_input())
    body = api.get(f"{CONTROLS}/{control_id}").json()
    assert (body["id"], body["name"], body["cloned_from_control_id"]) == (
        control_id,
        "templated",
        None,
    )
    assert body["data"]["template"]["parameters"]["pattern"] == {
        "label": "Pattern",
        "description": None,
        "required": True,
        "ui_hint": None,
        "type": "regex_re2",
        "default": None,
        "placeholder": None,
    }
    assert body["data"]["template_values"] == {"pattern": "hello", "step_name": "templated-step"}


def test_create_with_defaults_only_stores_the_resolved_defaults(api):
    control_id = create(api, "words", list_input())
    defaults = {"values": ["secret", "blocked"], "logic": "any", "case_sensitive": False}
    data = data_of(api, control_id)
    assert (data["template_values"], data["condition"]["evaluator"]["config"]) == (
        defaults,
        defaults,
    )


def test_a_failed_create_stores_nothing(api):
    response = api.put(CONTROLS, {"name": "bad", "data": regex_input({"pattern": "["})})
    assert error(response)["error_code"] == "TEMPLATE_PARAMETER_INVALID"
    assert not Control.all_tenants.exists()


def test_a_taken_name_wins_over_template_errors(api):
    create(api, "taken")
    response = api.put(CONTROLS, {"name": "taken", "data": regex_input({"pattern": "["})})
    assert (response.status_code, response.json()["error_code"]) == (409, "CONTROL_NAME_CONFLICT")


@pytest.mark.parametrize("route", ["create", "validate"])
def test_mixing_template_and_raw_fields_is_a_validation_error(api, route):
    data = {**regex_input(), "execution": "server", "tags": ["x"]}
    if route == "create":
        response = api.put(CONTROLS, {"name": "mixed", "data": data})
    else:
        response = api.post(VALIDATE, {"data": data})
    assert error(response)["errors"] == [
        {
            "resource": "Control",
            "field": "data",
            "code": "value_error",
            "message": "Value error, Template-backed control input cannot mix template fields "
            "with rendered control fields. Remove raw fields: execution, tags.",
            "value": "[REDACTED]",
        }
    ]


def test_template_input_refuses_unknown_keys(api):
    response = api.put(CONTROLS, {"name": "extra", "data": {**regex_input(), "bogus": 1}})
    assert [(e["field"], e["code"]) for e in error(response)["errors"]] == [
        ("data.bogus", "extra_forbidden")
    ]


def test_a_draft_is_stored_disabled_with_only_what_was_sent(api):
    control_id = create(api, "draft", draft_input())
    template = draft_input()["template"]
    assert stored(control_id).data == {
        "template": template,
        "template_values": {},
        "enabled": False,
    }
    assert data_of(api, control_id) == {
        "template": {
            **template,
            "parameters": {"pattern": {"label": "Pattern", "required": True, "type": "regex_re2"}},
        },
        "template_values": {},
        "enabled": False,
    }
    body = api.get(f"{CONTROLS}/{control_id}").json()["data"]
    assert (body["enabled"], "condition" in body) == (False, False)


def test_a_draft_without_a_values_key_is_created(api):
    data = draft_input()
    del data["template_values"]
    control_id = create(api, "draft", data)
    assert stored(control_id).data["template_values"] == {}


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"nonexistent": "x"}, "unknown_parameter", "template_values.nonexistent"),
        ({"pattern": ["a"]}, "invalid_type", "template_values.pattern"),
    ],
)
def test_a_draft_checks_the_values_it_has(api, values, code, field):
    data = {**draft_input(), "template_values": values}
    data["template"]["parameters"]["other"] = {"type": "string", "label": "Other"}
    data["template"]["definition_template"]["description"] = {"$param": "other"}
    response = error(api.put(CONTROLS, {"name": "draft", "data": data}))
    assert response["error_code"] == "TEMPLATE_PARAMETER_INVALID"
    assert [(e["field"], e["code"]) for e in response["errors"]] == [(field, code)]


def test_a_draft_checks_the_template_structure(api):
    data = draft_input()
    data["template"]["parameters"]["unused"] = {"type": "string", "label": "Unused"}
    response = error(api.put(CONTROLS, {"name": "draft", "data": data}))
    assert (response["error_code"], response["errors"][0]["code"]) == (
        "TEMPLATE_RENDER_ERROR",
        "unused_template_parameter",
    )


def test_validate_accepts_a_draft_and_checks_complete_values(api):
    assert api.post(VALIDATE, {"data": draft_input()}).json() == {"success": True}
    assert api.post(VALIDATE, {"data": list_input()}).json() == {"success": True}
    bad = error(api.post(VALIDATE, {"data": regex_input({"pattern": "["})}))
    assert (bad["error_code"], bad["errors"][0]["code"]) == (
        "TEMPLATE_PARAMETER_INVALID",
        "invalid_regex",
    )
    broken = draft_input()
    broken["template"]["definition_template"]["condition"]["selector"] = {"$param": "nope"}
    assert error(api.post(VALIDATE, {"data": broken}))["error_code"] == "TEMPLATE_RENDER_ERROR"
    assert not Control.all_tenants.exists()


def test_set_data_renders_new_values_and_keeps_the_enabled_flag(api):
    control_id = create(api, "templated", regex_input())
    api.patch(f"{CONTROLS}/{control_id}", {"enabled": False})
    new = regex_input({"pattern": "world", "step_name": "updated-step"})
    assert api.put(f"{CONTROLS}/{control_id}/data", {"data": new}).json() == {"success": True}
    assert data_of(api, control_id) == rendered_regex("world", "updated-step", enabled=False)
    assert versions(control_id)[-1] == (3, "updated", "Edited")


def test_the_preview_equals_what_set_data_stores(api):
    control_id = create(api, "templated", regex_input())
    new = regex_input({"pattern": "world"})
    preview = api.post(RENDER, new).json()["control"]
    api.put(f"{CONTROLS}/{control_id}/data", {"data": new})
    assert data_of(api, control_id) == preview


def test_set_data_may_switch_to_another_template(api):
    control_id = create(api, "templated", regex_input())
    assert api.put(f"{CONTROLS}/{control_id}/data", {"data": list_input()}).status_code == 200
    data = stored(control_id).data
    assert (data["template"]["description"], data["condition"]["evaluator"]["name"]) == (
        "Blocked words template",
        "list",
    )


def test_set_data_turns_a_raw_control_into_a_template_keeping_disabled(api):
    control_id = create(api, "raw")
    api.patch(f"{CONTROLS}/{control_id}", {"enabled": False})
    assert api.put(f"{CONTROLS}/{control_id}/data", {"data": regex_input()}).status_code == 200
    assert stored(control_id).data == {**STORED_RENDERED, "enabled": False}


def test_set_data_enables_when_the_stored_flag_is_missing(api):
    control_id = create(api, "templated", regex_input())
    row = stored(control_id)
    Control.all_tenants.filter(pk=control_id).update(
        data={k: v for k, v in row.data.items() if k != "enabled"}
    )
    api.put(f"{CONTROLS}/{control_id}/data", {"data": regex_input({"pattern": "x"})})
    assert stored(control_id).data["enabled"] is True


@pytest.mark.parametrize("start", ["raw", "rendered"])
def test_a_control_with_a_condition_never_turns_back_into_a_draft(api, start):
    control_id = create(api, "c", regex_input() if start == "rendered" else None)
    before = stored(control_id).data
    response = error(api.put(f"{CONTROLS}/{control_id}/data", {"data": draft_input()}))
    assert (response["error_code"], response["errors"][0]["code"]) == (
        "TEMPLATE_PARAMETER_INVALID",
        "missing_parameter",
    )
    assert stored(control_id).data == before


def test_a_failed_update_leaves_the_row_unchanged(api):
    control_id = create(api, "templated", regex_input())
    before = data_of(api, control_id)
    response = api.put(f"{CONTROLS}/{control_id}/data", {"data": regex_input({"pattern": "["})})
    assert error(response)["error_code"] == "TEMPLATE_PARAMETER_INVALID"
    assert data_of(api, control_id) == before
    assert len(versions(control_id)) == 1


def test_a_draft_renders_once_its_values_are_complete_and_stays_disabled(api):
    control_id = create(api, "draft", draft_input())
    still = {**draft_input(), "template_values": {}}
    assert api.put(f"{CONTROLS}/{control_id}/data", {"data": still}).status_code == 200
    assert "condition" not in stored(control_id).data
    complete = {**draft_input(), "template_values": {"pattern": "hello"}}
    assert api.put(f"{CONTROLS}/{control_id}/data", {"data": complete}).status_code == 200
    data = data_of(api, control_id)
    assert (data["condition"]["evaluator"]["config"], data["enabled"]) == (
        {"pattern": "hello"},
        False,
    )


@pytest.mark.parametrize("template", [regex_input, draft_input])
def test_raw_data_for_a_template_backed_control_is_a_conflict(api, template):
    control_id = create(api, "templated", template())
    response = api.put(f"{CONTROLS}/{control_id}/data", {"data": stored(create(api)).data})
    assert (response.status_code, response.json()["error_code"]) == (
        409,
        "CONTROL_TEMPLATE_CONFLICT",
    )
