"""Agent <-> policy and agent <-> control links (``shared/API.md`` section 1(e)).

Mirrors the association endpoints of the reference's ``endpoints/agents.py`` (8.15.0). Lookups go
through the scoped managers and selectors, so another tenant's agent, policy or control is exactly
a missing one (404, same body) and no link is written. ``AgentPolicy`` / ``AgentControl`` rows are
created with ``bulk_create(ignore_conflicts=True)`` (``INSERT ... ON CONFLICT DO NOTHING``, the
reference's idempotent insert; race-safe), which stamps them with the agent's tenant.

Order of checks, as the reference: agent (404 ``AGENT_NOT_FOUND``), then policy or control (404),
then compatibility (``check_controls_compatible``), then the write.
"""

from django.db import transaction

from controlplane.api.exceptions import not_found
from policies.models import Control, Policy, PolicyControl
from policies.selectors.lookups import control_get, policy_get

from ..models import Agent, AgentControl, AgentPolicy
from ..selectors.lookups import REGISTERED_HINT, agent_not_found
from .compatibility import check_controls_compatible

NO_POLICY_GET_HINT = "Assign a policy to the agent using POST /{agent_name}/policies/{policy_id}."
NO_POLICY_DELETE_HINT = "The agent does not have a policy to remove."


def _agent(name: str, *, for_update: bool = False) -> Agent:
    """The caller's tenant's agent ``name`` (normalised), loading only the columns links need
    (not its steps and metadata; its evaluators for the compatibility check); ``for_update``
    locks the row. 404 ``AGENT_NOT_FOUND``."""
    queryset = Agent.objects.only("id", "tenant_id", "name", "evaluators")
    if for_update:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(name=name)
    except Agent.DoesNotExist:
        raise agent_not_found(name, hint=REGISTERED_HINT) from None


def _no_policy_assigned(agent_name: str, hint: str):
    return not_found("Policy", f"Agent '{agent_name}' has no policy assigned", hint=hint)


def agent_add_policy(*, agent_name: str, policy_id: int) -> None:
    """Link policy ``policy_id`` to the agent, keeping its other policies; idempotent
    (``POST /agents/{name}/policies/{policy_id}``). Raises 404 ``AGENT_NOT_FOUND`` /
    ``POLICY_NOT_FOUND``, or 400 ``POLICY_CONTROL_INCOMPATIBLE`` from the compatibility hook."""
    agent = _agent(agent_name)
    policy = policy_get(policy_id)
    check_controls_compatible(agent=agent, controls=_policy_controls(policy), subject="policy")
    AgentPolicy.objects.bulk_create(
        [AgentPolicy(agent=agent, policy=policy)], ignore_conflicts=True
    )


def agent_set_policy(*, agent_name: str, policy_id: int) -> int | None:
    """Replace every policy link of the agent with this one policy (the compatibility route
    ``POST /agents/{name}/policy/{policy_id}``); returns the smallest previously linked policy id,
    or ``None``. Same errors as ``agent_add_policy``.

    One transaction; the agent row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL) so two
    concurrent replacements cannot leave two links.
    """
    with transaction.atomic():
        agent = _agent(agent_name, for_update=True)
        policy = policy_get(policy_id)
        check_controls_compatible(agent=agent, controls=_policy_controls(policy), subject="policy")
        old_policy_id = (
            AgentPolicy.objects.filter(agent=agent)
            .order_by("policy_id")
            .values_list("policy_id", flat=True)
            .first()
        )
        AgentPolicy.objects.filter(agent=agent).exclude(policy=policy).delete()
        AgentPolicy.objects.bulk_create(
            [AgentPolicy(agent=agent, policy=policy)], ignore_conflicts=True
        )
    return old_policy_id


def agent_remove_policy(*, agent_name: str, policy_id: int) -> None:
    """Unlink policy ``policy_id`` from the agent; a missing link is a no-op
    (``DELETE /agents/{name}/policies/{policy_id}``). Raises 404 ``AGENT_NOT_FOUND`` /
    ``POLICY_NOT_FOUND``."""
    agent = _agent(agent_name)
    policy = policy_get(policy_id)
    AgentPolicy.objects.filter(agent=agent, policy=policy).delete()


def agent_remove_all_policies(*, agent_name: str) -> None:
    """Unlink every policy of the agent (``DELETE /agents/{name}/policies``); 404
    ``AGENT_NOT_FOUND``."""
    agent = _agent(agent_name)
    AgentPolicy.objects.filter(agent=agent).delete()


def agent_delete_policy(*, agent_name: str) -> None:
    """Unlink every policy of the agent (the compatibility route ``DELETE /agents/{name}/policy``).
    Raises 404 ``AGENT_NOT_FOUND``, or 404 ``POLICY_NOT_FOUND`` "Agent '<name>' has no policy
    assigned" when nothing was linked."""
    agent = _agent(agent_name)
    deleted, _ = AgentPolicy.objects.filter(agent=agent).delete()
    if not deleted:
        raise _no_policy_assigned(agent.name, NO_POLICY_DELETE_HINT)


def agent_policy_ids(*, agent_name: str) -> list[int]:
    """Ids of the agent's policies, ascending (``GET /agents/{name}/policies``); 404
    ``AGENT_NOT_FOUND``. One query when the agent has policies, two otherwise."""
    policy_ids = list(
        AgentPolicy.objects.filter(agent__name=agent_name)
        .order_by("policy_id")
        .values_list("policy_id", flat=True)
    )
    if not policy_ids:
        _agent(agent_name)
    return policy_ids


def agent_policy_id(*, agent_name: str) -> int:
    """The agent's smallest policy id (the compatibility route ``GET /agents/{name}/policy``).
    Raises 404 ``AGENT_NOT_FOUND``, or 404 ``POLICY_NOT_FOUND`` "Agent '<name>' has no policy
    assigned"."""
    policy_id = (
        AgentPolicy.objects.filter(agent__name=agent_name)
        .order_by("policy_id")
        .values_list("policy_id", flat=True)
        .first()
    )
    if policy_id is None:
        agent = _agent(agent_name)
        raise _no_policy_assigned(agent.name, NO_POLICY_GET_HINT)
    return policy_id


def agent_add_control(*, agent_name: str, control_id: int) -> None:
    """Link control ``control_id`` directly to the agent; idempotent
    (``POST /agents/{name}/controls/{control_id}``). Raises 404 ``AGENT_NOT_FOUND`` /
    ``CONTROL_NOT_FOUND`` (also soft-deleted), or 400 ``POLICY_CONTROL_INCOMPATIBLE`` from the
    compatibility hook.

    The control row is locked for the transaction, so a concurrent delete either sees the new
    link (409 ``CONTROL_IN_USE``, or removes it with ``force``) or happens first (then 404 here).
    """
    agent = _agent(agent_name)
    with transaction.atomic():
        control = control_get(control_id, for_update=True)
        check_controls_compatible(agent=agent, controls=[control], subject="control")
        AgentControl.objects.bulk_create(
            [AgentControl(agent=agent, control=control)], ignore_conflicts=True
        )


def agent_remove_control(*, agent_name: str, control_id: int) -> dict:
    """Remove the direct link of control ``control_id`` (``DELETE /agents/{name}/controls/{id}``).

    Returns ``{"removed_direct_association": bool, "control_still_active": bool}``: whether a
    direct link existed, and whether one of the agent's policies still supplies the control.
    Raises 404 ``AGENT_NOT_FOUND`` / ``CONTROL_NOT_FOUND`` (also soft-deleted).
    """
    agent = _agent(agent_name)
    control = control_get(control_id)
    with transaction.atomic():
        deleted, _ = AgentControl.objects.filter(agent=agent, control=control).delete()
        still_active = PolicyControl.objects.filter(
            control=control,
            policy_id__in=AgentPolicy.objects.filter(agent=agent).values("policy_id"),
        ).exists()
    return {"removed_direct_association": bool(deleted), "control_still_active": still_active}


def _policy_controls(policy: Policy):
    """The policy's non-deleted controls, as a lazy queryset (for the compatibility hook)."""
    return Control.objects.filter(policy_controls__policy=policy, deleted_at__isnull=True)
