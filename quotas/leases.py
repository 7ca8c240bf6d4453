"""Leased rate tokens: a process takes a tenant's requests from the shared Redis window in
batches and spends them without asking Redis again, so a high rate costs one Redis round trip per
batch instead of one per request (a round trip is a tenth of a request's time).

- A batch is 1 % of the rate (``LEASE_SHARE``), at most 50 tokens (``LEASE_MAX``: the moving
  window stores one Redis list entry per token, so a batch costs Redis time in its size); rates
  under 1,000 per window (batches under 10) lease nothing, and every request asks Redis (exact,
  as the limiter alone).
- Batches that threads of one process lease at the same moment add up (none is dropped).
- A leased batch is spent within a tenth of the window (``LEASE_TIME_SHARE``) or dropped.
- The bound: each process holds at most one batch per tenant and class, so a tenant served by P
  processes may get up to P batches (at most P % of its rate) more than its rate in one window; tokens a
  process leased and did not spend count against the tenant until the window moves past them.

``rate_check`` (``quotas.ratelimiting``) asks ``take`` first and leases with ``grant`` after a
batch was counted in Redis.
"""

import threading
import time

LEASE_SHARE = 100  # a batch is 1/100 of the rate
LEASE_MAX = 50  # and at most this many tokens
LEASE_MIN = 10  # smaller batches save too little to be worth their unspent tokens
LEASE_TIME_SHARE = 10  # spent within 1/10 of the window


def batch_size(rate) -> int:
    """Tokens per lease for ``rate`` (a ``limits`` ``RateLimitItem``); 0: no lease."""
    batch = min(rate.amount // LEASE_SHARE, LEASE_MAX)
    return batch if batch >= LEASE_MIN else 0


def lease_seconds(rate) -> float:
    """How long a lease of ``rate`` may be spent: a tenth of its window, in seconds."""
    return rate.get_expiry() / LEASE_TIME_SHARE


class Leases:
    """This process's leased tokens by ``(tenant, operation class, rate)``; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: dict[tuple, list] = {}  # key -> [tokens left, monotonic expiry]

    def take(self, key: tuple) -> bool:
        """Spend one token of ``key`` if this process holds an unexpired one."""
        with self._lock:
            held = self._held.get(key)
            if held is None:
                return False
            if held[0] <= 0 or time.monotonic() >= held[1]:
                del self._held[key]
                return False
            held[0] -= 1
            return True

    def grant(self, key: tuple, tokens: int, seconds: float) -> None:
        """Hold ``tokens`` of ``key`` (already counted in Redis) for ``seconds``, added to what
        another thread leased meanwhile (whose tokens would otherwise count for nothing)."""
        with self._lock:
            now = time.monotonic()
            held = self._held.get(key)
            if held is not None and held[0] > 0 and now < held[1]:
                held[0] += tokens
                held[1] = now + seconds
            else:
                self._held[key] = [tokens, now + seconds]

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


leases = Leases()
