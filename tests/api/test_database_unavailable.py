"""A database that cannot be reached answers 503 DATABASE_UNAVAILABLE with Retry-After in the
envelope; other database errors stay 500 DATABASE_ERROR; the next request after the database is
back succeeds (no restart, no stale connection).

On PostgreSQL the outage is real: new connections go to a port that refuses them. SQLite's test
database lives in memory and cannot be reconnected, so there every statement fails the way a
writer fails when the busy timeout runs out ("database is locked")."""

import socket
import sqlite3
from contextlib import contextmanager

import psycopg
import psycopg_pool
import pytest
from django.db import DatabaseError, OperationalError, connection

from agents.models import Agent
from controlplane.api.handlers import RETRY_AFTER_SECONDS, is_database_unavailable

pytestmark = pytest.mark.django_db(transaction=True)

INIT = {"agent": {"agent_name": "outage-agent-01"}, "steps": [{"type": "llm", "name": "chat"}]}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def refuse_connection(*args, **kwargs):
    """Open a connection the way psycopg does, to a port where nothing listens."""
    return psycopg.connect(host="127.0.0.1", port=closed_port(), connect_timeout=2)


def locked(execute, sql, params, many, context):
    raise OperationalError("database is locked") from sqlite3.OperationalError("database is locked")


@contextmanager
def database_down():
    """The default database cannot be used until the block ends (see the module docstring)."""
    if connection.vendor != "postgresql":
        with connection.execute_wrapper(locked):
            yield
        return
    connection.close()
    original = connection.get_new_connection
    connection.get_new_connection = refuse_connection
    try:
        yield
    finally:
        connection.get_new_connection = original
        connection.close()


def test_refused_connection_is_a_503_with_retry_after_and_the_next_request_succeeds(api):
    with database_down():
        response = api.post("/api/v1/agents/initAgent", INIT, tenant="acme")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert {k: body[k] for k in ("error_code", "title", "reason", "detail", "hint")} == {
        "error_code": "DATABASE_UNAVAILABLE",
        "title": "Database Unavailable",
        "reason": "ServiceUnavailable",
        "detail": "The database is unavailable. Retry the request later.",
        "hint": "Retry after the number of seconds in the Retry-After header.",
    }
    assert "errors" not in body
    assert Agent.all_tenants.count() == 0

    again = api.post("/api/v1/agents/initAgent", INIT, tenant="acme")
    assert again.status_code == 200
    assert again.json()["created"] is True


def test_reads_are_503_too_while_the_database_is_down(api):
    with database_down():
        response = api.get("/api/v1/agents")
    assert (response.status_code, response.json()["error_code"]) == (503, "DATABASE_UNAVAILABLE")
    assert api.get("/api/v1/agents").status_code == 200


def wrapped(cause: BaseException) -> DatabaseError:
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("cause", "unavailable"),
    [
        (psycopg_pool.PoolTimeout("couldn't get a connection after 10.00 sec"), True),
        (psycopg.OperationalError("server closed the connection unexpectedly"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.errors.TooManyConnections("sorry, too many clients already"), True),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: agents_agent"), False),
    ],
)
def test_only_failures_to_reach_the_database_count_as_unavailable(cause, unavailable):
    assert is_database_unavailable(wrapped(cause)) is unavailable


def test_a_database_error_without_a_driver_cause_stays_a_500():
    assert is_database_unavailable(OperationalError("simulated")) is False
