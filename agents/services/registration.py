"""``agent_register``: initAgent (``POST /api/v1/agents/initAgent``, API.md 1(a) and 3.2).

Creates the caller's tenant's agent, or updates it in place: the ``Agent`` object columns are
replaced wholesale every time, steps and evaluators are merged (``strict``) or replaced
(``overwrite``). A re-registration is one transaction of three queries: the agent row, locked
(``SELECT ... FOR UPDATE``), at most one single-row ``UPDATE``, and the effective-controls query.
Two first registrations of the same name racing each other both succeed: the loser's insert hits
the unique constraint inside a savepoint and continues as a re-registration. A new agent counts
against the tenant's agent quota (``quotas``; a re-registration never does).
"""

from dataclasses import dataclass, field

from agent_control_models import StepSchema
from agent_control_models.server import ConflictMode, InitAgentRequest
from django.db import IntegrityError, transaction

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from policies.definitions.effective import control_dicts, is_active
from policies.definitions.parsing import parse_control_rows, parse_control_text
from policies.targets import Target
from quotas.enforcement import QuotaExceeded, quota_check
from quotas.resources import Resource

from ..models import Agent
from ..registration_data import (
    CorruptedAgentData,
    dump_evaluators,
    dump_steps,
    load_registration,
    metadata_columns,
    stored_metadata_columns,
)
from ..selectors.effective import agent_control_rows
from .evaluator_refs import check_no_installed_name_clash, references
from .merging import OverwriteDiff, StepKey, merge_evaluators, merge_steps, overwrite_diff, step_key

CORRUPTED_MESSAGE = "Stored agent data is corrupted and cannot be parsed."


@dataclass
class Registration:
    """The outcome of ``agent_register``: the InitAgentResponse fields (``controls`` are the
    active controls as ``{"id", "name", "control"}`` dicts with ``None`` fields kept)."""

    created: bool
    controls: list[dict] = field(default_factory=list)
    overwrite_applied: bool = False
    overwrite_changes: dict = field(default_factory=lambda: changes_body(OverwriteDiff(), False))


def changes_body(diff: OverwriteDiff, metadata_changed: bool, removals=()) -> dict:
    """``InitAgentOverwriteChanges`` as JSON."""

    def keys(items):
        return [{"type": kind, "name": name} for kind, name in items]

    return {
        "metadata_changed": metadata_changed,
        "steps_added": keys(diff.steps_added),
        "steps_updated": keys(diff.steps_updated),
        "steps_removed": keys(diff.steps_removed),
        "evaluators_added": diff.evaluators_added,
        "evaluators_updated": diff.evaluators_updated,
        "evaluators_removed": diff.evaluators_removed,
        "evaluator_removals": list(removals),
    }


def _incoming_steps(steps: list[StepSchema]) -> dict[StepKey, StepSchema]:
    """Steps by ``(type, name)``; 400 ``VALIDATION_ERROR`` (``duplicate_step_name``) on a repeat."""
    by_key: dict[StepKey, StepSchema] = {}
    for step in steps:
        key = step_key(step)
        if key in by_key:
            raise APIError(
                400,
                ErrorCode.VALIDATION_ERROR,
                f"Duplicate step name detected: type='{step.type}', name='{step.name}'. "
                "Each step must have a unique (type, name) combination within an agent.",
                errors=[
                    error_item(
                        "Step",
                        "name",
                        "duplicate_step_name",
                        f"Step (type='{step.type}', name='{step.name}') appears "
                        "multiple times in request",
                    )
                ],
            )
        by_key[key] = step
    return by_key


def _corrupted(name: str) -> APIError:
    detail = f"Agent '{name}' has corrupted data and cannot be updated"
    hint = "Set force_replace=true in the request to replace the corrupted data."
    item = error_item("Agent", "data", "corrupted_data", CORRUPTED_MESSAGE)
    return APIError(422, ErrorCode.CORRUPTED_DATA, detail, kind="Agent", hint=hint, errors=[item])


def _removals(agent_name: str, removed: list[str], rows) -> list[dict]:
    """``evaluator_removals``: removed evaluators, flagged when an active control still uses one.
    If a control row cannot be read at all the flags are left false (as the reference)."""
    parsed = [(cid, cname, parse_control_text(text)) for cid, cname, text in rows]
    if any(p.model is None and p.evaluator_names is None for _, _, p in parsed):
        found = {}
    else:
        active = [row for row in parsed if is_active(row[2])]
        found = references(active, agent_name, set(removed))
    removals = []
    for name in removed:
        users = sorted(found.get(name, ()), key=lambda item: (item[1], item[0]))
        removals.append(
            {
                "name": name,
                "referenced_by_active_controls": bool(users),
                "control_ids": [control_id for control_id, _ in users],
                "control_names": [control_name for _, control_name in users],
            }
        )
    return removals


def _locked_agent(name: str) -> Agent | None:
    """The bound tenant's agent ``name``, locked until the transaction ends, or ``None``."""
    return Agent.objects.select_for_update().filter(name=name).first()


def _create(request: InitAgentRequest) -> Agent | None:
    """Insert the agent inside a savepoint; ``None`` if a concurrent request created it first."""
    try:
        with transaction.atomic():
            return Agent.objects.create(
                name=request.agent.agent_name,
                steps=dump_steps(request.steps),
                evaluators=dump_evaluators(request.evaluators),
                **metadata_columns(request.agent),
            )
    except IntegrityError:
        return None


def _create_within_quota(request: InitAgentRequest) -> tuple[Agent, bool]:
    """A new agent (``(agent, True)``) if the tenant's agent quota allows it; ``(agent, False)``
    when a concurrent request created it meanwhile (a re-registration, whatever the quota)."""
    name = request.agent.agent_name
    try:
        quota_check(Resource.AGENTS)
    except QuotaExceeded:
        agent = _locked_agent(name)
        if agent is None:
            raise
        return agent, False
    agent = _create(request)
    if agent is None:  # lost the creation race: a re-registration
        return Agent.objects.select_for_update().get(name=name), False
    return agent, True


def agent_register(*, request: InitAgentRequest, target: Target | None = None) -> Registration:
    """Register or re-register ``request.agent`` in the bound tenant (initAgent).

    ``controls`` are the agent's active (rendered and enabled) effective controls; with a
    ``target`` (today from the body's ``target_type``/``target_id``; the runtime token's target
    can be passed the same way) they include the controls bound to it, so a new agent gets the
    target's bindings at once.

    Raises ``APIError``: 409 ``EVALUATOR_NAME_CONFLICT`` (an evaluator named like an installed
    one), 400 ``VALIDATION_ERROR`` (duplicate ``(type, name)`` steps), 422 ``CORRUPTED_DATA``
    (stored steps/evaluators unreadable and ``force_replace`` false, or an effective control
    unreadable), 409 ``SCHEMA_INCOMPATIBLE`` (strict mode), 409 ``QUOTA_EXCEEDED`` (a new agent
    past the tenant's quota). The caller validated the request with
    ``InitAgentRequest`` and the name's length.
    """
    check_no_installed_name_clash(evaluator.name for evaluator in request.evaluators)
    incoming_steps = _incoming_steps(request.steps)
    name = request.agent.agent_name
    with transaction.atomic():
        agent, created = _locked_agent(name), False
        if agent is None:
            agent, created = _create_within_quota(request)
        if created:
            registration = Registration(created=True)
            # A new agent has no links yet: only a target's bindings can give it controls.
            rows = agent_control_rows(agent.pk, target) if target is not None else []
        else:
            registration, rows = _update(agent, request, incoming_steps, target)
    active = [row for row in parse_control_rows(rows) if is_active(row[2])]
    registration.controls = control_dicts(active)
    return registration


def _update(
    agent: Agent, request: InitAgentRequest, incoming_steps, target: Target | None
) -> tuple[Registration, list]:
    """Re-registration of a locked, existing ``agent``; returns the outcome and the agent's
    effective control rows for ``target`` (read in the same transaction)."""
    try:
        stored_steps, stored_evaluators = load_registration(agent)
        corrupted = False
    except CorruptedAgentData:
        if not request.force_replace:
            raise _corrupted(agent.name) from None
        stored_steps, stored_evaluators, corrupted = [], [], True
    new_metadata = metadata_columns(request.agent)
    metadata_changed = corrupted or new_metadata != stored_metadata_columns(agent)
    rows = None
    registration = Registration(created=False)
    if request.conflict_mode == ConflictMode.OVERWRITE:
        diff = overwrite_diff(stored_steps, incoming_steps, stored_evaluators, request.evaluators)
        removals = []
        if diff.evaluators_removed:
            rows = agent_control_rows(agent.pk, target)
            removals = _removals(agent.name, diff.evaluators_removed, rows)
        steps, evaluators, lists_changed = request.steps, request.evaluators, diff.changed
        registration.overwrite_applied = metadata_changed or lists_changed
        registration.overwrite_changes = changes_body(diff, metadata_changed, removals)
    else:
        steps, steps_changed = merge_steps(stored_steps, incoming_steps)
        evaluators, evaluators_changed = merge_evaluators(stored_evaluators, request.evaluators)
        lists_changed = steps_changed or evaluators_changed
    if metadata_changed or lists_changed or request.force_replace:
        for column, value in new_metadata.items():
            setattr(agent, column, value)
        agent.steps = dump_steps(steps)
        agent.evaluators = dump_evaluators(evaluators)
        agent.save(update_fields=[*new_metadata, "steps", "evaluators", "updated_at"])
    if rows is None:
        rows = agent_control_rows(agent.pk, target)
    return registration, rows
