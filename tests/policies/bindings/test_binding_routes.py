"""The eight ``/api/v1/control-bindings`` routes: create, read, browse, enable/disable and delete
by id, and upsert / update / delete by natural key ``(target_type, target_id, control_id)``."""

import pytest

from policies.models import ControlBinding
from tests.factories import make_control, soft_delete
from tests.policies.bindings.binding_helpers import (
    BINDINGS,
    BY_KEY,
    DELETE_BY_KEY,
    bind,
    key,
    rows,
)
from tests.policies.control_helpers import create
from tests.policies.templates.payloads import draft_input
from tests.reference_errors import error, problem

pytestmark = pytest.mark.django_db

ISO_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"


def test_create_then_read_a_binding(api):
    control_id = create(api)
    binding_id = bind(api, control_id)
    body = api.get(f"{BINDINGS}/{binding_id}").json()
    created_at, updated_at = body.pop("created_at"), body.pop("updated_at")
    assert body == {
        "id": binding_id,
        "namespace_key": "default-tenant",
        "target_type": "env",
        "target_id": "prod",
        "control_id": control_id,
        "enabled": True,
    }
    assert created_at == updated_at
    assert created_at.endswith("Z")
    assert rows() == [("default-tenant", "env", "prod", control_id, True)]


def test_targets_are_stored_verbatim_and_unknown_keys_ignored(api):
    control_id = create(api)
    bind(api, control_id, " Env ", "Prod ", enabled=False, bogus=1)
    assert rows() == [("default-tenant", " Env ", "Prod ", control_id, False)]


def test_a_draft_control_can_be_bound(api):
    bind(api, create(api, "draft", draft_input()))
    assert len(rows()) == 1


def test_a_duplicate_natural_key_is_a_conflict(api):
    control_id = create(api)
    bind(api, control_id, enabled=False)
    response = api.put(BINDINGS, key(control_id))
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-binding-conflict",
        "title": "Control Binding Already Exists",
        "status": 409,
        "detail": "A binding for this (target_type, target_id, control_id) already exists in "
        "this namespace.",
        "instance": BINDINGS,
        "error_code": "CONTROL_BINDING_CONFLICT",
        "kind": "Status",
        "api_version": "v1",
        "reason": "Conflict",
        "details": {"kind": "ControlBinding"},
        "hint": "Update the existing binding instead of creating a new one.",
    }
    assert len(rows()) == 1


@pytest.mark.parametrize("route", ["create", "upsert"])
@pytest.mark.parametrize("state", ["missing", "deleted"])
def test_binding_needs_an_active_control(api, route, state):
    control_id = 999999
    if state == "deleted":
        control = make_control("default-tenant")
        soft_delete(control)
        control_id = control.pk
    response = api.put(BINDINGS if route == "create" else BY_KEY, key(control_id))
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-not-found",
        "title": "Control Not Found",
        "status": 404,
        "detail": f"Control with ID '{control_id}' not found",
        "instance": BINDINGS if route == "create" else BY_KEY,
        "error_code": "CONTROL_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "NotFound",
        "details": {"name": str(control_id), "kind": "Control"},
        "hint": "Verify the control ID, that it has not been deleted, and that it belongs to the "
        "same namespace as the binding.",
    }
    assert rows() == []


@pytest.mark.parametrize("route", [BINDINGS, BY_KEY])
def test_an_agent_scoped_evaluator_cannot_be_bound(api, route):
    condition = {
        "and": [
            {"selector": {"path": "input"}, "evaluator": {"name": "bot-b:two", "config": {}}},
            {"selector": {"path": "input"}, "evaluator": {"name": "bot-a:one", "config": {}}},
        ]
    }
    data = {"execution": "server", "condition": condition, "action": {"decision": "deny"}}
    control = make_control("default-tenant", "scoped", data)
    response = api.put(route, key(control.pk))
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-binding-incompatible",
        "title": "Control Binding Incompatible",
        "status": 400,
        "detail": "Control 'scoped' references agent-scoped evaluator(s) ['bot-a:one', "
        "'bot-b:two'] and cannot be attached to a target binding.",
        "instance": route,
        "error_code": "CONTROL_BINDING_INCOMPATIBLE",
        "kind": "Status",
        "api_version": "v1",
        "reason": "BadRequest",
        "hint": "Use a control whose evaluators are all global (built-in or external), or attach "
        "this control directly to the specific agent that registered the evaluator.",
    }


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"target_id": None}, "target_id", "string_type"),
        ({"target_type": ""}, "target_type", "string_too_short"),
        ({"target_id": "x" * 256}, "target_id", "string_too_long"),
        ({"control_id": 0}, "control_id", "greater_than"),
    ],
)
def test_create_validates_the_body(api, change, field, code):
    response = api.put(BINDINGS, {**key(1), **change})
    assert [(e["field"], e["code"]) for e in error(response)["errors"]] == [(field, code)]


def test_unknown_and_malformed_ids(api):
    response = api.get(f"{BINDINGS}/999999")
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-binding-not-found",
        "title": "Control Binding Not Found",
        "status": 404,
        "detail": "Control binding with ID '999999' not found",
        "instance": f"{BINDINGS}/999999",
        "error_code": "CONTROL_BINDING_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "NotFound",
        "details": {"name": "999999", "kind": "ControlBinding"},
        "hint": "Verify the binding ID and that it belongs to this namespace.",
    }
    for method in ("patch", "delete"):
        body = {"enabled": False} if method == "patch" else None
        answered = api.request(method, f"{BINDINGS}/999999", body)
        assert error(answered)["error_code"] == "CONTROL_BINDING_NOT_FOUND"
    for method in ("get", "delete"):
        for path in (f"{BINDINGS}/abc", BY_KEY):
            errors = error(api.request(method, path))["errors"]
            assert [(e["field"], e["code"]) for e in errors] == [("path.binding_id", "int_parsing")]
        huge = api.request(method, f"{BINDINGS}/{2**70}")
        assert error(huge)["error_code"] == "CONTROL_BINDING_NOT_FOUND"


def test_patch_toggles_enabled_and_touches_updated_at_only_on_change(api):
    binding_id = bind(api, create(api))
    before = api.get(f"{BINDINGS}/{binding_id}").json()["updated_at"]
    same = api.patch(f"{BINDINGS}/{binding_id}", {"enabled": True})
    assert same.json() == {"success": True, "enabled": True}
    assert api.get(f"{BINDINGS}/{binding_id}").json()["updated_at"] == before
    changed = api.patch(f"{BINDINGS}/{binding_id}", {"enabled": False})
    assert changed.json() == {"success": True, "enabled": False}
    after = api.get(f"{BINDINGS}/{binding_id}").json()
    assert (after["enabled"], after["updated_at"] > before) == (False, True)


@pytest.mark.parametrize(("body", "code"), [({}, "missing"), ({"enabled": None}, "bool_type")])
def test_patch_needs_a_boolean(api, body, code):
    binding_id = bind(api, create(api))
    response = api.patch(f"{BINDINGS}/{binding_id}", body)
    assert [(e["field"], e["code"]) for e in error(response)["errors"]] == [("enabled", code)]


def test_delete_removes_the_binding_once(api):
    binding_id = bind(api, create(api))
    assert api.delete(f"{BINDINGS}/{binding_id}").json() == {"success": True}
    assert error(api.get(f"{BINDINGS}/{binding_id}"))["status"] == 404
    assert error(api.delete(f"{BINDINGS}/{binding_id}"))["status"] == 404


def test_upsert_creates_then_updates_in_place(api):
    control_id = create(api)
    first = api.put(BY_KEY, key(control_id)).json()
    assert (first["created"], first["enabled"]) == (True, True)
    created_at = api.get(f"{BINDINGS}/{first['binding_id']}").json()["updated_at"]
    second = api.put(BY_KEY, key(control_id, enabled=False)).json()
    assert second == {"binding_id": first["binding_id"], "created": False, "enabled": False}
    assert api.get(f"{BINDINGS}/{first['binding_id']}").json()["updated_at"] > created_at
    again = api.put(BY_KEY, key(control_id)).json()  # enabled defaults to true
    assert again == {"binding_id": first["binding_id"], "created": False, "enabled": True}
    assert len(rows()) == 1


def test_upsert_losing_an_insert_race_updates_the_winner(api, monkeypatch):
    from policies.services import bindings

    control_id = create(api)
    winner = bind(api, control_id)
    real_by_key = bindings._by_key
    calls = []

    def blind_first_lookup(request):
        calls.append(1)
        found = real_by_key(request)
        return found.none() if len(calls) == 1 else found

    monkeypatch.setattr(bindings, "_by_key", blind_first_lookup)
    assert api.put(BY_KEY, key(control_id, enabled=False)).json() == {
        "binding_id": winner,
        "created": False,
        "enabled": False,
    }


def test_patch_by_key_updates_but_never_creates(api):
    control_id = create(api)
    bind(api, control_id)
    assert api.patch(BY_KEY, key(control_id, enabled=False)).json() == {
        "success": True,
        "enabled": False,
    }
    response = api.patch(BY_KEY, key(control_id, target_id="dev", enabled=True))
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-binding-not-found",
        "title": "Control Binding Not Found",
        "status": 404,
        "detail": "Control binding not found for the supplied (target_type, target_id, "
        "control_id).",
        "instance": BY_KEY,
        "error_code": "CONTROL_BINDING_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "NotFound",
        "details": {"kind": "ControlBinding"},
        "hint": "Verify the target and control IDs, or attach the control before updating the "
        "binding.",
    }
    assert rows() == [("default-tenant", "env", "prod", control_id, False)]
    missing = error(api.patch(BY_KEY, key(control_id)))["errors"]
    assert [(e["field"], e["code"]) for e in missing] == [("enabled", "missing")]


def test_delete_by_key_is_idempotent_and_checks_no_control(api):
    control_id = create(api)
    bind(api, control_id)
    assert api.post(DELETE_BY_KEY, key(control_id, enabled=True)).json() == {"deleted": True}
    assert api.post(DELETE_BY_KEY, key(control_id)).json() == {"deleted": False}
    assert api.post(DELETE_BY_KEY, key(999999)).json() == {"deleted": False}
    assert not ControlBinding.all_tenants.exists()
