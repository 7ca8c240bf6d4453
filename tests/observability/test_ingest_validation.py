"""``POST /api/v1/observability/events`` refused (422, nothing stored): strings no database can store,
empty or oversized batches, invalid or incomplete events, and bodies that are missing or not an
object."""

import json

import pytest

from tests.observability.payloads import EVENTS, event, ingest, ingest_raw, raw_event, rows
from tests.reference_errors import error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw_field", "field", "message"),
    [
        (
            '"control_name": "nul\\u0000"',
            "events[1].control_name",
            "String contains a NUL character (\\u0000).",
        ),
        (
            '"control_name": "lone\\ud800"',
            "events[1].control_name",
            "String contains an unpaired UTF-16 surrogate.",
        ),
        (
            '"metadata": {"ok": [{"k\\u0000ey": 1}]}',
            "events[1].metadata.ok[0].k\x00ey",
            "Key: String contains a NUL character (\\u0000).",
        ),
        (
            '"error_message": "\\udfff"',
            "events[1].error_message",
            "String contains an unpaired UTF-16 surrogate.",
        ),
    ],
)
def test_a_batch_with_a_string_no_database_can_store_is_a_422(client, raw_field, field, message):
    good = json.dumps(event())
    bad = raw_event(raw_field)
    response = ingest_raw(client, good, bad)
    assert response.status_code == 422
    assert [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        (field, "invalid_string", message)
    ]
    assert rows() == []


@pytest.mark.parametrize(
    ("count", "code", "message"),
    [
        (0, "too_short", "List should have at least 1 item after validation, not 0"),
        (1001, "too_long", "List should have at most 1000 items after validation, not 1001"),
    ],
)
def test_an_empty_or_oversized_batch_is_422(api, count, code, message):
    response = ingest(api, [event() for _ in range(count)])
    assert response.status_code == 422
    assert error(response) == {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Request validation failed with 1 error(s)",
        "errors": [
            {
                "resource": "Request",
                "field": "events",
                "code": code,
                "message": message,
                "value": "[REDACTED]",
            }
        ],
    }
    assert rows() == []


def test_an_invalid_event_is_422_with_its_field_paths_and_nothing_is_stored(api):
    response = ingest(api, [event(), event(trace_id=" ", action="bogus", confidence=2)])
    assert response.status_code == 422
    assert error(response) == {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Request validation failed with 3 error(s)",
        "errors": [
            {
                "resource": "Request",
                "field": "events[1].trace_id",
                "code": "value_error",
                "message": "Value error, trace_id cannot be empty",
                "value": "[REDACTED]",
            },
            {
                "resource": "Request",
                "field": "events[1].action",
                "code": "value_error",
                "message": "Value error, Invalid action 'bogus'. Expected one of: deny, steer, "
                "observe.",
                "value": "[REDACTED]",
            },
            {
                "resource": "Request",
                "field": "events[1].confidence",
                "code": "less_than_equal",
                "message": "Input should be less than or equal to 1",
                "value": 2,
            },
        ],
    }
    assert rows() == []


def test_missing_event_fields_are_each_reported(api):
    response = ingest(api, [{}])
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        (f"events[0].{name}", "missing")
        for name in (
            "trace_id",
            "span_id",
            "agent_name",
            "control_id",
            "control_name",
            "check_stage",
            "applies_to",
            "action",
            "matched",
            "confidence",
        )
    ]


def test_a_request_without_a_body_is_422_field_required(client):
    response = client.generic("POST", EVENTS, b"", content_type="application/json")
    assert response.status_code == 422
    assert error(response) == {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Request validation failed with 1 error(s)",
        "errors": [{"resource": "Request", "code": "missing", "message": "Field required"}],
    }


def test_a_body_that_is_not_an_object_is_422(api):
    response = api.post(EVENTS, [])
    assert response.status_code == 422
    assert [e.get("field") for e in response.json()["errors"]] == [None]
