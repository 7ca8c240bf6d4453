"""Several gunicorn worker processes report one set of metrics (prometheus_client's multiprocess
mode, set up by ``telemetry.multiprocess``): counts are summed over the workers, and a dead
worker's live gauges are dropped while its counts stay."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from telemetry.multiprocess import ENV, on_exit, prepare_metrics_directory
from tests.live_servers import get, gunicorn, migrated_sqlite
from tests.telemetry.scrape import PREFIX, Scrape

BATCH = 40


def pids_of(directory: Path, kind: str) -> set[int]:
    return {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob(f"{kind}_*.db")}


def test_counts_are_summed_over_two_worker_processes(tmp_path):
    metrics_dir = tmp_path / "metrics"
    url = migrated_sqlite(tmp_path / "db.sqlite3")
    # One thread per worker: eight concurrent clients then reach both processes.
    env = {ENV: str(metrics_dir), "WEB_THREADS": "1"}
    with gunicorn(url, tmp_path / "gunicorn.log", workers=2, env=env) as (base, _):
        # The kernel may hand one worker every connection of a batch; send batches until both
        # workers have counted requests (at most 10 batches).
        sent, statuses = 0, []
        with ThreadPoolExecutor(max_workers=8) as pool:
            while sent == 0 or (len(pids_of(metrics_dir, "counter")) < 2 and sent < 10 * BATCH):
                statuses += pool.map(
                    lambda _: get(base + "/api/v1/agents", {"X-Tenant-Id": "acme"})[0],
                    range(BATCH),
                )
                sent += BATCH
        assert statuses == [200] * sent
        workers = pids_of(metrics_dir, "counter")
        assert len(workers) == 2
        scrape = Scrape(get(base + "/metrics")[2].decode())
        assert (
            scrape.value(f"{PREFIX}_requests_total", path="/api/v1/agents", status_code="200")
            == sent
        )
        assert (
            scrape.value(f"{PREFIX}_request_duration_seconds_count", path="/api/v1/agents") == sent
        )
        assert scrape.value(f"{PREFIX}_requests_in_progress", method="GET") == 0.0

        dead = min(workers)
        assert dead in pids_of(metrics_dir, "gauge_livesum")
        os.kill(dead, 15)
        deadline = time.monotonic() + 20
        while dead in pids_of(metrics_dir, "gauge_livesum") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert dead not in pids_of(metrics_dir, "gauge_livesum")  # child_exit dropped it
        scrape = Scrape(get(base + "/metrics")[2].decode())
        assert (
            scrape.value(f"{PREFIX}_requests_total", path="/api/v1/agents", status_code="200")
            == sent
        )


def test_preparing_the_directory_empties_a_previous_run_and_exports_it(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    stale = tmp_path / "counter_123.db"
    stale.write_bytes(b"old")
    keep = tmp_path / "README"
    keep.write_text("not ours")
    assert prepare_metrics_directory(str(tmp_path)) == str(tmp_path)
    assert (os.environ[ENV], stale.exists(), keep.exists()) == (str(tmp_path), False, True)


def test_without_a_directory_one_is_made_and_removed_at_exit(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    directory = Path(prepare_metrics_directory())
    assert directory.is_dir() and os.environ[ENV] == str(directory)
    (directory / "counter_1.db").write_bytes(b"")
    on_exit(server=None)
    assert not directory.exists()


def test_a_given_directory_is_kept_at_exit(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    prepare_metrics_directory(str(tmp_path))
    on_exit(server=None)
    assert tmp_path.is_dir()


@pytest.fixture(autouse=True)
def _restore_environment(monkeypatch):
    """The tests above set PROMETHEUS_MULTIPROC_DIR in this process; never leak it."""
    monkeypatch.setenv(ENV, "")
    monkeypatch.delenv(ENV)


def test_request_threads_that_ask_at_once_share_one_metrics_object(monkeypatch):
    """Built twice, two objects would write the same multiprocess files from different values
    (a gauge read -1 under gthread workers)."""
    import threading

    from telemetry import metrics as module

    def slow_metrics(*args):
        time.sleep(0.05)  # widen the window in which a second thread could build its own
        return object()

    monkeypatch.setattr(module, "Metrics", slow_metrics)
    module.reset_metrics()
    barrier = threading.Barrier(8)
    seen = []

    def ask():
        barrier.wait()
        seen.append(module.get_metrics())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    module.reset_metrics()
    assert len(seen) == 8 and len({id(value) for value in seen}) == 1
