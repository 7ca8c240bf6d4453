"""The per-tenant request rate, held in Redis so that every process and host shares it.

``rate_check(tenant_id, operation_class)`` counts one request of the tenant's class in a moving
window (the ``limits`` library's ``MovingWindowRateLimiter`` on ``RedisStorage``: one Lua call per
request, exact at any instant, no burst at window edges). Rates of 1,000 or more per window are
leased in batches of 1 % (``quotas.leases``: one Redis call per batch, a bounded overshoot). Keys are
``<QUOTAS_REDIS_KEY_PREFIX>:LIMITER/<tenant>/<class>/<amount>/<multiples>/<unit>``.

Redis down (decided, documented in the README): **fail open** by default. The limiter protects
tenants from each other; it is not a security boundary, and refusing every request of every
tenant while Redis is away would cause the very outage it exists to prevent. A failed call is
logged (a warning at most once per back-off period), counted in
``<p>_rate_limit_backend_errors_total``, and Redis is left alone for ``QUOTAS_REDIS_RETRY_SECONDS``
so requests do not each wait for a timeout. ``QUOTAS_RATE_LIMITS_FAIL_OPEN = False`` refuses
instead: 503 ``RATE_LIMITS_UNAVAILABLE`` with ``Retry-After``.
"""

import logging
import math
import threading
import time
from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from limits.errors import StorageError
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from controlplane.api.exceptions import APIError, ErrorCode
from controlplane.api.operations import OperationClass
from telemetry.record import rate_limit_backend_error

from .conf import get_setting, setting_name
from .leases import batch_size, lease_seconds, leases
from .limits import rate_limit
from .rates import window

logger = logging.getLogger("quotas.ratelimiting")

REDIS_SETTINGS = frozenset(
    setting_name(name) for name in ("REDIS_URL", "REDIS_KEY_PREFIX", "REDIS_TIMEOUT_SECONDS")
)


class _Backoff:
    """Until when this process leaves Redis alone after a failure."""

    until = 0.0


_build_lock = threading.Lock()


@cache
def get_limiter() -> MovingWindowRateLimiter | None:
    """The limiter on ``QUOTAS_REDIS_URL`` (built once per process), or ``None`` without one.
    Built under a lock: the ``limits`` library loads its ``redis`` dependency lazily, and two
    request threads doing that at once made one of them fail (500s on a fresh worker)."""
    with _build_lock:
        return _build_limiter()


def _build_limiter() -> MovingWindowRateLimiter | None:
    url = get_setting("REDIS_URL")
    if not url:
        return None
    timeout = float(get_setting("REDIS_TIMEOUT_SECONDS"))
    storage = RedisStorage(
        url,
        key_prefix=get_setting("REDIS_KEY_PREFIX"),
        wrap_exceptions=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
    )
    return MovingWindowRateLimiter(storage)


@receiver(setting_changed)
def _rebuild_on_change(*, setting, **kwargs):
    if setting in REDIS_SETTINGS:
        get_limiter.cache_clear()
        _Backoff.until = 0.0
    if setting in REDIS_SETTINGS or setting == setting_name("RATE_LIMITS"):
        leases.clear()


def rate_limited(tenant_id: str, operation_class: OperationClass, rate, retry_after: int):
    """429 ``RATE_LIMITED`` naming the tenant, the class and the rate, with ``Retry-After``."""
    return APIError(
        429,
        ErrorCode.RATE_LIMITED,
        f"Rate limit exceeded: tenant '{tenant_id}' may make {rate.amount} "
        f"{operation_class.value} requests {window(rate)}.",
        hint=f"Retry after {retry_after} s, or ask an operator to raise the tenant's rate limit.",
        kind="RateLimit",
        name=f"{operation_class.value}_rate",
        retry_after=retry_after,
    )


def _unavailable() -> None:
    """Redis is unreachable: let the request through, or refuse it (module docstring)."""
    if get_setting("RATE_LIMITS_FAIL_OPEN"):
        return
    raise APIError(
        503,
        ErrorCode.RATE_LIMITS_UNAVAILABLE,
        "The rate limiter's Redis is unreachable.",
        details=False,
        retry_after=max(1, math.ceil(float(get_setting("REDIS_RETRY_SECONDS")))),
    )


def rate_check(tenant_id: str, operation_class: OperationClass) -> None:
    """Count one request of ``tenant_id`` in ``operation_class``; raise 429 ``RATE_LIMITED``
    when its rate is spent (the refused request is not counted). No rate in force, or no
    ``QUOTAS_REDIS_URL``: nothing happens. Redis unreachable: see the module docstring."""
    limiter = get_limiter()
    if limiter is None:
        return None
    rate = rate_limit(operation_class, tenant_id).value
    if rate is None:
        return None
    identifiers = (tenant_id, operation_class.value)
    key = (*identifiers, str(rate))
    if leases.take(key):
        return None
    if time.monotonic() < _Backoff.until:
        return _unavailable()
    batch = batch_size(rate)
    try:
        if batch > 1 and limiter.hit(rate, *identifiers, cost=batch):
            leases.grant(key, batch - 1, lease_seconds(rate))
            return None
        if limiter.hit(rate, *identifiers):
            return None
        reset_at = limiter.get_window_stats(rate, *identifiers).reset_time
    except StorageError as exc:
        _Backoff.until = time.monotonic() + float(get_setting("REDIS_RETRY_SECONDS"))
        rate_limit_backend_error()
        logger.warning("Rate limits skipped: Redis is unreachable (%s)", exc.storage_error)
        return _unavailable()
    raise rate_limited(tenant_id, operation_class, rate, max(1, math.ceil(reset_at - time.time())))
