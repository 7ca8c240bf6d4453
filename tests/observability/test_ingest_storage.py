"""``POST /api/v1/observability/events`` accepted (202): exact counts, the stored rows and their
tenant, normalised actions and names, library defaults, duplicate ids, batches the database
refuses as a whole, and values stored as sent."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from tests.observability.payloads import event, ingest, ingest_raw, raw_event, rows, stored

pytestmark = pytest.mark.django_db


def test_a_batch_is_accepted_with_202_and_exact_counts(api):
    response = ingest(api, [event(), event(), event()])
    assert response.status_code == 202
    assert response.json() == {"received": 3, "enqueued": 3, "dropped": 0, "status": "queued"}


def test_stored_rows_keep_the_full_event_and_its_indexed_columns(api):
    sent = event(control_execution_id="ev-columns", metadata={"k": [1, 2]}, evaluator_name="regex")
    ingest(api, [sent])
    (row,) = rows()
    assert row.control_execution_id == "ev-columns"
    assert row.agent_name == "support-bot-01"
    assert row.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert row.span_id == "00f067aa0ba902b7"
    assert row.timestamp == datetime(2026, 1, 9, 10, 30, tzinfo=UTC)
    assert row.data == stored(sent)


def test_rows_without_a_tenant_header_land_in_the_default_tenant(api):
    ingest(api, [event(control_execution_id="ev-default")])
    assert [(r.tenant_id, r.control_execution_id) for r in rows()] == [
        ("default-tenant", "ev-default")
    ]


def test_rows_are_stamped_with_the_callers_tenant(api):
    ingest(api, [event(control_execution_id="ev-acme")], tenant="acme")
    assert [(r.tenant_id, r.control_execution_id) for r in rows()] == [("acme", "ev-acme")]


def test_legacy_actions_are_normalised_to_observe_and_agent_names_lowercased(api):
    sent = [
        event(control_execution_id=f"ev-{action}", action=action, agent_name="Support-Bot-01")
        for action in ("allow", "warn", "log", "observe", "steer")
    ]
    assert ingest(api, sent).status_code == 202
    assert [(r.data["action"], r.agent_name, r.data["agent_name"]) for r in rows()] == [
        ("observe", "support-bot-01", "support-bot-01"),
        ("observe", "support-bot-01", "support-bot-01"),
        ("observe", "support-bot-01", "support-bot-01"),
        ("observe", "support-bot-01", "support-bot-01"),
        ("steer", "support-bot-01", "support-bot-01"),
    ]


def test_missing_id_and_timestamp_get_the_librarys_defaults(api):
    sent = event()
    del sent["control_execution_id"], sent["timestamp"]
    before = datetime.now(UTC)
    assert ingest(api, [sent]).status_code == 202
    (row,) = rows()
    assert str(uuid.UUID(row.control_execution_id)) == row.control_execution_id
    assert before <= row.timestamp <= datetime.now(UTC)
    assert row.data["control_execution_id"] == row.control_execution_id
    assert datetime.fromisoformat(row.data["timestamp"]) == row.timestamp


def test_a_naive_timestamp_is_taken_as_utc_and_stored_as_sent(api):
    ingest(api, [event(control_execution_id="ev-naive", timestamp="2026-01-09T10:30:00")])
    (row,) = rows()
    assert row.timestamp == datetime(2026, 1, 9, 10, 30, tzinfo=UTC)
    assert row.data["timestamp"] == "2026-01-09T10:30:00"


def test_a_repeated_id_is_counted_but_ignored_and_the_first_version_kept(api):
    ingest(api, [event(control_execution_id="ev-dup", action="deny")])
    response = ingest(
        api,
        [
            event(control_execution_id="ev-dup", action="steer"),
            event(control_execution_id="ev-new"),
        ],
    )
    assert response.status_code == 202
    assert response.json() == {"received": 2, "enqueued": 2, "dropped": 0, "status": "queued"}
    assert [(r.control_execution_id, r.data["action"]) for r in rows()] == [
        ("ev-dup", "deny"),
        ("ev-new", "deny"),
    ]


def test_a_repeated_id_within_one_batch_keeps_the_first(api):
    response = ingest(
        api,
        [
            event(control_execution_id="ev-twice", control_name="first"),
            event(control_execution_id="ev-twice", control_name="second"),
        ],
    )
    assert response.json() == {"received": 2, "enqueued": 2, "dropped": 0, "status": "queued"}
    assert [(r.control_execution_id, r.data["control_name"]) for r in rows()] == [
        ("ev-twice", "first")
    ]


def test_the_same_id_in_two_tenants_is_two_events(api):
    ingest(api, [event(control_execution_id="ev-shared")], tenant="acme")
    response = ingest(api, [event(control_execution_id="ev-shared")], tenant="globex")
    assert response.json()["status"] == "queued"
    assert sorted((r.tenant_id, r.control_execution_id) for r in rows()) == [
        ("acme", "ev-shared"),
        ("globex", "ev-shared"),
    ]


def test_a_batch_the_reference_database_refuses_is_failed_and_stores_nothing(api):
    too_long_id = "x" * 37
    response = ingest(api, [event(), event(control_execution_id=too_long_id)])
    assert response.status_code == 202
    assert response.json() == {"received": 2, "enqueued": 0, "dropped": 2, "status": "failed"}
    too_long_agent = "a" * 256
    response = ingest(api, [event(agent_name=too_long_agent)])
    assert response.json() == {"received": 1, "enqueued": 0, "dropped": 1, "status": "failed"}
    assert rows() == []


def test_a_batch_with_a_number_too_large_for_a_double_is_a_422_and_nothing_is_stored(client):
    good = json.dumps(event())
    bad = raw_event('"execution_duration_ms": 1e400')
    response = ingest_raw(client, good, bad)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("events[1].execution_duration_ms", "non_finite_number")
    ]
    assert rows() == []


def test_non_ascii_text_is_stored_and_returned_as_sent(api):
    sent = event(control_name="contrôle 🚦", metadata={"note": "日本語 \\u0000 literal"})
    assert ingest(api, [sent]).json()["status"] == "queued"
    assert [r.data for r in rows()] == [stored(sent)]


def test_an_infinite_number_inside_metadata_is_a_422(client):
    body = raw_event('"metadata": {"x": [-1e400]}', control_execution_id="ev-inf")
    response = ingest_raw(client, body)
    assert response.status_code == 422
    assert [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        (
            "events[0].metadata.x[0]",
            "non_finite_number",
            "Number is out of range: JSON numbers must be finite (at most about 1.8e308).",
        )
    ]
    assert rows() == []


def test_a_timestamp_beyond_utc_is_stored_with_a_clamped_column(api):
    sent = event(control_execution_id="ev-early", timestamp="0001-01-01T00:00:00+01:00")
    assert ingest(api, [sent]).json()["status"] == "queued"
    (row,) = rows()
    assert row.timestamp == datetime.min.replace(tzinfo=UTC)
    assert row.data["timestamp"] == "0001-01-01T00:00:00+01:00"
