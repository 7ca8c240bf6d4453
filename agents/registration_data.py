"""An agent's registration data: the columns of ``Agent`` <-> the library's pydantic models.

The reference keeps one JSON blob ``{"agent_metadata", "steps", "evaluators"}`` per agent; we keep
the ``Agent`` object in columns (``description``, ``version``, ``metadata``,
``reported_created_at``/``reported_updated_at``) and the two lists in the ``steps`` and
``evaluators`` JSON columns, stored as the models' full JSON dumps (``None`` fields included).

Stored lists that do not validate as ``list[StepSchema]`` / ``list[EvaluatorSchema]`` are
*corrupted* (``CorruptedAgentData``); the endpoints turn that into 422 ``CORRUPTED_DATA`` (or
replace the data when initAgent is sent ``force_replace=true``).
"""

from typing import TYPE_CHECKING, Any

from agent_control_models import Agent as AgentModel
from agent_control_models import StepSchema
from agent_control_models.server import EvaluatorSchema
from pydantic import TypeAdapter, ValidationError

if TYPE_CHECKING:  # models.py imports this module for its clean()
    from .models import Agent

STEP_LIST = TypeAdapter(list[StepSchema])
EVALUATOR_LIST = TypeAdapter(list[EvaluatorSchema])
#: The library's ``Agent`` fields and the ``Agent`` columns that store them.
AGENT_OBJECT_COLUMNS = {
    "agent_description": "description",
    "agent_version": "version",
    "agent_metadata": "metadata",
    "agent_created_at": "reported_created_at",
    "agent_updated_at": "reported_updated_at",
}
METADATA_FIELDS = (
    "description",
    "version",
    "metadata",
    "reported_created_at",
    "reported_updated_at",
)


class CorruptedAgentData(Exception):
    """The stored steps or evaluators of an agent do not validate; ``errors`` holds pydantic's
    error dicts (locations relative to the list)."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or []


def load_steps(agent: "Agent") -> list[StepSchema]:
    """The agent's stored steps; raises ``CorruptedAgentData``."""
    try:
        return STEP_LIST.validate_python(agent.steps)
    except ValidationError as exc:
        raise CorruptedAgentData(
            f"steps of agent {agent.name!r}", exc.errors(include_url=False)
        ) from exc


def parse_evaluators(agent_name: str, raw: Any) -> list[EvaluatorSchema]:
    """Stored ``Agent.evaluators`` as ``EvaluatorSchema`` items; raises ``CorruptedAgentData``."""
    try:
        return EVALUATOR_LIST.validate_python(raw)
    except ValidationError as exc:
        raise CorruptedAgentData(
            f"evaluators of agent {agent_name!r}", exc.errors(include_url=False)
        ) from exc


def load_evaluators(agent: "Agent") -> list[EvaluatorSchema]:
    """The agent's stored agent-scoped evaluators; raises ``CorruptedAgentData``."""
    return parse_evaluators(agent.name, agent.evaluators)


def load_registration(agent: "Agent") -> tuple[list[StepSchema], list[EvaluatorSchema]]:
    """``(steps, evaluators)``; raises ``CorruptedAgentData`` if either list is unreadable (the
    reference stores them in one blob, so one bad part makes the whole registration unreadable).
    """
    return load_steps(agent), load_evaluators(agent)


def dump_steps(steps: list[StepSchema]) -> list[dict]:
    """Steps as stored (and as ``GET /agents/{name}`` returns them): full JSON dumps."""
    return [step.model_dump(mode="json") for step in steps]


def dump_evaluators(evaluators: list[EvaluatorSchema]) -> list[dict]:
    """Evaluators as stored: ``{"name", "config_schema", "description"}``."""
    return [evaluator.model_dump(mode="json") for evaluator in evaluators]


def metadata_columns(agent: AgentModel) -> dict:
    """The ``Agent`` columns that hold the SDK's ``Agent`` object (everything but the name)."""
    return {
        "description": agent.agent_description,
        "version": agent.agent_version,
        "metadata": agent.agent_metadata,
        "reported_created_at": agent.agent_created_at,
        "reported_updated_at": agent.agent_updated_at,
    }


def stored_metadata_columns(agent: "Agent") -> dict:
    """The same columns as currently stored on ``agent``."""
    return {field: getattr(agent, field) for field in METADATA_FIELDS}


def agent_object(agent: "Agent") -> dict | None:
    """The SDK's ``Agent`` object as ``GET /agents/{name}`` returns it (``None`` fields kept), or
    ``None`` when the stored metadata is not an object (corrupted)."""
    if agent.metadata is not None and not isinstance(agent.metadata, dict):
        return None
    return {
        "agent_name": agent.name,
        "agent_description": agent.description,
        "agent_created_at": agent.reported_created_at,
        "agent_updated_at": agent.reported_updated_at,
        "agent_version": agent.version,
        "agent_metadata": agent.metadata,
    }


def _messages(exc: ValidationError, field: str) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in error['loc']) or field}: {error['msg']}"
        for error in exc.errors(include_url=False)
    ]


def registration_errors(agent: "Agent") -> dict[str, list[str]]:
    """What initAgent would refuse in ``agent``'s stored registration, by column: the ``Agent``
    object columns as the library's ``Agent`` model (``metadata`` must be an object or null),
    ``steps`` / ``evaluators`` as ``list[StepSchema]`` / ``list[EvaluatorSchema]``, unique by
    ``(type, name)`` / ``name``. The name has its own validator (``agents.names``). Used by
    ``Agent.clean()`` (the admin), so the admin accepts exactly what the API stores."""
    errors: dict[str, list[str]] = {}
    values = {api: getattr(agent, column) for api, column in AGENT_OBJECT_COLUMNS.items()}
    try:
        AgentModel.model_validate({"agent_name": agent.name, **values})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            api_field = str(error["loc"][0]) if error["loc"] else ""
            column = AGENT_OBJECT_COLUMNS.get(api_field)
            if column is not None:
                errors.setdefault(column, []).append(
                    f"{error['msg']} (initAgent's agent.{api_field})."
                )
    for field, adapter in (("steps", STEP_LIST), ("evaluators", EVALUATOR_LIST)):
        try:
            adapter.validate_python(getattr(agent, field))
        except ValidationError as exc:
            errors[field] = _messages(exc, field)
    if "steps" not in errors:
        keys = [(step["type"], step["name"]) for step in agent.steps]
        if len(keys) != len(set(keys)):
            errors["steps"] = ["Steps must be unique by (type, name)."]
    if "evaluators" not in errors:
        names = [evaluator["name"] for evaluator in agent.evaluators]
        if len(names) != len(set(names)):
            errors["evaluators"] = ["Evaluator names must be unique."]
    return errors
