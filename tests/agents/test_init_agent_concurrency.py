"""Concurrent first registrations of one name (PostgreSQL only: real concurrent transactions).

Every request must answer 200; exactly one reports ``created: true`` and one row exists. The
deterministic version of the lost race is in ``test_init_agent.py``.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from agents.models import Agent
from tests.agents.agent_helpers import INIT, init_body, step

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 8


def test_concurrent_first_registrations_do_not_fail():
    barrier = threading.Barrier(WORKERS)
    results = []

    def worker(index):
        try:
            barrier.wait()
            response = Client().post(
                INIT,
                init_body(steps=[step("tool", f"t{index}")]),
                content_type="application/json",
                headers={"X-Tenant-Id": "acme"},
            )
            results.append((response.status_code, response.json().get("created")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [(200, False)] * (WORKERS - 1) + [(200, True)]
    assert Agent.all_tenants.filter(tenant_id="acme").count() == 1
    steps = Agent.all_tenants.get(tenant_id="acme").steps
    assert sorted(s["name"] for s in steps) == [f"t{i}" for i in range(WORKERS)]
