"""Request-scoped log lines: every record carries ``request_id``, ``tenant`` and ``principal`` of
the request being served (``-`` outside requests), as text or as JSON.

- ``RequestContextFilter`` (on the handler) stamps the three fields on every record that does not
  already carry them, from ``controlplane.api.request_scope`` (or, for the lines Django writes
  after the response left the middleware, from the record's ``request``). The principal is written as
  ``<kind>:<credential id>`` (an API key's public prefix, a token's id; ``resolver`` in header
  mode): never a secret.
- ``TextFormatter`` appends them to the usual ``time level [logger] message``;
  ``JsonFormatter`` (python-json-logger) writes one JSON object per line with ``time``,
  ``level``, ``name``, ``message`` and every field (the request line adds ``route``, ``method``,
  ``path``, ``status``, ``duration_ms``).

``controlplane/settings.py`` picks the formatter with ``CONTROLPLANE_LOG_JSON``.
"""

import logging

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

from controlplane.api.request_scope import current_scope

NONE = "-"
CONTEXT_FIELDS = ("request_id", "tenant", "principal")
TEXT_FORMAT = (
    "%(asctime)s %(levelname)s [%(name)s] %(message)s "
    "request_id=%(request_id)s tenant=%(tenant)s principal=%(principal)s"
)


def principal_label(principal) -> str:
    """``"api_key:cpk_1a2b3c4d"``-style id of a ``Principal`` (``"-"`` for none)."""
    if principal is None:
        return NONE
    return (
        f"{principal.kind}:{principal.credential_id}" if principal.credential_id else principal.kind
    )


def request_context(request) -> dict:
    """``{"tenant", "principal"}`` of ``request`` as log fields (``"-"`` when unknown)."""
    return {
        "tenant": getattr(request, "tenant_id", None) or NONE,
        "principal": principal_label(getattr(request, "principal", None)),
    }


class RequestContextFilter(logging.Filter):
    """Stamp ``request_id``, ``tenant`` and ``principal`` on every record (module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        scope = current_scope()
        request = scope.request if scope is not None else getattr(record, "request", None)
        if scope is not None:
            values = {"request_id": scope.request_id, **request_context(request)}
        elif request is not None and hasattr(request, "request_id"):
            values = {"request_id": request.request_id, **request_context(request)}
        else:
            values = dict.fromkeys(CONTEXT_FIELDS, NONE)
        for field, value in values.items():
            if not hasattr(record, field):
                setattr(record, field, value)
        return True


class TextFormatter(logging.Formatter):
    """``time level [logger] message request_id=... tenant=... principal=...``."""

    def __init__(self, *args, **kwargs):
        super().__init__(TEXT_FORMAT, *args, **kwargs)


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object per line: ``time``, ``level``, ``name``, ``message`` and the record's
    fields (module docstring)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)
