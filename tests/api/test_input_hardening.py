"""Input that only fails deep inside a database or a serializer is refused up front with a clear
4xx in the envelope (found by a fresh-clone review): NUL characters, unpaired surrogates, absurd
nesting, oversized bodies; and the API answers JSON whatever ``Accept`` or ``?format=`` say."""

import json

import pytest
from django.conf import settings

from agents.models import Agent
from policies.models import Control
from tests.factories import REGEX_DENY

pytestmark = pytest.mark.django_db


def raw_post(client, path, text, method="post"):
    return getattr(client, method)(path, text, content_type="application/json")


def problems(response):
    return [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]]


def test_unpaired_surrogate_in_a_control_is_a_422_and_nothing_is_stored(client):
    body = json.dumps({"name": "sur-x", "data": REGEX_DENY})[:-2] + ', "description": "a\\udc00"}}'
    response = raw_post(client, "/api/v1/controls", body, method="put")
    assert response.status_code == 422
    assert problems(response) == [
        ("data.description", "invalid_string", "String contains an unpaired UTF-16 surrogate.")
    ]
    assert Control.all_tenants.count() == 0


def test_nul_character_in_an_agent_description_is_a_422(client):
    body = '{"agent": {"agent_name": "support-bot-01", "agent_description": "a\\u0000b"}}'
    response = raw_post(client, "/api/v1/agents/initAgent", body)
    assert response.status_code == 422
    assert problems(response) == [
        ("agent.agent_description", "invalid_string", "String contains a NUL character (\\u0000).")
    ]
    assert Agent.all_tenants.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/controls?name=%00", "/api/v1/agents?name=%00"])
def test_nul_character_in_a_query_parameter_is_a_422(client, path):
    response = client.get(path)
    assert response.status_code == 422
    assert problems(response) == [
        ("query.name", "invalid_string", "String contains a NUL character (\\u0000).")
    ]


def test_absurdly_deep_json_is_a_422_not_a_crash(client):
    depth = 5000
    body = '{"name": "d", "data": ' + "[" * depth + "]" * depth + "}"
    response = raw_post(client, "/api/v1/controls", body, method="put")
    assert response.status_code == 422
    assert problems(response)[0][1] == "too_deep"


def test_deep_schema_in_a_step_is_a_422(client):
    schema = {}
    for _ in range(100):
        schema = {"nested": schema}
    body = {
        "agent": {"agent_name": "support-bot-01"},
        "steps": [{"type": "tool", "name": "t", "input_schema": schema}],
    }
    response = raw_post(client, "/api/v1/agents/initAgent", json.dumps(body))
    assert response.status_code == 422
    assert problems(response)[0][1:] == ("too_deep", "JSON is nested deeper than 64 levels.")
    assert Agent.all_tenants.count() == 0


def test_an_integer_longer_than_python_converts_is_a_422_saying_so(client):
    body = '{"name": ' + "1" * 5001 + "}"
    response = raw_post(client, "/api/v1/policies", body, method="put")
    assert response.status_code == 422
    assert problems(response) == [
        (
            "body",
            "number_too_long",
            "JSON integers may have at most 4300 digits; send a shorter number.",
        )
    ]


def test_a_host_outside_allowed_hosts_is_a_400_envelope_with_a_request_id(client, caplog):
    response = client.get("/api/v1/agents", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 400
    body = response.json()
    assert (body["error_code"], body["detail"], body["hint"]) == (
        "VALIDATION_ERROR",
        "The Host header of the request names a host this server does not serve.",
        "Send a Host header the server is configured for (DJANGO_ALLOWED_HOSTS); an operator "
        "adds the name a load balancer or health check uses to that list.",
    )
    assert body["metadata"]["request_id"] == response["X-Request-Id"]
    lines = [r for r in caplog.records if r.name == "controlplane.requests"]
    assert [(r.getMessage().split(" ")[:3], r.request_id) for r in lines] == [
        (["GET", "/api/v1/agents", "400"], response["X-Request-Id"])
    ]


def test_body_over_the_limit_is_a_413_envelope(client):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = raw_post(client, "/api/v1/policies", json.dumps({"name": big}), method="put")
    assert response.status_code == 413
    body = response.json()
    assert (body["error_code"], body["reason"], body["title"]) == (
        "PAYLOAD_TOO_LARGE",
        "PayloadTooLarge",
        "Payload Too Large",
    )
    assert body["detail"] == f"Request body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "text/plain"])
def test_accept_header_does_not_hide_a_404(client, accept):
    response = client.get("/api/v1/controls/424242", HTTP_ACCEPT=accept)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error_code"] == "CONTROL_NOT_FOUND"


def test_format_query_parameter_is_not_a_renderer_switch(client):
    response = client.get("/api/v1/controls?format=xml")
    assert response.status_code == 200
    assert response.json()["controls"] == []


def test_options_is_not_an_endpoint_and_allow_lists_only_what_is_served(client):
    response = client.options("/api/v1/controls")
    assert response.status_code == 405
    assert response.json()["error_code"] == "METHOD_NOT_ALLOWED"
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD", "PUT"]


def test_sqlite_waits_for_the_write_lock_instead_of_failing():
    database = settings.DATABASES["default"]
    options = database.get("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        assert (options["timeout"], options["transaction_mode"]) == (20, "IMMEDIATE")
        assert options["init_command"].startswith("PRAGMA journal_mode=WAL;")
    else:  # PostgreSQL: row locks, nothing to configure
        assert "transaction_mode" not in options


@pytest.mark.parametrize(
    "content_type",
    [None, "application/merge-patch+json", "application/problem+json; charset=utf-8"],
)
def test_json_without_content_type_or_with_a_json_suffix_is_read(client, content_type):
    kwargs = {"content_type": content_type} if content_type else {"content_type": ""}
    response = client.put("/api/v1/policies", json.dumps({"name": "baseline"}), **kwargs)
    assert response.status_code == 200
    assert list(response.json()) == ["policy_id"]


def test_other_content_types_are_a_415(client):
    response = client.put("/api/v1/policies", "name=baseline", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error_code"] == "UNSUPPORTED_MEDIA_TYPE"
