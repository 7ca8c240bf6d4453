"""The real SDK event batcher (``agent_control.observability.EventBatcher``) against a live server.

The batcher posts ``{"events": [...]}`` to ``/api/v1/observability/events`` with only
``Content-Type`` and its API-key header; with ``api_key_header="X-Tenant-Id"`` that header names the
tenant, so the events must land in ``acme``, and the batcher must see a 202 (anything else makes it
retry and log a warning).
"""

import logging
from datetime import UTC, datetime

import pytest
from agent_control.observability import EventBatcher
from agent_control_models import ControlExecutionEvent as EventPayload

from observability.models import ControlExecutionEvent


def sdk_event(n: int, **fields) -> EventPayload:
    return EventPayload(
        control_execution_id=f"sdk-{n}",
        trace_id="0af7651916cd43dd8448eb211c80319c",
        span_id=f"b7ad6b716920333{n}",
        agent_name="support-bot-01",
        control_id=n,
        control_name=f"control-{n}",
        check_stage="pre",
        applies_to="llm_call",
        action=fields.pop("action", "deny"),
        matched=True,
        confidence=1.0,
        timestamp=datetime(2026, 1, 9, 10, n, tzinfo=UTC),
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_the_sdk_batcher_delivers_events_into_the_tenant_of_its_key_header(live_server, caplog):
    caplog.set_level(logging.WARNING, logger="agent_control")
    batcher = EventBatcher(
        server_url=live_server.url,
        api_key="acme",
        api_key_header="X-Tenant-Id",
        batch_size=100,
        flush_interval=60.0,
    )
    batcher.start()
    try:
        assert batcher.add_event(sdk_event(1))
        assert batcher.add_event(sdk_event(2, action="warn", metadata={"source": "sdk"}))
        assert batcher.add_event(sdk_event(3, execution_duration_ms=1.5))
    finally:
        batcher.shutdown()  # flushes what is pending, then stops the worker thread

    stats = batcher.get_stats()
    assert (stats["events_sent"], stats["events_dropped"], stats["events_pending"]) == (3, 0, 0)
    assert [r for r in caplog.records if r.name.startswith("agent_control")] == []
    stored = ControlExecutionEvent.all_tenants.order_by("control_execution_id")
    assert [(r.tenant_id, r.control_execution_id, r.data["action"]) for r in stored] == [
        ("acme", "sdk-1", "deny"),
        ("acme", "sdk-2", "observe"),
        ("acme", "sdk-3", "deny"),
    ]
    assert stored.get(control_execution_id="sdk-2").data == sdk_event(
        2, action="warn", metadata={"source": "sdk"}
    ).model_dump(mode="json")
