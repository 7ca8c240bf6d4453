"""Telemetry of the control plane: request ids, request-scoped logs and Prometheus metrics.

- ``middleware.RequestTelemetryMiddleware`` gives every request its id (``X-Request-Id``), counts
  and times it by route template, and writes one log line for it.
- ``metrics`` defines the metric families (``/metrics``, ``views``); ``pool`` samples the database
  connection pool; ``tenants`` bounds the tenants that get their own series.
- ``logs`` stamps every log line with the request id, tenant and principal, as text or JSON.
- ``multiprocess`` is what gunicorn's configuration imports so several worker processes report
  one set of metrics (Prometheus multiprocess mode).

This package imports nothing from Django at import time in ``multiprocess`` (gunicorn's master
loads it before the application).
"""
