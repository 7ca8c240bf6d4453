"""Control and policy model rules: slug names, definitions validated by agent-control-models."""

import pytest
from django.core.exceptions import ValidationError

from policies.models import Control, Policy
from tests.factories import REGEX_DENY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["block-ssn", "Prod_Policy", "a", "9lives"])
def test_valid_slug_names(name):
    Policy(tenant_id="acme", name=name).full_clean(validate_unique=False)


@pytest.mark.parametrize("name", ["-leading", "has space", "dot.ted", "x" * 256])
def test_invalid_slug_names(name):
    with pytest.raises(ValidationError) as excinfo:
        Policy(tenant_id="acme", name=name).full_clean(validate_unique=False)
    assert list(excinfo.value.message_dict) == ["name"]


def test_control_definition_is_validated_with_agent_control_models():
    Control(tenant_id="acme", name="ok", data=REGEX_DENY).full_clean(validate_unique=False)
    with pytest.raises(ValidationError) as excinfo:
        Control(tenant_id="acme", name="bad", data={"execution": "server"}).full_clean(
            validate_unique=False
        )
    assert excinfo.value.message_dict == {
        "data": ["condition: Field required", "action: Field required"]
    }
