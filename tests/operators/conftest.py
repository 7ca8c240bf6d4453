"""The tenant pages read tenants' limits, which a process caches: forget them around each test."""

from tests.limits_cache import forget_cached_overrides  # noqa: F401  (an autouse fixture)
