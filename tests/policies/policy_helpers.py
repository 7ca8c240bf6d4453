"""Helpers for the policy endpoint tests: the routes and every policy <-> control link row."""

from policies.models import PolicyControl

POLICIES = "/api/v1/policies"


def controls_url(policy_id, control_id=None):
    base = f"{POLICIES}/{policy_id}/controls"
    return base if control_id is None else f"{base}/{control_id}"


def links():
    """Every policy <-> control row, all tenants: ``(tenant_id, policy_id, control_id)``."""
    return sorted(PolicyControl.all_tenants.values_list("tenant_id", "policy_id", "control_id"))
