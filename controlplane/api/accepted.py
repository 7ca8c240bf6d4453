"""What the API accepts where the library's JSON Schemas say less.

The agent-control models normalise some input in "before" validators, so they accept more than
their JSON Schemas state. The OpenAPI document must say what the server accepts, and the server
checks bodies against the documented schema (``controlplane.api.validation.check_json_types``), so
both apply ``accepted_schema`` to the library's schemas:

- agent names (schemas with the library's ``AGENT_NAME_PATTERN``): trimmed and lower-cased before
  the check, so letters of either case with spaces or tabs around are accepted
  (``AGENT_NAME_INPUT_PATTERN``; ``agents.names`` bounds the names it stores at 255);
- an event's ``action`` (``ControlExecutionEvent``): the legacy ``allow``, ``warn`` and ``log`` are
  accepted on ingest and stored as ``observe`` (query filters take only the canonical three);
- a control definition (``ControlDefinition``) in the legacy flat form: ``selector`` and
  ``evaluator`` beside ``action`` instead of ``condition``, stored as a one-leaf condition.

And rules the models enforce that their schemas leave out: ``target_type`` and ``target_id``
come together or not at all (``TARGET_PAIR``, on every object schema that has both); a ``tool``
step's ``input`` is an object (``Step``); an event's ``trace_id`` and ``span_id`` are not blank
(``NOT_BLANK``: a character that Python's ``str.strip`` keeps).
"""

import copy
from typing import Any

from agent_control_models.agent import AGENT_NAME_PATTERN

AGENT_NAME_INPUT_PATTERN = r"^[ \t]*[A-Za-z0-9:_-]{10,}[ \t]*$"
EVENT_ACTION = {
    "type": "string",
    "enum": ["deny", "steer", "observe", "allow", "warn", "log"],
    "description": "Action taken by the control; the legacy 'allow', 'warn' and 'log' are stored "
    "as 'observe'",
}


# Python's whitespace (str.isspace), spelled out: ECMA's \s differs from it.
NOT_BLANK = "[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
TOOL_INPUT = {
    "if": {"properties": {"type": {"const": "tool"}}, "required": ["type"]},
    "then": {"properties": {"input": {"type": "object"}}, "required": ["input"]},
}
TARGET_PAIR = [
    {
        "required": ["target_type", "target_id"],
        "properties": {"target_type": {"type": "string"}, "target_id": {"type": "string"}},
    },
    {"properties": {"target_type": {"type": "null"}, "target_id": {"type": "null"}}},
]


def _accept_legacy_leaf(definition: dict) -> None:
    # Components are referenced as the condition is (#/$defs/... or #/components/schemas/...).
    base = definition["properties"]["condition"]["$ref"].rsplit("/", 1)[0]
    definition["required"] = [name for name in definition["required"] if name != "condition"]
    definition["properties"]["selector"] = {
        "$ref": f"{base}/ControlSelector",
        "description": "Legacy flat form (instead of condition): the leaf's selector",
    }
    definition["properties"]["evaluator"] = {
        "$ref": f"{base}/EvaluatorSpec",
        "description": "Legacy flat form (instead of condition): the leaf's evaluator",
    }
    definition["anyOf"] = [{"required": ["condition"]}, {"required": ["selector", "evaluator"]}]


def _rewrite(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _rewrite(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("pattern") == AGENT_NAME_PATTERN:
        node["pattern"] = AGENT_NAME_INPUT_PATTERN
    if node.get("title") == "ControlExecutionEvent" and "action" in node.get("properties", {}):
        node["properties"]["action"] = dict(EVENT_ACTION)
        for name in ("trace_id", "span_id"):
            node["properties"][name]["pattern"] = NOT_BLANK
    if node.get("title") == "Step" and "input" in node.get("properties", {}):
        node.update(copy.deepcopy(TOOL_INPUT))
    if node.get("title") == "ControlDefinition" and "condition" in node.get("required", ()):
        _accept_legacy_leaf(node)
    if (
        node.get("type") == "object"
        and {"target_type", "target_id"} <= node.get("properties", {}).keys()
    ):
        node["anyOf"] = copy.deepcopy(TARGET_PAIR)
    for value in node.values():
        _rewrite(value)


def accepted_schema(schema: dict) -> dict:
    """A copy of the library's JSON ``schema`` saying what this server accepts (module docstring)."""
    accepted = copy.deepcopy(schema)
    _rewrite(accepted)
    return accepted
