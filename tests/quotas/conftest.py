"""Fixtures of the quota and rate limit tests: a clean overrides cache around each test, and the
machine's Redis (127.0.0.1:6379, database 14) under a key prefix of the test's own, emptied
afterwards."""

import uuid

import pytest
import redis
from django.core.cache import caches

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture(autouse=True)
def _forget_cached_overrides():
    """Overrides are cached per process; a rolled-back test must not leave its own behind."""
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def limited(settings):
    """Rate limits on, in Redis, under a prefix of this test's own; returns ``settings`` (set
    ``QUOTAS_RATE_LIMITS``)."""
    prefix = f"cptest-{uuid.uuid4().hex[:12]}"
    settings.QUOTAS_REDIS_URL = REDIS_URL
    settings.QUOTAS_REDIS_KEY_PREFIX = prefix
    yield settings
    delete_keys(prefix)


def delete_keys(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
