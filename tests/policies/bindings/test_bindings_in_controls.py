"""Bindings seen from the control endpoints: ``DELETE /controls/{id}`` counts them (409 without
``force``, deleted with it) and ``GET /controls`` filters and expands them as attachments."""

import pytest

from tests.policies.bindings.binding_helpers import BINDINGS, bind, rows
from tests.policies.control_helpers import CONTROLS, create
from tests.reference_errors import problem

pytestmark = pytest.mark.django_db

AGENT = "bound-agent-01"


@pytest.fixture
def linked(api):
    """Control ``bnd`` in a policy, linked directly to an agent, and bound three times (one
    disabled); returns ``(control_id, policy_id, [binding ids])``."""
    control_id = create(api, "bnd")
    api.post("/api/v1/agents/initAgent", {"agent": {"agent_name": AGENT}})
    policy_id = api.put("/api/v1/policies", {"name": "pol"}).json()["policy_id"]
    api.post(f"/api/v1/policies/{policy_id}/controls/{control_id}")
    api.post(f"/api/v1/agents/{AGENT}/controls/{control_id}")
    bindings = [
        bind(api, control_id, "log_stream", "ls-prod", enabled=False),
        bind(api, control_id, "log_stream", "ls-dev"),
        bind(api, control_id, "environment", "prod"),
    ]
    return control_id, policy_id, bindings


def test_delete_counts_every_binding(api, linked):
    control_id, _policy_id, bindings = linked
    path = f"{CONTROLS}/{control_id}"
    body = problem(api.delete(path))
    assert (body["status"], body["error_code"], body["detail"]) == (
        409,
        "CONTROL_IN_USE",
        "Control 'bnd' is associated with 1 policy/policies, 1 agent(s), and 3 target binding(s)",
    )
    assert body["errors"][2:] == [
        {
            "resource": "ControlBinding",
            "field": "control_id",
            "code": "control_in_use",
            "message": f"Control is attached to a target via binding ID {binding_id}",
            "value": binding_id,
        }
        for binding_id in bindings
    ]
    assert [e["resource"] for e in body["errors"][:2]] == ["Policy", "Agent"]
    assert len(rows()) == 3


def test_forced_delete_detaches_the_bindings(api, linked):
    control_id, policy_id, bindings = linked
    response = api.delete(f"{CONTROLS}/{control_id}", force="true")
    assert response.json() == {
        "success": True,
        "dissociated_from": [policy_id],
        "dissociated_from_policies": [policy_id],
        "dissociated_from_agents": [AGENT],
        "detached_target_bindings": bindings,
    }
    assert api.get(f"{BINDINGS}/{bindings[0]}").status_code == 404
    assert rows() == []


def test_a_control_bound_only_to_a_target_is_in_use(api):
    control_id = create(api, "bound")
    binding_id = bind(api, control_id)
    body = problem(api.delete(f"{CONTROLS}/{control_id}"))
    assert body["detail"] == (
        "Control 'bound' is associated with 0 policy/policies, 0 agent(s), and 1 target binding(s)"
    )
    assert [e["value"] for e in body["errors"]] == [binding_id]


def test_attachments_expand_the_filtered_target(api, linked):
    control_id, policy_id, bindings = linked
    other = create(api, "unbound")
    response = api.get(
        CONTROLS,
        include_attachments="true",
        attachment_target_type="log_stream",
        attachment_target_id="ls-prod",
    )
    body = response.json()
    assert [s["id"] for s in body["controls"]] == [control_id]
    assert other not in [s["id"] for s in body["controls"]]
    assert body["controls"][0]["attachments"] == {
        "agents": [{"agent_name": AGENT}],
        "policies": [{"policy_id": policy_id}],
        "targets": [
            {
                "binding_id": bindings[0],
                "target_type": "log_stream",
                "target_id": "ls-prod",
                "enabled": False,
            }
        ],
        "targets_total": 1,
        "targets_truncated": False,
    }
    assert body["controls"][0]["used_by_agents_count"] == 1


def test_the_target_filter_applies_before_paging(api):
    matching = create(api, "older")
    bind(api, matching, "log_stream", "ls-1")
    create(api, "newer")
    body = api.get(
        CONTROLS,
        limit="1",
        include_attachments="true",
        attachment_target_type="log_stream",
        attachment_target_id="ls-1",
    ).json()
    assert [s["id"] for s in body["controls"]] == [matching]
    assert body["pagination"] == {"limit": 1, "total": 1, "next_cursor": None, "has_more": False}


def test_targets_are_never_listed_without_the_filter(api):
    control_id = create(api, "many")
    for index in range(25):
        bind(api, control_id, "env", f"e{index}")
    summary = api.get(CONTROLS, include_attachments="true").json()["controls"][0]
    assert summary["attachments"] == {
        "agents": [],
        "policies": [],
        "targets": [],
        "targets_total": 0,
        "targets_truncated": False,
    }
    assert api.get(CONTROLS).json()["controls"][0]["attachments"] is None
