"""Event payloads for the observability tests: what the SDK posts, what the server returns, and the
rows it stores."""

import itertools
import json

from observability.models import ControlExecutionEvent

_ids = itertools.count(1)

EVENTS = "/api/v1/observability/events"
QUERY = "/api/v1/observability/events/query"


def event(**overrides) -> dict:
    """A valid ``ControlExecutionEvent`` body with a fresh ``control_execution_id``
    (``ev-0001``...) and a fixed timestamp; ``overrides`` replace or add fields."""
    body = {
        "control_execution_id": f"ev-{next(_ids):04d}",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "span_id": "00f067aa0ba902b7",
        "agent_name": "support-bot-01",
        "control_id": 7,
        "control_name": "block-secret",
        "check_stage": "pre",
        "applies_to": "llm_call",
        "action": "deny",
        "matched": True,
        "confidence": 0.9,
        "timestamp": "2026-01-09T10:30:00Z",
    }
    body.update(overrides)
    return body


def stored(sent: dict, **changes) -> dict:
    """The event as the server stores and returns it: every field present, unset ones ``null``
    (``metadata`` ``{}``), plus ``changes`` (normalisations such as ``action="observe"``)."""
    full = {
        "execution_duration_ms": None,
        "evaluator_name": None,
        "selector_path": None,
        "error_message": None,
        "metadata": {},
    }
    full.update(sent)
    full.update(changes)
    return full


def ingest(api, events, **kw):
    """``POST /observability/events`` with ``{"events": events}``."""
    return api.post(EVENTS, {"events": events}, **kw)


def raw_event(raw_field: str, **overrides) -> str:
    """``event(**overrides)`` as JSON text with ``raw_field`` (JSON text such as ``"x": 1e400``,
    which ``json.dumps`` would not write) appended as its last field."""
    return json.dumps(event(**overrides))[:-1] + ", " + raw_field + "}"


def ingest_raw(client, *raw_events: str):
    """``POST /observability/events`` of events given as JSON text."""
    body = '{"events": [' + ", ".join(raw_events) + "]}"
    return client.post(EVENTS, body, content_type="application/json")


def query(api, body=None, **kw):
    """``POST /observability/events/query`` with ``body`` (default ``{}``)."""
    return api.post(QUERY, {} if body is None else body, **kw)


def rows(tenant=None):
    """The stored events of every tenant (or of ``tenant``), in insertion order."""
    events = ControlExecutionEvent.all_tenants.order_by("id")
    if tenant is not None:
        events = events.filter(tenant_id=tenant)
    return list(events)
