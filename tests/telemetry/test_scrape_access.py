"""Who may scrape ``/metrics``: anyone while authentication is off (as the reference); with it on,
only the scrape token or an allowed network; the checks say when nobody can."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from credentials.services import api_key_create
from telemetry.checks import check_telemetry

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789"


@pytest.fixture
def auth_on(settings, metrics):
    settings.CREDENTIALS_MODE = "api_key"
    return settings


def scrape(client, **kwargs):
    return client.get("/metrics", **kwargs)


def test_public_while_authentication_is_off(client, metrics):
    assert scrape(client).status_code == 200


def test_restricted_without_token_or_network_is_403(client, auth_on):
    response = scrape(client)
    body = response.json()
    assert (response.status_code, body["error_code"], body["detail"], body["hint"]) == (
        403,
        "AUTH_INSUFFICIENT_PRIVILEGES",
        "/metrics is restricted while authentication is on.",
        "Scrape with 'Authorization: Bearer <TELEMETRY_SCRAPE_TOKEN>' or from a network listed in "
        "TELEMETRY_SCRAPE_NETWORKS.",
    )


def test_the_scrape_token_opens_it(client, auth_on):
    auth_on.TELEMETRY_SCRAPE_TOKEN = TOKEN
    assert scrape(client, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_wrong_scrape_token_is_401(client, auth_on):
    auth_on.TELEMETRY_SCRAPE_TOKEN = TOKEN
    response = scrape(client, headers={"Authorization": "Bearer nope"})
    assert (response.status_code, response.json()["error_code"]) == (401, "AUTH_INVALID_KEY")
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_api_key_does_not_open_it(client, auth_on):
    secret = api_key_create(tenant_id="acme", role="admin").secret
    response = scrape(client, headers={"X-API-Key": secret})
    assert response.status_code == 403


def test_the_scrape_token_works_in_jwt_mode_too(client, auth_on):
    auth_on.CREDENTIALS_MODE = "jwt"
    auth_on.CREDENTIALS_JWT_KEY = "k" * 32
    auth_on.TELEMETRY_SCRAPE_TOKEN = TOKEN
    assert scrape(client, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


@pytest.mark.parametrize(
    ("networks", "address", "status"),
    [
        (["127.0.0.0/8"], "127.0.0.1", 200),
        (["10.0.0.0/8", "192.0.2.7"], "192.0.2.7", 200),
        (["10.0.0.0/8"], "192.0.2.7", 403),
        (["::1/128"], "::1", 200),
    ],
)
def test_allowed_networks_open_it(client, auth_on, networks, address, status):
    auth_on.TELEMETRY_SCRAPE_NETWORKS = networks
    assert scrape(client, REMOTE_ADDR=address).status_code == status


def test_it_can_be_made_public_or_private_explicitly(client, auth_on):
    auth_on.TELEMETRY_METRICS_PUBLIC = True
    assert scrape(client).status_code == 200
    auth_on.CREDENTIALS_MODE = "none"
    auth_on.TELEMETRY_METRICS_PUBLIC = False
    assert scrape(client).status_code == 403


def test_checks_warn_when_nobody_may_scrape(auth_on):
    assert [m.id for m in check_telemetry()] == ["telemetry.W001"]
    auth_on.TELEMETRY_SCRAPE_TOKEN = TOKEN
    assert check_telemetry() == []


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("TELEMETRY_TENANT_SERIES", -1, "telemetry.E001"),
        ("TELEMETRY_TENANT_SERIES", "many", "telemetry.E001"),
        ("TELEMETRY_SCRAPE_NETWORKS", ["10.0.0.0/33"], "telemetry.E002"),
        ("TELEMETRY_METRICS_PREFIX", "9bad-prefix", "telemetry.E003"),
    ],
)
def test_checks_report_bad_settings(settings, name, value, problem):
    setattr(settings, name, value)
    assert [m.id for m in check_telemetry()] == [problem]
    with pytest.raises(SystemCheckError, match=problem):
        call_command("check")
