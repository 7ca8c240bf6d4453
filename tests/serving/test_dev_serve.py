"""``./dev serve``, the README's first command, as a new user runs it: it migrates, collects the
static files and replaces itself with gunicorn under ``controlplane/gunicorn.conf.py`` (keep-alive
of at least 30 s, no control socket, gthread workers); ``--reload`` restarts a worker when a
project file changes."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.live_servers import ROOT, free_port, get, server_env, stop, wait_until_healthy

pytestmark = pytest.mark.skipif(
    Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
    reason="./dev serve runs the project's .venv; these tests run from another environment",
)


def gunicorn_settings(**env: str) -> dict:
    """The settings gunicorn itself reads from the config file (a fresh process: the file makes a
    metrics directory at import)."""
    code = (
        "import json, sys\n"
        "from gunicorn.config import Config\n"
        "from gunicorn.app.base import Application\n"
        "class App(Application):\n"
        "    def init(self, *a): pass\n"
        "    def load(self): pass\n"
        "    def load_config(self):\n"
        "        self.cfg = Config()\n"
        "        self.load_config_from_file('controlplane/gunicorn.conf.py')\n"
        "app = App()\n"
        "names = ['keepalive', 'workers', 'threads', 'worker_class_str', 'control_socket_disable',"
        " 'bind', 'backlog', 'pidfile']\n"
        "print(json.dumps({n: getattr(app.cfg, n) for n in names}))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WEB_", "HOST", "PORT"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_config_file_defaults():
    assert gunicorn_settings() == {
        "keepalive": 75,
        "workers": os.cpu_count(),
        "threads": 4,
        "worker_class_str": "controlplane.workers.EnvelopeThreadWorker",
        "control_socket_disable": True,
        "bind": ["127.0.0.1:8000"],
        "backlog": 2048,
        "pidfile": None,
    }


def test_the_config_file_reads_its_environment():
    settings = gunicorn_settings(
        HOST="127.0.0.2", PORT="9001", WEB_CONCURRENCY="3", WEB_THREADS="8", WEB_KEEPALIVE="30"
    )
    assert (settings["bind"], settings["workers"], settings["threads"], settings["keepalive"]) == (
        ["127.0.0.2:9001"],
        3,
        8,
        30,
    )


def cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


def test_dev_serve_runs_gunicorn_and_reload_restarts_a_worker_on_a_change(tmp_path):
    port = free_port()
    env = server_env(tmp_path, PORT=str(port), CONN_MAX_AGE="0")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["./dev", "serve", "--reload"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, log, timeout=90)
        # ./dev replaced itself (exec) with gunicorn and its config file.
        # (the interpreter, then the gunicorn script: it runs through its shebang)
        _interpreter, script, *arguments = cmdline(process.pid)
        assert (Path(script).name, arguments) == (
            "gunicorn",
            ["-c", "controlplane/gunicorn.conf.py", "--reload"],
        )
        status, _, body = get(base + "/static/admin/css/base.css")
        assert (status, body[:2]) == (200, b"/*")  # collected and served (WhiteNoise)

        changed = ROOT / "controlplane" / "urls.py"
        # gunicorn's reloader notes each loaded module's modification time once a second; let it
        # see the URLconf (loaded by the first request) before the change.
        time.sleep(2.5)
        os.utime(changed)  # same content, new modification time
        deadline = time.monotonic() + 30
        while f"Worker reloading: {changed} modified" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)
        wait_until_healthy(base, process, log, timeout=90)
        assert get(base + "/health")[0] == 200
    finally:
        stop(process, timeout=20)
