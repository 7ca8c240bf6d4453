"""Fixtures of the quota and rate limit tests: the limits cache forgotten around each test
(``tests.limits_cache``), and the machine's Redis (``tests.redis_keys``) under a key prefix
of the test's own, emptied afterwards."""

import uuid

import pytest

from tests.limits_cache import forget_cached_overrides  # noqa: F401  (an autouse fixture)
from tests.redis_keys import REDIS_URL, delete_keys


@pytest.fixture
def limited(settings):
    """Rate limits on, in Redis, under a prefix of this test's own; returns ``settings`` (set
    ``QUOTAS_RATE_LIMITS``)."""
    prefix = f"cptest-{uuid.uuid4().hex[:12]}"
    settings.QUOTAS_REDIS_URL = REDIS_URL
    settings.QUOTAS_REDIS_KEY_PREFIX = prefix
    yield settings
    delete_keys(prefix)
