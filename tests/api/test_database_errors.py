"""A database failure during a write answers 500 DATABASE_ERROR with a generic detail, and the
request leaves nothing half-written (API.md section 7.3 item 20)."""

import pytest
from django.db import OperationalError, connection

from tests.factories import REGEX_DENY, make_agent, make_control, make_policy
from tests.snapshots import rows_by_model

pytestmark = pytest.mark.django_db(transaction=True)

WRITES = ("INSERT", "UPDATE", "DELETE")


def fail_writes(execute, sql, params, many, context):
    """A connection.execute_wrapper that makes every write statement fail like a lost commit."""
    if sql.lstrip().upper().startswith(WRITES):
        raise OperationalError("simulated failure: server closed the connection unexpectedly")
    return execute(sql, params, many, context)


@pytest.fixture
def world():
    agent = make_agent("acme", "acme-agent-0001")
    control = make_control("acme", "block-ssn")
    policy = make_policy("acme", "baseline")
    return {"agent": agent.name, "control": control.pk, "policy": policy.pk}


CASES = [
    (
        "post",
        "/api/v1/agents/initAgent",
        {"agent": {"agent_name": "new-agent-0001"}, "steps": [{"type": "llm", "name": "chat"}]},
    ),
    (
        "post",
        "/api/v1/agents/initAgent",
        {"agent": {"agent_name": "acme-agent-0001", "agent_description": "changed"}},
    ),
    ("put", "/api/v1/policies", {"name": "another-policy"}),
    ("put", "/api/v1/controls", {"name": "another-control", "data": REGEX_DENY}),
    ("delete", "/api/v1/controls/{control}", None),
    ("put", "/api/v1/controls/{control}/data", {"data": {**REGEX_DENY, "enabled": False}}),
    ("patch", "/api/v1/controls/{control}", {"name": "renamed"}),
    ("post", "/api/v1/agents/{agent}/policy/{policy}", None),
    ("post", "/api/v1/agents/{agent}/policies/{policy}", None),
    ("post", "/api/v1/agents/{agent}/controls/{control}", None),
    ("post", "/api/v1/policies/{policy}/controls/{control}", None),
]


@pytest.mark.parametrize(("method", "template", "body"), CASES)
def test_write_failure_is_a_generic_500_and_nothing_is_written(api, world, method, template, body):
    before = rows_by_model()
    path = template.format(**world)
    with connection.execute_wrapper(fail_writes):
        response = api.request(method, path, body, tenant="acme")
    assert response.status_code == 500
    payload = response.json()
    assert (payload["error_code"], payload["reason"], payload["title"]) == (
        "DATABASE_ERROR",
        "InternalError",
        "Database Error",
    )
    assert payload["detail"] == "A database error occurred while processing the request."
    assert "errors" not in payload
    assert "hint" not in payload
    assert "simulated" not in response.content.decode()
    assert rows_by_model() == before
