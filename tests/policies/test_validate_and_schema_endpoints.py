"""``POST /controls/validate`` stores nothing and refuses missing data (template input: the
``test_template_*`` modules); ``GET /controls/schema`` is the ControlDefinition JSON schema,
served without the database."""

import pytest
from agent_control_models import ControlDefinition

from policies.models import Control, ControlVersion
from tests.definitions import definition
from tests.policies.control_helpers import CONTROLS, VALIDATE
from tests.reference_errors import problem, validation_problem

pytestmark = pytest.mark.django_db


def test_validate_stores_nothing(api):
    response = api.post(VALIDATE, {"data": definition()})
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert not Control.all_tenants.exists()
    assert not ControlVersion.all_tenants.exists()


def test_validate_requires_data(api):
    response = api.post(VALIDATE, {})
    assert problem(response) == validation_problem(
        VALIDATE,
        [
            {
                "resource": "Control",
                "field": "data",
                "code": "missing",
                "message": "Field required",
                "value": "[REDACTED]",
            }
        ],
    )


# ---- schema -----------------------------------------------------------------------------------


def test_schema_is_the_control_definition_json_schema(api):
    response = api.get(f"{CONTROLS}/schema")
    assert response.status_code == 200
    schema = response.json()["schema"]
    assert list(response.json()) == ["schema"]
    assert schema == ControlDefinition.model_json_schema(by_alias=True)
    assert set(schema["required"]) == {"condition", "execution", "action"}


def test_schema_needs_no_database(api, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api.get(f"{CONTROLS}/schema", tenant="acme").status_code == 200
