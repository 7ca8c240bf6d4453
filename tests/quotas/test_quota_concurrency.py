"""Race safety of the quotas (PostgreSQL only: SQLite's transactions take the database's write
lock when they begin, so creates never overlap there). 50 creates released at once at the
boundary leave exactly the quota."""

import pytest
from agent_control_models.server import CreateControlRequest, InitAgentRequest
from django.db import connection

from agents.models import Agent
from agents.services.registration import agent_register
from policies.models import Control
from policies.services.controls import control_create
from quotas.enforcement import QuotaExceeded
from tests.factories import REGEX_DENY, make_control
from tests.policies.test_concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

CREATES = 50


def run_at_once(call, count: int) -> list:
    """``call(i)`` for i in 0..count-1, in threads released together, as tenant acme."""
    return run_concurrently(call, [(i,) for i in range(count)])


def outcome(results) -> tuple[int, int]:
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    others = [r for r in results if isinstance(r, Exception) and not isinstance(r, QuotaExceeded)]
    assert others == []
    return len(results) - len(refused), len(refused)


def test_50_concurrent_control_creates_at_the_boundary_leave_exactly_the_quota(settings):
    settings.QUOTAS_DEFAULT = {"controls": 10}
    for i in range(3):
        make_control("acme", f"existing-{i}")
    make_control("globex", "not-counted")

    def create(i):
        return control_create(
            request=CreateControlRequest(name=f"control-{i:02d}", data=REGEX_DENY)
        )

    assert outcome(run_at_once(create, CREATES)) == (7, 43)
    assert Control.all_tenants.filter(tenant_id="acme").count() == 10


def test_50_concurrent_new_agents_at_the_boundary_leave_exactly_the_quota(settings):
    settings.QUOTAS_DEFAULT = {"agents": 10}

    def register(i):
        body = {"agent": {"agent_name": f"support-bot-{i:02d}"}, "steps": []}
        return agent_register(request=InitAgentRequest.model_validate(body))

    assert outcome(run_at_once(register, CREATES)) == (10, 40)
    assert Agent.all_tenants.filter(tenant_id="acme").count() == 10


def test_one_new_agent_registered_50_times_at_once_needs_one_place(settings):
    settings.QUOTAS_DEFAULT = {"agents": 1}
    body = {"agent": {"agent_name": "support-bot-01"}, "steps": []}

    def register(i):
        return agent_register(request=InitAgentRequest.model_validate(body)).created

    results = run_at_once(register, CREATES)
    assert sorted(results) == [False] * (CREATES - 1) + [True]
    assert Agent.all_tenants.filter(tenant_id="acme").count() == 1
