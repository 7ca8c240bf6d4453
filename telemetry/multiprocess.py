"""What gunicorn's configuration imports so several worker processes report one set of metrics
(prometheus_client's multiprocess mode).

prometheus_client picks file-backed values when ``PROMETHEUS_MULTIPROC_DIR`` is set *before* it
is first imported, so the configuration prepares the directory at its top, before gunicorn loads
the application (also with ``preload_app``) or forks a worker::

    # controlplane/gunicorn.conf.py
    from telemetry.multiprocess import child_exit, on_exit, prepare_metrics_directory

    prepare_metrics_directory()

- ``prepare_metrics_directory()`` uses ``PROMETHEUS_MULTIPROC_DIR`` when set (created if
  missing), else a fresh temporary directory, exports it to the workers, and empties it of a
  previous run's files (the directory belongs to this server: never share it between servers).
- ``child_exit`` (a gunicorn server hook, picked up by name) drops a dead worker's live gauges
  (``requests_in_progress``, the pool gauges); its counters and histograms stay counted.
- ``on_exit`` (a gunicorn server hook) removes the directory when ``prepare_metrics_directory``
  created a temporary one, so stopped servers leave nothing in ``/tmp``.

``/metrics`` (``telemetry.views``) then aggregates every worker's values from the directory.
This module imports nothing at import time but the standard library.
"""

import os
import shutil
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
_created: list[Path] = []  # the temporary directory this process made, if any


def prepare_metrics_directory(path: str | None = None) -> str:
    """Create (or empty) the metrics directory and export it as ``PROMETHEUS_MULTIPROC_DIR``;
    returns its path. ``path`` wins over the environment."""
    chosen = path or os.environ.get(ENV)
    directory = Path(chosen or tempfile.mkdtemp(prefix="controlplane-metrics-"))
    if not chosen:
        _created.append(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[ENV] = str(directory)
    return str(directory)


def child_exit(server, worker) -> None:
    """gunicorn hook: a worker exited; drop its live gauges from the directory."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """gunicorn hook: the server stops; remove the temporary directory made for it."""
    while _created:
        shutil.rmtree(_created.pop(), ignore_errors=True)
