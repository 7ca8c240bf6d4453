"""``GET /api/v1/agents``: AgentSummary items, ordering, cursor, limit clamping, the name filter,
and a query count that does not grow with the number of agents."""

import re
from datetime import UTC, datetime

import pytest

from agents.models import Agent
from tenancy.context import tenant_context
from tests.agents.agent_helpers import attach, fill_policy, step
from tests.definitions import control_data, leaf
from tests.factories import REGEX_DENY, make_control, make_policy
from tests.raw_sql import execute_as_system
from tests.reference_errors import error

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [agent["agent_name"] for agent in response.json()["agents"]]


def _set_created(name: str, moment: datetime) -> None:
    with tenant_context("default-tenant"):
        Agent.objects.filter(name=name).update(created_at=moment)


def test_summary_item_shape(api, register):
    register(steps=[step("tool", "a"), step("tool", "b")], evaluators=[{"name": "pii"}])
    _set_created("support-bot-01", datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC))
    direct = make_control("default-tenant", "direct")
    disabled = make_control(
        "default-tenant", "disabled", control_data(leaf("regex", {"pattern": "x"}), enabled=False)
    )
    no_flag = {key: value for key, value in REGEX_DENY.items() if key != "enabled"}
    shared = make_control("default-tenant", "shared", no_flag)  # no "enabled" key: active
    p1, p2 = make_policy("default-tenant", "p1"), make_policy("default-tenant", "p2")
    fill_policy("default-tenant", p1, [shared, disabled])
    fill_policy("default-tenant", p2, [shared, direct])
    attach("default-tenant", "support-bot-01", controls=[direct], policies=[p2, p1])
    response = api.get("/api/v1/agents")
    assert response.status_code == 200
    assert response.json() == {
        "agents": [
            {
                "agent_name": "support-bot-01",
                "policy_ids": sorted([p1.id, p2.id]),
                "created_at": "2026-03-04T05:06:07.890123",
                "step_count": 2,
                "evaluator_count": 1,
                "active_controls_count": 2,
            }
        ],
        "pagination": {"limit": 20, "total": 1, "next_cursor": None, "has_more": False},
    }


def test_created_at_is_naive_iso(api, register):
    register()
    created_at = api.get("/api/v1/agents").json()["agents"][0]["created_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", created_at)


def test_order_is_newest_first_then_name_descending(api, register):
    for name in ("agent-aaaa-01", "agent-bbbb-01", "agent-cccc-01"):
        register(name)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    _set_created("agent-aaaa-01", moment)
    _set_created("agent-bbbb-01", moment)
    _set_created("agent-cccc-01", datetime(2025, 1, 1, tzinfo=UTC))
    assert _names(api.get("/api/v1/agents")) == ["agent-bbbb-01", "agent-aaaa-01", "agent-cccc-01"]


def test_cursor_pages_through_all_agents(api, register):
    names = [f"agent-page-{i:02d}" for i in range(5)]
    for name in names:
        register(name)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    for name in names:
        _set_created(name, moment)
    first = api.get("/api/v1/agents", limit=2).json()
    assert first["pagination"] == {
        "limit": 2,
        "total": 5,
        "next_cursor": "agent-page-03",
        "has_more": True,
    }
    second = api.get("/api/v1/agents", limit=2, cursor="AGENT-PAGE-03").json()
    third = api.get("/api/v1/agents", limit=2, cursor=second["pagination"]["next_cursor"]).json()
    seen = [a["agent_name"] for page in (first, second, third) for a in page["agents"]]
    assert seen == sorted(names, reverse=True)
    assert third["pagination"] == {"limit": 2, "total": 5, "next_cursor": None, "has_more": False}


def test_unknown_cursor_starts_from_the_top(api, register):
    register()
    assert _names(api.get("/api/v1/agents", cursor="no-such-agent")) == ["support-bot-01"]


def test_invalid_cursor_is_422(api):
    assert error(api.get("/api/v1/agents", cursor="bad"))["errors"] == [
        {
            "resource": "Agent",
            "field": "cursor",
            "code": "invalid_format",
            "message": "agent_name must be at least 10 characters long",
            "value": "[REDACTED]",
        }
    ]


@pytest.mark.parametrize(("given", "used"), [("0", 1), ("-5", 1), ("101", 100), ("100", 100)])
def test_limit_is_clamped(api, given, used):
    assert api.get("/api/v1/agents", limit=given).json()["pagination"]["limit"] == used


def test_non_integer_limit_is_422(api):
    assert error(api.get("/api/v1/agents", limit="ten"))["errors"] == [
        {
            "resource": "Request",
            "field": "query.limit",
            "code": "int_parsing",
            "message": "Input should be a valid integer, unable to parse string as an integer",
            "value": "[REDACTED]",
        }
    ]


def test_name_filter_is_a_case_insensitive_substring(api, register):
    for name in ("support-bot-01", "billing-bot-01", "supportxbot-01", "support_bot-01"):
        register(name)
    response = api.get("/api/v1/agents", name="SUPPORT")
    assert sorted(_names(response)) == ["support-bot-01", "support_bot-01", "supportxbot-01"]
    assert response.json()["pagination"]["total"] == 3


def test_name_filter_treats_like_wildcards_literally(api, register):
    for name in ("supportxbot-01", "support_bot-01"):
        register(name)
    assert _names(api.get("/api/v1/agents", name="t_b")) == ["support_bot-01"]
    assert _names(api.get("/api/v1/agents", name="%")) == []


def test_unreadable_registration_counts_as_empty(api, register):
    register(steps=[step()], evaluators=[{"name": "pii"}])
    execute_as_system("UPDATE agents_agent SET steps = %s", ['"garbage"'])
    item = api.get("/api/v1/agents").json()["agents"][0]
    assert (item["step_count"], item["evaluator_count"]) == (0, 0)


def _populate(count: int) -> None:
    for index in range(count):
        name = f"agent-load-{index:03d}"
        with tenant_context("default-tenant"):
            Agent.objects.create(name=name, steps=[step()])
        policy = make_policy("default-tenant", f"policy-{index}")
        control = make_control("default-tenant", f"control-{index}")
        fill_policy("default-tenant", policy, [control])
        attach("default-tenant", name, controls=[control], policies=[policy])


@pytest.mark.parametrize("count", [1, 20])
def test_query_count_does_not_grow_with_agents(api, count, django_assert_num_queries):
    _populate(count)
    # total, page, policy links, active controls (direct + via policies in one UNION)
    with django_assert_num_queries(4):
        response = api.get("/api/v1/agents", limit=100)
    assert len(response.json()["agents"]) == count
    assert {a["active_controls_count"] for a in response.json()["agents"]} == {1}
