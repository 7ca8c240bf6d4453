"""Concurrent first registrations of one name (PostgreSQL only: real concurrent transactions).

Every request must answer 200; exactly one reports ``created: true`` and one row exists. The
deterministic version of the lost race is in ``test_init_agent.py``.
"""

from django.test import Client

from agents.models import Agent
from tests.agents.agent_helpers import INIT, init_body, step
from tests.concurrency import at_once, postgres_concurrency

pytestmark = postgres_concurrency("needs concurrent transactions")

WORKERS = 8


def test_concurrent_first_registrations_do_not_fail():
    def register(index):
        response = Client().post(
            INIT,
            init_body(steps=[step("tool", f"t{index}")]),
            content_type="application/json",
            headers={"X-Tenant-Id": "acme"},
        )
        return response.status_code, response.json().get("created")

    results = at_once(WORKERS, register)
    assert sorted(results) == [(200, False)] * (WORKERS - 1) + [(200, True)]
    assert Agent.all_tenants.filter(tenant_id="acme").count() == 1
    steps = Agent.all_tenants.get(tenant_id="acme").steps
    assert sorted(s["name"] for s in steps) == [f"t{i}" for i in range(WORKERS)]
