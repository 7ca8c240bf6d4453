"""Control execution statistics of one agent over a time window, per tenant.

Mirrors the reference server 8.15's ``GET /observability/stats`` and
``/observability/stats/controls/{control_id}``: the caller's tenant's events of the agent whose
``timestamp`` is at most ``time_range`` old (no upper bound), aggregated in the database:

- *execution*: every event; *error*: ``error_message`` is set; *match* / *non-match*:
  ``matched`` true / false and no error;
- *deny* / *steer* / *observe*: ``matched`` and that action (the legacy ``allow``/``warn``/``log``
  count as observe), errors not excluded;
- ``avg_confidence``: mean over every event; ``avg_duration_ms``: mean of the known durations.

Per-control rows group by ``(control_id, control_name)`` (a control renamed between events gives
two rows), most executed first. The optional timeseries splits the window into fixed buckets
that start at ``now - time_range`` (aligned to the request, not the clock); every bucket is
listed, empty ones too, and an event after the last bucket's end counts in the totals only, as
there. One query for the totals and one for the timeseries; another tenant's events are never
read (scoped manager).
"""

from datetime import datetime, timedelta

from agent_control_models import (
    ControlStats,
    ControlStatsResponse,
    StatsResponse,
    StatsTotals,
    TimeseriesBucket,
)
from agent_control_models.actions import expand_action_filter
from django.db.models import Avg, Case, Count, FloatField, IntegerField, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from .models import ControlExecutionEvent

# time_range -> (window, bucket size)
RANGES = {
    "1m": (timedelta(minutes=1), timedelta(seconds=10)),
    "5m": (timedelta(minutes=5), timedelta(seconds=30)),
    "15m": (timedelta(minutes=15), timedelta(minutes=1)),
    "1h": (timedelta(hours=1), timedelta(minutes=5)),
    "24h": (timedelta(hours=24), timedelta(hours=1)),
    "7d": (timedelta(days=7), timedelta(hours=6)),
    "30d": (timedelta(days=30), timedelta(days=1)),
    "180d": (timedelta(days=180), timedelta(days=7)),
    "365d": (timedelta(days=365), timedelta(days=30)),
}
ACTIONS = ("deny", "steer", "observe")
INT64 = range(-(2**63), 2**63)


def _number(key: str):
    """The event's numeric field ``key`` (SQL ``NULL`` for a JSON ``null``, which SQLite's text
    extraction would read as ``0``)."""
    return Case(
        When(Q(**{f"data__{key}": None}), then=Value(None)),
        default=Cast(KT(f"data__{key}"), FloatField()),
        output_field=FloatField(),
    )


_NO_ERROR = Q(data__error_message=None) | Q(data__error_message__isnull=True)
_MATCHED = Q(data__matched=True)
_AGGREGATES = {
    "execution_count": Count("id"),
    "match_count": Count("id", filter=_MATCHED & _NO_ERROR),
    "non_match_count": Count("id", filter=Q(data__matched=False) & _NO_ERROR),
    "error_count": Count("id", filter=~_NO_ERROR),
    **{
        f"{action}_count": Count(
            "id", filter=_MATCHED & Q(data__action__in=expand_action_filter([action]))
        )
        for action in ACTIONS
    },
    "avg_confidence": Avg(_number("confidence")),
    "avg_duration_ms": Avg(_number("execution_duration_ms")),
}
_COUNTS = ("execution_count", "match_count", "non_match_count", "error_count")


def _action_counts(row: dict) -> dict[str, int]:
    return {action: row[f"{action}_count"] for action in ACTIONS if row[f"{action}_count"]}


def _window(agent_name: str, cutoff: datetime, control_id: int | None):
    events = ControlExecutionEvent.objects.filter(agent_name=agent_name, timestamp__gte=cutoff)
    if control_id is not None:
        if control_id not in INT64:  # no stored id is that large (and SQLite cannot bind it)
            return events.none()
        events = events.filter(data__control_id=control_id)
    return events


def _control_rows(events) -> list[ControlStats]:
    grouped = events.values(cid=KT("data__control_id"), cname=KT("data__control_name"))
    rows = [
        ControlStats(
            control_id=int(row["cid"]),
            control_name=row["cname"],
            **{key: row[key] for key in (*_COUNTS, *(f"{a}_count" for a in ACTIONS))},
            avg_confidence=row["avg_confidence"] or 0.0,
            avg_duration_ms=row["avg_duration_ms"],
        )
        for row in grouped.annotate(**_AGGREGATES).order_by()
    ]
    return sorted(rows, key=lambda stats: (-stats.execution_count, stats.control_id))


def _bucket_starts(cutoff: datetime, size: timedelta, window: timedelta) -> list[datetime]:
    return [cutoff + size * k for k in range((window - size) // size + 1)]


def _bucketed(events, starts: list[datetime], size: timedelta):
    """``events`` inside the buckets, annotated with their bucket's index (``bucket``)."""
    bucket = Case(
        *(When(timestamp__lt=start + size, then=Value(k)) for k, start in enumerate(starts)),
        output_field=IntegerField(),
    )
    return events.filter(timestamp__lt=starts[-1] + size).annotate(bucket=bucket)


def _timeseries(events, cutoff: datetime, size: timedelta, window: timedelta):
    starts = _bucket_starts(cutoff, size, window)
    rows = _bucketed(events, starts, size).values("bucket").annotate(**_AGGREGATES).order_by()
    by_bucket = {row["bucket"]: row for row in rows}
    series = []
    for k, start in enumerate(starts):
        row = by_bucket.get(k)
        if row is None:
            series.append(
                TimeseriesBucket(timestamp=start, **dict.fromkeys(_COUNTS, 0), action_counts={})
            )
            continue
        series.append(
            TimeseriesBucket(
                timestamp=start,
                **{key: row[key] for key in _COUNTS},
                action_counts=_action_counts(row),
                avg_confidence=row["avg_confidence"],
                avg_duration_ms=row["avg_duration_ms"],
            )
        )
    return series


def _totals(rows: list[ControlStats], timeseries) -> StatsTotals:
    sums = {key: sum(getattr(row, key) for row in rows) for key in _COUNTS}
    actions = {action: sum(getattr(row, f"{action}_count") for row in rows) for action in ACTIONS}
    return StatsTotals(
        **sums,
        action_counts={action: count for action, count in actions.items() if count},
        timeseries=timeseries,
    )


def _aggregate(agent_name, time_range, include_timeseries, control_id=None):
    window, size = RANGES[time_range]
    now = timezone.now()
    events = _window(agent_name, now - window, control_id)
    rows = _control_rows(events)
    series = _timeseries(events, now - window, size, window) if include_timeseries else None
    return rows, _totals(rows, series)


def stats_get(*, agent_name: str, time_range: str, include_timeseries: bool) -> dict:
    """``StatsResponse`` body: ``{"agent_name", "time_range", "totals": StatsTotals, "controls":
    [ControlStats]}`` for the (normalised) ``agent_name``; zeros for an unknown agent."""
    rows, totals = _aggregate(agent_name, time_range, include_timeseries)
    response = StatsResponse(
        agent_name=agent_name, time_range=time_range, totals=totals, controls=rows
    )
    return response.model_dump(mode="json")


def control_stats_get(
    *, agent_name: str, control_id: int, time_range: str, include_timeseries: bool
) -> dict:
    """``ControlStatsResponse`` body: the same aggregates for one control id (``control_name``
    from its most executed name, ``"control-<id>"`` when it has no events)."""
    rows, totals = _aggregate(agent_name, time_range, include_timeseries, control_id)
    response = ControlStatsResponse(
        agent_name=agent_name,
        time_range=time_range,
        control_id=control_id,
        control_name=rows[0].control_name if rows else f"control-{control_id}",
        stats=totals,
    )
    return response.model_dump(mode="json")


def _int_or_text(value):
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else value


def outcomes_by_control(*, time_range: str) -> dict:
    """The bound tenant's evaluation outcomes over ``time_range`` (a key of ``RANGES``), every
    agent, per control and bucket, for the operators' overview chart::

        {"time_range": "24h", "bucket_starts": [datetime, ...],
         "controls": [{"control_id": 7, "control_name": "block-secret",
                       "buckets": [{"match_count", "non_match_count", "error_count",
                                    "execution_count"}, ...]}, ...]}

    Buckets as in the stats endpoints (every bucket listed, empty ones as zeros); controls most
    executed first. One query (scoped manager: another tenant's events are never read).
    """
    window, size = RANGES[time_range]
    cutoff = timezone.now() - window
    starts = _bucket_starts(cutoff, size, window)
    events = ControlExecutionEvent.objects.filter(timestamp__gte=cutoff)
    rows = (
        _bucketed(events, starts, size)
        .values("bucket", cid=KT("data__control_id"), cname=KT("data__control_name"))
        .annotate(**{key: _AGGREGATES[key] for key in _COUNTS})
        .order_by()
    )
    controls: dict[tuple, list[dict]] = {}
    for row in rows:
        series = controls.setdefault(
            (row["cid"], row["cname"]), [dict.fromkeys(_COUNTS, 0) for _ in starts]
        )
        series[row["bucket"]] = {key: row[key] for key in _COUNTS}
    ordered = sorted(
        controls.items(),
        key=lambda item: (-sum(b["execution_count"] for b in item[1]), str(item[0][1])),
    )
    return {
        "time_range": time_range,
        "bucket_starts": starts,
        "controls": [
            {"control_id": _int_or_text(cid), "control_name": cname, "buckets": buckets}
            for (cid, cname), buckets in ordered
        ],
    }
