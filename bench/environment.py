"""What the benchmark needs around it: databases, the reference server's virtual environment, and
a line describing the machine."""

import os
import platform
import subprocess
import sys
import venv as venv_module
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
REF_VENV = WORK / "ref-venv"
REF_REQUIREMENTS = ROOT / "bench" / "requirements-reference.txt"
PG = os.environ.get("BENCH_POSTGRES", "postgresql://root@127.0.0.1:5432")


def database_url(name: str, driver: str = "postgresql") -> str:
    """URL of database ``name`` on the benchmark PostgreSQL (``BENCH_POSTGRES`` overrides host)."""
    return f"{PG.replace('postgresql', driver, 1)}/{name}"


def create_databases(names: list[str]) -> None:
    """Drop and re-create each database (a fresh start for every run)."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')


def ensure_reference_venv() -> Path:
    """``bench/.work/ref-venv`` with ``agent-control-server`` installed (created on first use)."""
    stamp = REF_VENV / ".requirements"
    wanted = REF_REQUIREMENTS.read_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return REF_VENV
    print("bench: installing the reference server into bench/.work/ref-venv", file=sys.stderr)
    venv_module.EnvBuilder(with_pip=True, clear=True).create(REF_VENV)
    subprocess.run(
        [
            str(REF_VENV / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(REF_REQUIREMENTS),
        ],
        check=True,
    )
    stamp.write_text(wanted)
    return REF_VENV


def machine_line() -> str:
    """Cores, CPU model, Python and PostgreSQL versions, wrk version."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with psycopg.connect(f"{PG}/postgres") as connection:
        pg = connection.execute("SHOW server_version").fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[:2]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {pg}, {' '.join(wrk)}"
    )
