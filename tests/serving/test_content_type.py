"""A JSON body without Content-Type is read as JSON under every server: Django's development
server (``runserver``, through ``controlplane.devserver``) and the test client here; gunicorn in
``test_gunicorn.py``. Other content types stay a 415."""

import http.client
import socketserver
import threading

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, get_internal_wsgi_application

from controlplane.devserver import JSONDefaultWSGIServer
from controlplane.management.commands.runserver import Command as Runserver

VALID = (
    b'{"data": {"execution": "server", "condition": {"selector": {"path": "input"}, '
    b'"evaluator": {"name": "regex", "config": {"pattern": "x"}}}, "action": {"decision": "deny"}}}'
)


def test_runserver_uses_the_content_type_faithful_server():
    assert Runserver.server_cls is JSONDefaultWSGIServer


@pytest.fixture
def development_server(settings):
    """The server class ``runserver`` uses, threaded as ``runserver`` runs it, on a free port."""
    settings.SECRET_KEY = "content-type-tests-secret-key"
    server_class = type("Server", (socketserver.ThreadingMixIn, JSONDefaultWSGIServer), {})
    server = server_class(("127.0.0.1", 0), WSGIRequestHandler)
    server.daemon_threads = True
    server.set_app(get_internal_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 200), ({"Content-Type": "application/json"}, 200), ({"Content-Type": "text/plain"}, 415)],
)
def test_development_server_reads_a_body_without_content_type_as_json(
    development_server, headers, status
):
    conn = http.client.HTTPConnection("127.0.0.1", development_server, timeout=10)
    conn.request("POST", "/api/v1/controls/validate", body=VALID, headers=headers)
    response = conn.getresponse()
    assert response.status == status


@pytest.mark.parametrize(("content_type", "status"), [("", 200), ("text/plain", 415)])
def test_test_client_reads_a_body_without_content_type_as_json(client, content_type, status):
    response = client.post("/api/v1/controls/validate", VALID, content_type=content_type)
    assert response.status_code == status
