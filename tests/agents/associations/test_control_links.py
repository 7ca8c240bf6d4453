"""``POST|DELETE /agents/{name}/controls/{control_id}``: idempotent links stamped with the agent's
tenant, what a removal reports (the direct link, whether a policy still supplies the control),
and 404 for missing, soft-deleted and impossible ids."""

import pytest

from tests.agents.associations.link_helpers import AGENT, control_links, url
from tests.factories import soft_delete
from tests.reference_errors import control_not_found, policy_not_found, problem

pytestmark = pytest.mark.django_db


def test_add_control_is_idempotent_and_stamped_with_the_agents_tenant(api_acme, acme):
    control = acme["control"]
    for _ in range(2):
        response = api_acme.post(url(AGENT, "controls", control.pk))
        assert (response.status_code, response.json()) == (200, {"success": True})
    assert control_links() == [("acme", AGENT, control.pk)]


def test_remove_control_reports_the_direct_link_and_policy_supply(api_acme, acme):
    control = acme["control"]
    acme["agent"].controls.add(control)
    path = url(AGENT, "controls", control.pk)
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": True,
        "control_still_active": False,
    }
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": False,
        "control_still_active": False,
    }
    assert control_links() == []


def test_remove_control_still_active_through_a_policy(api_acme, acme):
    control, policy = acme["control"], acme["p1"]
    policy.controls.add(control)
    acme["agent"].policies.add(policy)
    acme["agent"].controls.add(control)
    path = url(AGENT, "controls", control.pk)
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": True,
        "control_still_active": True,
    }
    assert api_acme.delete(path).json() == {
        "success": True,
        "removed_direct_association": False,
        "control_still_active": True,
    }


def test_control_in_a_policy_the_agent_does_not_hold_is_not_still_active(api_acme, acme):
    acme["p1"].controls.add(acme["control"])
    acme["agent"].controls.add(acme["control"])
    body = api_acme.delete(url(AGENT, "controls", acme["control"].pk)).json()
    assert body["control_still_active"] is False


@pytest.mark.parametrize("method", ["post", "delete"])
def test_missing_control_is_404(api_acme, acme, method):
    path = url(AGENT, "controls", 999999)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 404
    assert problem(response) == control_not_found(999999, path)


@pytest.mark.parametrize("method", ["post", "delete"])
def test_soft_deleted_control_is_404_and_the_link_stays(api_acme, acme, method):
    control = acme["control"]
    acme["agent"].controls.add(control)
    soft_delete(control)
    path = url(AGENT, "controls", control.pk)
    response = getattr(api_acme, method)(path)
    assert problem(response) == control_not_found(control.pk, path)
    assert control_links() == [("acme", AGENT, control.pk)]


@pytest.mark.parametrize("control_id", ["-1", str(2**63)])
def test_ids_no_row_can_have_are_404_not_500(api_acme, acme, control_id):
    path = url(AGENT, "controls", control_id)
    assert problem(api_acme.post(path)) == control_not_found(control_id, path)
    path = url(AGENT, "policies", control_id)
    assert problem(api_acme.post(path)) == policy_not_found(control_id, path)
