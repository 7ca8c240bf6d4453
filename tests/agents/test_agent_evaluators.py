"""``GET /api/v1/agents/{agent_name}/evaluators`` (paged by name) and ``.../evaluators/{name}``."""

import pytest

from tests.raw_sql import execute_as_system
from tests.reference_errors import error

pytestmark = pytest.mark.django_db

URL = "/api/v1/agents/support-bot-01/evaluators"
SCHEMA = {"type": "object", "properties": {"level": {"type": "string"}}}


@pytest.fixture
def agent(register):
    register(
        evaluators=[
            {"name": "e1", "config_schema": SCHEMA, "description": "first"},
            *({"name": f"e{i}"} for i in range(2, 6)),
        ]
    )


def test_lists_registered_evaluators(api, agent):
    response = api.get(URL, limit="2")
    assert response.json() == {
        "evaluators": [
            {"name": "e1", "description": "first", "config_schema": SCHEMA},
            {"name": "e2", "description": None, "config_schema": {}},
        ],
        "pagination": {"limit": 2, "total": 5, "next_cursor": "e2", "has_more": True},
    }


def test_cursor_continues_after_the_named_evaluator(api, agent):
    body = api.get(URL, limit="2", cursor="e4").json()
    assert [e["name"] for e in body["evaluators"]] == ["e5"]
    assert body["pagination"] == {"limit": 2, "total": 5, "next_cursor": None, "has_more": False}
    assert [e["name"] for e in api.get(URL, cursor="zz", limit="1").json()["evaluators"]] == ["e1"]


@pytest.mark.parametrize(("given", "used"), [("0", 1), ("1000", 100)])
def test_limit_is_clamped(api, agent, given, used):
    assert api.get(URL, limit=given).json()["pagination"]["limit"] == used


def test_unreadable_registration_lists_nothing(api, agent):
    execute_as_system("UPDATE agents_agent SET steps = %s", ['"garbage"'])
    assert api.get(URL).json() == {
        "evaluators": [],
        "pagination": {"limit": 20, "total": 0, "next_cursor": None, "has_more": False},
    }


def test_list_for_missing_agent_is_404(api):
    assert error(api.get(URL))["error_code"] == "AGENT_NOT_FOUND"


def test_get_one_evaluator(api, agent):
    response = api.get(f"{URL}/e1")
    assert response.json() == {"name": "e1", "description": "first", "config_schema": SCHEMA}


def test_unknown_evaluator_is_404(api, agent):
    response = api.get(f"{URL}/nope")
    assert error(response) == {
        "status": 404,
        "error_code": "EVALUATOR_NOT_FOUND",
        "detail": "Evaluator 'nope' not found on agent 'support-bot-01'",
        "errors": None,
    }
    assert response.json()["details"] == {"name": "nope", "kind": "Evaluator"}


def test_unreadable_registration_has_no_evaluator(api, agent):
    execute_as_system("UPDATE agents_agent SET evaluators = %s", ['"garbage"'])
    assert error(api.get(f"{URL}/e1"))["detail"] == "Evaluator 'e1' not found"


def test_evaluator_of_missing_agent_is_agent_404(api):
    assert error(api.get(f"{URL}/e1"))["error_code"] == "AGENT_NOT_FOUND"
