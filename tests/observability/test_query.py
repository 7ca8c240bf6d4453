"""``POST /api/v1/observability/events/query``: tenant isolation, every filter, order, paging."""

import pytest
from agent_control_models.observability import ControlExecutionEvent as EventPayload

from observability.models import ControlExecutionEvent
from tenancy.context import tenant_context
from tests.observability.payloads import event, ingest, query, stored
from tests.reference_errors import error

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(api):
    """Five events of tenant ``acme`` (oldest first), each differing in one filtered field."""
    events = [
        event(control_execution_id="e1", timestamp="2026-01-01T10:00:00Z"),
        event(
            control_execution_id="e2",
            timestamp="2026-01-01T11:00:00Z",
            trace_id="trace-b",
            span_id="span-b",
            action="steer",
            matched=False,
        ),
        event(
            control_execution_id="e3",
            timestamp="2026-01-01T12:00:00Z",
            agent_name="billing-bot-01",
            control_id=8,
            check_stage="post",
        ),
        event(
            control_execution_id="e4",
            timestamp="2026-01-01T13:00:00Z",
            applies_to="tool_call",
            action="observe",
            control_id=9,
        ),
        event(control_execution_id="e5", timestamp="2026-01-01T13:30:00+02:00"),
    ]
    assert ingest(api, events, tenant="acme").json()["status"] == "queued"
    return {e["control_execution_id"]: e for e in events}


def ids(response):
    assert response.status_code == 200, response.content
    return [e["control_execution_id"] for e in response.json()["events"]]


def test_returns_every_event_newest_first_with_the_full_stored_body(api, sent):
    response = query(api, tenant="acme")
    assert response.status_code == 200
    assert response.json() == {
        "events": [stored(sent[i]) for i in ("e4", "e3", "e5", "e2", "e1")],
        "total": 5,
        "limit": 100,
        "offset": 0,
    }


def test_events_keep_the_models_field_order(api, sent):
    (first,) = query(api, {"control_execution_id": "e1"}, tenant="acme").json()["events"]
    assert list(first) == list(EventPayload.model_fields)


def test_time_bounds_beyond_utc_compare_like_the_first_or_last_instant(api, sent):
    early, late = "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-02:00"
    assert query(api, {"start_time": early}, tenant="acme").json()["total"] == 5
    assert query(api, {"end_time": early}, tenant="acme").json()["total"] == 0
    assert query(api, {"start_time": late}, tenant="acme").json()["total"] == 0
    assert query(api, {"end_time": late}, tenant="acme").json()["total"] == 5


def test_another_tenant_sees_none_of_the_events(api, sent):
    trace = sent["e1"]["trace_id"]
    for tenant in ("globex", None):
        response = query(api, {"trace_id": trace}, tenant=tenant)
        assert response.json() == {"events": [], "total": 0, "limit": 100, "offset": 0}


def test_each_tenant_counts_only_its_own_events(api, sent):
    ingest(api, [event(control_execution_id="e1"), event()], tenant="globex")
    assert query(api, tenant="globex").json()["total"] == 2
    assert query(api, tenant="acme").json()["total"] == 5
    assert ids(query(api, {"control_execution_id": "e1"}, tenant="globex")) == ["e1"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"trace_id": "trace-b"}, ["e2"]),
        ({"span_id": "span-b"}, ["e2"]),
        ({"control_execution_id": "e3"}, ["e3"]),
        ({"agent_name": "billing-bot-01"}, ["e3"]),
        ({"agent_name": "  Billing-Bot-01 "}, ["e3"]),
        ({"control_ids": [8, 9]}, ["e4", "e3"]),
        ({"control_ids": [7]}, ["e5", "e2", "e1"]),
        ({"control_ids": [2**70]}, []),
        ({"actions": ["steer"]}, ["e2"]),
        ({"actions": ["observe", "steer"]}, ["e4", "e2"]),
        ({"matched": False}, ["e2"]),
        ({"matched": True}, ["e4", "e3", "e5", "e1"]),
        ({"check_stages": ["post"]}, ["e3"]),
        ({"check_stages": ["pre", "post"]}, ["e4", "e3", "e5", "e2", "e1"]),
        ({"applies_to": ["tool_call"]}, ["e4"]),
        ({"applies_to": ["llm_call", "custom_call"]}, ["e3", "e5", "e2", "e1"]),
        ({"start_time": "2026-01-01T12:00:00Z"}, ["e4", "e3"]),
        ({"end_time": "2026-01-01T12:00:00Z"}, ["e3", "e5", "e2", "e1"]),
        (
            {"start_time": "2026-01-01T11:00:00", "end_time": "2026-01-01T12:00:00Z"},
            ["e3", "e5", "e2"],
        ),
        ({"trace_id": "trace-b", "matched": True}, []),
        (
            {"trace_id": "", "control_ids": [], "actions": [], "applies_to": []},
            ["e4", "e3", "e5", "e2", "e1"],
        ),
    ],
)
def test_filters(api, sent, filters, expected):
    response = query(api, filters, tenant="acme")
    assert ids(response) == expected
    assert response.json()["total"] == len(expected)


def test_the_observe_filter_also_matches_legacy_stored_action_names(api):
    with tenant_context("acme"):
        ControlExecutionEvent.objects.create(
            control_execution_id="legacy",
            timestamp="2026-01-01T10:00:00Z",
            agent_name="support-bot-01",
            trace_id="t",
            span_id="s",
            data=event(control_execution_id="legacy", action="allow"),
        )
    assert ids(query(api, {"actions": ["observe"]}, tenant="acme")) == ["legacy"]
    assert ids(query(api, {"actions": ["deny"]}, tenant="acme")) == []


def test_events_with_the_same_timestamp_come_latest_stored_first(api):
    same = "2026-01-01T10:00:00Z"
    ingest(api, [event(control_execution_id="a", timestamp=same)])
    ingest(api, [event(control_execution_id="b", timestamp=same)])
    assert ids(query(api)) == ["b", "a"]


def test_limit_and_offset_page_through_the_matches(api, sent):
    first = query(api, {"limit": 2}, tenant="acme").json()
    assert ([e["control_execution_id"] for e in first["events"]], first["total"]) == (
        ["e4", "e3"],
        5,
    )
    assert (first["limit"], first["offset"]) == (2, 0)
    second = query(api, {"limit": 2, "offset": 2}, tenant="acme").json()
    assert [e["control_execution_id"] for e in second["events"]] == ["e5", "e2"]
    assert (second["total"], second["limit"], second["offset"]) == (5, 2, 2)
    last = query(api, {"limit": 2, "offset": 4}, tenant="acme").json()
    assert [e["control_execution_id"] for e in last["events"]] == ["e1"]


def test_an_offset_past_the_end_returns_no_events_but_the_total(api, sent):
    response = query(api, {"offset": 10**15}, tenant="acme")
    assert response.json() == {"events": [], "total": 5, "limit": 100, "offset": 10**15}


def test_invalid_filters_are_422_with_their_fields(api):
    response = query(
        api,
        {
            "limit": 0,
            "offset": -1,
            "agent_name": "ab",
            "actions": ["allow"],
            "check_stages": ["x"],
            "control_ids": ["a"],
            "start_time": "nope",
        },
    )
    assert response.status_code == 422
    assert error(response) == {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Request validation failed with 7 error(s)",
        "errors": [
            {
                "resource": "Request",
                "field": "agent_name",
                "code": "value_error",
                "message": "Value error, agent_name must be at least 10 characters long",
                "value": "[REDACTED]",
            },
            {
                "resource": "Request",
                "field": "control_ids[0]",
                "code": "int_parsing",
                "message": "Input should be a valid integer, unable to parse string as an integer",
                "value": "[REDACTED]",
            },
            {
                "resource": "Request",
                "field": "actions",
                "code": "value_error",
                "message": "Value error, Invalid action 'allow'. Must be one of: deny, steer, "
                "observe.",
                "value": "[REDACTED]",
            },
            {
                "resource": "Request",
                "field": "check_stages[0]",
                "code": "literal_error",
                "message": "Input should be 'pre' or 'post'",
                "value": "[REDACTED]",
            },
            {
                "resource": "Request",
                "field": "start_time",
                "code": "datetime_from_date_parsing",
                "message": "Input should be a valid datetime or date, input is too short",
                "value": "[REDACTED]",
            },
            {
                "resource": "Request",
                "field": "limit",
                "code": "greater_than_equal",
                "message": "Input should be greater than or equal to 1",
                "value": 0,
            },
            {
                "resource": "Request",
                "field": "offset",
                "code": "greater_than_equal",
                "message": "Input should be greater than or equal to 0",
                "value": -1,
            },
        ],
    }


def test_a_query_without_a_body_is_422_field_required(client):
    response = client.generic(
        "POST", "/api/v1/observability/events/query", b"", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"resource": "Request", "code": "missing", "message": "Field required"}
    ]
