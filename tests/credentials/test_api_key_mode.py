"""``api_key`` mode over HTTP: the key decides the tenant; every refusal is answered in the
envelope with the reference's codes; revocation and expiry take effect on the next request."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, RequestFactory
from django.utils import timezone
from rest_framework.request import Request

from agents.models import Agent
from controlplane.api.auth import PrincipalAuthentication
from credentials import authenticators
from credentials.models import ApiKey
from credentials.services import api_key_create, api_key_revoke
from tests.credentials.credential_helpers import error

pytestmark = pytest.mark.django_db

INVALID = (
    401,
    "AUTH_INVALID_KEY",
    "Invalid API key.",
    "ApiKey",
)
REGISTER = {"agent": {"agent_name": "support-bot-01"}, "steps": []}


def test_missing_key_is_401_auth_missing_key_with_the_api_key_challenge(api, api_key_mode):
    response = api.get("/api/v1/agents")
    assert error(response) == (
        401,
        "AUTH_MISSING_KEY",
        "Missing credentials. Provide the 'X-API-Key' header, or an 'Authorization: Bearer "
        "<token>' header when the server verifies tokens.",
        "ApiKey",
    )
    body = response.json()
    assert (body["reason"], body["title"], body["hint"]) == (
        "Unauthorized",
        "Authentication Required",
        "Include the 'X-API-Key' header with a valid API key of your tenant.",
    )
    assert "details" not in body


@pytest.mark.parametrize(
    "key",
    ["", "Tenant-A", "acme", "cpk_0123456789abcdef_" + "x" * 43, "cpk_0123456789abcdef"],
    ids=["empty", "mistyped-tenant", "tenant-name", "unknown-prefix", "prefix-only"],
)
def test_unknown_or_malformed_key_is_401_auth_invalid_key(api, api_key_mode, key):
    response = api.with_key(key).get("/api/v1/agents")
    assert error(response) == INVALID
    assert response.json()["hint"] == (
        "Check that your API key is correct and has not expired or been revoked."
    )


def test_right_prefix_with_wrong_secret_is_invalid(api, api_key_mode, issue_key):
    secret = issue_key("acme", "admin")
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert error(api.with_key(forged).get("/api/v1/agents")) == INVALID


def test_the_key_decides_the_tenant_of_reads_and_writes(api, api_key_mode, issue_key):
    acme = api.with_key(issue_key("acme", "runtime"))
    assert acme.post("/api/v1/agents/initAgent", REGISTER).status_code == 200
    assert list(Agent.all_tenants.values_list("tenant_id", flat=True)) == ["acme"]
    globex = api.with_key(issue_key("globex", "runtime"))
    assert globex.get("/api/v1/agents").json()["agents"] == []
    assert [a["agent_name"] for a in acme.get("/api/v1/agents").json()["agents"]] == [
        "support-bot-01"
    ]


def test_tenant_header_naming_another_tenant_is_403_never_a_switch(acme_admin):
    response = acme_admin.get("/api/v1/agents", tenant="globex")
    assert error(response) == (
        403,
        "AUTH_INSUFFICIENT_PRIVILEGES",
        "The credential does not belong to the tenant named by the X-Tenant-Id header.",
        None,
    )
    assert (
        response.json()["hint"] == "Omit X-Tenant-Id, or send the tenant the credential belongs to."
    )


def test_tenant_header_naming_the_keys_own_tenant_is_fine(acme_admin):
    assert acme_admin.get("/api/v1/agents", tenant="acme").status_code == 200
    assert acme_admin.get("/api/v1/agents", tenant=" acme ").status_code == 200


def test_malformed_tenant_header_is_still_a_400(acme_admin):
    response = acme_admin.get("/api/v1/agents", tenant="bad tenant")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "header.X-Tenant-Id"


def test_revocation_takes_effect_on_the_next_request(api, api_key_mode):
    issued = api_key_create(tenant_id="acme", role="admin")
    client = api.with_key(issued.secret)
    assert client.get("/api/v1/agents").status_code == 200
    api_key_revoke(ApiKey.all_tenants.get(prefix=issued.api_key.prefix))
    assert error(client.get("/api/v1/agents")) == INVALID


def test_expiry_takes_effect_on_the_next_request(api, api_key_mode):
    issued = api_key_create(
        tenant_id="acme", role="admin", expires_at=timezone.now() + timedelta(hours=1)
    )
    client = api.with_key(issued.secret)
    assert client.get("/api/v1/agents").status_code == 200
    ApiKey.all_tenants.filter(pk=issued.api_key.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert error(client.get("/api/v1/agents")) == INVALID


def test_last_used_time_is_recorded_at_most_once_per_interval(api, api_key_mode, settings):
    issued = api_key_create(tenant_id="acme", role="runtime")
    assert issued.api_key.last_used_at is None
    client = api.with_key(issued.secret)
    before = timezone.now()
    client.get("/api/v1/agents")
    first = ApiKey.all_tenants.get(pk=issued.api_key.pk).last_used_at
    assert first >= before
    client.get("/api/v1/agents")
    assert ApiKey.all_tenants.get(pk=issued.api_key.pk).last_used_at == first
    settings.CREDENTIALS_LAST_USED_INTERVAL_SECONDS = 0
    client.get("/api/v1/agents")
    assert ApiKey.all_tenants.get(pk=issued.api_key.pk).last_used_at > first


@pytest.mark.parametrize("path", ["/health", "/api/v1/controls/schema", "/api/config"])
@pytest.mark.parametrize("key", [None, "not-a-key"])
def test_public_routes_need_no_key_and_ignore_a_bad_one(api, api_key_mode, path, key):
    client = api if key is None else api.with_key(key)
    assert client.get(path).status_code == 200


def test_unknown_route_with_a_bad_key_is_the_404_envelope(api, api_key_mode):
    response = api.with_key("not-a-key").get("/api/v1/nowhere")
    assert (response.status_code, response.json()["error_code"]) == (404, "RESOURCE_NOT_FOUND")


def test_admin_keeps_sessions_without_a_key(operator, api_key_mode):
    assert operator.get("/admin/agents/agent/").status_code == 200
    assert operator.get("/admin/credentials/apikey/").status_code == 200


def test_header_mode_stays_the_default_and_ignores_keys(api, issue_key):
    issue_key("acme", "admin")
    response = api.with_key("not-a-key").get("/api/v1/agents", tenant="globex")
    assert response.status_code == 200


def test_the_key_is_checked_once_per_request_and_drf_sees_that_principal(
    api, api_key_mode, issue_key, monkeypatch
):
    calls = []
    real = authenticators.api_key_authenticate
    monkeypatch.setattr(
        authenticators, "api_key_authenticate", lambda key: calls.append(key) or real(key)
    )
    secret = issue_key("acme", "admin")
    assert api.with_key(secret).put("/api/v1/policies", {"name": "baseline"}).status_code == 200
    assert calls == [secret]
    django_request = RequestFactory().get("/")
    django_request.principal = "the principal"
    assert PrincipalAuthentication().authenticate(Request(django_request)) == (
        "the principal",
        "the principal",
    )


def test_operators_issue_a_tenants_first_key_in_the_admin_in_api_key_mode(
    operator, api_key_mode, api
):
    response = operator.post(
        "/admin/credentials/apikey/add/",
        {"tenant_id": "acme", "name": "", "role": "admin", "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 302
    secret = operator.get(response["Location"]).context["secret"]
    assert api.with_key(secret).get("/api/v1/agents").status_code == 200
    assert list(ApiKey.all_tenants.values_list("tenant_id", "role")) == [("acme", "admin")]


@pytest.mark.django_db(transaction=True)
def test_api_key_mode_under_asgi_reads_the_key_off_the_event_loop(api_key_mode, issue_key):
    key = issue_key("acme", "admin")

    async def run():
        client = AsyncClient()
        response = await client.get("/api/v1/agents", headers={"X-API-Key": key})
        # the test client keeps connections open; close the one of the thread that served it
        await sync_to_async(connections.close_all)()
        return response

    response = asyncio.run(run())
    assert (response.status_code, response.json()["pagination"]["total"]) == (200, 0)
