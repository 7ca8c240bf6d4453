"""Event queries: the caller's tenant's events, filtered, newest first, paginated.

Mirrors the reference server's ``PostgresEventStore.query_events``:

- A filter applies only when it is "truthy" (an empty ``trace_id`` or an empty ``control_ids``
  list filters nothing); ``matched`` applies whenever it is not ``null``.
- ``actions`` also match the legacy stored names (``observe`` matches ``allow``/``warn``/``log``).
- ``start_time``/``end_time`` are inclusive; naive values are taken as UTC.
- Order: ``timestamp`` descending. The reference leaves ties unordered; here the later stored
  event comes first, so pages are stable.

Scoping is the default manager's: another tenant's events are never counted or returned.
"""

from agent_control_models.actions import expand_action_filter
from agent_control_models.observability import ControlExecutionEvent as EventPayload
from agent_control_models.observability import EventQueryRequest

from .models import ControlExecutionEvent
from .services import as_utc

# PostgreSQL's jsonb does not keep key order; answer in the model's field order, as the reference.
EVENT_FIELDS = tuple(EventPayload.model_fields)


def _in_field_order(data: dict) -> dict:
    return {name: data[name] for name in EVENT_FIELDS if name in data}


# Query field -> (lookup, how the value is turned into the lookup's argument); a filter applies
# when its field is set (truthy; ``matched`` also when ``False``).
_FILTERS = {
    "control_execution_id": ("control_execution_id", None),
    "agent_name": ("agent_name", None),
    "start_time": ("timestamp__gte", as_utc),
    "end_time": ("timestamp__lte", as_utc),
    "trace_id": ("trace_id", None),
    "span_id": ("span_id", None),
    "control_ids": ("data__control_id__in", None),
    "actions": ("data__action__in", expand_action_filter),
    "matched": ("data__matched", None),
    "check_stages": ("data__check_stage__in", None),
    "applies_to": ("data__applies_to__in", None),
}


def _filtered(query: EventQueryRequest):
    rows = ControlExecutionEvent.objects.all()
    for field, (lookup, convert) in _FILTERS.items():
        value = getattr(query, field)
        if value or (field == "matched" and value is not None):
            rows = rows.filter(**{lookup: convert(value) if convert else value})
    return rows


def events_query(*, query: EventQueryRequest) -> dict:
    """The ``EventQueryResponse`` body ``{"events": [event, ...], "total", "limit", "offset"}``.

    ``events`` are the stored event objects (every ``ControlExecutionEvent`` field, ``null``
    included), at most ``query.limit`` of them after skipping ``query.offset``; ``total`` counts
    every match. Two queries at most (count, then the page when it can be non-empty).
    """
    rows = _filtered(query)
    total = rows.count()
    events = []
    if query.offset < total:
        page = rows.order_by("-timestamp", "-id")[query.offset : query.offset + query.limit]
        events = [_in_field_order(data) for data in page.values_list("data", flat=True)]
    return {"events": events, "total": total, "limit": query.limit, "offset": query.offset}
