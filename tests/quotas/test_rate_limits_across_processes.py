"""A tenant's rate limit holds across server processes (two gunicorn servers, as two hosts would
run, sharing one Redis): the window is counted once for both, and another tenant is unaffected."""

import json
import uuid

from tests.live_servers import get, gunicorn, migrated_sqlite
from tests.redis_keys import REDIS_URL, delete_keys

PATH = "/api/v1/controls"


def call(base: str, tenant: str) -> int:
    return get(base + PATH, {"X-Tenant-Id": tenant})[0]


def test_the_limit_is_shared_by_two_server_processes(tmp_path):
    prefix = f"cptest-{uuid.uuid4().hex[:12]}"
    url = migrated_sqlite(tmp_path / "db.sqlite3")
    env = {
        "CONTROLPLANE_REDIS_URL": REDIS_URL,
        "CONTROLPLANE_REDIS_KEY_PREFIX": prefix,
        "CONTROLPLANE_RATE_LIMITS": "read=4 per 60 seconds",
    }
    try:
        with (
            gunicorn(url, tmp_path / "one.log", env=env) as (one, first),
            gunicorn(url, tmp_path / "two.log", env=env) as (two, second),
        ):
            assert first.pid != second.pid
            sequence = [call(base, "acme") for base in (one, two, one, two)]
            assert sequence == [200, 200, 200, 200]
            status, headers, body = get(one + PATH, {"X-Tenant-Id": "acme"})
            assert (status, json.loads(body)["error_code"]) == (429, "RATE_LIMITED")
            assert 1 <= int(headers["Retry-After"]) <= 60
            assert call(two, "acme") == 429
            assert [call(base, "globex") for base in (two, one)] == [200, 200]
    finally:
        delete_keys(prefix)
