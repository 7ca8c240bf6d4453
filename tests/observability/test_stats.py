"""``GET /observability/stats``: per-control and total counts of one agent's events in a time
window, per tenant; the agent name is normalised and checked; unknown agents have zeros."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.observability.payloads import event, ingest
from tests.observability.stats_helpers import AGENT, STATS, ZERO_TOTALS, one, put
from tests.reference_errors import error, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def five():
    """control-1: deny match, observe match, non-match; control-2: steer match, and a match
    that errored (a deny that counts as an action but not as a match, as in the reference)."""
    put(**one(1, action="deny", matched=True, confidence=0.75, execution_duration_ms=10.0))
    put(**one(1, action="observe", matched=True, confidence=0.5, execution_duration_ms=20.0))
    put(**one(1, action="observe", matched=False, confidence=0.25))
    put(**one(2, action="steer", matched=True, confidence=0.75, execution_duration_ms=5.0))
    put(**one(2, action="deny", matched=True, confidence=0.25, error_message="boom"))


def test_stats_aggregate_per_control_and_in_total(api, five):
    response = api.get(STATS, agent_name=AGENT, time_range="1h")
    assert response.json() == {
        "agent_name": AGENT,
        "time_range": "1h",
        "totals": {
            "execution_count": 5,
            "match_count": 3,
            "non_match_count": 1,
            "error_count": 1,
            "action_counts": {"deny": 2, "steer": 1, "observe": 1},
            "timeseries": None,
        },
        "controls": [
            {
                "control_id": 1,
                "control_name": "control-1",
                "execution_count": 3,
                "match_count": 2,
                "non_match_count": 1,
                "deny_count": 1,
                "steer_count": 0,
                "observe_count": 1,
                "error_count": 0,
                "avg_confidence": 0.5,
                "avg_duration_ms": 15.0,
            },
            {
                "control_id": 2,
                "control_name": "control-2",
                "execution_count": 2,
                "match_count": 1,
                "non_match_count": 0,
                "deny_count": 1,
                "steer_count": 1,
                "observe_count": 0,
                "error_count": 1,
                "avg_confidence": 0.5,
                "avg_duration_ms": 5.0,
            },
        ],
    }


def test_the_window_agent_and_tenant_bound_the_events(api):
    put(**one(1))
    put(ago=timedelta(hours=2), **one(1))
    put(agent_name="someone-else-01", **one(1))
    put(tenant="acme", **one(1))
    assert (
        api.get(STATS, agent_name=AGENT, time_range="1h").json()["totals"]["execution_count"] == 1
    )
    assert api.get(STATS, agent_name=AGENT).json()["totals"]["execution_count"] == 0  # 5m
    in_acme = api.get(STATS, agent_name=AGENT, time_range="1h", tenant="acme").json()
    assert in_acme["totals"]["execution_count"] == 1


def test_legacy_actions_count_as_observe(api):
    put(**one(1, action="log", matched=True))
    put(**one(1, action="warn", matched=True))
    totals = api.get(STATS, agent_name=AGENT, time_range="1h").json()["totals"]
    assert totals["action_counts"] == {"observe": 2}


def test_a_renamed_control_has_one_row_per_name(api):
    put(**one(1))
    put(control_id=1, control_name="renamed")
    rows = api.get(STATS, agent_name=AGENT, time_range="1h").json()["controls"]
    assert sorted((r["control_id"], r["control_name"]) for r in rows) == [
        (1, "control-1"),
        (1, "renamed"),
    ]


def test_an_unknown_agent_has_zeros_and_its_name_is_normalised(api):
    response = api.get(STATS, agent_name="  Nobody-Here-01 ")
    assert response.json() == {
        "agent_name": "nobody-here-01",
        "time_range": "5m",
        "totals": ZERO_TOTALS,
        "controls": [],
    }


def test_a_mixed_case_name_finds_the_agents_events(api):
    put(**one(1))
    body = api.get(STATS, agent_name="Stats-Agent-01", time_range="1h").json()
    assert (body["agent_name"], body["totals"]["execution_count"]) == (AGENT, 1)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("short", "agent_name must be at least 10 characters long"),
        ("bad name here", "agent_name may only contain lowercase letters, digits, ':', '_' or '-'"),
    ],
)
def test_an_invalid_agent_name_is_422(api, name, message):
    body = problem(api.get(STATS, agent_name=name))
    item = {
        "resource": "Agent",
        "field": "agent_name",
        "code": "invalid_format",
        "message": message,
        "value": "[REDACTED]",
    }
    assert body == {
        "type": "https://agentcontrol.dev/errors/validation-error",
        "title": "Validation Error",
        "status": 422,
        "detail": "Invalid agent_name",
        "instance": STATS,
        "error_code": "VALIDATION_ERROR",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": [item],
        "details": {"kind": "Agent", "causes": [item]},
        "hint": "Agent names must be at least 10 characters and may only contain letters, "
        "digits, ':', '_' or '-'.",
    }


@pytest.mark.parametrize(
    ("query", "item"),
    [
        (
            {},
            {
                "resource": "Request",
                "field": "query.agent_name",
                "code": "missing",
                "message": "Field required",
            },
        ),
        (
            {"agent_name": AGENT, "time_range": "2h"},
            {
                "resource": "Request",
                "field": "query.time_range",
                "code": "literal_error",
                "message": "Input should be '1m', '5m', '15m', '1h', '24h', '7d', '30d', '180d' "
                "or '365d'",
                "value": "[REDACTED]",
            },
        ),
        (
            {"agent_name": AGENT, "include_timeseries": "maybe"},
            {
                "resource": "Request",
                "field": "query.include_timeseries",
                "code": "bool_parsing",
                "message": "Input should be a valid boolean, unable to interpret input",
                "value": "[REDACTED]",
            },
        ),
    ],
)
def test_bad_parameters_are_request_validation_errors(api, query, item):
    assert error(api.get(STATS, **query))["errors"] == [item]


def test_ingested_events_are_counted_with_legacy_actions_as_observe(api):
    now = timezone.now().isoformat()
    sent = [
        event(agent_name=AGENT, timestamp=now, control_id=1, action="warn"),
        event(agent_name=AGENT, timestamp=now, control_id=2, action="deny"),
        event(agent_name="another-agent-01", timestamp=now, control_id=1),
    ]
    assert ingest(api, sent).status_code == 202
    body = api.get(STATS, agent_name=AGENT, time_range="1h").json()
    assert (body["totals"]["execution_count"], body["totals"]["match_count"]) == (2, 2)
    assert body["totals"]["action_counts"] == {"deny": 1, "observe": 1}
    assert sorted(row["control_id"] for row in body["controls"]) == [1, 2]
