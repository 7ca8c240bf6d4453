"""Tenant resolution over HTTP: header, whitespace, default, malformed ids, swappable resolver."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from agents.models import Agent
from tenancy.context import tenant_context
from tenancy.resolvers import HeaderTenantResolver, TenantResolver, get_tenant_resolver

pytestmark = [pytest.mark.urls("tests.tenancy.urls")]


class AcmeResolver:
    """Ignores the header: everything belongs to 'acme-from-resolver'."""

    def resolve(self, request):
        return "acme-from-resolver"


class NotAResolver:
    pass


class NeedsArguments:
    def __init__(self, required):
        self.required = required

    def resolve(self, request):
        return "x"


def post_rows(client, **headers):
    return client.post("/probe/rows", data="{}", content_type="application/json", **headers)


@pytest.mark.django_db
def test_no_header_stamps_agent_control_policy_with_default_tenant(client):
    response = post_rows(client)
    assert response.status_code == 200
    assert response.json() == {
        "agent": "default-tenant",
        "policy": "default-tenant",
        "control": "default-tenant",
    }


@pytest.mark.django_db
def test_header_stamps_rows_with_that_tenant(client):
    response = post_rows(client, HTTP_X_TENANT_ID="acme")
    assert response.json() == {"agent": "acme", "policy": "acme", "control": "acme"}
    assert list(Agent.all_tenants.values_list("tenant_id", flat=True)) == ["acme"]


@pytest.mark.django_db
def test_header_surrounding_whitespace_is_stripped(client):
    response = post_rows(client, HTTP_X_TENANT_ID="  acme\t ")
    assert response.json() == {"agent": "acme", "policy": "acme", "control": "acme"}


@pytest.mark.django_db
def test_whitespace_only_header_falls_back_to_default_tenant(client):
    response = post_rows(client, HTTP_X_TENANT_ID="   ")
    assert response.json()["agent"] == "default-tenant"


def test_empty_header_falls_back_to_default_tenant(client):
    assert client.get("/probe/tenant", HTTP_X_TENANT_ID="").json() == {
        "tenant": "default-tenant",
        "request": "default-tenant",
    }


def test_default_tenant_follows_the_setting(client, settings):
    settings.TENANCY_DEFAULT_TENANT_ID = "fallback-co"
    assert client.get("/probe/tenant").json()["tenant"] == "fallback-co"


def test_64_character_tenant_id_is_accepted(client):
    tenant = "t" * 64
    assert client.get("/probe/tenant", HTTP_X_TENANT_ID=tenant).json()["tenant"] == tenant


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("a" * 65, "Tenant id must be at most 64 characters long (got 65)."),
        ("acme\x07", "Tenant id may only contain letters, digits, '.', '_', ':' and '-'."),
        ("ac\x00me", "Tenant id may only contain letters, digits, '.', '_', ':' and '-'."),
        ("acme corp", "Tenant id may only contain letters, digits, '.', '_', ':' and '-'."),
        ("acmé", "Tenant id may only contain letters, digits, '.', '_', ':' and '-'."),
        ("../etc", "Tenant id may only contain letters, digits, '.', '_', ':' and '-'."),
        # gunicorn joins a header sent twice with ", "
        (
            "acme, globex",
            "X-Tenant-Id names more than one tenant: send the header once, with one tenant id.",
        ),
        (
            "acme,acme",
            "X-Tenant-Id names more than one tenant: send the header once, with one tenant id.",
        ),
    ],
)
def test_malformed_tenant_id_is_a_400_envelope_and_writes_nothing(client, header, message):
    response = post_rows(client, HTTP_X_TENANT_ID=header)
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "VALIDATION_ERROR"
    assert body["reason"] == "BadRequest"
    assert body["status"] == 400
    assert body["instance"] == "/probe/rows"
    assert body["detail"] == f"Invalid X-Tenant-Id header: {message}"
    assert body["errors"] == [
        {
            "resource": "Request",
            "field": "header.X-Tenant-Id",
            "code": "invalid_tenant_id",
            "message": message,
            "value": "[REDACTED]",
        }
    ]
    assert response["X-Agent-Control-Server-Version"] == "8.15.0"
    assert response["Content-Length"] == str(len(response.content))
    assert response.content.startswith(b'{"type":"https://agentcontrol.dev/errors/')  # compact
    assert Agent.all_tenants.count() == 0


def test_header_resolver_satisfies_the_protocol():
    assert isinstance(HeaderTenantResolver(), TenantResolver)
    assert not isinstance(NotAResolver(), TenantResolver)


def test_header_resolver_direct_call():
    request = RequestFactory().get("/", HTTP_X_TENANT_ID=" globex ")
    assert HeaderTenantResolver().resolve(request) == "globex"


def test_installed_resolver_overrides_the_header_and_is_restored(client):
    assert isinstance(get_tenant_resolver(), HeaderTenantResolver)
    with override_settings(TENANCY_RESOLVER="tests.tenancy.test_resolution.AcmeResolver"):
        response = client.get("/probe/tenant", HTTP_X_TENANT_ID="globex")
        assert response.json() == {"tenant": "acme-from-resolver", "request": "acme-from-resolver"}
        assert isinstance(get_tenant_resolver(), AcmeResolver)
    assert isinstance(get_tenant_resolver(), HeaderTenantResolver)
    assert client.get("/probe/tenant", HTTP_X_TENANT_ID="globex").json()["tenant"] == "globex"


def test_settings_fixture_swaps_the_resolver(client, settings):
    settings.TENANCY_RESOLVER = "tests.tenancy.test_resolution.AcmeResolver"
    assert client.get("/probe/tenant").json()["tenant"] == "acme-from-resolver"


def test_resolver_is_the_default_again_after_the_settings_fixture_test(client):
    assert client.get("/probe/tenant", HTTP_X_TENANT_ID="globex").json()["tenant"] == "globex"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (42, "TENANCY_RESOLVER must be a dotted path string to a resolver class, got int 42."),
        (
            "tests.tenancy.test_resolution.Missing",
            "TENANCY_RESOLVER = 'tests.tenancy.test_resolution.Missing' could not be imported: "
            'Module "tests.tenancy.test_resolution" does not define a "Missing" attribute/class',
        ),
        (
            "tests.tenancy.test_resolution.NotAResolver",
            "TENANCY_RESOLVER = 'tests.tenancy.test_resolution.NotAResolver' is not a tenant "
            "resolver: it must name a class whose instances have a resolve(request) -> str method.",
        ),
    ],
)
def test_bad_resolver_setting_raises_improperly_configured_naming_it(settings, value, message):
    settings.TENANCY_RESOLVER = value
    with pytest.raises(ImproperlyConfigured) as excinfo:
        get_tenant_resolver()
    assert str(excinfo.value) == message


def test_resolver_needing_arguments_is_improperly_configured(settings):
    settings.TENANCY_RESOLVER = "tests.tenancy.test_resolution.NeedsArguments"
    with pytest.raises(ImproperlyConfigured, match="must be instantiable without arguments"):
        get_tenant_resolver()


def test_tenant_context_rejects_malformed_ids():
    from tenancy.exceptions import InvalidTenantId

    with pytest.raises(InvalidTenantId, match="must not be empty"), tenant_context(""):
        pass
