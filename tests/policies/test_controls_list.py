"""``GET /api/v1/controls``: order, cursor, filters, summaries, agent usage, tenancy (scenario 9)."""

import pytest

from policies.models import Control
from tests.definitions import definition, leaf
from tests.factories import make_agent, make_control, make_policy
from tests.policies.control_helpers import CONTROLS, create, stored
from tests.reference_errors import problem, validation_problem

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.json()
    return [summary["id"] for summary in response.json()["controls"]]


def names(response):
    assert response.status_code == 200, response.json()
    return [summary["name"] for summary in response.json()["controls"]]


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


def test_summary_fields(api):
    control_id = create(
        api,
        "steer-it",
        definition(
            {"and": [leaf(), leaf(path="output")]},
            execution="sdk",
            description="Ask before transfers",
            scope={"step_types": ["tool"], "stages": ["post"], "step_names": ["pay"]},
            action={"decision": "steer", "steering_context": {"message": "ask first"}},
            tags=["money"],
            enabled=False,
        ),
    )
    assert api.get(CONTROLS).json()["controls"] == [
        {
            "id": control_id,
            "name": "steer-it",
            "cloned_from_control_id": None,
            "description": "Ask before transfers",
            "enabled": False,
            "execution": "sdk",
            "action": {"decision": "steer", "steering_context": {"message": "ask first"}},
            "step_types": ["tool"],
            "stages": ["post"],
            "tags": ["money"],
            "template_backed": False,
            "template_rendered": None,
            "used_by_agent": None,
            "used_by_agents_count": 0,
            "attachments": None,
        }
    ]


def test_minimal_summary(api):
    control_id = create(api)
    assert api.get(CONTROLS).json()["controls"] == [
        {
            "id": control_id,
            "name": "block-ssn",
            "cloned_from_control_id": None,
            "description": None,
            "enabled": True,
            "execution": "server",
            "action": {"decision": "deny", "steering_context": None},
            "step_types": None,
            "stages": None,
            "tags": [],
            "template_backed": False,
            "template_rendered": None,
            "used_by_agent": None,
            "used_by_agents_count": 0,
            "attachments": None,
        }
    ]


@pytest.fixture
def linked(api):
    """Control ``shared`` is used by zed-bot-001 (policy), alpha-bot-01 (direct) and
    mid-bot-0001 (policy and direct); ``lonely`` by nobody; ``direct-only`` by mid-bot-0001."""
    shared = Control.all_tenants.get(pk=create(api, "shared"))
    lonely = Control.all_tenants.get(pk=create(api, "lonely"))
    direct_only = Control.all_tenants.get(pk=create(api, "direct-only"))
    p1, p2, unused = (make_policy("default-tenant", n) for n in ("p1", "p2", "unused"))
    zed, alpha, mid = (
        make_agent("default-tenant", n) for n in ("zed-bot-001", "alpha-bot-01", "mid-bot-0001")
    )
    shared.policies.add(p1, p2, unused)
    lonely.policies.add(unused)
    zed.policies.add(p1)
    mid.policies.add(p1, p2)
    alpha.controls.add(shared)
    mid.controls.add(shared, direct_only)
    return {
        "shared": shared,
        "lonely": lonely,
        "direct_only": direct_only,
        "policies": (p1, p2, unused),
    }


def test_agent_usage(api, linked):
    summaries = {s["name"]: s for s in api.get(CONTROLS).json()["controls"]}
    usage = {n: (s["used_by_agent"], s["used_by_agents_count"]) for n, s in summaries.items()}
    assert usage == {
        "shared": ({"agent_name": "alpha-bot-01"}, 3),
        "lonely": (None, 0),
        "direct-only": ({"agent_name": "mid-bot-0001"}, 1),
    }


def test_include_attachments(api, linked):
    p1, p2, unused = linked["policies"]
    response = api.get(CONTROLS, include_attachments="true")
    attachments = {s["name"]: s["attachments"] for s in response.json()["controls"]}
    assert attachments == {
        "direct-only": {
            "agents": [{"agent_name": "mid-bot-0001"}],
            "policies": [],
            "targets": [],
            "targets_total": 0,
            "targets_truncated": False,
        },
        "lonely": {
            "agents": [],
            "policies": [{"policy_id": unused.pk}],
            "targets": [],
            "targets_total": 0,
            "targets_truncated": False,
        },
        "shared": {
            "agents": [{"agent_name": "alpha-bot-01"}, {"agent_name": "mid-bot-0001"}],
            "policies": [{"policy_id": p.pk} for p in sorted((p1, p2, unused), key=lambda p: p.pk)],
            "targets": [],
            "targets_total": 0,
            "targets_truncated": False,
        },
    }


def test_attachment_target_filters_match_nothing_without_bindings(api, linked):
    response = api.get(
        CONTROLS,
        include_attachments="true",
        attachment_target_type="env",
        attachment_target_id="prod",
    )
    assert response.json() == {
        "controls": [],
        "pagination": {"limit": 20, "total": 0, "next_cursor": None, "has_more": False},
    }


def test_attachment_target_filters_need_include_attachments(api):
    response = api.get(CONTROLS, attachment_target_id="prod")
    assert response.status_code == 422
    errors = [
        {
            "resource": "Control",
            "field": "include_attachments",
            "code": "missing_required_parameter",
            "message": "Set include_attachments=true when using attachment_target_type or "
            "attachment_target_id.",
        }
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/validation-error",
        "title": "Validation Error",
        "status": 422,
        "detail": "Attachment target filters require include_attachments=true.",
        "instance": CONTROLS,
        "error_code": "VALIDATION_ERROR",
        "kind": "Status",
        "api_version": "v1",
        "reason": "UnprocessableEntity",
        "errors": errors,
        "details": {"kind": "Control", "causes": errors},
        "hint": "Set include_attachments=true or remove attachment target filters.",
    }


def test_attachment_target_filters_go_together(api):
    response = api.get(CONTROLS, include_attachments="true", attachment_target_type="env")
    body = problem(response)
    assert (response.status_code, body["detail"], body["hint"]) == (
        422,
        "Attachment target filters must be supplied together.",
        "Set both attachment_target_type and attachment_target_id, or remove both filters.",
    )
    assert body["errors"] == [
        {
            "resource": "Control",
            "field": "attachment_target_id",
            "code": "missing_required_parameter",
            "message": "Set attachment_target_type and attachment_target_id together.",
        }
    ]


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


def test_usage_counts_only_the_callers_tenant(api):
    shared = Control.all_tenants.get(pk=create(api, "shared", tenant="acme"))
    make_agent("acme", "acme-bot-001").controls.add(shared)
    make_agent("globex", "globex-bot-01")
    create(api, "shared", tenant="globex")
    [acme] = api.get(CONTROLS, tenant="acme").json()["controls"]
    [globex] = api.get(CONTROLS, tenant="globex").json()["controls"]
    assert (acme["used_by_agent"], acme["used_by_agents_count"]) == (
        {"agent_name": "acme-bot-001"},
        1,
    )
    assert (globex["used_by_agent"], globex["used_by_agents_count"]) == (None, 0)


def make_linked_controls(count):
    agent = make_agent("default-tenant", f"agent-for-{count:04d}")
    policy = make_policy("default-tenant", f"policy-{count}")
    agent.policies.add(policy)
    for index in range(count):
        control = make_control("default-tenant", f"c{count}-{index}", definition(tags=["t"]))
        control.policies.add(policy)
        agent.controls.add(control)


@pytest.mark.parametrize("include_attachments", ["false", "true"])
def test_query_count_does_not_grow_with_the_page(
    api, django_assert_num_queries, include_attachments
):
    make_linked_controls(1)
    expected = 4 if include_attachments == "true" else 3  # page, total, usage (+ policies)
    with django_assert_num_queries(expected):
        assert len(ids(api.get(CONTROLS, include_attachments=include_attachments, tag="t"))) == 1
    make_linked_controls(50)
    with django_assert_num_queries(expected):
        response = api.get(CONTROLS, include_attachments=include_attachments, limit="100", tag="t")
        assert len(ids(response)) == 51
    assert {s["used_by_agents_count"] for s in response.json()["controls"]} == {1}
