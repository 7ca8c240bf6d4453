"""Answers to the ``policies`` signals (``policies.signals``), for the agents app.

``policies`` sits below ``agents`` and cannot import it; when a control service needs to know
about agents it sends a signal and these receivers answer, in the caller's transaction and tenant:

- ``control_validating``: agent-scoped evaluators named by a definition must exist on the agent
  and accept their config (``agents.services.agent_evaluators``).
- ``control_users``: which agents use which controls, directly or through their policies (one
  ``UNION ALL`` query; joined rows must carry the link's tenant).
- ``control_detaching``: a forced delete removes the control's direct agent links.

Connected in ``AgentsConfig.ready()``.
"""

from django.db.models import F, Value
from django.dispatch import receiver

from policies.models import PolicyControl
from policies.signals import ControlUser, control_detaching, control_users, control_validating

from .models import AgentControl
from .services.agent_evaluators import validate_agent_scoped_evaluators


@receiver(control_validating, dispatch_uid="agents.validate_agent_scoped_evaluators")
def check_agent_scoped_evaluators(sender, *, definition, **kwargs) -> None:
    """Refuse ``definition`` (``APIError``) if an agent-scoped evaluator it names is missing or
    rejects its config."""
    validate_agent_scoped_evaluators(definition)


@receiver(control_users, dispatch_uid="agents.control_users")
def agents_using_controls(sender, *, control_ids: list[int], **kwargs) -> list[ControlUser]:
    """One ``ControlUser`` per (control, agent, direct?) link among ``control_ids``."""
    via_policies = (
        PolicyControl.objects.filter(
            control_id__in=control_ids,
            policy__agent_policies__tenant_id=F("tenant_id"),
        )
        .annotate(direct=Value(False))
        .values_list("control_id", "policy__agent_policies__agent__name", "direct")
    )
    direct = (
        AgentControl.objects.filter(control_id__in=control_ids, agent__tenant_id=F("tenant_id"))
        .annotate(direct=Value(True))
        .values_list("control_id", "agent__name", "direct")
    )
    return [ControlUser(*row) for row in via_policies.union(direct, all=True)]


@receiver(control_detaching, dispatch_uid="agents.detach_control")
def detach_control_from_agents(sender, *, control_id: int, **kwargs) -> None:
    """Delete the direct agent links of control ``control_id``."""
    AgentControl.objects.filter(control_id=control_id).delete()
