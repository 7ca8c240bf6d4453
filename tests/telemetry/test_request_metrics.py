"""``/metrics`` after a known sequence of requests: exact counts by route template (never the raw
path), method and status; routes the reference leaves out stay out; a client cannot add series
(unknown methods, unmatched paths); the prefix setting names the families."""

import pytest
from prometheus_client import CollectorRegistry

from telemetry.metrics import Metrics
from tests.factories import make_agent
from tests.telemetry.scrape import PREFIX, Scrape

pytestmark = pytest.mark.django_db

REQUESTS = f"{PREFIX}_requests_total"
DURATION_COUNT = f"{PREFIX}_request_duration_seconds_count"
CONTROLS = "/api/v1/agents/{agent_name}/controls"
INIT = {"agent": {"agent_name": "support-bot-01"}, "steps": [{"type": "llm", "name": "chat"}]}


def run_known_sequence(api):
    acme = api.as_tenant("acme")
    assert acme.post("/api/v1/agents/initAgent", INIT).status_code == 200
    for _ in range(2):
        assert acme.get("/api/v1/agents/support-bot-01/controls").status_code == 200
    assert acme.get("/api/v1/agents/missing-agent-01/controls").status_code == 404
    assert acme.get("/api/v1/no-such-route/42").status_code == 404
    assert acme.get("/health").status_code == 200
    assert api.client.generic("BREW", "/api/v1/agents").status_code == 405
    assert (
        acme.get("/api/v1/agents/support-bot-01/controls", tenant="bad tenant!").status_code == 400
    )


def test_requests_are_counted_by_route_template_method_and_status(api, scrape):
    run_known_sequence(api)
    result = scrape()
    expected = {
        ("agent-control-server", "POST", "/api/v1/agents/initAgent", "200"): 1.0,
        ("agent-control-server", "GET", CONTROLS, "200"): 2.0,
        ("agent-control-server", "GET", CONTROLS, "404"): 1.0,
        ("agent-control-server", "GET", CONTROLS, "400"): 1.0,
        ("agent-control-server", "OTHER", "/api/v1/agents", "405"): 1.0,
    }
    labels = ("app_name", "method", "path", "status_code")
    assert result.series(REQUESTS, *labels) == expected
    assert result.series(DURATION_COUNT, *labels) == expected
    assert result.series(f"{PREFIX}_requests_in_progress", "method") == {
        ("POST",): 0.0,
        ("GET",): 0.0,
        ("OTHER",): 0.0,
    }


def test_latency_histogram_buckets_include_the_references(api, scrape):
    run_known_sequence(api)
    buckets = scrape().series(
        f"{PREFIX}_request_duration_seconds_bucket", "path", "status_code", "le"
    )
    les = sorted({float(le) for path, status, le in buckets if (path, status) == (CONTROLS, "200")})
    assert les == [
        0.005,
        0.01,
        0.025,
        0.05,
        0.1,
        0.25,
        0.5,
        1.0,
        2.0,
        5.0,
        10.0,
        30.0,
        60.0,
        float("inf"),
    ]
    assert buckets[(CONTROLS, "200", "+Inf")] == 2.0


def test_raw_paths_never_become_labels(api, scrape):
    make_agent("acme", "support-bot-01")
    for name in ("support-bot-01", "support-bot-02", "support-bot-03"):
        api.get(f"/api/v1/agents/{name}/controls", tenant="acme")
    paths = {labels["path"] for name, labels, _ in scrape().samples if name == REQUESTS}
    assert paths == {CONTROLS}


def test_health_metrics_documents_and_unmatched_paths_are_not_recorded(api, scrape):
    for path in ("/health", "/api/schema/", "/api/docs/", "/nope", "/metrics"):
        api.get(path)
    scrape()
    assert scrape().series(REQUESTS, "path") == {}


def test_refused_credentials_are_counted_on_their_route(api, scrape, settings):
    settings.CREDENTIALS_MODE = "api_key"
    assert api.with_key("cpk_wrong").get("/api/v1/agents").status_code == 401
    assert api.get("/api/v1/agents").status_code == 401
    settings.TELEMETRY_METRICS_PUBLIC = True
    assert scrape().series(REQUESTS, "path", "status_code") == {("/api/v1/agents", "401"): 2.0}


def test_the_prefix_setting_names_the_request_families(api, metrics, settings):
    settings.TELEMETRY_METRICS_PREFIX = "acx"
    api.get("/api/v1/agents", tenant="acme")
    text = api.get("/metrics").content.decode()
    assert (
        'acx_requests_total{app_name="agent-control-server",method="GET",path="/api/v1/agents",status_code="200"} 1.0'
        in text
    )
    assert f"{PREFIX}_requests_total" not in text


def test_families_print_help_and_type_even_before_any_request(scrape):
    text = scrape().text
    for family, kind in (
        ("requests_total", "counter"),
        ("request_duration_seconds", "histogram"),
        ("requests_in_progress", "gauge"),
        ("evaluations_total", "counter"),
        ("evaluation_errors_total", "counter"),
        ("rate_limit_backend_errors_total", "counter"),
        ("quota_refusals_total", "counter"),
    ):
        assert f"# TYPE {PREFIX}_{family} {kind}" in text
    assert "process_cpu_seconds_total" in text
    assert f"{PREFIX}_tenant_requests" not in text  # per-tenant series are off by default


def test_the_exposition_is_prometheus_text(api, metrics):
    response = api.get("/metrics")
    assert response["Content-Type"] == "text/plain; version=1.0.0; charset=utf-8"


def test_metrics_off_counts_nothing_and_hides_the_endpoint(api, metrics, settings):
    settings.TELEMETRY_METRICS = False
    api.get("/api/v1/agents", tenant="acme")
    response = api.get("/metrics")
    assert (response.status_code, response.json()["error_code"]) == (404, "RESOURCE_NOT_FOUND")
    settings.TELEMETRY_METRICS = True
    assert Scrape(api.get("/metrics").content.decode()).series(REQUESTS, "path") == {}


def test_a_registry_of_its_own_per_prefix():
    registry = CollectorRegistry()
    metrics = Metrics("agent_control_server_test_metrics", "app", 0, registry=registry)
    metrics.record_request("GET", "/health-like", 200, 0.2)
    scrape = Scrape(__import__("prometheus_client").generate_latest(registry).decode())
    assert (
        scrape.value("agent_control_server_test_metrics_requests_total", path="/health-like") == 1.0
    )
