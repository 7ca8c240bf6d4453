"""Backward compatibility of an agent-scoped evaluator's ``config_schema`` (strict initAgent).

A new JSON Schema is compatible with the stored one when every config valid before stays valid in
shape: no property removed, no property's type changed (nested objects and arrays of objects are
compared recursively), no new required property, no optional property made required. Adding an
optional property, or dropping a requirement, is fine. An empty stored schema accepts any change.

The problem texts are the reference server's, because they reach the client in the 409
``SCHEMA_INCOMPATIBLE`` body (``detail`` and ``errors[].message``).
"""

from typing import Any


def schema_type(schema: dict[str, Any]) -> str:
    """A comparable label for a property schema: ``"string"``, ``"array<object>"``,
    ``"enum(3)"``, ``"$ref:#/x"``, ``"anyOf"``, ``"oneOf"`` or ``"unknown"``."""
    if "type" in schema:
        kind = schema["type"]
        if kind == "array" and "items" in schema:
            return f"array<{schema_type(schema['items'])}>"
        return str(kind)
    if "enum" in schema:
        return f"enum({len(schema['enum'])})"
    if "$ref" in schema:
        return f"$ref:{schema['$ref']}"
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return keyword
    return "unknown"


def schema_breaking_changes(
    old: dict[str, Any], new: dict[str, Any], prefix: str = ""
) -> list[str]:
    """Why ``new`` breaks configs written for ``old``; an empty list means compatible.

    ``prefix`` is the dotted path of the property being compared (``"a.b"``, ``"items[]"``).
    """
    if old == new or not old:
        return []

    def where(name: str) -> str:
        return f"{prefix}.{name}" if prefix else name

    old_props = old.get("properties", {})
    new_props = new.get("properties", {})
    problems = [
        f"Removed property: '{where(name)}'" for name in sorted(old_props.keys() - new_props.keys())
    ]
    for name, old_prop in old_props.items():
        if name not in new_props:
            continue
        new_prop = new_props[name]
        old_kind, new_kind = schema_type(old_prop), schema_type(new_prop)
        if old_kind != new_kind:
            problems.append(
                f"Property '{where(name)}' type changed from '{old_kind}' to '{new_kind}'"
            )
        elif old_kind == "object":
            problems += schema_breaking_changes(old_prop, new_prop, where(name))
        elif old_kind.startswith("array<object>"):
            problems += schema_breaking_changes(
                old_prop.get("items", {}), new_prop.get("items", {}), f"{where(name)}[]"
            )
    newly_required = set(new.get("required", [])) - set(old.get("required", []))
    for name in sorted(newly_required):
        if name in old_props:
            problems.append(f"Property '{where(name)}' changed from optional to required")
        else:
            problems.append(f"Added required property: '{where(name)}'")
    return problems


def breaking_change_detail(evaluator_name: str, problems: list[str]) -> str:
    """The 409 ``detail`` for an incompatible evaluator schema change."""
    return (
        f"Evaluator '{evaluator_name}' schema change is not backward compatible. "
        f"Changes detected: {'; '.join(problems)}. "
        "To make breaking changes, create a new agent with a different name."
    )
