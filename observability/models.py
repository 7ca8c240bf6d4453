"""``ControlExecutionEvent``: one control evaluation reported by the SDK, owned by a tenant.

The full event, as ``agent_control_models.ControlExecutionEvent.model_dump(mode="json")`` gives it,
is kept in ``data`` and returned verbatim by the query endpoint. A few of its fields are copied into
columns so that the common filters are plain indexed comparisons on SQLite and PostgreSQL:

- ``control_execution_id``: unique per tenant (the reference keys events by ``(namespace_key,
  control_execution_id)``); a repeated id is ignored on insert.
- ``agent_name`` + ``timestamp``: the agent/time access pattern (tenant-leading index, newest first).
- ``trace_id``: "all events of one request", the usual query (tenant-leading index).
- ``span_id``: a plain column, filtered together with the trace or the agent.

The remaining filters (``control_id``, ``action``, ``matched``, ``check_stage``, ``applies_to``) use
JSON key lookups on ``data``, as the reference does with ``data->>'...'``.
"""

from django.db import models

from agents.names import AGENT_NAME_MAX_LENGTH
from tenancy.models import TenantModel

CONTROL_EXECUTION_ID_MAX_LENGTH = 36


class ControlExecutionEvent(TenantModel):
    """A stored control execution event (``control_execution_events`` in the reference)."""

    control_execution_id = models.CharField(max_length=CONTROL_EXECUTION_ID_MAX_LENGTH)
    timestamp = models.DateTimeField(help_text="When the control was executed (UTC).")
    agent_name = models.CharField(max_length=AGENT_NAME_MAX_LENGTH)
    trace_id = models.TextField()
    span_id = models.TextField()
    data = models.JSONField(help_text="The full event as the SDK library serialises it.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "control_execution_id"],
                name="observability_event_tenant_id_uniq",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant_id", "agent_name", "-timestamp"],
                name="observability_event_agent_ts",
            ),
            models.Index(fields=["tenant_id", "trace_id"], name="observability_event_trace"),
        ]

    def __str__(self):
        return f"{self.control_execution_id} ({self.tenant_id})"
