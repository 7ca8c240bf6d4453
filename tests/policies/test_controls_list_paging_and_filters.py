"""``GET /api/v1/controls`` (scenario 9): newest first, cursor pages and totals, every filter, the
query-parameter errors, deleted controls left out, and only the caller's tenant listed."""

import pytest

from policies.models import Control
from tests.definitions import definition
from tests.factories import make_control
from tests.policies.control_helpers import CONTROLS, create, ids, names, stored
from tests.reference_errors import problem, validation_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(api):
    """Five controls of the default tenant (creation order) and one of another tenant."""
    create(
        api, "pii-llm", definition(scope={"step_types": ["llm"], "stages": ["pre"]}, tags=["pii"])
    )
    create(api, "tool-post", definition(scope={"step_types": ["tool"], "stages": ["post"]}))
    create(api, "sdk-off", definition(execution="sdk", enabled=False, tags=["pii", "x"]))
    create(api, "everywhere", definition(tags=["x"]))
    create(api, "Names-Only", definition(scope={"step_names": ["search"]}))
    create(api, "pii-llm", definition(tags=["pii"]), tenant="globex")


def test_newest_first_with_pagination(api, catalogue):
    response = api.get(CONTROLS)
    assert names(response) == ["Names-Only", "everywhere", "sdk-off", "tool-post", "pii-llm"]
    assert response.json()["pagination"] == {
        "limit": 20,
        "total": 5,
        "next_cursor": None,
        "has_more": False,
    }


def test_cursor_walks_the_pages(api, catalogue):
    all_ids = ids(api.get(CONTROLS))
    first = api.get(CONTROLS, limit=2)
    assert ids(first) == all_ids[:2]
    assert first.json()["pagination"] == {
        "limit": 2,
        "total": 5,
        "next_cursor": str(all_ids[1]),
        "has_more": True,
    }
    second = api.get(CONTROLS, limit=2, cursor=all_ids[1])
    assert ids(second) == all_ids[2:4]
    assert second.json()["pagination"]["next_cursor"] == str(all_ids[3])
    third = api.get(CONTROLS, limit=2, cursor=all_ids[3])
    assert ids(third) == all_ids[4:]
    assert third.json()["pagination"] == {
        "limit": 2,
        "total": 5,
        "next_cursor": None,
        "has_more": False,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"enabled": "true"}, ["Names-Only", "everywhere", "tool-post", "pii-llm"]),
        ({"enabled": "false"}, ["sdk-off"]),
        ({"execution": "sdk"}, ["sdk-off"]),
        ({"execution": "server"}, ["Names-Only", "everywhere", "tool-post", "pii-llm"]),
        ({"step_type": "llm"}, ["Names-Only", "everywhere", "sdk-off", "pii-llm"]),
        ({"step_type": "tool"}, ["Names-Only", "everywhere", "sdk-off", "tool-post"]),
        ({"stage": "pre"}, ["Names-Only", "everywhere", "sdk-off", "pii-llm"]),
        ({"stage": "post"}, ["Names-Only", "everywhere", "sdk-off", "tool-post"]),
        ({"tag": "pii"}, ["sdk-off", "pii-llm"]),
        ({"tag": "x"}, ["everywhere", "sdk-off"]),
        ({"tag": "pi"}, []),
        ({"name": "PII"}, ["pii-llm"]),
        ({"name": "o"}, ["Names-Only", "sdk-off", "tool-post"]),
        ({"name": "_"}, []),
        ({"name": "%"}, []),
        ({"tag": "pii", "enabled": "true", "step_type": "llm"}, ["pii-llm"]),
        (
            {"template_backed": "false"},
            ["Names-Only", "everywhere", "sdk-off", "tool-post", "pii-llm"],
        ),
        ({"template_backed": "true"}, []),
        ({"cloned": "false"}, ["Names-Only", "everywhere", "sdk-off", "tool-post", "pii-llm"]),
        ({"cloned": "true"}, []),
    ],
)
def test_filters(api, catalogue, query, expected):
    response = api.get(CONTROLS, **query)
    assert names(response) == expected
    assert response.json()["pagination"]["total"] == len(expected)


def test_total_counts_every_match_not_the_page(api, catalogue):
    response = api.get(CONTROLS, enabled="true", limit="2")
    assert names(response) == ["Names-Only", "everywhere"]
    assert response.json()["pagination"]["total"] == 4
    assert response.json()["pagination"]["has_more"] is True


def test_enabled_true_matches_rows_without_an_enabled_key(api):
    control = make_control("default-tenant", "legacy", {**definition()})
    assert "enabled" not in control.data
    make_control("default-tenant", "off", definition(enabled=False))
    assert names(api.get(CONTROLS, enabled="true")) == ["legacy"]
    assert api.get(CONTROLS).json()["controls"][1]["enabled"] is True


def test_scope_filters_skip_rows_without_a_condition(api):
    make_control("default-tenant", "draft", {"template": {"x": 1}, "enabled": False})
    create(api, "plain")
    assert names(api.get(CONTROLS, stage="pre")) == ["plain"]
    assert names(api.get(CONTROLS)) == ["plain", "draft"]


def query_error(field, code, message):
    return {
        "resource": "Request",
        "field": f"query.{field}",
        "code": code,
        "message": message,
        "value": "[REDACTED]",
    }


@pytest.mark.parametrize(
    ("limit", "code", "message"),
    [
        ("0", "greater_than_equal", "Input should be greater than or equal to 1"),
        ("101", "less_than_equal", "Input should be less than or equal to 100"),
        (
            "ten",
            "int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_limit_out_of_range_is_rejected(api, limit, code, message):
    response = api.get(CONTROLS, limit=limit)
    assert response.status_code == 422
    assert problem(response) == validation_problem(CONTROLS, [query_error("limit", code, message)])


def test_bad_parameters_are_reported_together(api):
    response = api.get(CONTROLS, limit="0", cursor="x", enabled="maybe")
    assert problem(response)["errors"] == [
        query_error(
            "cursor",
            "int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        query_error("limit", "greater_than_equal", "Input should be greater than or equal to 1"),
        query_error(
            "enabled", "bool_parsing", "Input should be a valid boolean, unable to interpret input"
        ),
    ]


def test_limits_at_the_edges_are_accepted(api, catalogue):
    assert len(ids(api.get(CONTROLS, limit="1"))) == 1
    assert len(ids(api.get(CONTROLS, limit="100"))) == 5


def test_deleted_controls_are_not_listed(api, catalogue):
    everywhere = Control.all_tenants.get(name="everywhere")
    assert api.delete(f"{CONTROLS}/{everywhere.pk}").status_code == 200
    response = api.get(CONTROLS)
    assert "everywhere" not in names(response)
    assert response.json()["pagination"]["total"] == 4


def test_lists_only_the_callers_tenant(api, catalogue):
    acme_id = create(api, "acme-only", tenant="acme")
    globex = api.get(CONTROLS, tenant="globex")
    assert names(globex) == ["pii-llm"]
    assert globex.json()["pagination"]["total"] == 1
    assert stored(ids(globex)[0]).tenant_id == "globex"
    acme = api.get(CONTROLS, tenant="acme")
    assert ids(acme) == [acme_id]
    assert acme.json()["pagination"]["total"] == 1
    assert api.get(CONTROLS, tenant="acme", tag="pii").json()["pagination"]["total"] == 0
