"""How a re-registration combines stored and incoming steps/evaluators (initAgent, section 3.2).

- ``strict`` (the server default): steps and evaluators are merged. A step present on both sides
  must keep its ``input_schema``/``output_schema`` (409 ``SCHEMA_INCOMPATIBLE`` otherwise) and is
  replaced by the incoming copy in place; new steps are appended; stored steps missing from the
  request stay. Evaluators likewise, with a backward-compatible ``config_schema`` change allowed.
  Changes to a step's description or metadata alone do not count as a change (nothing is written
  for them), as in the reference.
- ``overwrite`` (the SDK default): the request replaces both lists exactly; ``overwrite_diff``
  reports what was added, updated and removed, each sorted.
"""

from dataclasses import dataclass, field

from agent_control_models import StepSchema
from agent_control_models.server import EvaluatorSchema

from controlplane.api.exceptions import APIError, ErrorCode, error_item

from .schema_compat import breaking_change_detail, schema_breaking_changes

type StepKey = tuple[str, str]


def step_key(step: StepSchema) -> StepKey:
    """A step's identity within an agent: ``(type, name)``."""
    return (step.type, step.name)


def _step_schema_conflict(step: StepSchema) -> APIError:
    detail = (
        f"Step schema conflict for (type='{step.type}', name='{step.name}'). "
        "A step with this name already exists with a different schema."
    )
    hint = "Please use a different step name or ensure schemas match exactly."
    return APIError(
        409,
        ErrorCode.SCHEMA_INCOMPATIBLE,
        detail,
        kind="Step",
        name=step.name,
        hint=hint,
        errors=[
            error_item(
                "Step",
                "schema",
                "schema_mismatch",
                f"Existing schema differs from incoming schema for step '{step.name}'",
            )
        ],
    )


def _evaluator_schema_conflict(name: str, problems: list[str]) -> APIError:
    return APIError(
        409,
        ErrorCode.SCHEMA_INCOMPATIBLE,
        breaking_change_detail(name, problems),
        kind="Evaluator",
        name=name,
        hint="Ensure backward compatibility or use a new evaluator name.",
        errors=[
            error_item("Evaluator", "config_schema", "schema_incompatible", problem)
            for problem in problems
        ],
    )


def merge_steps(
    stored: list[StepSchema], incoming: dict[StepKey, StepSchema]
) -> tuple[list[StepSchema], bool]:
    """Strict merge of steps -> ``(steps, changed)``; ``changed`` is true when a step was added.

    Raises 409 ``SCHEMA_INCOMPATIBLE`` when a known step's input or output schema differs.
    """
    merged: list[StepSchema] = []
    placed: set[StepKey] = set()
    for step in stored:
        key = step_key(step)
        replacement = incoming.get(key)
        if replacement is None:
            merged.append(step)
        elif key not in placed:
            if (step.input_schema, step.output_schema) != (
                replacement.input_schema,
                replacement.output_schema,
            ):
                raise _step_schema_conflict(step)
            merged.append(replacement)
            placed.add(key)
    added = [step for key, step in incoming.items() if key not in placed]
    return merged + added, bool(added)


def merge_evaluators(
    stored: list[EvaluatorSchema], incoming: list[EvaluatorSchema]
) -> tuple[list[EvaluatorSchema], bool]:
    """Strict merge of agent-scoped evaluators -> ``(evaluators, changed)``.

    Raises 409 ``SCHEMA_INCOMPATIBLE`` for a backward-incompatible ``config_schema`` change.
    """
    incoming_by_name = {evaluator.name: evaluator for evaluator in incoming}
    stored_by_name = {evaluator.name: evaluator for evaluator in stored}
    merged: list[EvaluatorSchema] = []
    changed = False
    for name, old in stored_by_name.items():
        new = incoming_by_name.get(name)
        if new is None:
            merged.append(old)
            continue
        if old.config_schema != new.config_schema:
            problems = schema_breaking_changes(old.config_schema, new.config_schema)
            if problems:
                raise _evaluator_schema_conflict(name, problems)
        changed = changed or (old.config_schema, old.description) != (
            new.config_schema,
            new.description,
        )
        merged.append(new)
    for name, new in incoming_by_name.items():
        if name not in stored_by_name:
            merged.append(new)
            changed = True
    return merged, changed


@dataclass
class OverwriteDiff:
    """What an overwrite changes; lists sorted (steps by ``(type, name)``)."""

    steps_added: list[StepKey] = field(default_factory=list)
    steps_updated: list[StepKey] = field(default_factory=list)
    steps_removed: list[StepKey] = field(default_factory=list)
    evaluators_added: list[str] = field(default_factory=list)
    evaluators_updated: list[str] = field(default_factory=list)
    evaluators_removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(vars(self).values())


def _step_changed(old: StepSchema, new: StepSchema) -> bool:
    fields = ("description", "input_schema", "output_schema", "metadata")
    return any(getattr(old, name) != getattr(new, name) for name in fields)


def overwrite_diff(
    stored_steps: list[StepSchema],
    incoming_steps: dict[StepKey, StepSchema],
    stored_evaluators: list[EvaluatorSchema],
    incoming_evaluators: list[EvaluatorSchema],
) -> OverwriteDiff:
    """Compare stored and incoming registration data for ``conflict_mode="overwrite"``."""
    old_steps = {step_key(step): step for step in stored_steps}
    old_evals = {evaluator.name: evaluator for evaluator in stored_evaluators}
    new_evals = {evaluator.name: evaluator for evaluator in incoming_evaluators}
    return OverwriteDiff(
        steps_added=sorted(incoming_steps.keys() - old_steps.keys()),
        steps_updated=sorted(
            key
            for key in incoming_steps.keys() & old_steps.keys()
            if _step_changed(old_steps[key], incoming_steps[key])
        ),
        steps_removed=sorted(old_steps.keys() - incoming_steps.keys()),
        evaluators_added=sorted(new_evals.keys() - old_evals.keys()),
        evaluators_updated=sorted(
            name
            for name in new_evals.keys() & old_evals.keys()
            if (old_evals[name].config_schema, old_evals[name].description)
            != (new_evals[name].config_schema, new_evals[name].description)
        ),
        evaluators_removed=sorted(old_evals.keys() - new_evals.keys()),
    )
