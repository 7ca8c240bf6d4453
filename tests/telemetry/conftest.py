"""Fixtures of the telemetry tests: a fresh set of metric families per test (so counts are
exact), and the scrape parsed into samples."""

import pytest

from telemetry.metrics import get_metrics, reset_metrics
from tests.telemetry.scrape import Scrape


@pytest.fixture
def metrics():
    """This process's metric families, rebuilt empty for the test (and again after it)."""
    reset_metrics()
    yield get_metrics()
    reset_metrics()


@pytest.fixture
def scrape(api, metrics):
    """``scrape()`` -> ``Scrape`` of ``GET /metrics`` (header mode: public)."""

    def read(**headers) -> Scrape:
        response = api.client.get("/metrics", headers=headers)
        assert response.status_code == 200, response.content
        return Scrape(response.content.decode())

    return read
