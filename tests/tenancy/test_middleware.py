"""Binding: one tenant per request, reset afterwards (also on errors), sync and async."""

import asyncio
import random

import pytest
from django.test import AsyncClient

from tenancy.context import get_current_tenant_id

pytestmark = [pytest.mark.urls("tests.tenancy.urls")]


def test_request_tenant_is_bound_during_the_view_and_reset_after(client):
    assert client.get("/probe/tenant", HTTP_X_TENANT_ID="acme").json() == {
        "tenant": "acme",
        "request": "acme",
    }
    assert get_current_tenant_id() is None


def test_acme_request_then_headerless_request_resolves_default_tenant(client):
    assert client.get("/probe/tenant", HTTP_X_TENANT_ID="acme").json()["tenant"] == "acme"
    assert client.get("/probe/tenant").json()["tenant"] == "default-tenant"


def test_view_that_raises_leaves_no_tenant_bound(client):
    client.raise_request_exception = True
    with pytest.raises(RuntimeError, match="boom"):
        client.get("/probe/raise", HTTP_X_TENANT_ID="acme")
    assert get_current_tenant_id() is None
    assert client.get("/probe/tenant").json()["tenant"] == "default-tenant"


def test_view_that_raises_without_propagation_answers_500_envelope(client):
    client.raise_request_exception = False
    response = client.get("/probe/raise", HTTP_X_TENANT_ID="acme")
    assert response.status_code == 500
    assert response.json()["error_code"] == "INTERNAL_ERROR"
    assert get_current_tenant_id() is None


def _gather(paths_and_tenants):
    async def run():
        client = AsyncClient()
        return await asyncio.gather(
            *(
                client.get(path, headers={"X-Tenant-Id": tenant})
                for path, tenant in paths_and_tenants
            )
        )

    return asyncio.run(run())


def test_async_views_see_their_own_tenant_under_concurrent_requests():
    rng = random.Random(7)
    calls = [
        (f"/probe/async-tenant?delay={rng.choice([0, 0.001, 0.01, 0.02])}", f"tenant-{i}")
        for i in range(24)
    ]
    responses = _gather(calls)
    assert [r.json()["tenant"] for r in responses] == [tenant for _, tenant in calls]
    assert [r.json()["request"] for r in responses] == [tenant for _, tenant in calls]
    assert get_current_tenant_id() is None


def test_sync_views_under_asgi_see_their_tenant():
    calls = [("/probe/tenant", f"sync-{i}") for i in range(8)]
    responses = _gather(calls)
    assert [r.json()["tenant"] for r in responses] == [tenant for _, tenant in calls]


def test_malformed_header_under_asgi_is_400():
    (response,) = _gather([("/probe/async-tenant", "x" * 65)])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "header.X-Tenant-Id"
