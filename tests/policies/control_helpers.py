"""Helpers for the control endpoint tests: the routes, creating a control over the API, and
reading back pages, rows and version history."""

from policies.models import Control, ControlVersion
from tests.definitions import definition

CONTROLS = "/api/v1/controls"
VALIDATE = f"{CONTROLS}/validate"


def create(api, name="block-ssn", data=None, *, tenant=...):
    """``PUT /controls``; returns the new id (asserts 200)."""
    response = api.put(CONTROLS, {"name": name, "data": data or definition()}, tenant=tenant)
    assert response.status_code == 200, response.json()
    return response.json()["control_id"]


def stored(control_id: int) -> Control:
    """The control row, read without a tenant filter."""
    return Control.all_tenants.get(pk=control_id)


def ids(response):
    """The control ids of a ``GET /controls`` page (asserts 200)."""
    assert response.status_code == 200, response.json()
    return [summary["id"] for summary in response.json()["controls"]]


def names(response):
    """The control names of a ``GET /controls`` page (asserts 200)."""
    assert response.status_code == 200, response.json()
    return [summary["name"] for summary in response.json()["controls"]]


def versions(control_id):
    """``(version_num, event_type, note)`` of every version of the control, oldest first."""
    return list(
        ControlVersion.all_tenants.filter(control_id=control_id)
        .order_by("version_num")
        .values_list("version_num", "event_type", "note")
    )
