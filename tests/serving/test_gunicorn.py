"""The production server, as configured: gunicorn with ``controlplane/gunicorn.conf.py`` serves
static files, reads a body without Content-Type as JSON, keeps idle connections open, answers its
own request-line and header errors in the API envelope, logs in the documented format, writes
nothing into the home directory, and refuses to boot with the public development secret key."""

import http.client
import json
import socket
import subprocess
import time

import pytest

from tests.live_servers import GUNICORN, ROOT, free_port, server_env


def raw_exchange(url: str, data: bytes) -> tuple[int, dict, dict]:
    """Send raw bytes; return the status, headers and JSON body of the answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, json.loads(body)


def connection_to(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=5)


def test_admin_css_and_swagger_ui_bundle_are_served(gunicorn_server):
    url, _ = gunicorn_server
    conn = connection_to(url)
    for path, media_type in [
        ("/static/admin/css/base.css", "text/css"),
        ("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "text/javascript"),
    ]:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        assert (response.status, response.getheader("Content-Type").split(";")[0]) == (
            200,
            media_type,
        )
        assert len(body) > 1000


def test_a_body_without_content_type_is_read_as_json(gunicorn_server):
    url, _ = gunicorn_server
    conn = connection_to(url)
    conn.request("PUT", "/api/v1/policies", body=b'{"name": "no-content-type"}')
    response = conn.getresponse()
    assert (response.status, json.loads(response.read())) == (200, {"policy_id": 1})


def test_an_idle_keep_alive_connection_is_still_open_after_three_seconds(gunicorn_server):
    url, _ = gunicorn_server
    conn = connection_to(url)
    conn.request("GET", "/health")
    first = conn.getresponse()
    first.read()
    assert first.getheader("Connection") == "keep-alive"
    sock = conn.sock
    time.sleep(3)  # gunicorn's default keep-alive (2 s) would have closed it
    conn.request("GET", "/health")
    second = conn.getresponse()
    assert (second.status, conn.sock is sock) == (200, True)


TOO_MANY_HEADERS = "".join(f"X-H{i}: v\r\n" for i in range(101))


@pytest.mark.parametrize(
    ("raw", "status", "reason"),
    [
        (b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "BadRequest"),
        (b"BREW\x00 / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "BadRequest"),
        (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400, "BadRequest"),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "URITooLong"),
        (
            f"GET / HTTP/1.1\r\nHost: x\r\n{TOO_MANY_HEADERS}\r\n".encode(),
            431,
            "RequestHeaderFieldsTooLarge",
        ),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n", 400, "BadRequest"),
    ],
    ids=[
        "control-char-in-url",
        "bad-method",
        "bad-version",
        "long-url",
        "many-headers",
        "bad-header",
    ],
)
def test_request_line_and_header_errors_are_answered_in_the_envelope(
    gunicorn_server, raw, status, reason
):
    url, _ = gunicorn_server
    answered, headers, body = raw_exchange(url, raw)
    assert (answered, headers["Content-Type"], headers["Connection"]) == (
        status,
        "application/json",
        "close",
    )
    assert (body["status"], body["error_code"], body["reason"], body["kind"]) == (
        status,
        "VALIDATION_ERROR",
        reason,
        "Status",
    )
    assert body["hint"].startswith("Check the request line, URL and headers: at most 4094 bytes")
    assert headers["X-Agent-Control-Server-Version"] == "8.15.0"


def test_each_request_is_logged_once_with_its_id_and_tenant(gunicorn_server):
    url, tmp = gunicorn_server
    conn = connection_to(url)
    conn.request("GET", "/api/v1/agents", headers={"X-Tenant-Id": "acme", "User-Agent": "t/1"})
    response = conn.getresponse()
    response.read()
    request_id = response.getheader("X-Request-Id")
    time.sleep(0.2)
    lines = [line for line in (tmp / "server.log").read_text().splitlines() if request_id in line]
    assert len(lines) == 1  # the application's line; gunicorn's access log is off by default
    assert " INFO [controlplane.requests] GET /api/v1/agents 200 " in lines[0]
    assert lines[0].endswith(f"ms request_id={request_id} tenant=acme principal=resolver")


def test_a_refused_host_is_logged_as_its_request_line_without_a_traceback(gunicorn_server):
    url, tmp = gunicorn_server
    conn = connection_to(url)
    conn.request("GET", "/api/v1/agents", headers={"Host": "10.0.0.7"})
    response = conn.getresponse()
    body = response.read()
    request_id = response.getheader("X-Request-Id")
    time.sleep(0.2)
    log = (tmp / "server.log").read_text()
    assert response.status == 400
    assert b'"detail":"The Host header of the request names a host' in body
    (line,) = [line for line in log.splitlines() if request_id in line]
    assert " INFO [controlplane.requests] GET /api/v1/agents 400 " in line
    assert "Traceback" not in log and "Invalid HTTP_HOST" not in log


def test_nothing_is_written_into_the_home_directory(gunicorn_server):
    _, tmp = gunicorn_server
    assert not (tmp / ".gunicorn").exists()
    assert sorted(p.name for p in tmp.iterdir() if not p.name.startswith("db.sqlite3")) == [
        "server.log",
    ]


def test_gunicorn_refuses_to_boot_with_the_development_secret_key(tmp_path):
    env = server_env(tmp_path, PORT=str(free_port()))
    del env["DJANGO_SECRET_KEY"]
    env.pop("DJANGO_DEBUG", None)
    result = subprocess.run(
        [str(GUNICORN), "-c", "controlplane/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: DJANGO_SECRET_KEY is not set and DEBUG is off: refusing to run "
        "with the public development secret key." in result.stdout + result.stderr
    )


def test_a_refusal_before_the_body_is_read_keeps_the_connection_alive(gunicorn_server):
    """A 415 (and likewise a 401 or a 429) answers before the view reads the body; the worker
    reads and drops the rest, so the keep-alive the response announced holds."""
    url, _ = gunicorn_server
    conn = connection_to(url)
    form = b"name=" + b"x" * 50_000
    conn.request(
        "POST",
        "/api/v1/observability/events",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    assert (response.status, response.getheader("Connection"), response.read()[:1]) == (
        415,
        "keep-alive",
        b"{",
    )
    conn.request("GET", "/health")  # the same connection
    assert conn.getresponse().status == 200
