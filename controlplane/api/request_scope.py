"""The request being served, as code below the view sees it: its request id and the request.

``telemetry.middleware.RequestTelemetryMiddleware`` opens a scope for every request
(``request_scope(request_id, request)``) and closes it when the response is complete; the error
envelope quotes ``current_request_id()`` in ``metadata.request_id``, and the log filter
(``telemetry.logs``) stamps every log line with it, the tenant and the principal. A
``ContextVar`` reset by token: it follows the request into ``sync_to_async`` threads under ASGI and
never leaks into the next request.

Request ids: an incoming ``X-Request-Id`` is kept when it is 1-128 characters from letters,
digits and ``.``, ``_``, ``:``, ``-`` (what proxies and tracing headers send); anything else is
replaced by a generated id (32 lowercase hex digits), so a log line can never be forged through it.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest

HEADER = "X-Request-Id"
META_KEY = "HTTP_X_REQUEST_ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@dataclass(frozen=True, slots=True)
class RequestScope:
    """The request id and the ``HttpRequest`` of the request being served."""

    request_id: str
    request: HttpRequest | None = None


_scope: ContextVar[RequestScope | None] = ContextVar("controlplane_request_scope", default=None)


def new_request_id() -> str:
    """A fresh request id: 32 lowercase hex digits (a UUID4)."""
    return uuid.uuid4().hex


def request_id_of(request: HttpRequest) -> str:
    """The request's well-formed ``X-Request-Id``, or a fresh id (see the module docstring)."""
    incoming = request.META.get(META_KEY, "")
    return incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else new_request_id()


@contextmanager
def request_scope(request_id: str, request: HttpRequest | None = None) -> Iterator[RequestScope]:
    """Bind ``request_id`` (and ``request``) for the block; reset on exit, also on errors."""
    scope = RequestScope(request_id, request)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def current_scope() -> RequestScope | None:
    """The scope of the request being served, or ``None`` outside requests."""
    return _scope.get()


def current_request_id() -> str | None:
    """The id of the request being served, or ``None`` outside requests."""
    scope = _scope.get()
    return None if scope is None else scope.request_id
