"""The machine's Redis as the rate limit tests use it: database 14 (127.0.0.1:6379), every test
under a key prefix of its own, deleted afterwards."""

import redis

REDIS_URL = "redis://127.0.0.1:6379/14"


def delete_keys(prefix: str) -> None:
    """Delete every key under ``prefix:`` in ``REDIS_URL``."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
