"""``GET /api/v1/controls`` (scenario 9): the summary of each control, which agents use it (in the
caller's tenant only), its attachments and the attachment-target filters, and a query count that
does not grow with the page."""

import pytest

from policies.models import Control
from tests.definitions import definition, leaf
from tests.factories import make_agent, make_control, make_policy
from tests.policies.control_helpers import CONTROLS, create, ids
from tests.reference_errors import problem

pytestmark = pytest.mark.django_db


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
