"""Can these controls run on this agent? The reference's 400 ``POLICY_CONTROL_INCOMPATIBLE``.

Checked when a policy is attached to an agent (additive or compatibility route) and when a control
is attached directly (``shared/API.md`` section 1(e)); adding a control to a policy does not check
the agents that already hold the policy, as in the reference. A control is incompatible when one
of its condition leaves names an agent-scoped evaluator (``"<agent>:<evaluator>"``) of another
agent, one the agent has not registered through initAgent, or a config that fails that evaluator's
``config_schema``; a stored definition that no longer parses is reported too.
"""

from collections.abc import Iterable
from typing import Literal

import pydantic
from agent_control_models import ControlDefinitionRuntime

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from policies.definitions.predicates import is_rendered
from policies.models import Control

from ..models import Agent
from .agent_evaluators import agent_evaluators_or_422, config_error

DETAILS = {
    "policy": "Policy contains controls incompatible with this agent",
    "control": "Control is incompatible with this agent",
}
HINTS = {
    "policy": "Ensure all controls in the policy are compatible with this agent's evaluators.",
    "control": "Ensure the control is compatible with this agent's evaluators.",
}


def control_incompatibilities(agent: Agent, controls: Iterable[Control]) -> list[str]:
    """One message per problem, in control then leaf order (the reference's wording)."""
    problems = []
    registered = None
    for control in controls:
        if not is_rendered(control.data):
            continue
        try:
            definition = ControlDefinitionRuntime.model_validate(control.data)
        except pydantic.ValidationError:
            problems.append(f"Control '{control.name}' has corrupted data")
            continue
        for _selector, spec in definition.iter_condition_leaf_parts():
            if ":" not in spec.name:
                continue
            owner, local = spec.name.split(":", 1)
            if owner != agent.name:
                problems.append(
                    f"Control '{control.name}' references evaluator '{spec.name}' which belongs "
                    f"to agent '{owner}', not '{agent.name}'"
                )
                continue
            if registered is None:
                try:
                    registered = {
                        e.name: e for e in agent_evaluators_or_422(agent.name, agent.evaluators)
                    }
                except APIError:
                    return [f"Agent '{agent.name}' has corrupted data"]
            evaluator = registered.get(local)
            if evaluator is None:
                problems.append(
                    f"Control '{control.name}' references evaluator '{local}' which is not "
                    f"registered with agent '{agent.name}'. Register it via initAgent or use a "
                    "different evaluator."
                )
                continue
            if evaluator.config_schema:
                error = config_error(spec.config, evaluator.config_schema)
                if error is not None:
                    problems.append(
                        f"Control '{control.name}' invalid config for '{local}': {error}"
                    )
    return problems


def check_controls_compatible(
    *, agent: Agent, controls: Iterable[Control], subject: Literal["policy", "control"]
) -> None:
    """Raise 400 ``POLICY_CONTROL_INCOMPATIBLE`` (one ``errors[]`` item per problem, field
    ``evaluator``, code ``incompatible``) if ``controls`` cannot run on ``agent``.

    ``controls`` may be a lazy queryset (one query when evaluated). ``subject`` picks the
    reference's ``detail``/``hint`` for a policy attach or a direct control attach.
    """
    problems = control_incompatibilities(agent, controls)
    if problems:
        raise APIError(
            400,
            ErrorCode.POLICY_CONTROL_INCOMPATIBLE,
            DETAILS[subject],
            hint=HINTS[subject],
            errors=[error_item("Control", "evaluator", "incompatible", m) for m in problems],
        )
