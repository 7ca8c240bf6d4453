"""Helpers for the control endpoint tests: API shortcuts and reading stored rows."""

from policies.models import Control
from tests.definitions import definition

CONTROLS = "/api/v1/controls"


def create(api, name="block-ssn", data=None, *, tenant=...):
    """``PUT /controls``; returns the new id (asserts 200)."""
    response = api.put(CONTROLS, {"name": name, "data": data or definition()}, tenant=tenant)
    assert response.status_code == 200, response.json()
    return response.json()["control_id"]


def stored(control_id: int) -> Control:
    """The control row, read without a tenant filter."""
    return Control.all_tenants.get(pk=control_id)
