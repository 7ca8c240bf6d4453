"""Real server processes for the tests that need several: gunicorn running this project on a
migrated SQLite file, bound to 127.0.0.1 on a free port, stopped when the block ends. They use
the project's own configuration file (``controlplane/gunicorn.conf.py``), so its multiprocess
metrics hooks are what the tests exercise.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "controlplane" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if ``process`` has not exited within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def server_env(tmp: Path, **extra: str) -> dict:
    """The environment of a gunicorn under test: this process's, without database settings, on a
    SQLite file in ``tmp`` (also its home directory), one worker of four threads, ``extra`` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DB_POOL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DJANGO_SECRET_KEY="serving-tests-secret-key-not-the-development-one",
        WEB_CONCURRENCY="1",
        WEB_THREADS="4",
        WEB_READ_TIMEOUT="2",
        HOME=str(tmp),  # anything gunicorn would create in the home directory lands here
        **extra,
    )
    env.pop("XDG_RUNTIME_DIR", None)
    return env


def migrated_sqlite(path: Path) -> str:
    """A migrated SQLite database at ``path``; returns its ``DATABASE_URL``."""
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )
    return url


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """``(status, headers, body)`` of a GET (a new connection each time)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_healthy(base: str, process: subprocess.Popen, log: Path, *, timeout: float) -> None:
    """Return once ``base/health`` answers 200; ``RuntimeError`` with the end of ``log`` if the
    server exits or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if get(base + "/health")[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start: {log.read_text()[-3000:]}")
        time.sleep(0.2)


@contextmanager
def gunicorn(
    database_url: str, log_path: Path, *, workers: int = 1, env: dict | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve the project with gunicorn and its configuration file (``workers`` processes);
    yields ``(base_url, process)``."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
        "CONTROLPLANE_REQUEST_LOG": "0",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        **(env or {}),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--graceful-timeout", "5"]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, log_path, timeout=START_TIMEOUT)
        yield base, process
    finally:
        stop(process)
