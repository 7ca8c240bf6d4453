"""``agent_patch``: remove steps and evaluators from an agent (``PATCH /api/v1/agents/{name}``).

The complement of initAgent, which only adds in strict mode. Removals are idempotent: naming a
step or evaluator the agent does not have is not an error, and only what was actually removed is
reported. An evaluator that an active control of the agent still uses (``"<agent>:<evaluator>"``
anywhere in its condition tree) cannot be removed: 409 ``EVALUATOR_IN_USE``, nothing written.
"""

from agent_control_models.server import PatchAgentRequest
from django.db import transaction

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from policies.definitions.effective import is_active
from policies.definitions.parsing import parse_control_rows

from ..models import Agent
from ..registration_data import (
    CorruptedAgentData,
    dump_evaluators,
    dump_steps,
    load_registration,
)
from ..selectors.effective import agent_control_rows
from ..selectors.lookups import REGISTERED_HINT, agent_not_found
from .evaluator_refs import references


def _in_use(pairs: list[tuple[str, str]]) -> APIError:
    return APIError(
        409,
        ErrorCode.EVALUATOR_IN_USE,
        "Cannot remove evaluators: active controls reference them",
        kind="Evaluator",
        hint="Remove or update the controls that reference these evaluators first.",
        errors=[
            error_item(
                "Control",
                "evaluator.name",
                "in_use",
                f"Control '{control}' uses evaluator '{evaluator}'",
            )
            for control, evaluator in pairs
        ],
    )


def agent_patch(*, name: str, request: PatchAgentRequest) -> dict:
    """Remove ``request.remove_steps`` / ``request.remove_evaluators`` from the bound tenant's
    agent ``name`` (normalised) -> ``{"steps_removed": [{"type", "name"}], "evaluators_removed":
    [str]}`` in stored order.

    Raises ``APIError``: 404 ``AGENT_NOT_FOUND``; 422 ``CORRUPTED_DATA`` (stored steps/evaluators
    unreadable, or an effective control unreadable when evaluators are removed); 409
    ``EVALUATOR_IN_USE``.
    """
    with transaction.atomic():
        agent = Agent.objects.select_for_update().filter(name=name).first()
        if agent is None:
            raise agent_not_found(name, hint=REGISTERED_HINT)
        try:
            steps, evaluators = load_registration(agent)
        except CorruptedAgentData:
            raise APIError(
                422,
                ErrorCode.CORRUPTED_DATA,
                f"Agent '{agent.name}' has corrupted data",
                kind="Agent",
                hint="Re-register the agent with initAgent using force_replace=true.",
            ) from None
        drop_steps = {(key.type, key.name) for key in request.remove_steps}
        steps_removed = [step for step in steps if (step.type, step.name) in drop_steps]
        drop_evaluators = set(request.remove_evaluators)
        if drop_evaluators:
            rows = parse_control_rows(agent_control_rows(agent.pk))
            active = [row for row in rows if is_active(row[2])]
            found = references(active, agent.name, drop_evaluators)
            pairs = sorted(
                {(control, evaluator) for evaluator, users in found.items() for _, control in users}
            )
            if pairs:
                raise _in_use(pairs)
        evaluators_removed = [ev.name for ev in evaluators if ev.name in drop_evaluators]
        if steps_removed or evaluators_removed:
            agent.steps = dump_steps([s for s in steps if (s.type, s.name) not in drop_steps])
            agent.evaluators = dump_evaluators(
                [ev for ev in evaluators if ev.name not in drop_evaluators]
            )
            agent.save(update_fields=["steps", "evaluators", "updated_at"])
    return {
        "steps_removed": [{"type": step.type, "name": step.name} for step in steps_removed],
        "evaluators_removed": evaluators_removed,
    }
