"""Run ``wrk`` (Debian package) with ``bench/lua/request.lua`` and read its summary line."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "lua" / "request.lua"


@dataclass(frozen=True)
class Workload:
    """One request shape: ``method`` ``path`` with an optional JSON ``body`` in which ``token`` is
    replaced by a unique value per request."""

    name: str
    title: str
    method: str
    path: str
    body: str | None = None
    token: str | None = None


@dataclass(frozen=True)
class Result:
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def ensure_wrk() -> str:
    """Path of ``wrk``; raises ``RuntimeError`` saying how to install it when missing."""
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk (Debian package)")
    return path


def run(
    base_url: str,
    workload: Workload,
    *,
    seconds: float,
    connections: int,
    prefix: str,
    cpu: str | None = "1",
) -> Result:
    """Drive ``workload`` against ``base_url`` for ``seconds`` with ``connections`` (one wrk
    thread) and return the measured figures. Raises ``RuntimeError`` if wrk fails."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(workload.body or "")
        body_path = handle.name
    argv = [
        ensure_wrk(),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        base_url,
        "--",
        workload.method,
        workload.path,
        body_path if workload.body else "",
        workload.token or "",
        prefix,
    ]
    if cpu:
        argv = ["taskset", "-c", cpu, *argv]
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        Path(body_path).unlink(missing_ok=True)
    line = next(
        (row for row in completed.stdout.splitlines() if row.startswith("BENCH_JSON ")), None
    )
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(data[key] for key in ("non2xx", "connect", "read", "write", "timeout"))
    return Result(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )
