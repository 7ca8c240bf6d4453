"""Two tenants' worth of rows of every tenant model, for the lifecycle command tests."""

import io
from datetime import UTC, datetime

from django.core.management import call_command

from observability.models import ControlExecutionEvent
from policies.models import ControlBinding, ControlVersion
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy

ACME_COUNTS = {
    "agents.agent": 1,
    "agents.agentpolicy": 1,
    "agents.agentcontrol": 1,
    "policies.control": 2,
    "policies.controlversion": 1,
    "policies.policy": 1,
    "policies.policycontrol": 1,
    "policies.controlbinding": 1,
    "observability.controlexecutionevent": 1,
}


def make_event(
    tenant: str, execution_id: str, *, timestamp=None, agent_name="support-bot-01", **data
) -> ControlExecutionEvent:
    """One stored event of ``tenant`` (``data`` adds or replaces event fields)."""
    with tenant_context(tenant):
        return ControlExecutionEvent.objects.create(
            control_execution_id=execution_id,
            timestamp=timestamp or datetime(2026, 1, 9, 10, 30, tzinfo=UTC),
            agent_name=agent_name,
            trace_id="t" * 32,
            span_id="s" * 16,
            data={"control_name": "block-secret", "matched": True, **data},
        )


def populate_acme() -> dict:
    """One row of every tenant model in ``acme`` (two controls: one a clone of the other)."""
    agent = make_agent("acme")
    policy = make_policy("acme")
    control = make_control("acme")
    clone = make_control("acme", "block-secret-copy")
    with tenant_context("acme"):
        clone.cloned_from = control
        clone.save(update_fields=["cloned_from"])
        agent.policies.add(policy)
        agent.controls.add(control)
        policy.controls.add(control)
        ControlVersion.objects.create(
            control=control, version_num=1, event_type="created", snapshot={"name": control.name}
        )
        ControlBinding.objects.create(control=control, target_type="env", target_id="prod")
    make_event("acme", "ev-acme-1", control_id=control.pk)
    return {"agent": agent, "policy": policy, "control": control, "clone": clone}


def populate_globex() -> None:
    make_agent("globex", "globex-agent-1")
    make_policy("globex", "globex-policy")


def run_command(name: str, *args) -> str:
    """``manage.py <name> <args>``; returns what it wrote (stdout and stderr)."""
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out)
    return out.getvalue()
