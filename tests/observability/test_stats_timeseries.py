"""The stats timeseries (fixed buckets from ``now - time_range``, empty ones included) and
``GET /observability/stats/controls/{control_id}``."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tests.observability.stats_helpers import AGENT, STATS, one, put
from tests.reference_errors import error

pytestmark = pytest.mark.django_db

CONTROL_STATS = f"{STATS}/controls"
EMPTY_BUCKET = {
    "execution_count": 0,
    "match_count": 0,
    "non_match_count": 0,
    "error_count": 0,
    "action_counts": {},
    "avg_confidence": None,
    "avg_duration_ms": None,
}


def series(api, path=STATS, **query):
    response = api.get(path, agent_name=AGENT, include_timeseries="true", **query)
    assert response.status_code == 200, response.json()
    body = response.json()
    return (body["totals"] if "totals" in body else body["stats"])["timeseries"]


def start(bucket) -> datetime:
    return datetime.fromisoformat(bucket["timestamp"].replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("time_range", "count", "size"),
    [
        ("1m", 6, timedelta(seconds=10)),
        ("5m", 10, timedelta(seconds=30)),
        ("15m", 15, timedelta(minutes=1)),
        ("1h", 12, timedelta(minutes=5)),
        ("24h", 24, timedelta(hours=1)),
        ("7d", 28, timedelta(hours=6)),
        ("30d", 30, timedelta(days=1)),
        ("180d", 25, timedelta(days=7)),
        ("365d", 12, timedelta(days=30)),
    ],
)
def test_bucket_counts_and_sizes(api, time_range, count, size):
    buckets = series(api, time_range=time_range)
    assert len(buckets) == count
    assert {start(b) - start(a) for a, b in itertools.pairwise(buckets)} <= {size}
    assert all(bucket["timestamp"].endswith("Z") for bucket in buckets)
    assert all({**b, "timestamp": None} == {**EMPTY_BUCKET, "timestamp": None} for b in buckets)


def test_buckets_start_at_the_window_start(api):
    before = datetime.now(UTC)
    first = start(series(api, time_range="1h")[0])
    after = datetime.now(UTC)
    assert before - timedelta(hours=1) <= first <= after - timedelta(hours=1)


def test_events_land_in_their_bucket_and_empty_buckets_stay(api):
    put(
        ago=timedelta(minutes=52, seconds=30),
        **one(1, action="observe", matched=True, confidence=0.5, execution_duration_ms=10.0),
    )
    put(ago=timedelta(minutes=51), **one(1, action="deny", matched=True, confidence=1.0))
    put(ago=timedelta(minutes=12, seconds=30), **one(1, matched=False, confidence=0.25))
    buckets = series(api, time_range="1h")
    assert [b["execution_count"] for b in buckets] == [0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    assert {**buckets[1], "timestamp": None} == {
        "timestamp": None,
        "execution_count": 2,
        "match_count": 2,
        "non_match_count": 0,
        "error_count": 0,
        "action_counts": {"deny": 1, "observe": 1},
        "avg_confidence": 0.75,
        "avg_duration_ms": 10.0,
    }
    assert buckets[9]["non_match_count"] == 1
    assert buckets[0] == {**EMPTY_BUCKET, "timestamp": buckets[0]["timestamp"]}


def test_the_most_recent_days_of_long_ranges_are_in_the_totals_only(api):
    put(ago=timedelta(days=2), **one(1))
    put(ago=timedelta(days=20), **one(1))
    response = api.get(STATS, agent_name=AGENT, time_range="180d", include_timeseries="true")
    totals = response.json()["totals"]
    assert totals["execution_count"] == 2
    assert sum(b["execution_count"] for b in totals["timeseries"]) == 1


def test_control_stats_cover_one_control(api):
    put(**one(1, action="observe", matched=True))
    put(**one(1, action="deny", matched=True))
    put(**one(2, action="observe", matched=True))
    response = api.get(f"{CONTROL_STATS}/1", agent_name=AGENT, time_range="1h")
    assert response.json() == {
        "agent_name": AGENT,
        "time_range": "1h",
        "control_id": 1,
        "control_name": "control-1",
        "stats": {
            "execution_count": 2,
            "match_count": 2,
            "non_match_count": 0,
            "error_count": 0,
            "action_counts": {"deny": 1, "observe": 1},
            "timeseries": None,
        },
    }


def test_control_stats_timeseries_and_legacy_actions(api):
    put(ago=timedelta(minutes=30), **one(1, action="log", matched=True))
    put(ago=timedelta(minutes=10), **one(1, action="observe", matched=True))
    put(ago=timedelta(minutes=20), **one(2))
    buckets = series(api, f"{CONTROL_STATS}/1", time_range="1h")
    assert sum(b["execution_count"] for b in buckets) == 2
    stats = api.get(f"{CONTROL_STATS}/1", agent_name=AGENT, time_range="1h").json()["stats"]
    assert stats["action_counts"] == {"observe": 2}


def test_control_stats_name_the_most_executed_name(api):
    put(control_id=1, control_name="old-name")
    put(**one(1))
    put(**one(1))
    body = api.get(f"{CONTROL_STATS}/1", agent_name=AGENT, time_range="1h").json()
    assert (body["control_name"], body["stats"]["execution_count"]) == ("control-1", 3)


@pytest.mark.parametrize("control_id", [2, 2**70])
def test_control_stats_without_events_are_zeros(api, control_id):
    put(**one(1))
    body = api.get(f"{CONTROL_STATS}/{control_id}", agent_name=AGENT).json()
    assert (body["control_id"], body["control_name"], body["stats"]["execution_count"]) == (
        control_id,
        f"control-{control_id}",
        0,
    )


def test_control_stats_report_a_bad_id_and_a_missing_name_together(api):
    errors = error(api.get(f"{CONTROL_STATS}/abc"))["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("path.control_id", "int_parsing"),
        ("query.agent_name", "missing"),
    ]
