"""Request ids (an incoming ``X-Request-Id`` honoured if well-formed, else generated; returned;
quoted by error envelopes) and request-scoped log lines (request id, tenant, principal, route,
status, duration; never a secret; JSON when configured)."""

import asyncio
import io
import json
import logging
import re

import pytest
from django.test import AsyncClient

from agents.views import agents as agent_views
from controlplane.api.request_scope import request_scope
from credentials.services import api_key_create
from telemetry.logs import JsonFormatter, RequestContextFilter, TextFormatter

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


def requests_logged(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "controlplane.requests"]


@pytest.mark.parametrize(
    "incoming", ["abc-123", "4bf92f3577b34da6a3ce929d0e0e4736", "a.b:c_d-" * 16]
)
def test_a_well_formed_request_id_is_kept_and_returned(api, incoming):
    response = api.client.get("/api/v1/agents", headers={"X-Request-Id": incoming})
    assert response["X-Request-Id"] == incoming


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 129, 'quote"d', "new\nline", "ünï"])
def test_a_malformed_request_id_is_replaced(api, incoming):
    response = api.client.get("/api/v1/agents", HTTP_X_REQUEST_ID=incoming)
    assert GENERATED.fullmatch(response["X-Request-Id"])


def test_every_request_gets_its_own_id(api):
    ids = {api.get("/health")["X-Request-Id"] for _ in range(3)}
    assert len(ids) == 3 and all(GENERATED.fullmatch(i) for i in ids)


def test_a_4xx_envelope_quotes_the_request_id(api):
    response = api.client.get("/api/v1/agents/missing-agent-01", headers={"X-Request-Id": "req-42"})
    assert response.status_code == 404
    assert response.json()["metadata"]["request_id"] == "req-42"


def test_refusals_before_any_view_quote_it_too(api, settings):
    settings.CREDENTIALS_MODE = "api_key"
    response = api.client.get(
        "/api/v1/agents", headers={"X-API-Key": "cpk_x", "X-Request-Id": "r-1"}
    )
    assert (response.status_code, response.json()["metadata"]["request_id"]) == (401, "r-1")
    settings.CREDENTIALS_MODE = "none"
    bad = api.client.get(
        "/api/v1/agents", headers={"X-Tenant-Id": "bad tenant", "X-Request-Id": "r-2"}
    )
    assert (bad.status_code, bad.json()["metadata"]["request_id"]) == (400, "r-2")


def test_a_5xx_keeps_the_references_8_character_id_and_logs_both(api, monkeypatch, caplog):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(agent_views, "agent_list", crash)
    with caplog.at_level(logging.INFO):
        response = api.client.get("/api/v1/agents", headers={"X-Request-Id": "req-500"})
    body = response.json()
    error_id = body["metadata"]["request_id"]
    assert (response.status_code, body["error_code"], response["X-Request-Id"]) == (
        500,
        "INTERNAL_ERROR",
        "req-500",
    )
    assert re.fullmatch(r"[0-9a-f]{8}", error_id)
    assert body["hint"] == f"Reference error ID '{error_id}' when contacting support."
    crash_line = next(r for r in caplog.records if r.getMessage().startswith("Unhandled"))
    assert crash_line.getMessage() == f"Unhandled exception (error_id={error_id})"
    formatted = TextFormatter().format(_filtered(crash_line))
    assert "request_id=req-500 tenant=default-tenant principal=resolver" in formatted


def _filtered(record: logging.LogRecord) -> logging.LogRecord:
    RequestContextFilter().filter(record)
    return record


def test_each_request_writes_one_line_with_its_fields(api, caplog):
    with caplog.at_level(logging.INFO, logger="controlplane.requests"):
        response = api.client.get(
            "/api/v1/agents/missing-agent-01/controls",
            headers={"X-Tenant-Id": "acme", "X-Request-Id": "req-7"},
        )
    [record] = requests_logged(caplog)
    fields = {
        k: getattr(record, k)
        for k in ("request_id", "tenant", "principal", "route", "method", "path", "status")
    }
    assert fields == {
        "request_id": "req-7",
        "tenant": "acme",
        "principal": "resolver",
        "route": "/api/v1/agents/{agent_name}/controls",
        "method": "GET",
        "path": "/api/v1/agents/missing-agent-01/controls",
        "status": 404,
    }
    assert response.status_code == 404
    assert isinstance(record.duration_ms, float) and record.duration_ms >= 0
    assert (
        record.getMessage()
        == f"GET /api/v1/agents/{{agent_name}}/controls 404 {record.duration_ms:.1f}ms"
    )


def test_the_principal_is_the_keys_public_prefix_never_its_secret(api, settings, caplog):
    settings.CREDENTIALS_MODE = "api_key"
    issued = api_key_create(tenant_id="acme", role="admin")
    with caplog.at_level(logging.INFO, logger="controlplane.requests"):
        assert api.with_key(issued.secret).get("/api/v1/agents").status_code == 200
    [record] = requests_logged(caplog)
    assert (record.tenant, record.principal) == ("acme", f"api_key:{issued.api_key.prefix}")
    line = json.loads(JsonFormatter().format(_filtered(record)))
    assert issued.secret not in json.dumps(line)


def test_health_and_metrics_lines_are_debug(api, caplog):
    with caplog.at_level(logging.INFO, logger="controlplane.requests"):
        api.get("/health")
    assert requests_logged(caplog) == []


def test_request_log_can_be_switched_off(api, settings, caplog):
    settings.TELEMETRY_REQUEST_LOG = False
    with caplog.at_level(logging.INFO, logger="controlplane.requests"):
        api.get("/api/v1/agents")
    assert requests_logged(caplog) == []


def test_json_lines_carry_the_request_scope_on_every_record():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("tests.telemetry.json")
    log.addHandler(handler)
    log.propagate = False
    try:
        with request_scope("req-json"):
            log.warning("inside %s", "a request")
        log.warning("outside")
    finally:
        log.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {
        k: inside[k] for k in ("level", "name", "message", "request_id", "tenant", "principal")
    } == {
        "level": "WARNING",
        "name": "tests.telemetry.json",
        "message": "inside a request",
        "request_id": "req-json",
        "tenant": "-",
        "principal": "-",
    }
    assert (outside["request_id"], outside["tenant"], outside["principal"]) == ("-", "-", "-")
    assert "time" in inside


def test_django_lines_written_after_the_response_carry_the_request(api, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        api.client.get(
            "/api/v1/agents/missing-agent-01",
            headers={"X-Request-Id": "req-9", "X-Tenant-Id": "acme"},
        )
    [record] = [r for r in caplog.records if r.name == "django.request"]
    formatted = TextFormatter().format(_filtered(record))
    assert formatted.endswith(
        "Not Found: /api/v1/agents/missing-agent-01 request_id=req-9 tenant=acme principal=resolver"
    )


def test_under_asgi_concurrent_requests_keep_their_own_ids():
    async def run():
        client = AsyncClient()
        return await asyncio.gather(
            *(
                client.get(
                    f"/api/v1/agents/missing-agent-{i:02d}", headers={"X-Request-Id": f"asgi-{i}"}
                )
                for i in range(8)
            )
        )

    responses = asyncio.run(run())
    assert [
        (r.status_code, r["X-Request-Id"], r.json()["metadata"]["request_id"]) for r in responses
    ] == [(404, f"asgi-{i}", f"asgi-{i}") for i in range(8)]
