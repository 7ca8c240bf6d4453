"""Shared DRF pieces of the v1 API (depends on ``tenancy`` only, never on an app): the error
vocabulary (``exceptions``), envelope (``envelope``) and handlers (``handlers``), the operation
vocabulary each view action declares (``operations``) and DRF's view of the caller (``auth``:
the middleware's principal, the operation check), request validation, parsers, negotiation,
routing, OpenAPI helpers, pagination, and ``GET /health``."""

#: The agent-control server version whose v1 REST API this project is wire-compatible with. It is
#: what ``GET /health`` reports and what the ``X-Agent-Control-Server-Version`` header carries, so the
#: agent-control SDK's major-version check passes.
COMPATIBLE_SERVER_VERSION = "8.15.0"
