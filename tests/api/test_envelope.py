"""The error envelope on routes that are not endpoints, and the health endpoint."""

import json

import pytest


def test_health_reports_the_compatible_server_version(api):
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "version": "8.15.0"}
    assert response["X-Agent-Control-Server-Version"] == "8.15.0"


@pytest.mark.django_db
def test_unknown_route_answers_the_envelope(api):
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    body = response.json()
    assert {
        k: body[k] for k in ("type", "title", "status", "error_code", "reason", "instance")
    } == {
        "type": "https://agentcontrol.dev/errors/resource-not-found",
        "title": "Resource Not Found",
        "status": 404,
        "error_code": "RESOURCE_NOT_FOUND",
        "reason": "NotFound",
        "instance": "/api/v1/no-such-thing",
    }
    assert body["detail"] == "No route matches GET /api/v1/no-such-thing."
    assert body["kind"] == "Status"
    assert body["api_version"] == "v1"
    assert set(body["metadata"]) == {"timestamp", "request_id"}
    assert body["metadata"]["request_id"] == response["X-Request-Id"]


def test_wrong_method_on_health_answers_405_envelope(api):
    response = api.post("/health", {})
    assert response.status_code == 405
    body = response.json()
    assert (body["error_code"], body["reason"], body["title"]) == (
        "METHOD_NOT_ALLOWED",
        "MethodNotAllowed",
        "Method Not Allowed",
    )
    # exactly what is served: OPTIONS is not (no metadata endpoint); DRF builds it from a set
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]


@pytest.mark.parametrize(
    ("query", "accept"),
    [("?format=json", None), ("", "application/vnd.oai.openapi+json")],
)
def test_openapi_schema_is_served_as_json_on_request(client, query, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(f"/api/schema/{query}", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    assert json.loads(response.content)["openapi"] == "3.1.0"


def test_openapi_schema_is_served(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"/health" in response.content


def test_swagger_docs_page_is_served(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr.net" not in response.content  # assets come from the sidecar package
    assert b"/static/drf_spectacular_sidecar/" in response.content
