"""Observability: control execution events sent by the SDK, stored per tenant, queried back and
aggregated.

Mirrors the reference server's ``/api/v1/observability`` endpoints (``shared/API.md`` section 1(h)):
``POST /observability/events`` (ingest), ``POST /observability/events/query``,
``GET /observability/status`` and the statistics ``GET /observability/stats`` and
``GET /observability/stats/controls/{control_id}``.
"""
