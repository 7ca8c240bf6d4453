"""``GET /control-bindings`` (filters, cursor pages, errors) and the binding rows themselves:
natural-key uniqueness, the control's tenant, and what a control's delete does to them."""

import pytest
from django.db import IntegrityError, transaction

from policies.models import Control, ControlBinding
from tenancy.context import tenant_context
from tenancy.exceptions import TenantMismatch
from tests.factories import make_control, soft_delete
from tests.policies.bindings.binding_helpers import BINDINGS, bind
from tests.policies.control_helpers import create
from tests.reference_errors import error, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(api):
    """Bindings, oldest first: (c1, env/prod), (c1, env/dev), (c2, region/prod)."""
    c1, c2 = create(api, "one"), create(api, "two")
    return [bind(api, c1), bind(api, c1, "env", "dev"), bind(api, c2, "region", "prod")], c1, c2


def listed(api, **query):
    response = api.get(BINDINGS, **query)
    assert response.status_code == 200, response.json()
    return [b["id"] for b in response.json()["bindings"]], response.json()["pagination"]


def test_list_is_newest_first_with_filters(api, three):
    (prod, dev, region), c1, _c2 = three
    assert listed(api)[0] == [region, dev, prod]
    assert listed(api, target_type="env", target_id="prod")[0] == [prod]
    assert listed(api, target_id="prod")[0] == [region, prod]
    assert listed(api, control_id=c1)[0] == [dev, prod]
    assert listed(api, target_type="ENV")[0] == []


def test_cursor_pages_walk_every_binding(api, three):
    (prod, dev, region), _, _ = three
    first, pagination = listed(api, limit=2)
    assert (first, pagination) == (
        [region, dev],
        {"limit": 2, "total": 3, "next_cursor": str(dev), "has_more": True},
    )
    second, pagination = listed(api, limit=2, cursor=pagination["next_cursor"])
    assert (second, pagination) == (
        [prod],
        {"limit": 2, "total": 3, "next_cursor": None, "has_more": False},
    )


def test_a_bad_cursor_is_a_400(api, three):
    response = api.get(BINDINGS, cursor="abc")
    assert problem(response) == {
        "type": "https://agentcontrol.dev/errors/validation-error",
        "title": "Validation Error",
        "status": 400,
        "detail": "cursor must be a value returned by next_cursor.",
        "instance": BINDINGS,
        "error_code": "VALIDATION_ERROR",
        "kind": "Status",
        "api_version": "v1",
        "reason": "BadRequest",
        "hint": "Pass the cursor returned in the previous response unchanged.",
    }


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"limit": "0"}, "query.limit", "greater_than_equal"),
        ({"limit": "101"}, "query.limit", "less_than_equal"),
        ({"control_id": "x"}, "query.control_id", "int_parsing"),
    ],
)
def test_bad_parameters_are_422(api, query, field, code):
    errors = error(api.get(BINDINGS, **query))["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]


def test_the_natural_key_is_unique_per_tenant():
    control = make_control("acme")
    other = make_control("acme", "other")
    with tenant_context("acme"):
        ControlBinding.objects.create(control=control, target_type="env", target_id="prod")
        ControlBinding.objects.create(control=other, target_type="env", target_id="prod")
        ControlBinding.objects.create(control=control, target_type="env", target_id="dev")
        with pytest.raises(IntegrityError), transaction.atomic():
            ControlBinding.objects.create(control=control, target_type="env", target_id="prod")
    assert ControlBinding.all_tenants.count() == 3


def test_a_binding_takes_its_controls_tenant_and_never_another():
    control = make_control("acme")
    with tenant_context("acme"):
        binding = ControlBinding.objects.create(control=control, target_type="t", target_id="i")
    assert binding.tenant_id == "acme"
    with tenant_context("globex"), pytest.raises(TenantMismatch):
        ControlBinding.objects.create(control=control, target_type="t", target_id="x")
    assert ControlBinding.all_tenants.count() == 1


def test_hard_delete_removes_bindings_and_soft_delete_keeps_them():
    kept, removed = make_control("acme", "kept"), make_control("acme", "removed")
    with tenant_context("acme"):
        for control in (kept, removed):
            ControlBinding.objects.create(control=control, target_type="t", target_id="i")
    soft_delete(kept)
    Control.all_tenants.filter(pk=removed.pk).delete()
    assert list(ControlBinding.all_tenants.values_list("control_id", flat=True)) == [kept.pk]
