"""``PUT /controls/{id}/data`` and ``PATCH /controls/{id}`` (scenario 7): the new definition, name or
enabled flag in one version per change, 409 for a used name or a template-backed row, 422 for
bad values and for enabling an unrendered template."""

import pytest

from policies.models import Control, ControlVersion
from tests.definitions import definition, leaf
from tests.factories import make_control
from tests.policies.control_helpers import CONTROLS, create, stored, versions
from tests.reference_errors import control_name_conflict, problem

pytestmark = pytest.mark.django_db


# ---- PUT /controls/{id}/data ----------------------------------------------------------------


def test_set_data_replaces_the_definition_and_records_an_edit(api):
    control_id = create(api, data=definition(tags=["old"], enabled=False))
    new = definition(leaf("list", {"values": ["a"]}, "output"), action={"decision": "observe"})
    response = api.put(f"{CONTROLS}/{control_id}/data", {"data": new})
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert stored(control_id).data == {**new, "enabled": True}
    assert versions(control_id) == [(1, "created", "Initial creation"), (2, "updated", "Edited")]
    snapshot = ControlVersion.all_tenants.get(control_id=control_id, version_num=2).snapshot
    assert snapshot["data"] == {**new, "enabled": True}


def test_set_data_on_a_template_backed_row_is_409(api):
    control = make_control(
        "default-tenant",
        "drafted",
        {"template": {"parameters": {}}, "template_values": {}, "enabled": False},
    )
    path = f"{CONTROLS}/{control.pk}/data"
    response = api.put(path, {"data": definition()})
    assert response.status_code == 409
    errors = [
        {
            "resource": "Control",
            "field": "data",
            "code": "template_backed_control_conflict",
            "message": "Template-backed controls must be updated with template input.",
        }
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-template-conflict",
        "title": "Control Template Conflict",
        "status": 409,
        "detail": "Template-backed controls cannot be updated with raw control data in v1",
        "instance": path,
        "error_code": "CONTROL_TEMPLATE_CONFLICT",
        "kind": "Status",
        "api_version": "v1",
        "reason": "Conflict",
        "errors": errors,
        "details": {"name": str(control.pk), "kind": "Control", "causes": errors},
        "hint": "Submit template input to update this control, or delete and recreate it as a "
        "raw control.",
    }


def test_set_data_ignores_a_tenant_id_in_the_payload(api):
    control_id = create(api, tenant="acme")
    body = {"tenant_id": "globex", "data": definition(tenant_id="globex")}
    assert api.put(f"{CONTROLS}/{control_id}/data", body, tenant="acme").status_code == 200
    assert stored(control_id).tenant_id == "acme"
    assert "tenant_id" not in stored(control_id).data


# ---- PATCH /controls/{id} --------------------------------------------------------------------


def test_patch_renames_and_disables_in_one_version(api):
    control_id = create(api)
    response = api.patch(f"{CONTROLS}/{control_id}", {"name": " renamed ", "enabled": False})
    assert (response.status_code, response.json()) == (
        200,
        {"success": True, "name": "renamed", "enabled": False},
    )
    row = stored(control_id)
    assert (row.name, row.data["enabled"]) == ("renamed", False)
    assert versions(control_id) == [(1, "created", "Initial creation"), (2, "updated", "Edited")]
    snapshot = ControlVersion.all_tenants.get(control_id=control_id, version_num=2).snapshot
    assert (snapshot["name"], snapshot["data"]["enabled"]) == ("renamed", False)


def test_patch_without_changes_records_nothing(api):
    control_id = create(api)
    for body in ({}, {"enabled": True}, {"name": "block-ssn"}, {"name": None, "enabled": None}):
        response = api.patch(f"{CONTROLS}/{control_id}", body)
        assert response.json() == {"success": True, "name": "block-ssn", "enabled": True}
    assert versions(control_id) == [(1, "created", "Initial creation")]


def test_patch_enable_sets_the_flag_on_a_row_without_one(api):
    control = make_control("default-tenant", "legacy", definition())
    response = api.patch(f"{CONTROLS}/{control.pk}", {"enabled": False})
    assert response.json() == {"success": True, "name": "legacy", "enabled": False}
    assert stored(control.pk).data == {**definition(), "enabled": False}


def test_patch_rename_to_a_used_name_is_409(api):
    create(api, "taken")
    control_id = create(api, "mine")
    path = f"{CONTROLS}/{control_id}"
    response = api.patch(path, {"name": "taken", "enabled": False})
    assert response.status_code == 409
    assert problem(response) == control_name_conflict("taken", path)
    row = stored(control_id)
    assert (row.name, row.data["enabled"]) == ("mine", True)
    assert versions(control_id) == [(1, "created", "Initial creation")]


def test_patch_rename_to_a_deleted_controls_name_is_allowed(api):
    old = create(api, "taken")
    api.delete(f"{CONTROLS}/{old}")
    control_id = create(api, "mine")
    assert api.patch(f"{CONTROLS}/{control_id}", {"name": "taken"}).json()["name"] == "taken"


def test_patch_rename_to_a_name_used_in_another_tenant_is_allowed(api):
    create(api, "taken", tenant="globex")
    control_id = create(api, "mine", tenant="acme")
    response = api.patch(f"{CONTROLS}/{control_id}", {"name": "taken"}, tenant="acme")
    assert response.json() == {"success": True, "name": "taken", "enabled": True}


def test_patch_rename_race_is_409_not_500(api, monkeypatch):
    from policies.services import controls as services

    create(api, "taken")
    control_id = create(api, "mine")
    monkeypatch.setattr(services, "control_name_taken", lambda *a, **k: False)
    response = api.patch(f"{CONTROLS}/{control_id}", {"name": "taken"})
    assert response.status_code == 409
    assert response.json()["error_code"] == "CONTROL_NAME_CONFLICT"


def test_patch_bad_values_are_422(api):
    control_id = create(api)
    response = api.patch(f"{CONTROLS}/{control_id}", {"enabled": "maybe", "name": ""})
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [
        ("name", "too_short"),
        ("enabled", "bool_parsing"),
    ]


def test_patch_enabling_an_unrendered_template_is_422(api):
    draft = {
        "template": {"parameters": {}, "definition_template": {}},
        "template_values": {},
        "enabled": False,
    }
    control = make_control("default-tenant", "drafted", draft)
    path = f"{CONTROLS}/{control.pk}"
    response = api.patch(path, {"enabled": True})
    assert response.status_code == 422
    body = problem(response)
    assert (body["error_code"], body["detail"]) == (
        "VALIDATION_ERROR",
        "Cannot enable control 'drafted': unrendered template controls must be rendered first",
    )
    assert body["errors"] == [
        {
            "resource": "Control",
            "field": "enabled",
            "code": "unrendered_template_cannot_enable",
            "message": "Provide parameter values to render the template before enabling.",
        }
    ]
    assert api.patch(path, {"enabled": False}).json() == {
        "success": True,
        "name": "drafted",
        "enabled": False,
    }
    assert Control.all_tenants.get(pk=control.pk).data == draft
