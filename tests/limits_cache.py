"""The per-process cache of tenants' limits (the default cache), forgotten around a test: the
autouse fixture the quota, admin and operators tests take into their conftests."""

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def forget_cached_overrides():
    """A rolled-back test must not leave its tenants' cached limits behind for the next."""
    caches["default"].clear()
    yield
    caches["default"].clear()
