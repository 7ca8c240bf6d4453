"""Tenancy on the wire for every agent route: another tenant's agent is exactly a missing agent,
lists and totals see only the caller's tenant, and the same name in two tenants is two agents."""

import pytest

from tests.agents.agent_helpers import attach
from tests.factories import make_control

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/api/v1/agents/support-bot-01", None),
    ("patch", "/api/v1/agents/support-bot-01", {"remove_evaluators": ["pii"]}),
    ("get", "/api/v1/agents/support-bot-01/controls", None),
    ("get", "/api/v1/agents/support-bot-01/evaluators", None),
    ("get", "/api/v1/agents/support-bot-01/evaluators/pii", None),
]


def _body(response) -> tuple[int, dict]:
    body = response.json()
    body.pop("metadata", None)
    return response.status_code, body


@pytest.mark.parametrize(("method", "path", "payload"), ROUTES)
def test_foreign_agent_answers_exactly_the_missing_agent_body(api, register, method, path, payload):
    kwargs = {} if payload is None else {"body": payload}
    missing = _body(getattr(api, method)(path, tenant="globex", **kwargs))
    register(tenant="acme", evaluators=[{"name": "pii"}])
    foreign = _body(getattr(api, method)(path, tenant="globex", **kwargs))
    assert foreign == missing
    assert foreign[0] == 404
    assert foreign[1]["error_code"] == "AGENT_NOT_FOUND"
    assert getattr(api, method)(path, tenant="acme", **kwargs).status_code == 200


def test_foreign_patch_changes_nothing(api, register):
    register(tenant="acme", evaluators=[{"name": "pii"}])
    api.patch("/api/v1/agents/support-bot-01", {"remove_evaluators": ["pii"]}, tenant="globex")
    evaluators = api.get("/api/v1/agents/support-bot-01", tenant="acme").json()["evaluators"]
    assert [e["name"] for e in evaluators] == ["pii"]


def test_list_shows_and_counts_only_the_callers_agents(api, register):
    register("acme-agent-001", tenant="acme")
    register("acme-agent-002", tenant="acme")
    register("globex-agent-1", tenant="globex")
    body = api.get("/api/v1/agents", tenant="acme").json()
    assert [a["agent_name"] for a in body["agents"]] == ["acme-agent-002", "acme-agent-001"]
    assert body["pagination"]["total"] == 2
    assert api.get("/api/v1/agents", tenant="globex", name="agent").json()["pagination"] == {
        "limit": 20,
        "total": 1,
        "next_cursor": None,
        "has_more": False,
    }


def test_cursor_naming_a_foreign_agent_is_ignored(api, register):
    register("acme-agent-001", tenant="acme")
    register("zzzz-agent-01", tenant="globex")
    body = api.get("/api/v1/agents", tenant="acme", cursor="zzzz-agent-01").json()
    assert [a["agent_name"] for a in body["agents"]] == ["acme-agent-001"]


def test_same_name_has_independent_controls_per_tenant(api, register):
    register(tenant="acme")
    register(tenant="globex")
    control = make_control("acme")
    attach("acme", "support-bot-01", controls=[control])
    acme = api.get("/api/v1/agents/support-bot-01/controls", tenant="acme").json()
    globex = api.get("/api/v1/agents/support-bot-01/controls", tenant="globex").json()
    assert [c["id"] for c in acme["controls"]] == [control.id]
    assert globex == {"controls": []}
