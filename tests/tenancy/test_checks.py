"""System checks tenancy.E001-E006 and W001."""

import pytest
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from tenancy.checks import (
    check_default_tenant_setting,
    check_middleware_installed,
    check_resolver_setting,
)
from tenancy.managers import TenantManager
from tenancy.models import TenantModel


def ids(messages):
    return [message.id for message in messages]


def test_default_configuration_passes_all_checks():
    assert check_resolver_setting() == []
    assert check_default_tenant_setting() == []
    assert check_middleware_installed() == []
    assert [m for m in checks.run_checks() if m.id.startswith("tenancy.")] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, "tenancy.E001"),
        ("no.such.module.Resolver", "tenancy.E002"),
        ("tests.tenancy.test_resolution.NotAResolver", "tenancy.E003"),
        ("tests.tenancy.test_resolution.NeedsArguments", "tenancy.E003"),
    ],
)
def test_bad_resolver_setting_is_reported(settings, value, expected):
    settings.TENANCY_RESOLVER = value
    messages = check_resolver_setting()
    assert ids(messages) == [expected]
    assert "TENANCY_RESOLVER" in messages[0].msg


def test_malformed_default_tenant_is_reported(settings):
    settings.TENANCY_DEFAULT_TENANT_ID = "has space"
    messages = check_default_tenant_setting()
    assert ids(messages) == ["tenancy.E004"]
    assert messages[0].msg == (
        "TENANCY_DEFAULT_TENANT_ID is not a valid tenant id: Tenant id may only contain "
        "letters, digits, '.', '_', ':' and '-'."
    )


def test_missing_middleware_is_reported(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "TenantMiddleware" not in m]
    assert ids(check_middleware_installed()) == ["tenancy.W001"]


@isolate_apps("tenancy")
def test_tenant_manager_on_plain_model_is_reported():
    class Plain(models.Model):
        objects = TenantManager()

        class Meta:
            app_label = "tenancy"

        def __str__(self):
            return "plain"

    assert ids(Plain.check()) == ["tenancy.E005"]


@isolate_apps("tenancy")
def test_bad_tenant_parent_is_reported():
    class Orphan(TenantModel):
        tenant_parent = "missing"

        class Meta:
            app_label = "tenancy"

    assert ids(Orphan.check()) == ["tenancy.E006"]
