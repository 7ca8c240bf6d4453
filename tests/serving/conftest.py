"""A real gunicorn, started from ``controlplane/gunicorn.conf.py`` (the file behind ``./dev serve``
and the README's production command), on a free loopback port and a throw-away SQLite database.

Module-scoped: one server per test module; it is stopped (SIGTERM, then SIGKILL) afterwards.
"""

import subprocess
import sys
import time

import httpx
import pytest

from tests.live_servers import GUNICORN, ROOT, free_port, server_env, stop


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    """``(base_url, tmp_dir)`` of a running gunicorn with the project's config file."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = server_env(tmp, PORT=str(port))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    log = (tmp / "server.log").open("wb")
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "controlplane/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError((tmp / "server.log").read_text())
        yield url, tmp
    finally:
        stop(process, timeout=20)
        log.close()
