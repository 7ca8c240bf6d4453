"""Agent-scoped evaluators in control definitions (``"<agent_name>:<evaluator>"``).

The library's ``EvaluatorSpec`` validates built-in evaluator configs itself and leaves names with a
``:`` to the server, which needs the database: the agent must exist in the caller's tenant, the
evaluator must be registered on it (``Agent.evaluators``, written by initAgent), and the config
must satisfy that evaluator's ``config_schema`` (JSON Schema). This mirrors the reference's
``_validate_control_definition`` for create, set-data and validate, with the same codes, fields and
messages. Uninstalled external names (``vendor.name``) are accepted without checks, as there.
"""

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jsonschema
from agent_control_models import ConditionNode, ControlDefinition
from agent_control_models.server import EvaluatorSchema

from controlplane.api.exceptions import (
    APIError,
    ErrorCode,
    error_item,
    format_field_path,
    not_found,
)

from ..models import Agent
from ..registration_data import CorruptedAgentData, parse_evaluators


def iter_leaves(node: ConditionNode, path: str = "data.condition") -> Iterator[tuple[str, Any]]:
    """Yield ``(field_path, EvaluatorSpec)`` for each leaf, left to right
    (``data.condition.and[0]``, ``data.condition.not``, ...)."""
    if node.is_leaf():
        yield path, node.evaluator
    elif node.and_ is not None:
        for index, child in enumerate(node.and_):
            yield from iter_leaves(child, f"{path}.and[{index}]")
    elif node.or_ is not None:
        for index, child in enumerate(node.or_):
            yield from iter_leaves(child, f"{path}.or[{index}]")
    elif node.not_ is not None:
        yield from iter_leaves(node.not_, f"{path}.not")


def validate_agent_scoped_evaluators(definition: ControlDefinition) -> None:
    """Check every ``"<agent>:<evaluator>"`` leaf of ``definition`` against the caller's agents.

    One query for all referenced agents (none when no leaf is agent-scoped). Raises, for the first
    failing leaf in tree order: 404 ``AGENT_NOT_FOUND`` (agent missing in this tenant; the name is
    matched exactly, as the reference does), 422 ``CORRUPTED_DATA`` (the agent's stored
    evaluators do not parse), 422 ``EVALUATOR_NOT_FOUND`` at ``<leaf>.evaluator.name``, or 422
    ``INVALID_CONFIG`` at ``<leaf>.evaluator.config``.
    """
    leaves = [
        (path, spec, *spec.name.split(":", 1))
        for path, spec in iter_leaves(definition.condition)
        if ":" in spec.name
    ]
    if not leaves:
        return
    stored = dict(
        Agent.objects.filter(name__in={agent for *_, agent, _ in leaves}).values_list(
            "name", "evaluators"
        )
    )
    parsed: dict[str, list[EvaluatorSchema]] = {}
    for path, spec, agent_name, local_name in leaves:
        if agent_name not in stored:
            raise not_found(
                "Agent",
                f"Agent '{agent_name}' not found",
                name=agent_name,
                hint="Ensure the agent exists before creating controls that reference its "
                "evaluators.",
            )
        if agent_name not in parsed:
            parsed[agent_name] = agent_evaluators_or_422(agent_name, stored[agent_name])
        evaluator = next((e for e in parsed[agent_name] if e.name == local_name), None)
        if evaluator is None:
            raise _evaluator_not_found(path, spec.name, agent_name, local_name, parsed[agent_name])
        if evaluator.config_schema and not config_is_valid(spec.config, evaluator.config_schema):
            raise APIError(
                422,
                ErrorCode.INVALID_CONFIG,
                f"Config validation failed for evaluator '{spec.name}'",
                kind="Control",
                hint="Check the evaluator's config schema for required fields and types.",
                errors=[
                    error_item(
                        "Control",
                        f"{path}.evaluator.config",
                        "schema_validation_error",
                        "Config does not satisfy the evaluator schema.",
                    )
                ],
            )


def agent_evaluators_or_422(agent_name: str, raw: Any) -> list[EvaluatorSchema]:
    """Stored ``Agent.evaluators`` (falsy reads as none) as ``EvaluatorSchema`` items; 422
    ``CORRUPTED_DATA`` "Agent '<name>' has invalid data" with ``evaluators[...]`` fields."""
    try:
        return parse_evaluators(agent_name, raw or [])
    except CorruptedAgentData as exc:
        raise APIError(
            422,
            ErrorCode.CORRUPTED_DATA,
            f"Agent '{agent_name}' has invalid data",
            kind="Agent",
            errors=[
                error_item(
                    "Agent",
                    format_field_path(("evaluators", *error.get("loc", ()))),
                    str(error.get("type", "validation_error")),
                    str(error.get("msg", "Validation failed")),
                )
                for error in exc.errors
            ],
        ) from None


def _evaluator_not_found(path, ref, agent_name, local_name, evaluators) -> APIError:
    available = [evaluator.name for evaluator in evaluators]
    return APIError(
        422,
        ErrorCode.EVALUATOR_NOT_FOUND,
        f"Evaluator '{local_name}' is not registered with agent '{agent_name}'",
        kind="Evaluator",
        hint=f"Register it via initAgent first. Available evaluators: {available or 'none'}.",
        errors=[
            error_item(
                "Control",
                f"{path}.evaluator.name",
                "evaluator_not_found",
                f"Evaluator '{local_name}' not found on agent '{agent_name}'",
                ref,
            )
        ],
    )


def config_is_valid(config: dict, schema: dict) -> bool:
    """Validate ``config`` against ``schema`` (draft from ``$schema``, default 2020-12); an
    unusable schema counts as a failure, as with the reference's jsonschema-rs."""
    return config_error(config, schema) is None


def config_error(config: dict, schema: dict) -> str | None:
    """The first reason ``config`` fails ``schema`` (``None`` when it passes)."""
    try:
        _validator(_canonical(schema)).validate(config)
    except jsonschema.ValidationError as exc:
        return exc.message
    except jsonschema.SchemaError as exc:
        return f"unusable config schema: {exc.message}"
    return None


def _canonical(schema: dict) -> str:
    return json.dumps(schema, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=256)
def _validator(schema_json: str):
    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)
