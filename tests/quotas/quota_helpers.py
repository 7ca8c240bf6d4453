"""Helpers of the quota tests: the exact 409 ``QUOTA_EXCEEDED`` body and the API calls that
create one row of each resource."""

from tests.factories import REGEX_DENY
from tests.observability.payloads import event


def quota_exceeded(tenant: str, resource: str, limit: int, instance: str) -> dict:
    """The envelope of a create past ``tenant``'s quota of ``limit`` ``resource`` (without
    ``metadata``)."""
    field = f"max_{resource}"
    error = {
        "resource": "Quota",
        "field": field,
        "code": "quota_exceeded",
        "message": f"At most {limit} {resource}.",
        "value": limit,
    }
    return {
        "type": "https://agentcontrol.dev/errors/quota-exceeded",
        "title": "Quota Exceeded",
        "status": 409,
        "detail": f"Quota exceeded: tenant '{tenant}' may keep at most {limit} {resource} ({field}).",
        "instance": instance,
        "error_code": "QUOTA_EXCEEDED",
        "kind": "Status",
        "api_version": "v1",
        "reason": "Conflict",
        "errors": [error],
        "details": {"name": field, "kind": "Quota", "causes": [error]},
        "hint": (
            f"Delete {resource} the tenant no longer needs, or ask an operator to raise its quota "
            f"(admin, or 'manage.py tenantlimits set {tenant} --max-{resource} N')."
        ),
    }


def init_agent(api, name: str, tenant: str):
    body = {"agent": {"agent_name": name}, "steps": [], "conflict_mode": "overwrite"}
    return api.post("/api/v1/agents/initAgent", body, tenant=tenant)


def create_control(api, name: str, tenant: str):
    return api.put("/api/v1/controls", {"name": name, "data": REGEX_DENY}, tenant=tenant)


def create_policy(api, name: str, tenant: str):
    return api.put("/api/v1/policies", {"name": name}, tenant=tenant)


def ingest(api, tenant: str, *ids: str):
    events = [event(control_execution_id=i) for i in ids]
    return api.post("/api/v1/observability/events", {"events": events}, tenant=tenant)
