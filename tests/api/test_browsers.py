"""Browsers' cross-site writes are refused: an unsafe method whose ``Content-Type`` is not JSON
(an HTML form's ``application/x-www-form-urlencoded``, ``multipart/form-data``, ``text/plain``)
is a 415 in every mode, also on routes that read no body; the SDK's body-less POSTs (no
``Content-Type``) keep working."""

import time

import jwt
import pytest

from agents.models import AgentPolicy
from credentials.services import api_key_create
from tests.factories import make_agent, make_policy

pytestmark = pytest.mark.django_db

AGENT = "support-bot-01"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def link_path():
    make_agent("default-tenant", AGENT)
    return f"/api/v1/agents/{AGENT}/policy/{make_policy('default-tenant').pk}"


def post(client, path, content_type, data="", **headers):
    # CONTENT_TYPE in the environ: Django's client leaves it out when the body is empty.
    return client.generic("POST", path, data=data, headers=headers, CONTENT_TYPE=content_type)


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        (FORM, ""),
        (FORM, "a=b"),
        ("multipart/form-data; boundary=x", "--x--\r\n"),
        ("text/plain;charset=UTF-8", ""),
        ("text/plain", "{}"),
    ],
    ids=["empty-form", "form", "multipart", "text-plain-charset", "text-plain-with-body"],
)
def test_cross_site_form_post_to_a_body_less_route_is_415_and_changes_nothing(
    client, link_path, content_type, data
):
    response = post(client, link_path, content_type, data, Origin="http://evil.example.com")
    assert response.status_code == 415
    body = response.json()
    assert body["error_code"] == "UNSUPPORTED_MEDIA_TYPE"
    media = content_type.split(";")[0]
    assert body["detail"] == (
        f'Unsupported media type "{media}" in request. Send the body as JSON with '
        "'Content-Type: application/json'."
    )
    assert AgentPolicy.all_tenants.count() == 0


def test_bare_text_plain_from_a_browser_is_refused(client, link_path):
    response = post(client, link_path, "text/plain", **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 415


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_unsafe_methods_with_a_form_type_are_415(client, method):
    response = client.generic(method, "/api/v1/controls/1", data="a=b", content_type=FORM)
    assert response.status_code == 415


def test_body_less_post_without_content_type_works_as_the_sdk_sends_it(api, link_path):
    response = api.post(link_path)
    assert (response.status_code, response.json()) == (
        200,
        {"success": True, "old_policy_id": None},
    )


def test_bare_empty_text_plain_without_browser_headers_is_read_as_no_content_type(
    client, link_path
):
    # What Django's development servers (wsgiref) report for a request without Content-Type.
    assert post(client, link_path, "text/plain").status_code == 200


def test_json_types_and_safe_methods_are_not_refused(client, link_path):
    assert post(client, link_path, "application/json").status_code == 200
    assert post(client, link_path, "application/merge-patch+json").status_code == 200
    response = client.generic("GET", "/api/v1/agents", data="a=b", content_type=FORM)
    assert response.status_code == 200


def test_form_posts_are_refused_in_api_key_mode_too(client, settings, link_path):
    settings.CREDENTIALS_MODE = "api_key"
    key = api_key_create(tenant_id="default-tenant", role="admin").secret
    response = post(client, link_path, FORM, "a=b", **{"X-API-Key": key})
    assert response.status_code == 415
    assert AgentPolicy.all_tenants.count() == 0


def test_form_posts_are_refused_in_jwt_mode_too(client, settings, link_path):
    settings.CREDENTIALS_MODE = "jwt"
    settings.CREDENTIALS_JWT_KEY = "identity-provider-shared-secret-" + "0123456789" * 4
    settings.CREDENTIALS_JWT_ALGORITHMS = ["HS256"]
    settings.CREDENTIALS_JWT_ISSUER = None
    settings.CREDENTIALS_JWT_AUDIENCE = None
    now = int(time.time())
    claims = {"sub": "alice", "tenant_id": "default-tenant", "role": "admin", "exp": now + 600}
    bearer = f"Bearer {jwt.encode(claims, settings.CREDENTIALS_JWT_KEY, algorithm='HS256')}"
    response = post(client, link_path, FORM, "a=b", Authorization=bearer)
    assert response.status_code == 415
    assert AgentPolicy.all_tenants.count() == 0
    # The same token with the SDK's body-less POST is let through: the 415 is the form's.
    assert post(client, link_path, "application/json", Authorization=bearer).status_code == 200
    assert AgentPolicy.all_tenants.count() == 1
