"""Project-level guarantees: migrations match the models, the system checks pass."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "No changes detected"


def test_manage_py_check_passes(settings):
    settings.SECRET_KEY = "a-deployment-key"  # what ./dev exports; the development key is E001
    out = StringIO()
    call_command("check", stdout=out)
    assert out.getvalue().strip() == "System check identified no issues (0 silenced)."


@pytest.mark.django_db
def test_every_tenant_table_has_a_tenant_leading_index_or_constraint():
    from django.apps import apps

    from tenancy.introspection import is_tenant_model

    tenant_models = [m for m in apps.get_models() if is_tenant_model(m)]
    assert sorted(m._meta.label for m in tenant_models) == [
        "agents.Agent",
        "agents.AgentControl",
        "agents.AgentPolicy",
        "credentials.ApiKey",
        "observability.ControlExecutionEvent",
        "policies.Control",
        "policies.ControlBinding",
        "policies.ControlVersion",
        "policies.Policy",
        "policies.PolicyControl",
        "quotas.TenantLimits",
    ]
    for model in tenant_models:
        leading = [
            list(getattr(item, "fields", ()))[:1]
            for item in [*model._meta.constraints, *model._meta.indexes]
        ]
        assert ["tenant_id"] in leading, model._meta.label
