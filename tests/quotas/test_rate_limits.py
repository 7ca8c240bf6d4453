"""Rate limits per tenant and operation class, held in Redis (the machine's, database 14, a key
prefix per test): 429 ``RATE_LIMITED`` with ``Retry-After`` after N requests in a window for one
tenant while another is unaffected; classes are counted apart; overrides win; Redis down fails
open (or, when configured, closed with a 503)."""

import logging
import re
import time

import pytest

from quotas.models import TenantLimits
from telemetry.metrics import get_metrics, reset_metrics
from tenancy.context import tenant_context

pytestmark = pytest.mark.django_db

CONTROLS = "/api/v1/controls"
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


def statuses(api, tenant: str, count: int, path: str = CONTROLS) -> list[int]:
    return [api.get(path, tenant=tenant).status_code for _ in range(count)]


def test_a_tenant_is_429_after_n_requests_in_the_window_and_another_is_not(api, limited):
    limited.QUOTAS_RATE_LIMITS = {"read": "3 per 30 seconds"}
    assert statuses(api, "acme", 3) == [200, 200, 200]
    refused = api.get(CONTROLS, tenant="acme")
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 30
    body = refused.json()
    metadata = body.pop("metadata")
    assert (set(metadata), metadata["retry_after"]) == (
        {"request_id", "timestamp", "retry_after"},
        retry_after,
    )
    assert metadata["request_id"] == refused["X-Request-Id"]
    assert body == {
        "type": "https://agentcontrol.dev/errors/rate-limited",
        "title": "Rate Limit Exceeded",
        "status": 429,
        "detail": "Rate limit exceeded: tenant 'acme' may make 3 read requests per 30 seconds.",
        "instance": CONTROLS,
        "error_code": "RATE_LIMITED",
        "kind": "Status",
        "api_version": "v1",
        "reason": "TooManyRequests",
        "details": {"name": "read_rate", "kind": "RateLimit"},
        "hint": f"Retry after {retry_after} s, or ask an operator to raise the tenant's rate limit.",
    }
    assert statuses(api, "globex", 3) == [200, 200, 200]
    assert statuses(api, "acme", 1) == [429]


def test_operation_classes_are_counted_apart(api, limited):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "2 per 30 seconds", "write": "1 per 30 seconds"}
    assert statuses(api, "acme", 3, "/api/v1/agents") == [200, 200, 429]  # agents.read: runtime
    assert statuses(api, "acme", 3, CONTROLS) == [200, 200, 200]  # read: no limit
    policies = [
        api.put("/api/v1/policies", {"name": f"p{i}"}, tenant="acme").status_code for i in range(2)
    ]
    assert policies == [200, 429]


def test_the_window_moves(api, limited):
    limited.QUOTAS_RATE_LIMITS = {"read": "2 per 1 second"}
    assert statuses(api, "acme", 3) == [200, 200, 429]
    time.sleep(1.1)
    assert statuses(api, "acme", 2) == [200, 200]


def test_a_tenant_override_wins_over_the_default(api, limited):
    limited.QUOTAS_RATE_LIMITS = {"read": "3 per 30 seconds"}
    with tenant_context("acme"):
        TenantLimits.objects.create(read_rate="1 per 30 seconds")
    with tenant_context("globex"):
        TenantLimits.objects.create(read_rate="5 per 30 seconds")
    assert statuses(api, "acme", 2) == [200, 429]
    assert statuses(api, "globex", 6) == [200] * 5 + [429]
    assert statuses(api, "initech", 4) == [200, 200, 200, 429]


def test_public_routes_and_refused_requests_are_not_limited(api, limited):
    limited.QUOTAS_RATE_LIMITS = {"read": "1 per 30 seconds", "runtime": "1 per 30 seconds"}
    assert statuses(api, "acme", 3, "/health") == [200] * 3
    assert statuses(api, "acme", 3, "/api/v1/controls/schema") == [200] * 3
    limited.CREDENTIALS_MODE = "api_key"
    assert statuses(api, "acme", 3, CONTROLS) == [401] * 3


def test_without_redis_no_rate_limit_applies(api, settings):
    settings.QUOTAS_RATE_LIMITS = {"read": "1 per 30 seconds"}
    settings.QUOTAS_REDIS_URL = None
    assert statuses(api, "acme", 3) == [200] * 3


def test_redis_down_fails_open_logs_once_and_counts_the_failure(api, settings, caplog):
    reset_metrics()
    settings.QUOTAS_RATE_LIMITS = {"read": "1 per 30 seconds"}
    settings.QUOTAS_REDIS_URL = DOWN
    with caplog.at_level(logging.WARNING, logger="quotas.ratelimiting"):
        assert statuses(api, "acme", 3) == [200] * 3
    warnings = [r.getMessage() for r in caplog.records if r.name == "quotas.ratelimiting"]
    assert len(warnings) == 1 and warnings[0].startswith(
        "Rate limits skipped: Redis is unreachable"
    )
    # One attempt, then Redis is left alone for QUOTAS_REDIS_RETRY_SECONDS.
    assert get_metrics().rate_limit_backend_errors._value.get() == 1.0
    reset_metrics()


def test_redis_down_can_fail_closed_with_a_503(api, settings):
    settings.QUOTAS_RATE_LIMITS = {"read": "1 per 30 seconds"}
    settings.QUOTAS_REDIS_URL = DOWN
    settings.QUOTAS_RATE_LIMITS_FAIL_OPEN = False
    settings.QUOTAS_REDIS_RETRY_SECONDS = 3
    for _ in range(2):
        response = api.get(CONTROLS, tenant="acme")
        body = response.json()
        assert (response.status_code, response["Retry-After"], body["error_code"]) == (
            503,
            "3",
            "RATE_LIMITS_UNAVAILABLE",
        )
        assert (
            body["detail"]
            == "Rate limiting is temporarily unavailable. Retry after the Retry-After delay."
        )
        assert body["metadata"]["retry_after"] == 3
        assert re.fullmatch(r"[0-9a-f]{8}", body["metadata"]["request_id"])
    assert statuses(api, "acme", 1, "/health") == [200]


def test_redis_coming_back_is_used_again_after_the_back_off(api, limited):
    limited.QUOTAS_RATE_LIMITS = {"read": "1 per 30 seconds"}
    limited.QUOTAS_REDIS_RETRY_SECONDS = 0.5
    url = limited.QUOTAS_REDIS_URL
    limited.QUOTAS_REDIS_URL = DOWN
    assert statuses(api, "acme", 2) == [200, 200]
    limited.QUOTAS_REDIS_URL = url  # a new limiter; the back-off starts over
    assert statuses(api, "acme", 2) == [200, 429]
