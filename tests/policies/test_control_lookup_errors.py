"""Every read and write of one control by id (``GET /controls/{id}``, ``GET|PUT .../data``,
``PATCH``, ``DELETE``): 404 for a missing, soft-deleted or another tenant's control, 422 for a
non-integer id (reported with body errors) and for a corrupted row, which set-data repairs."""

import pytest

from tests.definitions import definition
from tests.factories import make_control
from tests.policies.control_helpers import CONTROLS, create, stored, versions
from tests.reference_errors import control_not_found, path_id_error, problem, validation_problem

pytestmark = pytest.mark.django_db


# ---- 404 / 422 on every read and write by id ------------------------------------------------

BY_ID = [
    ("get", ""),
    ("get", "/data"),
    ("put", "/data"),
    ("patch", ""),
    ("delete", ""),
]


def call(api, method, path, **kw):
    if method == "put":
        return api.put(path, {"data": definition()}, **kw)
    if method == "patch":
        return api.patch(path, {"enabled": False}, **kw)
    return getattr(api, method)(path, **kw)


@pytest.mark.parametrize(("method", "suffix"), BY_ID)
def test_missing_control_is_404(api, method, suffix):
    path = f"{CONTROLS}/999{suffix}"
    response = call(api, method, path)
    assert response.status_code == 404
    assert problem(response) == control_not_found(999, path)


@pytest.mark.parametrize(("method", "suffix"), BY_ID)
def test_another_tenants_control_is_exactly_a_missing_one(api, method, suffix):
    control_id = create(api, tenant="acme")
    path = f"{CONTROLS}/{control_id}{suffix}"
    response = call(api, method, path, tenant="globex")
    assert response.status_code == 404
    assert problem(response) == control_not_found(control_id, path)
    row = stored(control_id)
    assert (row.deleted_at, row.data["enabled"]) == (None, True)
    assert versions(control_id) == [(1, "created", "Initial creation")]


@pytest.mark.parametrize(("method", "suffix"), BY_ID)
def test_soft_deleted_control_is_404(api, method, suffix):
    control_id = create(api)
    assert api.delete(f"{CONTROLS}/{control_id}").status_code == 200
    path = f"{CONTROLS}/{control_id}{suffix}"
    response = call(api, method, path)
    assert response.status_code == 404
    assert problem(response) == control_not_found(control_id, path)


@pytest.mark.parametrize(("method", "suffix"), BY_ID)
@pytest.mark.parametrize("raw", ["abc", "1.5"])
def test_non_integer_id_is_422(api, method, suffix, raw):
    path = f"{CONTROLS}/{raw}{suffix}"
    response = call(api, method, path)
    assert response.status_code == 422
    assert problem(response) == validation_problem(path, [path_id_error()])


def test_bad_id_and_bad_body_are_reported_together(api):
    response = api.put(f"{CONTROLS}/abc/data", {"data": {"execution": "server"}})
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [
        ("path.control_id", "int_parsing"),
        ("data.condition", "missing"),
        ("data.action", "missing"),
    ]
    response = api.patch(f"{CONTROLS}/abc", {"name": "bad name"})
    assert [(e["field"], e["code"]) for e in problem(response)["errors"]] == [
        ("path.control_id", "int_parsing"),
        ("name", "string_pattern_mismatch"),
    ]


def test_body_errors_come_before_the_lookup(api):
    response = api.put(f"{CONTROLS}/999/data", {"data": {}})
    assert response.status_code == 422


# ---- corrupted rows -------------------------------------------------------------------------


def corrupted(control_id, name="broken"):
    errors = [
        {
            "resource": "Control",
            "field": "condition",
            "code": "missing",
            "message": "Field required",
        },
        {
            "resource": "Control",
            "field": "action.decision",
            "code": "value_error",
            "message": "Value error, Invalid action 'allow'. Must be one of: deny, steer, observe.",
        },
    ]
    return {
        "type": "https://agentcontrol.dev/errors/corrupted-data",
        "title": "Corrupted Data",
        "status": 422,
        "detail": f"Control '{name}' has invalid data",
        "error_code": "CORRUPTED_DATA",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": errors,
        "details": {"kind": "Control", "causes": errors},
        "hint": f"Update the control data using PUT /api/v1/controls/{control_id}/data.",
    }


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("get", "/data"), ("patch", "")])
def test_corrupted_row_is_422(api, method, suffix):
    bad = {"execution": "server", "action": {"decision": "allow"}, "enabled": False}
    control = make_control("default-tenant", "broken", bad)
    path = f"{CONTROLS}/{control.pk}{suffix}"
    response = call(api, method, path)
    assert response.status_code == 422
    assert problem(response) == {**corrupted(control.pk), "instance": path}


def test_corrupted_row_can_be_repaired_with_set_data(api):
    control = make_control("default-tenant", "broken", {"execution": "server"})
    assert api.put(f"{CONTROLS}/{control.pk}/data", {"data": definition()}).status_code == 200
    assert api.get(f"{CONTROLS}/{control.pk}").status_code == 200
