"""``POST|DELETE /agents/{name}/policies/{policy_id}``, ``GET|DELETE /agents/{name}/policies``
and the compatibility single-policy routes ``POST /agents/{name}/policy/{policy_id}``,
``GET|DELETE /agents/{name}/policy``: exact bodies, link rows and their tenant, and the 404 / 422
order of a missing or malformed agent, policy or id (control routes included)."""

import pytest

from tests.agents.associations.link_helpers import (
    AGENT,
    DELETE_HINT,
    GET_HINT,
    MISSING_AGENT,
    policy_links,
    url,
)
from tests.factories import make_policy
from tests.reference_errors import (
    agent_not_found,
    assert_request_validation,
    invalid_agent_name,
    no_policy_assigned,
    path_id_error,
    policy_not_found,
    problem,
)

pytestmark = pytest.mark.django_db


# --- POST / DELETE /agents/{name}/policies/{policy_id}, GET / DELETE /agents/{name}/policies --


def test_add_policy_is_additive_idempotent_and_stamped_with_the_agents_tenant(api_acme, acme):
    p1, p2 = acme["p1"], acme["p2"]
    for policy in (p2, p1, p2):
        response = api_acme.post(url(AGENT, "policies", policy.pk))
        assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == [("acme", AGENT, p1.pk), ("acme", AGENT, p2.pk)]
    response = api_acme.get(url(AGENT, "policies"))
    assert (response.status_code, response.json()) == (200, {"policy_ids": [p1.pk, p2.pk]})


def test_agent_name_in_the_path_is_normalised(api_acme, acme):
    assert api_acme.post(url("SUPPORT-BOT-01", "policies", acme["p1"].pk)).status_code == 200
    assert api_acme.get(url("%20Support-Bot-01%20", "policies")).json() == {
        "policy_ids": [acme["p1"].pk]
    }


def test_list_policies_of_an_agent_without_any(api_acme, acme):
    assert api_acme.get(url(AGENT, "policies")).json() == {"policy_ids": []}


def test_remove_policy_unlinks_only_that_one(api_acme, acme):
    p1, p2 = acme["p1"], acme["p2"]
    acme["agent"].policies.add(p1, p2)
    response = api_acme.delete(url(AGENT, "policies", p1.pk))
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == [("acme", AGENT, p2.pk)]


def test_remove_policy_that_is_not_linked_is_200(api_acme, acme):
    response = api_acme.delete(url(AGENT, "policies", acme["p1"].pk))
    assert (response.status_code, response.json()) == (200, {"success": True})


def test_remove_all_policies(api_acme, acme):
    acme["agent"].policies.add(acme["p1"], acme["p2"])
    for _ in range(2):
        response = api_acme.delete(url(AGENT, "policies"))
        assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == []


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("post", ("policies", 999999)),
        ("delete", ("policies", 999999)),
        ("get", ("policies",)),
        ("delete", ("policies",)),
        ("post", ("policy", 999999)),
        ("get", ("policy",)),
        ("delete", ("policy",)),
        ("post", ("controls", 999999)),
        ("delete", ("controls", 999999)),
    ],
)
def test_missing_agent_is_404_before_anything_else(api_acme, acme, method, suffix):
    path = url(MISSING_AGENT, *suffix)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 404
    assert problem(response) == agent_not_found(MISSING_AGENT, path)


@pytest.mark.parametrize(
    ("method", "segment"),
    [("post", "policies"), ("delete", "policies"), ("post", "policy")],
)
def test_missing_policy_is_404_and_links_are_unchanged(api_acme, acme, method, segment):
    acme["agent"].policies.add(acme["p1"])
    path = url(AGENT, segment, 999999)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 404
    assert problem(response) == policy_not_found(999999, path)
    assert policy_links() == [("acme", AGENT, acme["p1"].pk)]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("post", ("policies", 1)),
        ("delete", ("policies", 1)),
        ("get", ("policies",)),
        ("delete", ("policies",)),
        ("post", ("policy", 1)),
        ("get", ("policy",)),
        ("delete", ("policy",)),
        ("post", ("controls", 1)),
        ("delete", ("controls", 1)),
    ],
)
def test_bad_agent_name_in_the_path_is_422(api_acme, method, suffix):
    path = url("bad", *suffix)
    response = getattr(api_acme, method)(path)
    assert response.status_code == 422
    assert problem(response) == invalid_agent_name(
        path, "agent_name must be at least 10 characters long"
    )


@pytest.mark.parametrize(
    ("method", "segment", "field"),
    [
        ("post", "policies", "policy_id"),
        ("delete", "policies", "policy_id"),
        ("post", "policy", "policy_id"),
        ("post", "controls", "control_id"),
        ("delete", "controls", "control_id"),
    ],
)
def test_non_integer_id_is_422_even_with_a_bad_agent_name(api_acme, method, segment, field):
    path = url("bad", segment, "abc")
    assert_request_validation(getattr(api_acme, method)(path), path, [path_id_error(field)])


# --- compatibility single-policy routes -------------------------------------------------------


def test_assign_policy_replaces_every_link_and_reports_the_smallest_old_id(api_acme, acme):
    p1, p2 = acme["p1"], acme["p2"]
    p3 = make_policy("acme", "third")
    response = api_acme.post(url(AGENT, "policy", p2.pk))
    assert (response.status_code, response.json()) == (
        200,
        {"success": True, "old_policy_id": None},
    )
    acme["agent"].policies.add(p1)
    response = api_acme.post(url(AGENT, "policy", p3.pk))
    assert response.json() == {"success": True, "old_policy_id": p1.pk}
    assert policy_links() == [("acme", AGENT, p3.pk)]
    response = api_acme.post(url(AGENT, "policy", p3.pk))
    assert response.json() == {"success": True, "old_policy_id": p3.pk}
    assert policy_links() == [("acme", AGENT, p3.pk)]


def test_get_policy_returns_the_smallest_linked_id(api_acme, acme):
    acme["agent"].policies.add(acme["p2"], acme["p1"])
    response = api_acme.get(url(AGENT, "policy"))
    assert (response.status_code, response.json()) == (200, {"policy_id": acme["p1"].pk})


def test_get_policy_without_any_is_404(api_acme, acme):
    path = url("Support-Bot-01", "policy")
    response = api_acme.get(path)
    assert response.status_code == 404
    assert problem(response) == no_policy_assigned(AGENT, path, GET_HINT)


def test_delete_policy_removes_every_link(api_acme, acme):
    acme["agent"].policies.add(acme["p1"], acme["p2"])
    response = api_acme.delete(url(AGENT, "policy"))
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert policy_links() == []


def test_delete_policy_without_any_is_404(api_acme, acme):
    path = url(AGENT, "policy")
    response = api_acme.delete(path)
    assert response.status_code == 404
    assert problem(response) == no_policy_assigned(AGENT, path, DELETE_HINT)
