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
"""

import json

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


class EnvelopeThreadWorker(ThreadWorker):
    """``gthread`` worker whose server-level error responses are the envelope (module
    docstring). Set as ``worker_class`` in ``controlplane/gunicorn.conf.py``."""

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
