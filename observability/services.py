"""Event ingestion: store a validated batch in the caller's tenant (one ``bulk_create``).

Mirrors the reference server's ``DirectEventIngestor`` + ``PostgresEventStore.store``:

- The batch is inserted at once with "ignore conflicts": an event whose ``control_execution_id``
  already exists in the tenant (stored earlier, or earlier in the same batch) is silently skipped,
  and the first stored version is kept. It still counts as ``enqueued``, exactly like the
  reference, whose ``ON CONFLICT DO NOTHING`` reports the whole batch as stored.
- If the batch cannot be stored (the reference's database refuses it: an id longer than 36
  characters, an agent name longer than 255, a NUL character, a lone surrogate or a non-finite
  number in the event, a database error), nothing is written and every event counts as
  ``dropped`` (``status: "failed"``); the endpoint still answers 202. The length and JSON checks run
  before the insert, so SQLite and PostgreSQL agree.
"""

import logging
import math
from datetime import UTC, datetime

from agent_control_models.observability import BatchEventsRequest
from agent_control_models.observability import ControlExecutionEvent as EventPayload
from django.db import DatabaseError, transaction

from agents.names import AGENT_NAME_MAX_LENGTH
from quotas.enforcement import quota_check
from quotas.resources import Resource

from .models import CONTROL_EXECUTION_ID_MAX_LENGTH, ControlExecutionEvent

logger = logging.getLogger("controlplane.observability")

UTC_MIN = datetime.min.replace(tzinfo=UTC)
UTC_MAX = datetime.max.replace(tzinfo=UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC, for the ``timestamp`` column and its filters.

    A naive value is taken as UTC (as the reference's database session does). An instant that
    UTC cannot represent (``0001-01-01T00:00:00+01:00``) is clamped to the first/last
    representable one, which orders and compares the same against every stored event.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return UTC_MIN if value.year == 1 else UTC_MAX


# Free-text fields of an event; agent_name, check_stage and action are validated to plain ASCII.
TEXT_FIELDS = (
    "control_execution_id",
    "trace_id",
    "span_id",
    "control_name",
    "applies_to",
    "evaluator_name",
    "selector_path",
    "error_message",
)


def _storable_text(value: str) -> bool:
    if "\x00" in value:
        return False
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            return False
    return True


def _storable_json(value) -> bool:
    if isinstance(value, str):
        return _storable_text(value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_storable_json(key) and _storable_json(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_storable_json(item) for item in value)
    return True


def _storable(event: EventPayload, data: dict) -> bool:
    """False for what the reference's database refuses (and SQLite would store but could not give
    back): a value longer than its column, a NUL character, a lone surrogate (``"\\ud800"``) or a
    non-finite number (``1e400`` parses as infinity; inside ``metadata`` the library dumps it as
    ``null``, so ``data`` is checked there)."""
    if (
        len(event.control_execution_id) > CONTROL_EXECUTION_ID_MAX_LENGTH
        or len(event.agent_name) > AGENT_NAME_MAX_LENGTH
    ):
        return False
    for name in TEXT_FIELDS:
        value = getattr(event, name)
        if value is not None and not _storable_text(value):
            return False
    duration = event.execution_duration_ms
    if duration is not None and not math.isfinite(duration):
        return False
    return not data["metadata"] or _storable_json(data["metadata"])


def _rows(events: list[EventPayload]) -> list[ControlExecutionEvent] | None:
    """Unsaved rows for ``events``, or ``None`` when one of them cannot be stored
    (``_storable``): the reference's insert fails as a whole then."""
    rows = []
    for event in events:
        data = event.model_dump(mode="json")
        if not _storable(event, data):
            return None
        rows.append(
            ControlExecutionEvent(
                control_execution_id=event.control_execution_id,
                timestamp=as_utc(event.timestamp),
                agent_name=event.agent_name,
                trace_id=event.trace_id,
                span_id=event.span_id,
                data=data,
            )
        )
    return rows


def _store(events: list[EventPayload]) -> int:
    """Insert ``events`` in the bound tenant; returns how many were accepted (all or none)."""
    rows = _rows(events)
    if rows is None:
        logger.warning("Dropped a batch of %d events: one cannot be stored", len(events))
        return 0
    try:
        with transaction.atomic():
            quota_check(Resource.EVENTS, adding=len(rows))
            ControlExecutionEvent.objects.bulk_create(rows, ignore_conflicts=True)
    except DatabaseError:
        logger.warning("Failed to store a batch of %d events", len(events), exc_info=True)
        return 0
    return len(events)


def events_ingest(*, request: BatchEventsRequest) -> dict:
    """Store ``request.events`` in the bound tenant.

    Returns the ``BatchEventsResponse`` body ``{"received", "enqueued", "dropped", "status"}`` with
    ``status`` ``"queued"`` (nothing dropped), ``"partial"`` or ``"failed"`` (nothing stored).
    Raises 409 ``QUOTA_EXCEEDED`` (nothing stored) when the batch would take the tenant past its
    quota of events (counted as if every event were new), ``NoTenantBound`` outside a tenant.
    """
    received = len(request.events)
    stored = _store(request.events)
    dropped = received - stored
    status = "queued" if dropped == 0 else "partial" if stored else "failed"
    return {"received": received, "enqueued": stored, "dropped": dropped, "status": status}
