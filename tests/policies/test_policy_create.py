"""``PUT /policies``: the new id in the caller's tenant, the name trimmed and case kept, 409 for a
name taken in the same tenant only, and 422 for a bad name."""

import pytest

from policies.models import Policy
from tests.factories import make_control, make_policy
from tests.policies.policy_helpers import POLICIES, controls_url
from tests.reference_errors import assert_request_validation, policy_name_conflict, problem

pytestmark = pytest.mark.django_db


def test_create_policy_returns_its_id_and_stamps_the_callers_tenant(api):
    response = api.put(POLICIES, {"name": "baseline"}, tenant="acme")
    assert response.status_code == 200
    policy = Policy.all_tenants.get()
    assert response.json() == {"policy_id": policy.pk}
    assert (policy.tenant_id, policy.name) == ("acme", "baseline")


def test_create_policy_without_tenant_header_lands_in_default_tenant(api):
    response = api.put(POLICIES, {"name": "baseline"})
    assert response.status_code == 200
    assert list(Policy.all_tenants.values_list("tenant_id", "name")) == [
        ("default-tenant", "baseline")
    ]


def test_create_policy_trims_the_name_and_keeps_its_case(api):
    first = api.put(POLICIES, {"name": " Prod-Policy "}, tenant="acme")
    second = api.put(POLICIES, {"name": "prod-policy"}, tenant="acme")
    assert (first.status_code, second.status_code) == (200, 200)
    assert sorted(Policy.all_tenants.values_list("name", flat=True)) == [
        "Prod-Policy",
        "prod-policy",
    ]


def test_duplicate_policy_name_is_409_and_writes_nothing(api):
    api.put(POLICIES, {"name": "Prod-Policy"}, tenant="acme")
    response = api.put(POLICIES, {"name": " Prod-Policy "}, tenant="acme")
    assert response.status_code == 409
    assert problem(response) == policy_name_conflict("Prod-Policy")
    assert Policy.all_tenants.count() == 1


def test_same_policy_name_in_two_tenants_makes_independent_policies(api):
    a = api.put(POLICIES, {"name": "baseline"}, tenant="acme").json()["policy_id"]
    b = api.put(POLICIES, {"name": "baseline"}, tenant="globex").json()["policy_id"]
    assert a != b
    control = make_control("acme")
    assert api.post(controls_url(a, control.pk), tenant="acme").status_code == 200
    assert api.get(controls_url(a), tenant="acme").json() == {"control_ids": [control.pk]}
    assert api.get(controls_url(b), tenant="globex").json() == {"control_ids": []}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"name": "bad name"},
            {
                "resource": "Request",
                "field": "name",
                "code": "string_pattern_mismatch",
                "message": "String should match pattern '^[a-zA-Z0-9][a-zA-Z0-9_-]*$'",
                "value": "[REDACTED]",
            },
        ),
        (
            {"name": "   "},
            {
                "resource": "Request",
                "field": "name",
                "code": "too_short",
                "message": "Value should have at least 1 item after validation, not 0",
                "value": "[REDACTED]",
            },
        ),
        (
            {},
            {
                "resource": "Request",
                "field": "name",
                "code": "missing",
                "message": "Field required",
                "value": "[REDACTED]",
            },
        ),
        (
            {"name": 123},
            {
                "resource": "Request",
                "field": "name",
                "code": "string_type",
                "message": "Input should be a valid string",
                "value": 123,
            },
        ),
    ],
)
def test_bad_policy_name_is_422(api, body, error):
    response = api.put(POLICIES, body, tenant="acme")
    assert_request_validation(response, POLICIES, [error])
    assert not Policy.all_tenants.exists()


def test_over_long_policy_name_is_422_not_500(api):
    response = api.put(POLICIES, {"name": "p" * 256}, tenant="acme")
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("name", "too_long")]


def test_duplicate_name_check_ignores_other_tenants(api):
    make_policy("acme", "baseline")
    response = api.put(POLICIES, {"name": "baseline"}, tenant="globex")
    assert response.status_code == 200
    assert sorted(Policy.all_tenants.values_list("tenant_id", "name")) == [
        ("acme", "baseline"),
        ("globex", "baseline"),
    ]
