"""Each process holds a bounded number of PostgreSQL connections, whatever the load: Django's
native pool (``DATABASES["default"]["OPTIONS"]["pool"]``, sized by ``DB_POOL_MAX_SIZE``).

``CONCURRENT`` requests start at once in threads of this process (as gunicorn's threads would;
``tests.concurrency.at_once``) while
a separate connection samples ``pg_stat_activity`` for the test database: the process never holds
more than the pool's ``max_size``, and every request succeeds (the others wait for a connection).
"""

import threading

import psycopg
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.concurrency import at_once, postgres_concurrency

pytestmark = postgres_concurrency("the pool is PostgreSQL's")

CONCURRENT = 40


def test_settings_use_the_pool_without_persistent_connections():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"]["max_size"] == settings.WEB_THREADS


def test_concurrent_requests_never_hold_more_connections_than_the_pool_max():
    max_size = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    database = connection.settings_dict["NAME"]
    sampled, done = [], threading.Event()

    def sample():
        with psycopg.connect(**{**params, "autocommit": True}) as probe:
            while not done.is_set():
                (count,) = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [database],
                ).fetchone()
                sampled.append(count)

    def request(index):
        body = {"agent": {"agent_name": f"pool-agent-{index:04d}"}}
        headers = {"X-Tenant-Id": f"tenant-{index % 3}"}
        response = Client().post(
            "/api/v1/agents/initAgent", body, content_type="application/json", headers=headers
        )
        return response.status_code

    sampler = threading.Thread(target=sample)
    sampler.start()
    statuses = at_once(CONCURRENT, request)
    done.set()
    sampler.join()

    assert statuses == [200] * CONCURRENT
    assert len(sampled) > 1
    assert 1 <= max(sampled) <= max_size
