"""Start, probe and stop one server under test, and read its processes' memory.

A ``Server`` is a process tree started in its own session (so it never receives the terminal's
Ctrl-C; ``stop()`` ends it), with exactly the environment the configuration states
(``environment.server_environment``). It starts on every CPU, so loading the data is quick, and
``pin()`` then binds every thread of every process to the configuration's CPUs for the timed runs.
Its output goes to ``bench/.work/<name>.log``.
"""

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .environment import ROOT, WORK


def _descendants(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return [pid for child in children for pid in (child, *_descendants(child))]


def _kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_set(text: str) -> set[int]:
    """``"0-1,3"`` -> ``{0, 1, 3}``."""
    cpus = set()
    for part in text.strip().split(","):
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return cpus


class StartFailed(RuntimeError):
    """A prepare command failed, or the server did not come up; the message ends with what it
    said."""

    def __init__(self, message: str, output: str = ""):
        super().__init__(f"{message}:\n{output}" if output else message)


@dataclass
class Server:
    """``argv`` run with ``env`` (the whole environment) on ``port``, pinned to ``cpus``."""

    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    cpus: str
    cwd: Path = ROOT
    headers: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return WORK / f"{self.name}.log"

    def run_command(self, argv: list[str], env: dict[str, str]) -> str:
        """Run a preparation command (migrate, role, credentials); returns its standard output.
        Raises ``StartFailed`` with its output when it fails."""
        completed = subprocess.run(argv, env=env, cwd=self.cwd, capture_output=True, text=True)
        if completed.returncode != 0:
            raise StartFailed(
                f"{self.name}: {' '.join(argv[-3:])} failed", completed.stderr + completed.stdout
            )
        return completed.stdout

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until ``/health`` answers 200."""
        WORK.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StartFailed(f"{self.name} exited at start", self.log_tail())
            try:
                if httpx.get(self.url + "/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise StartFailed(f"{self.name} did not answer /health in {timeout:.0f} s", self.log_tail())

    def pin(self) -> None:
        """Bind every thread of every process of the server to ``cpus`` (threads created later
        inherit it)."""
        for pid in self.pids():
            subprocess.run(
                ["taskset", "-a", "-p", "-c", self.cpus, str(pid)], check=True, capture_output=True
            )

    def pinned(self) -> bool:
        """Whether every thread of every process may run only on ``cpus``."""
        wanted = _cpu_set(self.cpus)
        for pid in self.pids():
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    status = (task / "status").read_text()
                except OSError:
                    continue  # the thread ended
                allowed = next(
                    line.split(":", 1)[1]
                    for line in status.splitlines()
                    if line.startswith("Cpus_allowed_list:")
                )
                if _cpu_set(allowed) != wanted:
                    return False
        return True

    def log_tail(self, characters: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-characters:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pids(self) -> list[int]:
        """The server's processes: the started one and its descendants."""
        if self.process is None:
            return []
        return [self.process.pid, *_descendants(self.process.pid)]

    def memory(self) -> list[dict]:
        """Per process (KiB): peak resident set (``VmHWM``), resident set now (``VmRSS``), and
        proportional set size (``Pss``: shared pages divided among the processes sharing them)."""
        return [
            {
                "pid": pid,
                "peak_rss": _kib(Path(f"/proc/{pid}/status"), "VmHWM"),
                "rss": _kib(Path(f"/proc/{pid}/status"), "VmRSS"),
                "pss": _kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss"),
            }
            for pid in self.pids()
        ]

    def stop(self) -> None:
        """SIGTERM the process group (the server's own session), SIGKILL after 10 s; then
        SIGKILL whatever of the group is left (a worker whose master died)."""
        if self.process is None:
            return
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
