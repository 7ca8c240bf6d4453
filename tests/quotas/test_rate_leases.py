"""Leased rate tokens (``quotas.leases``): from 1,000 requests per window a process takes 1 % of
a tenant's rate (50 tokens at most) from Redis at once and spends it locally, for a tenth of the window at most; below
that every request asks Redis; threads' batches add up; at the edge of the window a single token is still taken exactly."""

import pytest
from limits import parse

from controlplane.api.exceptions import APIError
from controlplane.api.operations import OperationClass
from quotas import leases as leases_module
from quotas.leases import leases
from quotas.ratelimiting import get_limiter, rate_check
from tenancy.context import tenant_context

pytestmark = pytest.mark.django_db
RUNTIME = OperationClass.RUNTIME


@pytest.fixture
def redis_costs(limited, monkeypatch):
    """The cost of every ``hit`` the limiter sends to Redis, in order."""
    costs = []
    limiter = get_limiter()
    hit = limiter.hit

    def counting(item, *identifiers, cost=1):
        costs.append(cost)
        return hit(item, *identifiers, cost=cost)

    monkeypatch.setattr(limiter, "hit", counting)
    return costs


def checks(count: int, tenant: str = "acme") -> list[str]:
    """``rate_check`` ``count`` times in ``tenant``: ``"ok"`` or the refusal's error code."""
    outcomes = []
    with tenant_context(tenant):
        for _ in range(count):
            try:
                rate_check(tenant, RUNTIME)
                outcomes.append("ok")
            except APIError as refusal:
                outcomes.append(refusal.error_code)
    return outcomes


def counted_in_redis(rate: str, tenant: str = "acme") -> int:
    item = parse(rate)
    return item.amount - get_limiter().get_window_stats(item, tenant, "runtime").remaining


def test_a_high_rate_is_leased_one_percent_at_a_time(limited, redis_costs):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "1000 per 30 seconds"}
    assert checks(25) == ["ok"] * 25
    assert redis_costs == [10, 10, 10]
    assert counted_in_redis("1000 per 30 seconds") == 30


def test_a_batch_is_at_most_50_tokens(limited, redis_costs):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "1000000 per 30 seconds"}
    assert checks(51) == ["ok"] * 51
    assert redis_costs == [50, 50]


def test_a_rate_under_1000_asks_redis_for_every_request(limited, redis_costs):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "999 per 30 seconds"}
    assert checks(5) == ["ok"] * 5
    assert redis_costs == [1, 1, 1, 1, 1]


def test_a_lease_is_dropped_after_a_tenth_of_the_window(limited, redis_costs, monkeypatch):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "1000 per 30 seconds"}
    clock = [1000.0]
    monkeypatch.setattr(leases_module.time, "monotonic", lambda: clock[0])
    assert checks(2) == ["ok", "ok"]
    clock[0] += 3.0  # a tenth of 30 s: the 8 tokens left are dropped
    assert checks(1) == ["ok"]
    assert redis_costs == [10, 10]
    assert counted_in_redis("1000 per 30 seconds") == 20


def test_the_last_tokens_of_a_window_are_taken_one_by_one(limited, redis_costs):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "1000 per 30 seconds"}
    get_limiter().hit(parse("1000 per 30 seconds"), "acme", "runtime", cost=999)
    assert checks(2) == ["ok", "RATE_LIMITED"]
    assert redis_costs == [999, 10, 1, 10, 1]  # the fill, then: batch refused, one token; again
    assert counted_in_redis("1000 per 30 seconds") == 1000


def test_batches_leased_at_once_add_up():
    key = ("acme", "runtime", "1000 per 30 second")
    leases.clear()
    leases.grant(key, 9, 3.0)
    leases.grant(key, 9, 3.0)  # another thread's batch, leased meanwhile
    assert [leases.take(key) for _ in range(19)] == [True] * 18 + [False]


def test_leases_are_per_tenant(limited, redis_costs):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "1000 per 30 seconds"}
    assert checks(3, "acme") + checks(3, "globex") == ["ok"] * 6
    assert redis_costs == [10, 10]
    assert (
        counted_in_redis("1000 per 30 seconds", "acme"),
        counted_in_redis("1000 per 30 seconds", "globex"),
    ) == (10, 10)


def test_changed_rates_drop_the_leases(limited, redis_costs):
    limited.QUOTAS_RATE_LIMITS = {"runtime": "1000 per 30 seconds"}
    assert checks(1) == ["ok"]
    assert leases.take(("acme", "runtime", str(parse("1000 per 30 seconds"))))
    limited.QUOTAS_RATE_LIMITS = {"runtime": "2000 per 30 seconds"}
    assert not leases.take(("acme", "runtime", str(parse("1000 per 30 seconds"))))
