"""Django's development server, reading requests the way gunicorn and uvicorn do.

``wsgiref`` (under ``runserver`` and the test ``live_server``) invents ``CONTENT_TYPE:
text/plain`` for a request that has no ``Content-Type`` header, so a JSON body sent without one
was a 415 there and a 200 under gunicorn. ``JSONDefaultWSGIServer`` serves with
``ContentTypeFaithfulHandler``, which leaves ``CONTENT_TYPE`` out when the client sent none; the
API then reads the body as JSON under every server (``controlplane.api.negotiation``).
"""

from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer


class ContentTypeFaithfulHandler(WSGIRequestHandler):
    """``WSGIRequestHandler`` without the invented ``text/plain`` content type."""

    def get_environ(self) -> dict:
        environ = super().get_environ()
        if self.headers.get("Content-Type") is None:
            environ.pop("CONTENT_TYPE", None)
        return environ


class JSONDefaultWSGIServer(WSGIServer):
    """``WSGIServer`` whose requests are handled by ``ContentTypeFaithfulHandler`` (Django's
    ``run()`` passes its own handler class; this server swaps it)."""

    def __init__(self, server_address, handler_class, *args, **kwargs):
        if handler_class is WSGIRequestHandler:
            handler_class = ContentTypeFaithfulHandler
        super().__init__(server_address, handler_class, *args, **kwargs)
