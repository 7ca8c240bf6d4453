"""An agent's stored registration, read back: ``GET /agents/{name}`` and its evaluator routes.

Mirrors the reference's ``get_agent``, ``list_agent_evaluators`` and ``get_agent_evaluator``.
Unreadable stored data is a 422 ``CORRUPTED_DATA`` on the agent route; the evaluator list reads it
as no evaluators and the single evaluator as not found, as the reference does.
"""

from controlplane.api.exceptions import APIError, ErrorCode
from controlplane.api.pagination import page

from ..registration_data import (
    CorruptedAgentData,
    agent_object,
    dump_evaluators,
    dump_steps,
    load_registration,
)
from .lookups import REGISTERED_HINT, agent_get


def _corrupted(detail: str, hint: str) -> APIError:
    return APIError(422, ErrorCode.CORRUPTED_DATA, detail, kind="Agent", hint=hint)


def agent_detail_get(*, name: str) -> dict:
    """``{"agent", "steps", "evaluators"}`` of the caller's tenant's agent ``name`` (normalised),
    ``None`` fields kept; steps de-duplicated by ``(type, name)``, the last copy winning.

    Raises 404 ``AGENT_NOT_FOUND``, 422 ``CORRUPTED_DATA`` (steps/evaluators or metadata).
    """
    agent = agent_get(name)
    try:
        steps, evaluators = load_registration(agent)
    except CorruptedAgentData:
        raise _corrupted(
            f"Agent data is corrupted for agent '{agent.name}'",
            "The agent's stored data is invalid. Re-register the agent with initAgent.",
        ) from None
    agent_json = agent_object(agent)
    if agent_json is None:
        raise _corrupted(
            f"Agent metadata is corrupted for agent '{agent.name}'",
            "The agent's metadata is invalid. Re-register the agent with initAgent.",
        )
    latest = {(step.type, step.name): step for step in steps}
    return {
        "agent": agent_json,
        "steps": dump_steps(list(latest.values())),
        "evaluators": dump_evaluators(evaluators),
    }


def agent_evaluator_list(*, name: str, cursor: str | None, limit: int) -> dict:
    """``{"evaluators": [{"name", "description", "config_schema"}], "pagination"}``: the agent's
    evaluators in stored order after ``cursor`` (the last name of the previous page; unknown: from
    the top), ``limit`` per page. Raises 404 ``AGENT_NOT_FOUND``."""
    agent = agent_get(name, hint=REGISTERED_HINT)
    try:
        items = dump_evaluators(load_registration(agent)[1])
    except CorruptedAgentData:
        items = []
    names = [item["name"] for item in items]
    start = names.index(cursor) + 1 if cursor in names else 0
    rows, pagination = page(
        items[start : start + limit + 1], limit, len(items), lambda item: item["name"]
    )
    return {"evaluators": rows, "pagination": pagination}


def agent_evaluator_get(*, name: str, evaluator_name: str) -> dict:
    """``{"name", "description", "config_schema"}`` of one of the agent's evaluators. Raises 404
    ``AGENT_NOT_FOUND`` or ``EVALUATOR_NOT_FOUND`` (also when the stored list is unreadable)."""
    agent = agent_get(name, hint=REGISTERED_HINT)
    try:
        evaluators = load_registration(agent)[1]
    except CorruptedAgentData:
        raise APIError(
            404,
            ErrorCode.EVALUATOR_NOT_FOUND,
            f"Evaluator '{evaluator_name}' not found",
            kind="Evaluator",
            name=evaluator_name,
            hint="The agent's data may be corrupted. Re-register the agent with initAgent.",
        ) from None
    for evaluator in evaluators:
        if evaluator.name == evaluator_name:
            return evaluator.model_dump(mode="json")
    raise APIError(
        404,
        ErrorCode.EVALUATOR_NOT_FOUND,
        f"Evaluator '{evaluator_name}' not found on agent '{agent.name}'",
        kind="Evaluator",
        name=evaluator_name,
        hint="Register the evaluator with this agent via initAgent.",
    )
