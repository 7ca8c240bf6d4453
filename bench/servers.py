"""Start, probe and stop the two servers under test, each pinned to the same CPU.

- Ours: ``manage.py migrate`` then gunicorn (``controlplane.wsgi``), one worker process.
- Reference: ``agent-control-migrate`` then uvicorn (``agent_control_server.main:app``), one process,
  from its own virtual environment (``bench/.work/ref-venv``).

Both talk to the same PostgreSQL, each to its own database. ``peak_rss`` reads ``VmHWM`` (peak
resident set) of every process of a server from ``/proc``.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"


def _descendants(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            children.append(int(entry.name))
    return [pid for child in children for pid in (child, *_descendants(child))]


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


@dataclass
class Server:
    """A server process tree: ``name``, the argv, env additions, port and pre-start commands."""

    name: str
    argv: list[str]
    port: int
    env: dict[str, str]
    prepare: list[list[str]] = field(default_factory=list)
    cpu: str | None = "0"
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Run the prepare commands, start the server and wait until ``/health`` answers 200."""
        env = {**os.environ, **self.env}
        for command in self.prepare:
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        WORK.mkdir(parents=True, exist_ok=True)
        self.log_path = WORK / f"{self.name}.log"
        argv = ["taskset", "-c", self.cpu, *self.argv] if self.cpu else self.argv
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                argv,
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                if httpx.get(self.url + "/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /health in {timeout:.0f} s")

    def pids(self) -> list[int]:
        """The server's processes: the started one and its descendants."""
        if self.process is None:
            return []
        return [self.process.pid, *_descendants(self.process.pid)]

    def peak_rss(self) -> dict[int, int]:
        """Peak resident set size (KiB, ``VmHWM``) of each process of the server."""
        return {pid: _status_kib(pid, "VmHWM") for pid in self.pids()}

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def ours(port: int, database_url: str, *, threads: int) -> Server:
    """Our server as the README's production command runs it, with one worker process."""
    python = sys.executable
    return Server(
        name="ours",
        argv=[
            python,
            "-m",
            "gunicorn",
            "controlplane.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        port=port,
        env={
            "DATABASE_URL": database_url,
            "CONN_MAX_AGE": "600",
            "DJANGO_DEBUG": "0",
            "DJANGO_LOG_LEVEL": "ERROR",
        },
        prepare=[[python, "manage.py", "migrate", "--noinput"]],
    )


def reference(port: int, database_url: str, venv: Path) -> Server:
    """The reference agent-control server 8.15, auth disabled, one uvicorn process."""
    env = {
        "AGENT_CONTROL_DB_URL": database_url,
        "AGENT_CONTROL_HOST": "127.0.0.1",
        "AGENT_CONTROL_PORT": str(port),
        "AGENT_CONTROL_OBSERVABILITY_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    return Server(
        name="reference",
        argv=[
            str(venv / "bin" / "python"),
            "-m",
            "uvicorn",
            "agent_control_server.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        port=port,
        env=env,
        prepare=[[str(venv / "bin" / "agent-control-migrate")]],
    )
