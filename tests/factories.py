"""Small factories for tests: each creates one row inside the given tenant (stamped, not passed);
``soft_delete`` sets a control's ``deleted_at`` directly (no version row, its links are kept)."""

from datetime import UTC, datetime

from agents.models import Agent
from policies.models import Control, Policy
from tenancy.context import tenant_context

REGEX_DENY = {
    "execution": "server",
    "condition": {
        "selector": {"path": "input"},
        "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
    },
    "action": {"decision": "deny"},
    "enabled": True,
}


def make_agent(tenant: str, name: str = "support-bot-01", **fields) -> Agent:
    with tenant_context(tenant):
        return Agent.objects.create(name=name, **fields)


def make_policy(tenant: str, name: str = "baseline") -> Policy:
    with tenant_context(tenant):
        return Policy.objects.create(name=name)


def make_control(tenant: str, name: str = "block-secret", data: dict | None = None) -> Control:
    with tenant_context(tenant):
        return Control.objects.create(name=name, data=data if data is not None else REGEX_DENY)


def soft_delete(control: Control) -> None:
    """Set ``deleted_at`` on the control's row (any tenant)."""
    Control.all_tenants.filter(pk=control.pk).update(deleted_at=datetime.now(UTC))
