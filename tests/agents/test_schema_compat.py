"""Backward compatibility of evaluator config schemas (strict initAgent)."""

import pytest

from agents.services.schema_compat import (
    breaking_change_detail,
    schema_breaking_changes,
    schema_type,
)

OLD = {
    "type": "object",
    "properties": {
        "level": {"type": "string"},
        "limits": {"type": "object", "properties": {"max": {"type": "integer"}}},
        "rules": {
            "type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "string"}}},
        },
    },
    "required": ["level"],
}


def _with(**changes):
    return {**OLD, **changes}


@pytest.mark.parametrize(
    ("new", "problems"),
    [
        (OLD, []),
        (_with(properties={**OLD["properties"], "extra": {"type": "string"}}), []),
        (_with(required=[]), []),
        (
            {"type": "object", "properties": {"level": {"type": "string"}}, "required": ["level"]},
            ["Removed property: 'limits'", "Removed property: 'rules'"],
        ),
        (
            _with(properties={**OLD["properties"], "level": {"type": "integer"}}),
            ["Property 'level' type changed from 'string' to 'integer'"],
        ),
        (
            _with(required=["level", "limits", "new"]),
            [
                "Property 'limits' changed from optional to required",
                "Added required property: 'new'",
            ],
        ),
        (
            _with(properties={**OLD["properties"], "limits": {"type": "object", "properties": {}}}),
            ["Removed property: 'limits.max'"],
        ),
        (
            _with(
                properties={
                    **OLD["properties"],
                    "rules": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"id": {"type": "number"}}},
                    },
                }
            ),
            ["Property 'rules[].id' type changed from 'string' to 'number'"],
        ),
    ],
)
def test_incompatibilities(new, problems):
    assert schema_breaking_changes(OLD, new) == problems


def test_empty_old_schema_accepts_anything():
    assert schema_breaking_changes({}, {"type": "object", "required": ["x"]}) == []


@pytest.mark.parametrize(
    ("schema", "label"),
    [
        ({"type": "array", "items": {"type": "string"}}, "array<string>"),
        ({"enum": [1, 2, 3]}, "enum(3)"),
        ({"$ref": "#/x"}, "$ref:#/x"),
        ({"anyOf": []}, "anyOf"),
        ({"oneOf": []}, "oneOf"),
        ({}, "unknown"),
    ],
)
def test_schema_type_labels(schema, label):
    assert schema_type(schema) == label


def test_detail_lists_every_problem():
    assert breaking_change_detail("pii", ["a", "b"]) == (
        "Evaluator 'pii' schema change is not backward compatible. Changes detected: a; b. "
        "To make breaking changes, create a new agent with a different name."
    )
