"""Helpers for the control endpoint tests: API shortcuts and envelope bodies."""

from policies.models import Control
from tenancy.context import tenant_context
from tests.definitions import definition

CONTROLS = "/api/v1/controls"
VALIDATION_HINT = "Check the 'errors' array for field-level validation details."
CONTROL_HINT = "Verify the control ID is correct and the control has been created."


def create(api, name="block-ssn", data=None, *, tenant=...):
    """``PUT /controls``; returns the new id (asserts 200)."""
    response = api.put(CONTROLS, {"name": name, "data": data or definition()}, tenant=tenant)
    assert response.status_code == 200, response.json()
    return response.json()["control_id"]


def stored(control_id: int) -> Control:
    """The control row, read without a tenant filter."""
    return Control.all_tenants.get(pk=control_id)


def in_tenant(tenant, fn, *args, **kwargs):
    with tenant_context(tenant):
        return fn(*args, **kwargs)


def problem(response) -> dict:
    """The envelope without ``metadata`` (after checking it holds a timestamp)."""
    body = response.json()
    assert "timestamp" in body.pop("metadata")
    return body


def validation_problem(instance: str, errors: list[dict], *, detail: str | None = None) -> dict:
    """The exact 422 ``VALIDATION_ERROR`` body for request-validation ``errors``."""
    return {
        "type": "https://agentcontrol.dev/errors/validation-error",
        "title": "Validation Error",
        "status": 422,
        "detail": detail or f"Request validation failed with {len(errors)} error(s)",
        "instance": instance,
        "error_code": "VALIDATION_ERROR",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": errors,
        "hint": VALIDATION_HINT,
    }


def control_not_found(control_id, instance: str) -> dict:
    """The exact 404 ``CONTROL_NOT_FOUND`` body."""
    return {
        "type": "https://agentcontrol.dev/errors/control-not-found",
        "title": "Control Not Found",
        "status": 404,
        "detail": f"Control with ID '{control_id}' not found",
        "instance": instance,
        "error_code": "CONTROL_NOT_FOUND",
        "kind": "Status",
        "api_version": "v1",
        "reason": "NotFound",
        "details": {"name": str(control_id), "kind": "Control"},
        "hint": CONTROL_HINT,
    }


def name_conflict(name: str, instance: str) -> dict:
    """The exact 409 ``CONTROL_NAME_CONFLICT`` body."""
    return {
        "type": "https://agentcontrol.dev/errors/control-name-conflict",
        "title": "Control Name Already Exists",
        "status": 409,
        "detail": f"Control with name '{name}' already exists",
        "instance": instance,
        "error_code": "CONTROL_NAME_CONFLICT",
        "kind": "Status",
        "api_version": "v1",
        "reason": "Conflict",
        "details": {"name": name, "kind": "Control"},
        "hint": "Choose a different name or update the existing control.",
    }


def path_id_error(name: str = "control_id") -> dict:
    """The ``errors[]`` item of a non-integer path parameter."""
    return {
        "resource": "Request",
        "field": f"path.{name}",
        "code": "int_parsing",
        "message": "Input should be a valid integer, unable to parse string as an integer",
        "value": "[REDACTED]",
    }
