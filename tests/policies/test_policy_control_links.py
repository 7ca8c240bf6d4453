"""A policy's controls (``POST|DELETE /policies/{id}/controls/{control_id}``,
``GET /policies/{id}/controls``): exact bodies, every error code, soft-deleted controls, tenant
isolation, the query budget and API.md scenario 10 (policy CRUD)."""

import pytest

from policies.models import PolicyControl
from tests.factories import make_control, make_policy, soft_delete
from tests.policies.policy_helpers import POLICIES, controls_url, links
from tests.reference_errors import (
    assert_request_validation,
    control_not_found,
    path_id_error,
    policy_not_found,
    problem,
)

pytestmark = pytest.mark.django_db


# --- POST / DELETE / GET /policies/{policy_id}/controls[/{control_id}] ------------------------


def test_add_control_links_it_once_with_the_policys_tenant(api):
    policy, control = make_policy("acme"), make_control("acme")
    for _ in range(2):
        response = api.post(controls_url(policy.pk, control.pk), tenant="acme")
        assert response.status_code == 200
        assert response.json() == {"success": True}
    assert links() == [("acme", policy.pk, control.pk)]


def test_list_controls_is_ascending(api):
    policy = make_policy("acme")
    first, second = make_control("acme", "first"), make_control("acme", "second")
    api.post(controls_url(policy.pk, second.pk), tenant="acme")
    api.post(controls_url(policy.pk, first.pk), tenant="acme")
    response = api.get(controls_url(policy.pk), tenant="acme")
    assert response.status_code == 200
    assert response.json() == {"control_ids": [first.pk, second.pk]}


def test_list_controls_of_an_empty_policy(api):
    policy = make_policy("acme")
    assert api.get(controls_url(policy.pk), tenant="acme").json() == {"control_ids": []}


def test_remove_control_unlinks_it(api):
    policy, control = make_policy("acme"), make_control("acme")
    api.post(controls_url(policy.pk, control.pk), tenant="acme")
    response = api.delete(controls_url(policy.pk, control.pk), tenant="acme")
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert links() == []


def test_remove_control_that_is_not_linked_is_200(api):
    policy, control = make_policy("acme"), make_control("acme")
    response = api.delete(controls_url(policy.pk, control.pk), tenant="acme")
    assert (response.status_code, response.json()) == (200, {"success": True})


@pytest.mark.parametrize("method", ["post", "delete"])
def test_link_routes_on_a_missing_policy_are_404_policy_first(api, method):
    control = make_control("acme")
    path = controls_url(999999, 888888)
    response = getattr(api, method)(path, tenant="acme")
    assert response.status_code == 404
    assert problem(response) == policy_not_found(999999, path)
    path = controls_url(999999, control.pk)
    assert problem(getattr(api, method)(path, tenant="acme")) == policy_not_found(999999, path)


@pytest.mark.parametrize("method", ["post", "delete"])
def test_link_routes_on_a_missing_control_are_404(api, method):
    policy = make_policy("acme")
    path = controls_url(policy.pk, 999999)
    response = getattr(api, method)(path, tenant="acme")
    assert response.status_code == 404
    assert problem(response) == control_not_found(999999, path)
    assert links() == []


def test_list_controls_of_a_missing_policy_is_404(api):
    path = controls_url(999999)
    response = api.get(path, tenant="acme")
    assert response.status_code == 404
    assert problem(response) == policy_not_found(999999, path)


@pytest.mark.parametrize("method", ["post", "delete"])
def test_soft_deleted_control_is_404_on_add_and_remove(api, method):
    policy, control = make_policy("acme"), make_control("acme")
    api.post(controls_url(policy.pk, control.pk), tenant="acme")
    soft_delete(control)
    path = controls_url(policy.pk, control.pk)
    response = getattr(api, method)(path, tenant="acme")
    assert response.status_code == 404
    assert problem(response) == control_not_found(control.pk, path)
    assert links() == [("acme", policy.pk, control.pk)]


def test_list_controls_hides_soft_deleted_controls(api):
    policy = make_policy("acme")
    kept, deleted = make_control("acme", "kept"), make_control("acme", "deleted")
    for control in (kept, deleted):
        api.post(controls_url(policy.pk, control.pk), tenant="acme")
    soft_delete(deleted)
    assert api.get(controls_url(policy.pk), tenant="acme").json() == {"control_ids": [kept.pk]}


def test_policy_with_only_deleted_controls_lists_empty_not_404(api):
    policy, control = make_policy("acme"), make_control("acme")
    api.post(controls_url(policy.pk, control.pk), tenant="acme")
    soft_delete(control)
    assert api.get(controls_url(policy.pk), tenant="acme").json() == {"control_ids": []}


def test_non_integer_ids_are_422_with_every_bad_path_field(api):
    path = controls_url("abc", "xyz")
    assert_request_validation(
        api.post(path, tenant="acme"),
        path,
        [path_id_error("policy_id"), path_id_error("control_id")],
    )
    policy = make_policy("acme")
    path = controls_url(policy.pk, "1.5")
    assert_request_validation(api.delete(path, tenant="acme"), path, [path_id_error("control_id")])
    path = controls_url("p1")
    assert_request_validation(api.get(path, tenant="acme"), path, [path_id_error("policy_id")])


@pytest.mark.parametrize("policy_id", ["-1", str(2**63), str(2**80)])
def test_ids_no_row_can_have_are_404_not_500(api, policy_id):
    path = controls_url(policy_id)
    response = api.get(path, tenant="acme")
    assert problem(response) == policy_not_found(policy_id, path)
    path = controls_url(policy_id, policy_id)
    assert problem(api.post(path, tenant="acme")) == policy_not_found(policy_id, path)
    policy = make_policy("acme", f"p{policy_id.strip('-')}")
    path = controls_url(policy.pk, policy_id)
    assert problem(api.delete(path, tenant="acme")) == control_not_found(policy_id, path)


# --- tenant isolation ------------------------------------------------------------------------


@pytest.fixture
def acme():
    policy, control = make_policy("acme"), make_control("acme")
    PolicyControl.all_tenants.create(policy=policy, control=control)
    return policy, control


@pytest.mark.parametrize("method", ["post", "delete"])
def test_other_tenants_policy_is_exactly_a_missing_one(api, acme, method):
    policy, _ = acme
    own_control = make_control("globex")
    path = controls_url(policy.pk, own_control.pk)
    response = getattr(api, method)(path, tenant="globex")
    assert problem(response) == policy_not_found(policy.pk, path)
    path = controls_url(policy.pk)
    assert problem(api.get(path, tenant="globex")) == policy_not_found(policy.pk, path)
    assert links() == [("acme", policy.pk, acme[1].pk)]


@pytest.mark.parametrize("method", ["post", "delete"])
def test_other_tenants_control_is_exactly_a_missing_one(api, acme, method):
    _, control = acme
    own_policy = make_policy("globex")
    PolicyControl.all_tenants.create(policy=own_policy, control=make_control("globex", "own"))
    before = links()
    path = controls_url(own_policy.pk, control.pk)
    response = getattr(api, method)(path, tenant="globex")
    assert problem(response) == control_not_found(control.pk, path)
    assert links() == before


# --- query budget ----------------------------------------------------------------------------


def test_add_and_list_use_few_queries(api, django_assert_num_queries):
    policy, control = make_policy("acme"), make_control("acme")
    # policy, SAVEPOINT, control FOR UPDATE, INSERT ... ON CONFLICT DO NOTHING, RELEASE
    with django_assert_num_queries(5):
        api.post(controls_url(policy.pk, control.pk), tenant="acme")
    with django_assert_num_queries(1):
        api.get(controls_url(policy.pk), tenant="acme")
    with django_assert_num_queries(3):  # policy, control, DELETE
        api.delete(controls_url(policy.pk, control.pk), tenant="acme")


# --- scenario 10 (API.md 7.3) ----------------------------------------------------------------


def test_scenario_policy_crud(api):
    acme = api.as_tenant("acme")
    policy_id = acme.put(POLICIES, {"name": "scenario-policy"}).json()["policy_id"]
    assert acme.put(POLICIES, {"name": "scenario-policy"}).status_code == 409
    control = make_control("acme")
    assert acme.post(controls_url(policy_id, control.pk)).json() == {"success": True}
    assert acme.post(controls_url(policy_id, control.pk)).json() == {"success": True}
    assert acme.get(controls_url(policy_id)).json() == {"control_ids": [control.pk]}
    other = make_control("acme", "never-linked")
    assert acme.delete(controls_url(policy_id, other.pk)).status_code == 200
    assert acme.get(controls_url(policy_id)).json() == {"control_ids": [control.pk]}
    missing = policy_id + 1000
    assert acme.post(controls_url(missing, control.pk)).status_code == 404
    assert acme.delete(controls_url(missing, control.pk)).status_code == 404
    assert acme.get(controls_url(missing)).status_code == 404
    assert acme.post(controls_url(policy_id, control.pk + 1000)).status_code == 404
    soft_delete(other)
    for method in (acme.post, acme.delete):
        response = method(controls_url(policy_id, other.pk))
        assert (response.status_code, response.json()["error_code"]) == (404, "CONTROL_NOT_FOUND")
