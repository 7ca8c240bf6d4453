"""Run ``wrk`` (Debian package) with ``bench/lua/requests.lua`` and check every response.

A run fails (``RunFailed``) when any response has a status outside 200-299 (counted by the Lua
script's ``response()`` for every response, so a 3xx fails too, not only wrk's ``> 399``), on any
socket error (connect, read, write, timeout), when wrk exits non-zero or prints no summary, and
when no request completed. Warm-up runs go through the same check.
"""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "lua" / "requests.lua"
TOKEN = "__TOKEN__"  # replaced by a unique value per request (see requests.lua)


@dataclass(frozen=True)
class Request:
    """One request: ``body`` is compact JSON text (no newline) or None."""

    method: str
    path: str
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        headers = "\x1f".join(f"{name}: {value}" for name, value in self.headers)
        return "\t".join((self.method, self.path, headers, self.body or ""))


@dataclass(frozen=True)
class Result:
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


class RunFailed(RuntimeError):
    """A run with a non-2xx response, a socket error, or no usable wrk summary."""


def ensure_wrk() -> str:
    """Path of ``wrk``; raises ``RuntimeError`` saying how to install it when missing."""
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk (Debian package)")
    return path


def _check(data: dict, label: str) -> None:
    sockets = {key: data[key] for key in ("connect", "read", "write", "timeout") if data[key]}
    if data["non2xx"] or data["status_errors"]:
        raise RunFailed(
            f"{label}: {max(data['non2xx'], data['status_errors'])} of {data['requests']} "
            f"responses were not 2xx; first: {data['first_status']} {data['first_body']!r}"
        )
    if sockets:
        raise RunFailed(f"{label}: socket errors {sockets} in {data['requests']} requests")
    if data["requests"] == 0:
        raise RunFailed(f"{label}: no request completed")


def run(
    base_url: str,
    requests: list[Request],
    *,
    seconds: float,
    connections: int,
    prefix: str,
    label: str,
    cpu: str = "1",
) -> Result:
    """Drive ``requests`` (cycled) against ``base_url`` for ``seconds`` with ``connections`` (one
    wrk thread pinned to ``cpu``); returns the figures or raises ``RunFailed``."""
    with tempfile.NamedTemporaryFile("w", suffix=".requests", delete=False) as handle:
        handle.write("\n".join(request.line() for request in requests) + "\n")
        requests_path = handle.name
    argv = [
        "taskset",
        "-c",
        cpu,
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
        requests_path,
        TOKEN,
        prefix,
    ]
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        Path(requests_path).unlink(missing_ok=True)
    line = next(
        (row for row in completed.stdout.splitlines() if row.startswith("BENCH_JSON ")), None
    )
    if completed.returncode != 0 or line is None:
        raise RunFailed(f"{label}: wrk failed: {completed.stderr or completed.stdout}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    _check(data, label)
    return Result(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )
