"""Stored control JSON -> the reference's ``Control`` wire objects, parsed once per distinct text.

The reference parses every associated control row with ``ControlDefinition`` (or
``UnrenderedTemplateControl`` for a template draft) and serialises the model, so defaults appear
(``"tags": []``, ``"scope": {}``, a selector without ``path`` reads as ``"*"``) and legacy values
are normalised. Doing that per request is the expensive part of ``GET /agents/{name}/controls``,
so ``parse_control`` caches the outcome keyed by the stored JSON *text* (the column cast to text by
the query): the text decides the result completely, and hashing it is cheap.

A ``ParsedControl`` holds:

- ``rendered`` / ``enabled``: the state filters of ``GET /agents/{name}/controls``
  (``agents.selectors.is_rendered`` / ``is_enabled`` semantics);
- ``compact``: the definition as compact JSON with ``None`` fields omitted (that endpoint is
  ``exclude_none``); ``full``: the definition as a dict with ``None`` fields kept (initAgent);
- ``evaluator_names``: the leaf evaluator names of the condition tree (for evaluator-in-use checks);
- ``errors``: ``errors[]`` items when the row does not parse (422 ``CORRUPTED_DATA``).
"""

import json
from dataclasses import dataclass
from functools import lru_cache

import pydantic
from agent_control_models import ControlDefinition, UnrenderedTemplateControl
from agent_control_models.errors import ErrorCode
from django.db.models import TextField
from django.db.models.functions import Cast

from controlplane.api.errors import APIError, format_field_path
from tenancy.compiled import CompiledQuery

from .selectors import effective_controls_queryset, is_enabled, is_rendered

PARSE_CACHE_SIZE = 2048
_LENIENT = {"allow_invalid_step_name_regex": True}


@dataclass(frozen=True, slots=True)
class ParsedControl:
    """One stored control definition, parsed (see the module docstring). Treat as read-only."""

    rendered: bool
    enabled: bool
    compact: str | None = None
    full: dict | None = None
    evaluator_names: tuple[str, ...] | None = None
    errors: tuple[dict, ...] | None = None


def _leaf_evaluators(definition: ControlDefinition) -> tuple[str, ...]:
    return tuple(evaluator.name for _, evaluator in definition.iter_condition_leaf_parts())


def _errors(exc: pydantic.ValidationError) -> tuple[dict, ...]:
    return tuple(
        {
            "resource": "Control",
            "field": format_field_path(("data", *error.get("loc", ()))),
            "code": str(error.get("type", "validation_error")),
            "message": str(error.get("msg", "Validation failed")),
        }
        for error in exc.errors(include_url=False)
    )


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_control(text: str) -> ParsedControl:
    """Parse one control's stored JSON text (``Control.data``); never raises."""
    try:
        data = json.loads(text)
    except ValueError:
        data = text
    is_dict = isinstance(data, dict)
    if is_dict and not is_rendered(data):
        try:
            model = UnrenderedTemplateControl.model_validate(data)
        except pydantic.ValidationError:
            errors = (
                {
                    "resource": "Control",
                    "field": "data",
                    "code": "corrupted_data",
                    "message": "Stored unrendered template data is invalid.",
                },
            )
            return ParsedControl(rendered=False, enabled=False, errors=errors)
        return ParsedControl(
            rendered=False,
            enabled=False,
            compact=model.model_dump_json(by_alias=True, exclude_none=True),
            full=model.model_dump(mode="json", by_alias=True),
            evaluator_names=(),
        )
    try:
        model = ControlDefinition.model_validate(data)
    except pydantic.ValidationError as exc:
        try:  # the reference still reads evaluator references with a bad step_name_regex
            names = _leaf_evaluators(ControlDefinition.model_validate(data, context=_LENIENT))
        except pydantic.ValidationError:
            names = None
        return ParsedControl(
            rendered=True,
            enabled=is_dict and is_enabled(data),
            evaluator_names=names,
            errors=_errors(exc),
        )
    return ParsedControl(
        rendered=True,
        enabled=model.enabled,
        compact=model.model_dump_json(by_alias=True, exclude_none=True),
        full=model.model_dump(mode="json", by_alias=True),
        evaluator_names=_leaf_evaluators(model),
    )


def corrupted_control(control_id: int, name: str, parsed: ParsedControl) -> APIError:
    """422 ``CORRUPTED_DATA`` for a stored control that does not parse (reference wording)."""
    detail = (
        f"Control '{name}' has corrupted unrendered template data"
        if not parsed.rendered
        else f"Control '{name}' has corrupted data"
    )
    return APIError(
        422,
        ErrorCode.CORRUPTED_DATA,
        detail,
        kind="Control",
        name=str(control_id),
        hint=f"Update the control data using PUT /api/v1/controls/{control_id}/data.",
        errors=[dict(item) for item in parsed.errors or ()],
    )


CONTROL_ROWS = CompiledQuery(
    lambda agent_id: (
        effective_controls_queryset(agent_id)
        .annotate(data_text=Cast("data", TextField()))
        .values_list("id", "name", "data_text")
    ),
    agent_id=int,
)


def control_rows(agent_id: int) -> list[tuple[int, str, str]]:
    """The agent's effective controls (``agents.selectors``) as ``(id, name, data as JSON text)``
    rows, id descending; one compiled query, no JSON decoding."""
    return CONTROL_ROWS(agent_id=agent_id)


def parse_rows(rows) -> list[tuple[int, str, ParsedControl]]:
    """Parse ``(id, name, data_text)`` rows; raises 422 ``CORRUPTED_DATA`` for the first row that
    does not parse, even one a filter would drop later (as the reference)."""
    parsed_rows = []
    for control_id, name, text in rows:
        parsed = parse_control(text)
        if parsed.errors is not None:
            raise corrupted_control(control_id, name, parsed)
        parsed_rows.append((control_id, name, parsed))
    return parsed_rows


def matches_state(parsed: ParsedControl, rendered_state: str, enabled_state: str) -> bool:
    """The ``rendered_state`` / ``enabled_state`` filters (``rendered|unrendered|all``,
    ``enabled|disabled|all``); they intersect."""
    if rendered_state != "all" and parsed.rendered != (rendered_state == "rendered"):
        return False
    return enabled_state == "all" or parsed.enabled == (enabled_state == "enabled")


def controls_body(rows: list[tuple[int, str, ParsedControl]]) -> bytes:
    """``{"controls": [{"id", "name", "control"}]}`` as compact JSON bytes, from cached parts."""
    items = ",".join(
        f'{{"id":{control_id},"name":{json.dumps(name, ensure_ascii=False)},'
        f'"control":{parsed.compact}}}'
        for control_id, name, parsed in rows
    )
    return f'{{"controls":[{items}]}}'.encode()


def control_dicts(rows: list[tuple[int, str, ParsedControl]]) -> list[dict]:
    """``[{"id", "name", "control"}]`` with ``None`` fields kept (initAgent's ``controls``)."""
    return [
        {"id": control_id, "name": name, "control": parsed.full}
        for control_id, name, parsed in rows
    ]
