"""The configurations under test: a table of named server set-ups measured side by side.

Each ``Config`` states its command line and environment (the whole environment: servers inherit
only ``environment.INHERITED``), the CPUs it is pinned to, the role it serves as, how its
credentials are made, and which configuration its req/s are compared with. ``python -m bench
--list`` prints the table; the report prints every setting of every configuration that ran.

Every configuration of ours sets ``CONTROLPLANE_REQUEST_LOG=0`` (the reference runs with its
access log off at WARNING) and keeps metrics on (``CONTROLPLANE_METRICS=1``, the product's
default; the reference always serves Prometheus metrics), except ``ours-bare``.
"""

import json
import secrets
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .environment import REDIS, ROOT, WORK

PYTHON = sys.executable
#: The project's gunicorn configuration (its access log is off unless WEB_ACCESS_LOG is set).
GUNICORN_CONFIG = "controlplane/gunicorn.conf.py"
#: A fresh Django secret key per run (the settings refuse the public development key).
SECRET_KEY = secrets.token_urlsafe(40)
#: The Redis key prefix of this run's rate limit windows (deleted at the end of the run).
REDIS_KEY_PREFIX = f"bench-{secrets.token_hex(4)}:ratelimit"
#: Metrics, rate limits and quotas on, every limit far above the load so none triggers.
LIMITS_ENV = {
    "CONTROLPLANE_METRICS": "1",
    "CONTROLPLANE_RATE_LIMITS": "runtime=1000000/second,read=1000000/second,write=1000000/second",
    "CONTROLPLANE_REDIS_URL": REDIS,
    "CONTROLPLANE_REDIS_KEY_PREFIX": REDIS_KEY_PREFIX,
    "CONTROLPLANE_QUOTAS": "agents=1000000,controls=1000000,policies=1000000,events=100000000",
}
SECRET_NAMES = ("DJANGO_SECRET_KEY", "X-API-Key")


@dataclass(frozen=True)
class Options:
    """Run options a launch depends on."""

    threads: int
    connections: int
    reference_venv: Path


@dataclass(frozen=True)
class Config:
    name: str
    title: str
    server: str  # "ours" or "reference"
    launch: Callable[[int, Options], tuple[list[str], dict[str, str]]]
    workers: int = 1
    cpus: str = "0"
    app_role: bool = False  # ours: migrate as the owner, serve as environment.APP_ROLE
    settings_module: str = "controlplane.settings"
    row_level_security: bool = True  # ours: what the settings module says
    credentials: tuple[str, ...] = ()  # manage.py arguments printing a key, sent as X-API-Key
    versus: str | None = None  # the configuration its req/s are compared with
    env: dict[str, str] = field(default_factory=dict)

    @property
    def cwd(self) -> Path:
        # The reference reads a .env file in its working directory: give it an empty one.
        return ROOT if self.server == "ours" else WORK


def _database_env(threads: int) -> dict[str, str]:
    """The PostgreSQL pool, one connection per thread (the settings' default, stated)."""
    return {"CONN_MAX_AGE": "0", "DB_POOL_MAX_SIZE": str(threads)}


def gunicorn(workers: int) -> Callable:
    """Ours under gunicorn (gthread) with the project's configuration file, as the README's
    production section runs it."""

    def launch(port: int, options: Options):
        argv = [PYTHON, "-m", "gunicorn", "-c", GUNICORN_CONFIG]
        env = {
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
            "WEB_THREADS": str(options.threads),
            "WEB_LOG_LEVEL": "warning",
        }
        return argv, {**env, **_database_env(options.threads)}

    return launch


def uvicorn_asgi(port: int, options: Options):
    """Ours under uvicorn (ASGI), with the same pool."""
    argv = [PYTHON, "-m", "uvicorn", "controlplane.asgi:application", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--workers", "1", "--loop", "uvloop", "--http", "httptools"]
    argv += ["--no-access-log", "--log-level", "warning"]
    return argv, _database_env(options.threads)


def _reference_env(options: Options) -> dict[str, str]:
    """Production settings of the reference (its docs and Dockerfile), with a pool at least as
    large as wrk's connections and logging switched off through its own variables."""
    return {
        "AGENT_CONTROL_AUTH_MODE": "none",
        "AGENT_CONTROL_API_KEY_ENABLED": "false",
        "AGENT_CONTROL_DB_POOL_SIZE": str(options.connections),
        "AGENT_CONTROL_DB_MAX_OVERFLOW": "10",
        "AGENT_CONTROL_DB_POOL_TIMEOUT_SECONDS": "5",
        "AGENT_CONTROL_DB_CONNECT_TIMEOUT_SECONDS": "5",
        "AGENT_CONTROL_DB_STATEMENT_TIMEOUT_SECONDS": "50",
        "AGENT_CONTROL_LOG_LEVEL": "WARNING",
        "AGENT_CONTROL_ACCESS_LOG": "false",
        "AGENT_CONTROL_OBSERVABILITY_ENABLED": "true",
    }


def reference_entry_point(port: int, options: Options):
    """``agent-control-server``: the Dockerfile's CMD (one uvicorn process, uvloop, httptools)."""
    argv = [str(options.reference_venv / "bin" / "agent-control-server")]
    env = {"AGENT_CONTROL_HOST": "127.0.0.1", "AGENT_CONTROL_PORT": str(port)}
    return argv, {**env, **_reference_env(options)}


def reference_uvicorn(workers: int) -> Callable:
    """The reference app under uvicorn's own workers (its entry point has no workers option)."""

    def launch(port: int, options: Options):
        argv = [str(options.reference_venv / "bin" / "python"), "-m", "uvicorn"]
        argv += ["agent_control_server.main:app", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--workers", str(workers), "--loop", "uvloop", "--http", "httptools"]
        argv += ["--no-access-log", "--log-level", "warning"]
        return argv, _reference_env(options)

    return launch


CONFIGS = {
    config.name: config
    for config in [
        Config(
            "ours",
            "ours, production: gunicorn gthread, 1 worker; row-level security on (app role)",
            "ours",
            gunicorn(1),
            app_role=True,
            versus="reference",
        ),
        Config(
            "reference",
            "reference 8.15.0, production entry point, tuned pool, logging off",
            "reference",
            reference_entry_point,
        ),
        Config(
            "ours-rls-off",
            "ours as `ours`, served as the superuser with TENANCY_ROW_LEVEL_SECURITY=False",
            "ours",
            gunicorn(1),
            settings_module="bench.settings_rls_off",
            row_level_security=False,
            versus="reference",
        ),
        Config(
            "ours-api-key",
            "ours as `ours`, CONTROLPLANE_AUTH_MODE=api_key, an admin key sent as X-API-Key",
            "ours",
            gunicorn(1),
            app_role=True,
            credentials=("apikeys", "create", "bench-tenant", "--role", "admin", "--name", "bench"),
            versus="reference",
            env={"CONTROLPLANE_AUTH_MODE": "api_key"},
        ),
        Config(
            "ours-bare",
            "ours as `ours` with metrics off (CONTROLPLANE_METRICS=0), no rate limits, no quotas",
            "ours",
            gunicorn(1),
            app_role=True,
            versus="reference",
            env={"CONTROLPLANE_METRICS": "0"},
        ),
        Config(
            "ours-limits",
            "ours as `ours` (metrics on) with per-tenant rate limits in Redis and quotas, "
            "none reached",
            "ours",
            gunicorn(1),
            app_role=True,
            versus="ours-bare",
            env=LIMITS_ENV,
        ),
        Config(
            "ours-asgi",
            "ours as `ours`, under uvicorn (ASGI) instead of gunicorn (WSGI)",
            "ours",
            uvicorn_asgi,
            app_role=True,
            versus="reference",
        ),
        Config(
            "ours-2w",
            "ours as `ours` with 2 worker processes, on CPUs 0-1",
            "ours",
            gunicorn(2),
            workers=2,
            cpus="0,1",
            app_role=True,
            versus="reference-2w",
        ),
        Config(
            "reference-2w",
            "the reference as `reference` with 2 uvicorn worker processes, on CPUs 0-1",
            "reference",
            reference_uvicorn(2),
            workers=2,
            cpus="0,1",
        ),
    ]
}


def connections_held(config: Config, options: Options) -> int:
    """PostgreSQL connections the configuration keeps open under load: ours one per thread of
    each worker (its pool), the reference its pool per worker."""
    if config.server == "reference":
        return options.connections * config.workers
    return options.threads * config.workers


# Running the file prepares a temporary metrics directory; its on_exit hook removes it.
CONFIG_FILE_SETTINGS = f"""
import json, runpy
from gunicorn.config import KNOWN_SETTINGS
from telemetry import multiprocess
names = {{setting.name for setting in KNOWN_SETTINGS}}
try:
    values = runpy.run_path({GUNICORN_CONFIG!r})
finally:
    multiprocess.on_exit(None)
def shown(value):  # server hooks by name
    return f"{{value.__module__}}.{{value.__name__}}" if callable(value) else repr(value)
print(json.dumps({{key: value for key, value in values.items() if key in names}}, default=shown))
"""


def config_file_settings(env: dict[str, str]) -> dict:
    """The gunicorn settings ``controlplane/gunicorn.conf.py`` gives under ``env`` (the whole
    server environment), for the report."""
    completed = subprocess.run(
        [PYTHON, "-c", CONFIG_FILE_SETTINGS],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def server_env(config: Config, port: int, options: Options, database_url: str) -> dict[str, str]:
    """The configuration's own variables (what the report prints), database included."""
    _argv, env = config.launch(port, options)
    if config.server == "reference":
        return {"AGENT_CONTROL_DB_URL": database_url, **env, **config.env}
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": config.settings_module,
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CONTROLPLANE_REQUEST_LOG": "0",
        "CONTROLPLANE_METRICS": "1",
        **env,
        **config.env,
    }
