"""``DELETE /controls/{id}`` (scenario 19): soft delete with a version, ``CONTROL_IN_USE`` with one
error per link, ``force`` dissociating first, 422 for bad parameters, tenant isolation and
atomicity."""

import pytest

from agents.models import AgentControl
from policies.models import Control, ControlVersion, PolicyControl
from tests.factories import make_agent, make_policy
from tests.policies.control_helpers import CONTROLS, create, stored
from tests.reference_errors import control_not_found, path_id_error, problem, validation_problem

pytestmark = pytest.mark.django_db


NOTHING_DISSOCIATED = {
    "success": True,
    "dissociated_from": [],
    "dissociated_from_policies": [],
    "dissociated_from_agents": [],
    "detached_target_bindings": [],
}


@pytest.fixture
def in_use(api):
    """Control ``c`` linked to policies p1, p2 and directly to two agents (plus an agent that
    only uses it through p1, which is not a direct link)."""
    control = Control.all_tenants.get(pk=create(api, "block-ssn"))
    p1, p2 = make_policy("default-tenant", "p1"), make_policy("default-tenant", "p2")
    control.policies.add(p2, p1)
    make_agent("default-tenant", "zed-bot-001").controls.add(control)
    make_agent("default-tenant", "alpha-bot-01").controls.add(control)
    make_agent("default-tenant", "policy-bot-01").policies.add(p1)
    return control, sorted([p1.pk, p2.pk])


def test_delete_unlinked_control_soft_deletes_it(api):
    control_id = create(api)
    response = api.delete(f"{CONTROLS}/{control_id}")
    assert (response.status_code, response.json()) == (200, NOTHING_DISSOCIATED)
    row = stored(control_id)
    assert row.deleted_at is not None
    version = ControlVersion.all_tenants.get(control_id=control_id, version_num=2)
    assert (version.event_type, version.note) == ("deleted", "Deleted")
    assert version.snapshot == {
        "name": "block-ssn",
        "data": row.data,
        "deleted_at": row.deleted_at.isoformat(),
        "cloned_from_control_id": None,
        "cloned_control_id": None,
    }


def test_delete_in_use_control_is_409_with_one_error_per_link(api, in_use):
    control, policy_ids = in_use
    path = f"{CONTROLS}/{control.pk}"
    response = api.delete(path)
    assert response.status_code == 409
    errors = [
        {
            "resource": "Policy",
            "field": "controls",
            "code": "control_in_use",
            "message": f"Control is associated with policy ID {policy_id}",
            "value": policy_id,
        }
        for policy_id in policy_ids
    ] + [
        {
            "resource": "Agent",
            "field": "controls",
            "code": "control_in_use",
            "message": f"Control is directly associated with agent '{name}'",
            "value": "[REDACTED]",
        }
        for name in ("alpha-bot-01", "zed-bot-001")
    ]
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/control-in-use",
        "title": "Control In Use",
        "status": 409,
        "detail": "Control 'block-ssn' is associated with 2 policy/policies, 2 agent(s), and 0 "
        "target binding(s)",
        "instance": path,
        "error_code": "CONTROL_IN_USE",
        "kind": "Status",
        "api_version": "v1",
        "reason": "Conflict",
        "errors": errors,
        "details": {"name": "block-ssn", "kind": "Control", "causes": errors},
        "hint": "Use force=true to dissociate and delete, or remove associations and target "
        "bindings manually first.",
    }
    assert stored(control.pk).deleted_at is None
    assert PolicyControl.all_tenants.count() == 2
    assert AgentControl.all_tenants.count() == 2
    assert ControlVersion.all_tenants.filter(control=control).count() == 1


def test_force_false_is_the_default(api, in_use):
    control, _ = in_use
    assert api.delete(f"{CONTROLS}/{control.pk}", force="false").status_code == 409


def test_force_removes_the_links_then_deletes(api, in_use):
    control, policy_ids = in_use
    response = api.delete(f"{CONTROLS}/{control.pk}", force="true")
    assert (response.status_code, response.json()) == (
        200,
        {
            "success": True,
            "dissociated_from": policy_ids,
            "dissociated_from_policies": policy_ids,
            "dissociated_from_agents": ["alpha-bot-01", "zed-bot-001"],
            "detached_target_bindings": [],
        },
    )
    assert not PolicyControl.all_tenants.exists()
    assert not AgentControl.all_tenants.exists()
    assert stored(control.pk).deleted_at is not None


def test_bad_force_and_bad_id_are_422_together(api):
    path = f"{CONTROLS}/abc"
    response = api.delete(path, force="maybe")
    assert problem(response) == validation_problem(
        path,
        [
            path_id_error(),
            {
                "resource": "Request",
                "field": "query.force",
                "code": "bool_parsing",
                "message": "Input should be a valid boolean, unable to interpret input",
                "value": "[REDACTED]",
            },
        ],
    )


def test_scenario_19_delete_semantics(api, in_use):
    control, _ = in_use
    path = f"{CONTROLS}/{control.pk}"
    assert api.patch(path, {"enabled": False}).status_code == 200
    assert api.delete(path).status_code == 409
    assert api.delete(path, force="true").status_code == 200
    assert problem(api.get(path)) == control_not_found(control.pk, path)
    assert problem(api.delete(path)) == control_not_found(control.pk, path)
    history = api.get(f"{path}/versions")
    assert [(v["version_num"], v["event_type"], v["note"]) for v in history.json()["versions"]] == [
        (3, "deleted", "Deleted"),
        (2, "updated", "Edited"),
        (1, "created", "Initial creation"),
    ]
    reused = create(api, "block-ssn")
    assert reused != control.pk
    assert [s["id"] for s in api.get(CONTROLS).json()["controls"]] == [reused]


def test_another_tenant_cannot_delete(api):
    control_id = create(api, tenant="acme")
    path = f"{CONTROLS}/{control_id}"
    response = api.delete(path, tenant="globex", force="true")
    assert problem(response) == control_not_found(control_id, path)
    assert stored(control_id).deleted_at is None


def test_delete_is_atomic(api, in_use, monkeypatch):
    from policies.services import controls as services

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    control, _ = in_use
    monkeypatch.setattr(services, "control_version_append", broken)
    response = api.delete(f"{CONTROLS}/{control.pk}", force="true")
    assert (response.status_code, response.json()["error_code"]) == (500, "INTERNAL_ERROR")
    assert stored(control.pk).deleted_at is None
    assert PolicyControl.all_tenants.count() == 2
    assert AgentControl.all_tenants.count() == 2
