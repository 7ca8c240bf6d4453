"""What the benchmark needs around it: databases and the app role, the Redis keys of the rate
limits, the reference server's virtual environment, the servers' environment, PostgreSQL
statistics, and a line describing the machine."""

import os
import platform
import subprocess
import sys
import venv as venv_module
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
REF_VENV = WORK / "ref-venv"
REF_REQUIREMENTS = ROOT / "bench" / "requirements-reference.txt"
#: The PostgreSQL server and its administrative role (owner of every benchmark database).
PG = os.environ.get("BENCH_POSTGRES", "postgresql://root@127.0.0.1:5432")
#: The Redis of the rate-limited configuration (``BENCH_REDIS`` overrides it).
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
#: The role our RLS-on configurations serve as (``manage.py tenancy_app_role``; dropped at the end).
APP_ROLE = "bench_app"
#: Variables every server inherits from the harness; everything else is set per configuration.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def database_url(name: str, *, driver: str = "postgresql", user: str | None = None) -> str:
    """URL of database ``name`` on the benchmark PostgreSQL, as its owner or as ``user``."""
    parts = urlsplit(PG)
    netloc = parts.netloc
    if user is not None:
        netloc = f"{user}@{netloc.rsplit('@', 1)[-1]}"
    scheme = parts.scheme.replace("postgresql", driver, 1)
    return urlunsplit((scheme, netloc, f"/{name}", "", ""))


def _admin() -> psycopg.Connection:
    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def create_databases(names: list[str]) -> None:
    """Drop and re-create each database (a fresh start for every run)."""
    with _admin() as connection:
        for name in names:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_databases(names: list[str]) -> None:
    """Drop each database (closing its sessions), then the app role if it exists."""
    with _admin() as connection:
        for name in names:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        try:
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(APP_ROLE)))
        except psycopg.errors.DependentObjectsStillReferenced as error:  # another run's grants
            print(f"bench: role {APP_ROLE} kept: {error}", file=sys.stderr)


def role_attributes(role: str) -> dict | None:
    """``{"superuser": bool, "bypassrls": bool}`` of ``role``, or None when it does not exist."""
    with _admin() as connection:
        row = connection.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
        ).fetchone()
    return None if row is None else {"superuser": row[0], "bypassrls": row[1]}


def row_security(database: str) -> dict:
    """Tables of ``database`` with row-level security forced, and its policies."""
    with psycopg.connect(database_url(database), autocommit=True) as connection:
        forced = connection.execute(
            "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relrowsecurity "
            "AND relforcerowsecurity"
        ).fetchone()[0]
        policies = connection.execute("SELECT count(*) FROM pg_policies").fetchone()[0]
    return {"forced_tables": forced, "policies": policies}


def sessions(databases: list[str]) -> dict[str, dict]:
    """Per database: sessions established since it was created (``pg_stat_database.sessions``),
    and the connections open now with their roles."""
    with _admin() as connection:
        connection.execute("SELECT pg_stat_clear_snapshot()")
        opened = dict(
            connection.execute(
                "SELECT datname, sessions FROM pg_stat_database WHERE datname = ANY(%s)",
                [databases],
            ).fetchall()
        )
        open_now = connection.execute(
            "SELECT datname, usename, count(*) FROM pg_stat_activity WHERE datname = ANY(%s) "
            "GROUP BY datname, usename",
            [databases],
        ).fetchall()
    result = {name: {"opened": opened.get(name, 0), "open": {}} for name in databases}
    for name, user, count in open_now:
        result[name]["open"][user] = count
    return result


def redis_keys(prefix: str) -> list[str]:
    """The keys under ``prefix`` on ``REDIS``."""
    with redis.Redis.from_url(REDIS, decode_responses=True) as client:
        return list(client.scan_iter(match=f"{prefix}*"))


def delete_redis_keys(prefix: str) -> None:
    """Delete the keys under ``prefix`` on ``REDIS`` (one run's rate windows)."""
    try:
        with redis.Redis.from_url(REDIS) as client:
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)
    except redis.RedisError as error:
        print(f"bench: the Redis keys {prefix}* were not deleted: {error}", file=sys.stderr)


def connection_headroom() -> tuple[int, int]:
    """``(max_connections, connections open now)`` on the benchmark PostgreSQL."""
    with _admin() as connection:
        limit = int(connection.execute("SHOW max_connections").fetchone()[0])
        used = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        ).fetchone()[0]
    return limit, used


def server_environment(extra: dict[str, str]) -> dict[str, str]:
    """A server's whole environment: ``INHERITED`` from the harness plus ``extra``."""
    return {**{key: os.environ[key] for key in INHERITED if key in os.environ}, **extra}


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
    with _admin() as connection:
        pg = connection.execute("SHOW server_version").fetchone()[0]
        max_connections = connection.execute("SHOW max_connections").fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[:2]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {pg} (max_connections {max_connections}), {' '.join(wrk)}"
    )
