"""The database connection pool's gauges: connections lent to requests, connections open, and
requests waiting for one, per database alias that has a pool (Django's native psycopg pool,
``DATABASES[alias]["OPTIONS"]["pool"]``).

Each process writes its own values, sampled when a request finishes (after its connection went
back to the pool: other requests' connections are the ones counted in use) and when ``/metrics``
is scraped; the gauges are ``livesum``, so
under several worker processes a scrape reports the sum over the live workers. Without a pool
(SQLite, or persistent connections) the gauges are absent.
"""

from django.db import connections

from .metrics import Metrics


def configured_pools() -> list[tuple[str, object]]:
    """``[(alias, psycopg_pool.ConnectionPool)]`` for every database configured with a pool."""
    pools = []
    for alias in connections:
        options = connections.settings[alias].get("OPTIONS") or {}
        if options.get("pool"):
            pool = getattr(connections[alias], "pool", None)
            if pool is not None:
                pools.append((alias, pool))
    return pools


def sample_pools(metrics: Metrics) -> None:
    """Set this process's pool gauges from the pools' current statistics."""
    for alias, pool in configured_pools():
        stats = pool.get_stats()
        size, available = stats.get("pool_size", 0), stats.get("pool_available", 0)
        metrics.child(metrics.pool_in_use, alias).set(max(size - available, 0))
        metrics.child(metrics.pool_size, alias).set(size)
        metrics.child(metrics.pool_waiting, alias).set(stats.get("requests_waiting", 0))
