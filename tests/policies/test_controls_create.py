"""``PUT /api/v1/controls``: create, stored shape, version 1, name conflicts, tenancy (scenario 7)."""

import pytest
from django.db import IntegrityError

from policies.models import Control, ControlVersion
from policies.services import controls as control_services
from tests.definitions import definition, leaf
from tests.policies.control_helpers import CONTROLS, create, stored
from tests.reference_errors import (
    control_name_conflict,
    control_not_found,
    problem,
    validation_problem,
)

pytestmark = pytest.mark.django_db


def test_create_returns_the_id_and_stores_the_reference_shape(api):
    response = api.put(CONTROLS, {"name": "block-ssn", "data": definition(leaf(path=None))})
    assert response.status_code == 200
    control_id = response.json()["control_id"]
    assert response.json() == {"control_id": control_id}
    row = stored(control_id)
    assert (row.tenant_id, row.name, row.deleted_at, row.cloned_from_id) == (
        "default-tenant",
        "block-ssn",
        None,
        None,
    )
    # exclude_unset + exclude_none, by alias, "enabled" always written
    assert row.data == {
        "execution": "server",
        "condition": {
            "selector": {},
            "evaluator": {"name": "regex", "config": {"pattern": "secret"}},
        },
        "action": {"decision": "deny"},
        "enabled": True,
    }


def test_create_records_version_one(api):
    control_id = create(api, data=definition(tags=["pii"]))
    version = ControlVersion.all_tenants.get(control_id=control_id)
    assert (version.tenant_id, version.version_num, version.event_type, version.note) == (
        "default-tenant",
        1,
        "created",
        "Initial creation",
    )
    assert version.snapshot == {
        "name": "block-ssn",
        "data": stored(control_id).data,
        "deleted_at": None,
        "cloned_from_control_id": None,
        "cloned_control_id": None,
    }


def test_stored_json_keeps_given_fields_and_rewrites_legacy_leaves(api):
    data = {
        "execution": "sdk",
        "selector": {"path": "output"},
        "evaluator": {"name": "list", "config": {"values": ["a"], "unknown": 1}},
        "action": {"decision": "steer", "steering_context": {"message": "ask"}},
        "enabled": False,
        "description": None,
        "scope": {"stages": ["pre"]},
        "tags": [],
    }
    control_id = create(api, data=data)
    assert stored(control_id).data == {
        "execution": "sdk",
        "condition": {
            "selector": {"path": "output"},
            "evaluator": {"name": "list", "config": {"values": ["a"], "unknown": 1}},
        },
        "action": {"decision": "steer", "steering_context": {"message": "ask"}},
        "enabled": False,
        "scope": {"stages": ["pre"]},
        "tags": [],
    }


def test_composite_condition_is_stored_with_aliases(api):
    condition = {"and": [leaf(), {"not": leaf("list", {"values": ["admin"]}, "context.role")}]}
    control_id = create(api, data=definition(condition))
    assert stored(control_id).data["condition"] == condition


def test_name_is_trimmed(api):
    control_id = create(api, name="  block-ssn  ")
    assert stored(control_id).name == "block-ssn"


def test_duplicate_name_is_409(api):
    create(api)
    response = api.put(CONTROLS, {"name": "block-ssn", "data": definition()})
    assert response.status_code == 409
    assert problem(response) == control_name_conflict("block-ssn", CONTROLS)
    assert Control.all_tenants.count() == 1
    assert ControlVersion.all_tenants.count() == 1


def test_names_are_case_sensitive(api):
    create(api, name="Block-SSN")
    create(api, name="block-ssn")
    assert sorted(Control.all_tenants.values_list("name", flat=True)) == ["Block-SSN", "block-ssn"]


def test_bad_slug_is_422(api):
    response = api.put(CONTROLS, {"name": "bad name", "data": definition()})
    assert response.status_code == 422
    assert problem(response) == validation_problem(
        CONTROLS,
        [
            {
                "resource": "Request",
                "field": "name",
                "code": "string_pattern_mismatch",
                "message": "String should match pattern '^[a-zA-Z0-9][a-zA-Z0-9_-]*$'",
                "value": "[REDACTED]",
            }
        ],
    )


def test_missing_name_and_data_are_reported_together(api):
    response = api.put(CONTROLS, {})
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "resource": "Request",
            "field": "name",
            "code": "missing",
            "message": "Field required",
            "value": "[REDACTED]",
        },
        {
            "resource": "Control",
            "field": "data",
            "code": "missing",
            "message": "Field required",
            "value": "[REDACTED]",
        },
    ]


def test_non_object_body_is_422_like_fastapi(api):
    response = api.put(CONTROLS, [1])
    assert response.status_code == 422
    assert problem(response)["errors"] == [
        {
            "resource": "Request",
            "code": "model_attributes_type",
            "message": "Input should be a valid dictionary or object to extract fields from",
            "value": "[REDACTED]",
        }
    ]


def test_null_template_is_a_plain_definition(api):
    control_id = create(api, data=definition(template=None))
    assert "template" not in stored(control_id).data


def test_two_tenants_can_each_create_the_same_name(api):
    first = create(api, tenant="acme")
    second = create(api, tenant="globex")
    assert first != second
    assert sorted(Control.all_tenants.values_list("tenant_id", "name")) == [
        ("acme", "block-ssn"),
        ("globex", "block-ssn"),
    ]
    assert sorted(ControlVersion.all_tenants.values_list("tenant_id", flat=True)) == [
        "acme",
        "globex",
    ]


def test_tenant_id_in_the_payload_changes_nothing(api):
    body = {"name": "block-ssn", "tenant_id": "globex", "data": definition(tenant_id="globex")}
    response = api.put(CONTROLS, body, tenant="acme")
    control_id = response.json()["control_id"]
    row = stored(control_id)
    assert row.tenant_id == "acme"
    assert "tenant_id" not in row.data
    other = api.get(f"{CONTROLS}/{control_id}", tenant="globex")
    assert other.status_code == 404
    assert problem(other) == control_not_found(control_id, f"{CONTROLS}/{control_id}")


def test_create_is_two_inserts_in_one_transaction(api, django_assert_num_queries):
    create(api, "warm-up-control")  # the tenant's limits, read once per process and cached
    # savepoint, insert control, insert version, release
    with django_assert_num_queries(4):
        create(api)


def test_an_unexpected_integrity_error_is_a_database_error_and_writes_nothing(api, monkeypatch):
    def broken(*args, **kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(control_services, "control_version_append", broken)
    response = api.put(CONTROLS, {"name": "block-ssn", "data": definition()})
    assert response.status_code == 500
    assert response.json()["error_code"] == "DATABASE_ERROR"
    assert not Control.all_tenants.exists()
