"""``EnvelopeThreadWorker``: gunicorn's threaded worker, answering its own errors in the envelope.

gunicorn answers requests it cannot parse itself, before the application sees them: a malformed
request line, method or HTTP version (400), a request line longer than ``limit_request_line``
(414), too many or too large headers (431), a malformed header (400), an ``Expect`` it does not
support (417), an unsupported transfer coding (501). It writes those as an HTML page through
``gunicorn.util.write_error``, its one hook for the body, called only from
``Worker.handle_error``. This worker installs ``write_envelope_error`` there when its process
starts, so these answers are the API's RFC 7807 envelope (``VALIDATION_ERROR`` for 4xx,
``INTERNAL_ERROR`` for 5xx; no ``instance``, since the path may be unreadable).

What gunicorn keeps to itself: the status code and reason of each case, that the connection is
closed afterwards, and connections it drops without a response (a client that disconnects, a
request that exceeds ``timeout``).

Slow clients: gunicorn waits for a request's first bytes without holding a thread, but then
reads the body in the request's thread with no time limit, so a few clients that announce a body
and stall would hold every thread. This worker gives each request's socket a timeout of
``WEB_READ_TIMEOUT`` seconds (default 10) per read or write: a stalled body then fails to read
(``UnreadablePostError``, answered 400 by ``controlplane.api.handlers``) and the thread is free.
A request body the application did not read to its end (a refusal before the view read it: 415,
401, 429) is read and dropped after the response, at most 1 MiB and ``WEB_READ_TIMEOUT`` seconds
in all, so the keep-alive the response announced holds; a larger or slower rest closes the
connection instead (gunicorn would otherwise read it, without any limit, before the next request).
"""

import json
import os
import time

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

HINT = (
    "Check the request line, URL and headers: at most {line} bytes of request line, "
    "{fields} header fields of at most {size} bytes each."
)


def envelope_error_bytes(status: int, reason: str, message: str, hint: str | None) -> bytes:
    """The raw HTTP/1.1 response (``Connection: close``) carrying the envelope of a server-level
    error: ``status``/``reason`` as gunicorn chose them, ``message`` as its ``detail``."""
    from controlplane.api import COMPATIBLE_SERVER_VERSION
    from controlplane.api.envelope import render
    from controlplane.api.exceptions import APIError, ErrorCode
    from controlplane.api.middleware import HEADER

    code = ErrorCode.VALIDATION_ERROR if status < 500 else ErrorCode.INTERNAL_ERROR
    error = APIError(status, code, message or reason, hint=hint, details=False)
    body = json.dumps(render(error, instance=None)).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"{HEADER}: {COMPATIBLE_SERVER_VERSION}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def read_timeout() -> float:
    """``WEB_READ_TIMEOUT`` in seconds (default 10; ``0`` turns the timeout off)."""
    return float(os.environ.get("WEB_READ_TIMEOUT", "10"))


def body_left(req) -> bool:
    """Whether gunicorn's request ``req`` still has body bytes the application did not read
    (a ``Content-Length`` body; a chunked body's end is not known in advance)."""
    return getattr(req.body.reader, "length", 0) > 0


DRAIN_LIMIT = 1 << 20  # bytes of unread body read and dropped to keep a connection alive


def drain(req, seconds: float) -> bool:
    """Read and drop what is left of ``req``'s body (at most ``DRAIN_LIMIT`` bytes, ``seconds`` in
    all); ``True`` when nothing is left."""
    if getattr(req.body.reader, "length", 0) > DRAIN_LIMIT:
        return False
    deadline = time.monotonic() + seconds
    try:
        while body_left(req) and time.monotonic() < deadline:
            if not req.body.read(65536):
                break
    except OSError:  # a socket timeout, or the client went away
        return False
    return not body_left(req)


class EnvelopeThreadWorker(ThreadWorker):
    """``gthread`` worker whose server-level error responses are the envelope, with a read
    timeout per request (module docstring). Set as ``worker_class`` in
    ``controlplane/gunicorn.conf.py``."""

    def handle_request(self, req, conn):
        timeout = read_timeout()
        conn.sock.settimeout(timeout or None)
        keep_alive = super().handle_request(req, conn)
        if keep_alive and body_left(req):
            return drain(req, timeout or 10.0)
        return keep_alive

    def init_process(self):
        cfg = self.cfg
        hint = HINT.format(
            line=cfg.limit_request_line,
            fields=cfg.limit_request_fields,
            size=cfg.limit_request_field_size,
        )

        def write_envelope_error(sock, status_int, reason, mesg):
            util.write_nonblock(sock, envelope_error_bytes(status_int, reason, mesg, hint))

        util.write_error = write_envelope_error
        super().init_process()
