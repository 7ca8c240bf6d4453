"""A control's version history (``GET /controls/{id}/versions`` and ``.../versions/{n}``): newest
first with a cursor, snapshots, and 404 / 422 for missing, foreign or malformed ids."""

import pytest

from policies.models import ControlVersion
from tests.definitions import definition
from tests.policies.control_helpers import CONTROLS, create, stored
from tests.reference_errors import control_not_found, path_id_error, problem, validation_problem

pytestmark = pytest.mark.django_db


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
