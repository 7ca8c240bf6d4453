"""Clients that stop sending: under the production worker a stalled body times out after
``WEB_READ_TIMEOUT`` seconds (2 in these tests) with a 400 and a closed connection, so a few of
them cannot hold every thread; a body shorter than its ``Content-Length`` is refused, not
parsed as if it were whole."""

import http.client
import json
import socket
from concurrent.futures import ThreadPoolExecutor

STALLED = 6  # more than the server's 4 threads


def open_socket(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=15)


def put_policy_head(name_prefix: bytes, length: int) -> bytes:
    return (
        b"PUT /api/v1/policies HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tenant-Id: slow\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(length).encode()
        + b"\r\n\r\n"
        + name_prefix
    )


def read_answer(sock: socket.socket) -> tuple[int, dict, bool]:
    """Status and JSON body of the answer, and whether the server closed the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body), True


def test_stalled_bodies_time_out_and_do_not_hold_every_thread(gunicorn_server):
    url, _ = gunicorn_server
    stalled = [open_socket(url) for _ in range(STALLED)]
    for sock in stalled:
        sock.sendall(put_policy_head(b'{"name":', 100))
    host, port = url.removeprefix("http://").split(":")
    health = http.client.HTTPConnection(host, int(port), timeout=15)
    health.request("GET", "/health")
    assert health.getresponse().status == 200  # answered once the stalled reads timed out
    with ThreadPoolExecutor(STALLED) as pool:
        answers = list(pool.map(read_answer, stalled))
    assert {(status, body["detail"], closed) for status, body, closed in answers} == {
        (
            400,
            "The request body could not be read to its end: the client stopped sending it.",
            True,
        )
    }
    for sock in stalled:
        sock.close()


def test_a_body_shorter_than_its_content_length_is_refused_and_nothing_is_written(
    gunicorn_server,
):
    url, _ = gunicorn_server
    with open_socket(url) as sock:
        sock.sendall(put_policy_head(b'{"name":"truncated-body"}', 100))
        sock.shutdown(socket.SHUT_WR)
        status, body, _ = read_answer(sock)
    assert (status, body["error_code"], body["detail"]) == (
        400,
        "VALIDATION_ERROR",
        "The request body ended after 25 of the 100 bytes its Content-Length announced.",
    )
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("PUT", "/api/v1/policies", b'{"name":"truncated-body"}', {"X-Tenant-Id": "slow"})
    assert conn.getresponse().status == 200  # the name was free: nothing had been written
