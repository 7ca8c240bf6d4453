"""Helpers for the control binding tests: the routes, binding a control over the API, and the
stored rows."""

from policies.models import ControlBinding

BINDINGS = "/api/v1/control-bindings"
BY_KEY = f"{BINDINGS}/by-key"
DELETE_BY_KEY = f"{BINDINGS}/by-key:delete"


def bind(api, control_id, target_type="env", target_id="prod", *, tenant=..., **fields) -> int:
    """``PUT /control-bindings``; returns the new binding id (asserts 200)."""
    body = {"target_type": target_type, "target_id": target_id, "control_id": control_id, **fields}
    response = api.put(BINDINGS, body, tenant=tenant)
    assert response.status_code == 200, response.json()
    return response.json()["binding_id"]


def key(control_id, target_type="env", target_id="prod", **fields) -> dict:
    """A natural-key body."""
    return {"target_type": target_type, "target_id": target_id, "control_id": control_id, **fields}


def rows() -> list[tuple]:
    """``(tenant, target_type, target_id, control_id, enabled)`` of every binding, by id."""
    return list(
        ControlBinding.all_tenants.order_by("id").values_list(
            "tenant_id", "target_type", "target_id", "control_id", "enabled"
        )
    )
