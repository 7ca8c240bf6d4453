"""Stored control JSON -> ``ParsedControl``, parsed once per distinct text.

The reference parses each control row with ``ControlDefinition`` (``UnrenderedTemplateControl`` for
a template draft) and serialises the model, so defaults appear (``"tags": []``, a selector without
``path`` reads as ``"*"``) and legacy values are normalised; evaluation parses the same row as
``ControlDefinitionRuntime``, letting an invalid ``step_name_regex`` through so the engine reports
it. Parsing is the expensive part of the hot read paths, so ``parse_control_text`` caches the
outcome keyed by the stored JSON *text* (the column cast to text by the query): the text decides the
result completely, and hashing it is cheap. This is the only cache of parsed definitions.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pydantic
from agent_control_models import (
    ControlDefinition,
    ControlDefinitionRuntime,
    UnrenderedTemplateControl,
)

from .errors import corrupted_control
from .predicates import is_enabled, is_rendered

PARSE_CACHE_SIZE = 2048
_LENIENT = {"allow_invalid_step_name_regex": True}

type Problems = tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ParsedControl:
    """One stored control definition, parsed. Shared between requests: treat as read-only.

    - ``rendered`` / ``enabled``: the state flags (``predicates``), also for a row that does not
      parse;
    - ``model``: the ``ControlDefinition`` (or ``UnrenderedTemplateControl``), ``None`` when it does
      not validate; then ``problems`` holds pydantic's error dicts (``()`` for an unreadable
      template draft);
    - ``compact``: the model as compact JSON, ``None`` fields omitted; ``full``: the model as a dict,
      ``None`` fields kept;
    - ``evaluator_names``: the condition's leaf evaluator names (``None`` when even a lenient parse
      fails);
    - ``runtime``: the ``ControlDefinitionRuntime`` the engine runs (lenient about
      ``step_name_regex``); ``None`` for a template draft or when it does not validate, then
      ``runtime_problems`` holds the errors.
    """

    rendered: bool
    enabled: bool
    model: ControlDefinition | UnrenderedTemplateControl | None = None
    compact: str | None = None
    full: dict | None = None
    evaluator_names: tuple[str, ...] | None = None
    problems: Problems | None = None
    runtime: ControlDefinitionRuntime | None = None
    runtime_problems: Problems | None = None


def _problems(exc: pydantic.ValidationError) -> Problems:
    return tuple(exc.errors(include_url=False))


def _leaf_evaluators(definition) -> tuple[str, ...]:
    return tuple(evaluator.name for _, evaluator in definition.iter_condition_leaf_parts())


def _parse_template_draft(data: dict) -> ParsedControl:
    try:
        model = UnrenderedTemplateControl.model_validate(data)
    except pydantic.ValidationError:
        return ParsedControl(rendered=False, enabled=False, problems=())
    return ParsedControl(
        rendered=False,
        enabled=False,
        model=model,
        compact=model.model_dump_json(by_alias=True, exclude_none=True),
        full=model.model_dump(mode="json", by_alias=True),
        evaluator_names=(),
    )


def _parse_runtime(data: Any) -> tuple[ControlDefinitionRuntime | None, Problems | None]:
    try:
        return ControlDefinitionRuntime.model_validate(data, context=_LENIENT), None
    except pydantic.ValidationError as exc:
        return None, _problems(exc)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_control_text(text: str) -> ParsedControl:
    """Parse one control's stored JSON text (``Control.data``); never raises."""
    try:
        data = json.loads(text)
    except ValueError:
        data = text
    if isinstance(data, dict) and not is_rendered(data):
        return _parse_template_draft(data)
    runtime, runtime_problems = _parse_runtime(data)
    try:
        model = ControlDefinition.model_validate(data)
    except pydantic.ValidationError as exc:
        try:  # the reference still reads evaluator references with a bad step_name_regex
            names = _leaf_evaluators(ControlDefinition.model_validate(data, context=_LENIENT))
        except pydantic.ValidationError:
            names = None
        return ParsedControl(
            rendered=True,
            enabled=isinstance(data, dict) and is_enabled(data),
            evaluator_names=names,
            problems=_problems(exc),
            runtime=runtime,
            runtime_problems=runtime_problems,
        )
    return ParsedControl(
        rendered=True,
        enabled=model.enabled,
        model=model,
        compact=model.model_dump_json(by_alias=True, exclude_none=True),
        full=model.model_dump(mode="json", by_alias=True),
        evaluator_names=_leaf_evaluators(model),
        runtime=runtime,
        runtime_problems=runtime_problems,
    )


def parse_control_data(data: Any) -> ParsedControl:
    """``parse_control_text`` for an already decoded ``Control.data`` value."""
    return parse_control_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def parse_control_rows(
    rows: Iterable[tuple[int, str, str]],
) -> list[tuple[int, str, ParsedControl]]:
    """Parse ``(id, name, data_text)`` rows; raises 422 ``CORRUPTED_DATA`` for the first row that
    does not parse, even one a filter would drop later (as the reference)."""
    parsed_rows = []
    for control_id, name, text in rows:
        parsed = parse_control_text(text)
        if parsed.model is None:
            raise corrupted_control(control_id=control_id, name=name, parsed=parsed)
        parsed_rows.append((control_id, name, parsed))
    return parsed_rows
