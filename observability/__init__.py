"""Observability: control execution events sent by the SDK, stored per tenant and queried back.

Mirrors the reference server's ``/api/v1/observability`` endpoints (``shared/API.md`` section 1(h)):
``POST /observability/events`` (ingest), ``POST /observability/events/query`` and
``GET /observability/status``.
"""
