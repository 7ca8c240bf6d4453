"""Authentication in the tenancy mechanism: one authenticator call per request before the tenant
is bound, ``request.principal``, anonymous requests, refusals answered by the failure view,
public (credentials-optional) views, and the swappable ``TENANCY_AUTHENTICATOR`` /
``TENANCY_FAILURE_VIEW`` settings with their loaders and checks."""

import asyncio

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, override_settings

from tenancy.authentication import (
    Authenticator,
    ResolverAuthenticator,
    get_authenticator,
)
from tenancy.checks import check_authenticator_setting, check_failure_view_setting
from tenancy.conf import DEFAULTS
from tenancy.exceptions import AuthenticationFailed, TenantForbidden
from tenancy.failures import get_failure_view
from tenancy.principals import EVERY_OPERATION, Principal

pytestmark = [pytest.mark.urls("tests.tenancy.urls")]
HERE = "tests.tenancy.test_authentication"


class CountingAuthenticator:
    """Acme for 'Bearer good', nobody without a header, refuses anything else."""

    calls = 0

    def authenticate(self, request):
        type(self).calls += 1
        header = request.headers.get("Authorization")
        if header is None:
            return None
        if header == "Bearer good":
            return Principal(tenant_id="acme", kind="test", credential_id="tok-1")
        if header == "Bearer other-tenant":
            raise TenantForbidden("Not your tenant.", hint="Ask for your own.")
        raise AuthenticationFailed("Bad token.", hint="Get a new one.", challenge="Bearer")


class NotAnAuthenticator:
    pass


def not_a_view():
    pass


@pytest.fixture
def package_defaults(settings):
    """The tenancy package's own defaults (the project plugs in its own authenticator and
    failure view)."""
    settings.TENANCY_AUTHENTICATOR = DEFAULTS["AUTHENTICATOR"]
    settings.TENANCY_FAILURE_VIEW = DEFAULTS["FAILURE_VIEW"]


@pytest.fixture
def counting(settings):
    settings.TENANCY_AUTHENTICATOR = f"{HERE}.CountingAuthenticator"
    CountingAuthenticator.calls = 0
    return CountingAuthenticator


def test_default_authenticator_asks_the_resolver_and_grants_everything(client, package_defaults):
    assert DEFAULTS["AUTHENTICATOR"] == "tenancy.authentication.ResolverAuthenticator"
    assert DEFAULTS["FAILURE_VIEW"] == "tenancy.failures.failure_view"
    assert isinstance(get_authenticator(), ResolverAuthenticator)
    assert client.get("/probe/principal", HTTP_X_TENANT_ID="acme").json() == {
        "tenant": "acme",
        "request": "acme",
        "principal": "resolver:-@acme",
    }
    principal = ResolverAuthenticator().authenticate(
        type("R", (), {"headers": {"X-Tenant-Id": "globex"}})()
    )
    assert principal == Principal(tenant_id="globex", kind="resolver")
    assert principal.scopes == frozenset({EVERY_OPERATION})
    assert principal.allows("controls.delete") is True


def test_authenticator_runs_once_per_request_and_binds_the_principals_tenant(client, counting):
    response = client.get("/probe/principal", HTTP_AUTHORIZATION="Bearer good")
    assert response.json() == {"tenant": "acme", "request": "acme", "principal": "test:tok-1@acme"}
    assert counting.calls == 1


def test_request_without_credential_runs_anonymously_with_no_tenant_bound(client, counting):
    assert client.get("/probe/principal").json() == {
        "tenant": None,
        "request": None,
        "principal": None,
    }


def test_refused_credential_is_answered_by_the_failure_view_and_the_view_never_runs(
    client, counting
):
    response = client.get("/probe/raise", HTTP_AUTHORIZATION="Bearer forged")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert (body["error_code"], body["detail"], body["hint"]) == (
        "AUTH_INVALID_KEY",
        "Bad token.",
        "Get a new one.",
    )
    assert body["instance"] == "/probe/raise"


def test_tenant_forbidden_is_a_403_envelope(client, counting):
    response = client.get("/probe/principal", HTTP_AUTHORIZATION="Bearer other-tenant")
    assert response.status_code == 403
    assert not response.has_header("WWW-Authenticate")
    assert (response.json()["error_code"], response.json()["detail"]) == (
        "AUTH_INSUFFICIENT_PRIVILEGES",
        "Not your tenant.",
    )


def test_default_failure_view_answers_plain_json(client, package_defaults, settings):
    malformed = client.get("/probe/principal", HTTP_X_TENANT_ID="bad tenant")
    assert malformed.status_code == 400  # the URLconf's handler400, as before authenticators
    assert malformed.json()["errors"][0]["field"] == "header.X-Tenant-Id"
    settings.TENANCY_AUTHENTICATOR = f"{HERE}.CountingAuthenticator"
    response = client.get("/probe/principal", HTTP_AUTHORIZATION="Bearer forged")
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Bearer")
    assert response.json() == {"detail": "Bad token.", "hint": "Get a new one."}
    forbidden = client.get("/probe/principal", HTTP_AUTHORIZATION="Bearer other-tenant")
    assert (forbidden.status_code, forbidden.json()["detail"]) == (403, "Not your tenant.")


def test_credentials_optional_view_runs_anonymously_despite_a_refused_credential(client, counting):
    assert client.get("/probe/public", HTTP_AUTHORIZATION="Bearer forged").json() == {
        "tenant": None,
        "request": None,
        "principal": None,
    }
    accepted = client.get("/probe/public", HTTP_AUTHORIZATION="Bearer good").json()
    assert accepted["principal"] == "test:tok-1@acme"


def test_unknown_route_with_a_refused_credential_is_the_routing_404(client, counting):
    response = client.get("/no/such/route", HTTP_AUTHORIZATION="Bearer forged")
    assert response.status_code == 404


def test_authenticator_under_asgi_binds_each_requests_tenant(counting):
    async def run():
        client = AsyncClient()
        return await asyncio.gather(
            client.get("/probe/async-tenant", headers={"Authorization": "Bearer good"}),
            client.get("/probe/async-tenant", headers={"Authorization": "Bearer forged"}),
            client.get("/probe/async-tenant"),
        )

    good, forged, anonymous = asyncio.run(run())
    assert good.json() == {"tenant": "acme", "request": "acme"}
    assert forged.status_code == 401
    assert anonymous.json() == {"tenant": None, "request": None}


def test_authenticator_setting_overrides_and_is_restored(client):
    installed = type(get_authenticator())
    with override_settings(TENANCY_AUTHENTICATOR=f"{HERE}.CountingAuthenticator"):
        assert isinstance(get_authenticator(), CountingAuthenticator)
        assert client.get("/probe/principal", HTTP_AUTHORIZATION="Bearer good").json()[
            "tenant"
        ] == ("acme")
    assert type(get_authenticator()) is installed
    assert client.get("/probe/principal", HTTP_AUTHORIZATION="Bearer good").json()["tenant"] == (
        "default-tenant"
    )


def test_counting_authenticator_satisfies_the_protocol():
    assert isinstance(CountingAuthenticator(), Authenticator)
    assert not isinstance(NotAnAuthenticator(), Authenticator)


@pytest.mark.parametrize(
    ("value", "message", "check_id"),
    [
        (
            42,
            "TENANCY_AUTHENTICATOR must be a dotted path string to an authenticator class, "
            "got int 42.",
            "tenancy.E008",
        ),
        (
            f"{HERE}.Missing",
            f"TENANCY_AUTHENTICATOR = '{HERE}.Missing' could not be imported: Module "
            f'"{HERE}" does not define a "Missing" attribute/class',
            "tenancy.E009",
        ),
        (
            f"{HERE}.NotAnAuthenticator",
            f"TENANCY_AUTHENTICATOR = '{HERE}.NotAnAuthenticator' is not an authenticator: it "
            "must name a class whose instances have an authenticate(request) -> Principal | None "
            "method.",
            "tenancy.E010",
        ),
    ],
)
def test_bad_authenticator_setting_names_the_setting(settings, value, message, check_id):
    settings.TENANCY_AUTHENTICATOR = value
    with pytest.raises(ImproperlyConfigured) as excinfo:
        get_authenticator()
    assert str(excinfo.value) == message
    assert [m.id for m in check_authenticator_setting()] == [check_id]


@pytest.mark.parametrize(
    ("value", "check_id"),
    [
        (7, "tenancy.E011"),
        (f"{HERE}.Missing", "tenancy.E012"),
        (f"{HERE}.Principal", "tenancy.E013"),
    ],
)
def test_bad_failure_view_setting_names_the_setting(settings, value, check_id):
    settings.TENANCY_FAILURE_VIEW = value
    with pytest.raises(ImproperlyConfigured, match="TENANCY_FAILURE_VIEW"):
        get_failure_view()
    messages = check_failure_view_setting()
    assert [m.id for m in messages] == [check_id]
    assert "TENANCY_FAILURE_VIEW" in messages[0].msg


def test_failure_view_setting_overrides(settings):
    settings.TENANCY_FAILURE_VIEW = f"{HERE}.not_a_view"
    assert get_failure_view() is not_a_view
    assert check_failure_view_setting() == []


def test_principal_scopes_grant_only_what_they_name():
    principal = Principal(tenant_id="acme", kind="api_key", scopes=frozenset({"controls.read"}))
    assert (principal.allows("controls.read"), principal.allows("controls.create")) == (True, False)
    assert principal.is_authenticated is True
    assert principal.is_target_bound is False
    bound = Principal(tenant_id="acme", kind="runtime_token", target_type="env", target_id="p")
    assert bound.is_target_bound is True
