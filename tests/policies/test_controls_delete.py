"""``DELETE /controls/{id}`` (soft delete, ``CONTROL_IN_USE``, ``force``) and the version
history endpoints (scenario 19)."""

import pytest

from agents.models import AgentControl
from policies.models import Control, ControlVersion, PolicyControl
from tests.definitions import definition
from tests.factories import make_agent, make_policy
from tests.policies.control_helpers import CONTROLS, create, stored
from tests.reference_errors import control_not_found, path_id_error, problem, validation_problem

pytestmark = pytest.mark.django_db

NOTHING_DISSOCIATED = {
    "success": True,
    "dissociated_from": [],
    "dissociated_from_policies": [],
    "dissociated_from_agents": [],
    "detached_target_bindings": [],
}


@pytest.fixture
def in_use(api):
    """Control ``c`` linked to policies p1, p2 and directly to two agents (plus an agent that
    only uses it through p1, which is not a direct link)."""
    control = Control.all_tenants.get(pk=create(api, "block-ssn"))
    p1, p2 = make_policy("default-tenant", "p1"), make_policy("default-tenant", "p2")
    control.policies.add(p2, p1)
    make_agent("default-tenant", "zed-bot-001").controls.add(control)
    make_agent("default-tenant", "alpha-bot-01").controls.add(control)
    make_agent("default-tenant", "policy-bot-01").policies.add(p1)
    return control, sorted([p1.pk, p2.pk])


def test_delete_unlinked_control_soft_deletes_it(api):
    control_id = create(api)
    response = api.delete(f"{CONTROLS}/{control_id}")
    assert (response.status_code, response.json()) == (200, NOTHING_DISSOCIATED)
    row = stored(control_id)
    assert row.deleted_at is not None
    version = ControlVersion.all_tenants.get(control_id=control_id, version_num=2)
    assert (version.event_type, version.note) == ("deleted", "Deleted")
    assert version.snapshot == {
        "name": "block-ssn",
        "data": row.data,
        "deleted_at": row.deleted_at.isoformat(),
        "cloned_from_control_id": None,
        "cloned_control_id": None,
    }


def test_delete_in_use_control_is_409_with_one_error_per_link(api, in_use):
    control, policy_ids = in_use
    path = f"{CONTROLS}/{control.pk}"
    response = api.delete(path)
    assert response.status_code == 409
    errors = [
        {
            "resource": "Policy",
            "field": "controls",
            "code": "control_in_use",
            "message": f"Control is associated with policy ID {policy_id}",
            "value": policy_id,
        }
        for policy_id in policy_ids
    ] + [
        {
            "resource": "Agent",
            "field": "controls",
            "code": "control_in_use",
            "message": f"Control is directly associated with agent '{name}'",
            "value": "[REDACTED]",
        }
        for name in ("alpha-bot-01", "zed-bot-001")
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-in-use",
        "title": "Control In Use",
        "status": 409,
        "detail": "Control 'block-ssn' is associated with 2 policy/policies, 2 agent(s), and 0 "
        "target binding(s)",
        "instance": path,
        "error_code": "CONTROL_IN_USE",
        "kind": "Status",
        "api_version": "v1",
        "reason": "Conflict",
        "errors": errors,
        "details": {"name": "block-ssn", "kind": "Control", "causes": errors},
        "hint": "Use force=true to dissociate and delete, or remove associations and target "
        "bindings manually first.",
    }
    assert stored(control.pk).deleted_at is None
    assert PolicyControl.all_tenants.count() == 2
    assert AgentControl.all_tenants.count() == 2
    assert ControlVersion.all_tenants.filter(control=control).count() == 1


def test_force_false_is_the_default(api, in_use):
    control, _ = in_use
    assert api.delete(f"{CONTROLS}/{control.pk}", force="false").status_code == 409


def test_force_removes_the_links_then_deletes(api, in_use):
    control, policy_ids = in_use
    response = api.delete(f"{CONTROLS}/{control.pk}", force="true")
    assert (response.status_code, response.json()) == (
        200,
        {
            "success": True,
            "dissociated_from": policy_ids,
            "dissociated_from_policies": policy_ids,
            "dissociated_from_agents": ["alpha-bot-01", "zed-bot-001"],
            "detached_target_bindings": [],
        },
    )
    assert not PolicyControl.all_tenants.exists()
    assert not AgentControl.all_tenants.exists()
    assert stored(control.pk).deleted_at is not None


def test_bad_force_and_bad_id_are_422_together(api):
    path = f"{CONTROLS}/abc"
    response = api.delete(path, force="maybe")
    assert problem(response) == validation_problem(
        path,
        [
            path_id_error(),
            {
                "resource": "Request",
                "field": "query.force",
                "code": "bool_parsing",
                "message": "Input should be a valid boolean, unable to interpret input",
                "value": "[REDACTED]",
            },
        ],
    )


def test_scenario_19_delete_semantics(api, in_use):
    control, _ = in_use
    path = f"{CONTROLS}/{control.pk}"
    assert api.patch(path, {"enabled": False}).status_code == 200
    assert api.delete(path).status_code == 409
    assert api.delete(path, force="true").status_code == 200
    assert problem(api.get(path)) == control_not_found(control.pk, path)
    assert problem(api.delete(path)) == control_not_found(control.pk, path)
    history = api.get(f"{path}/versions")
    assert [(v["version_num"], v["event_type"], v["note"]) for v in history.json()["versions"]] == [
        (3, "deleted", "Deleted"),
        (2, "updated", "Edited"),
        (1, "created", "Initial creation"),
    ]
    reused = create(api, "block-ssn")
    assert reused != control.pk
    assert [s["id"] for s in api.get(CONTROLS).json()["controls"]] == [reused]


def test_another_tenant_cannot_delete(api):
    control_id = create(api, tenant="acme")
    path = f"{CONTROLS}/{control_id}"
    response = api.delete(path, tenant="globex", force="true")
    assert problem(response) == control_not_found(control_id, path)
    assert stored(control_id).deleted_at is None


def test_delete_is_atomic(api, in_use, monkeypatch):
    from policies.services import controls as services

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    control, _ = in_use
    monkeypatch.setattr(services, "append_version", broken)
    response = api.delete(f"{CONTROLS}/{control.pk}", force="true")
    assert (response.status_code, response.json()["error_code"]) == (500, "INTERNAL_ERROR")
    assert stored(control.pk).deleted_at is None
    assert PolicyControl.all_tenants.count() == 2
    assert AgentControl.all_tenants.count() == 2


# ---- versions ---------------------------------------------------------------------------------


@pytest.fixture
def edited(api):
    """A control with five versions: created, three edits, deleted."""
    control_id = create(api)
    path = f"{CONTROLS}/{control_id}"
    api.patch(path, {"name": "renamed"})
    api.put(f"{path}/data", {"data": definition(tags=["x"])})
    api.patch(path, {"enabled": False})
    api.delete(path)
    return control_id


def test_versions_newest_first(api, edited):
    response = api.get(f"{CONTROLS}/{edited}/versions")
    assert response.status_code == 200
    body = response.json()
    created = {
        v.version_num: v.created_at.isoformat()
        for v in ControlVersion.all_tenants.filter(control_id=edited)
    }
    assert body == {
        "versions": [
            {
                "version_num": 5,
                "event_type": "deleted",
                "note": "Deleted",
                "created_at": created[5],
            },
            {"version_num": 4, "event_type": "updated", "note": "Edited", "created_at": created[4]},
            {"version_num": 3, "event_type": "updated", "note": "Edited", "created_at": created[3]},
            {"version_num": 2, "event_type": "updated", "note": "Edited", "created_at": created[2]},
            {
                "version_num": 1,
                "event_type": "created",
                "note": "Initial creation",
                "created_at": created[1],
            },
        ],
        "pagination": {"limit": 20, "total": 5, "next_cursor": None, "has_more": False},
    }
    assert created[1].endswith("+00:00")


def test_versions_cursor(api, edited):
    first = api.get(f"{CONTROLS}/{edited}/versions", limit="2").json()
    assert [v["version_num"] for v in first["versions"]] == [5, 4]
    assert first["pagination"] == {"limit": 2, "total": 5, "next_cursor": "4", "has_more": True}
    second = api.get(f"{CONTROLS}/{edited}/versions", limit="2", cursor="4").json()
    assert [v["version_num"] for v in second["versions"]] == [3, 2]
    assert second["pagination"] == {"limit": 2, "total": 5, "next_cursor": "2", "has_more": True}
    last = api.get(f"{CONTROLS}/{edited}/versions", limit="2", cursor="2").json()
    assert [v["version_num"] for v in last["versions"]] == [1]
    assert last["pagination"]["has_more"] is False


@pytest.mark.parametrize(
    ("limit", "code"), [("0", "greater_than_equal"), ("101", "less_than_equal")]
)
def test_versions_limit_is_checked(api, edited, limit, code):
    response = api.get(f"{CONTROLS}/{edited}/versions", limit=limit)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [("query.limit", code)]


def test_version_snapshots(api, edited):
    path = f"{CONTROLS}/{edited}/versions"
    first = api.get(f"{path}/1").json()
    assert first["snapshot"] == {
        "name": "block-ssn",
        "data": {**definition(), "enabled": True},
        "deleted_at": None,
        "cloned_from_control_id": None,
        "cloned_control_id": None,
    }
    assert (first["version_num"], first["event_type"], first["note"]) == (
        1,
        "created",
        "Initial creation",
    )
    assert set(first) == {"version_num", "event_type", "note", "created_at", "snapshot"}
    last = api.get(f"{path}/5").json()["snapshot"]
    assert (last["name"], last["data"]["tags"], last["data"]["enabled"]) == (
        "renamed",
        ["x"],
        False,
    )
    assert last["deleted_at"] == stored(edited).deleted_at.isoformat()


def test_missing_version_is_404(api, edited):
    path = f"{CONTROLS}/{edited}/versions/9"
    response = api.get(path)
    assert response.status_code == 404
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-version-not-found",
        "title": "Control Version Not Found",
        "status": 404,
        "detail": f"Version '9' for control with ID '{edited}' not found",
        "instance": path,
        "error_code": "CONTROL_VERSION_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "NotFound",
        "details": {"name": f"{edited}:9", "kind": "ControlVersion"},
        "hint": "Verify the control ID and version number are correct.",
    }


@pytest.mark.parametrize("suffix", ["/versions", "/versions/1"])
def test_versions_of_a_missing_control_are_404(api, suffix):
    path = f"{CONTROLS}/999{suffix}"
    assert problem(api.get(path)) == control_not_found(999, path)


@pytest.mark.parametrize("suffix", ["/versions", "/versions/1"])
def test_versions_of_another_tenants_control_are_404(api, suffix):
    control_id = create(api, tenant="acme")
    path = f"{CONTROLS}/{control_id}{suffix}"
    assert api.get(path, tenant="acme").status_code == 200
    assert problem(api.get(path, tenant="globex")) == control_not_found(control_id, path)


def test_non_integer_version_parameters_are_422(api):
    path = f"{CONTROLS}/y/versions/x"
    assert problem(api.get(path)) == validation_problem(
        path, [path_id_error(), path_id_error("version_num")]
    )
    path = f"{CONTROLS}/1/versions/x"
    assert problem(api.get(path)) == validation_problem(path, [path_id_error("version_num")])
