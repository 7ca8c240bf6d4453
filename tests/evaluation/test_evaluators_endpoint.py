"""``GET /api/v1/evaluators``: the installed evaluators and their descriptions."""

import pytest

pytestmark = pytest.mark.django_db


def test_evaluators_lists_the_installed_evaluators(api):
    body = api.get("/api/v1/evaluators").json()
    assert sorted(body) == ["json", "list", "regex", "sql"]
    regex = body["regex"]
    assert {key: regex[key] for key in regex if key != "config_schema"} == {
        "name": "regex",
        "version": "1.0.0",
        "description": "Regular expression pattern matching (RE2)",
        "requires_api_key": False,
        "timeout_ms": 10000,
    }
    assert regex["config_schema"]["required"] == ["pattern"]
    assert body["json"]["timeout_ms"] == 15000
