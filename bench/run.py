"""One run's HTTP part: per configuration a fresh database, its preparation (migrate, app role,
credentials), the server, the data and the probes; then the timed rounds, memory and PostgreSQL
sessions. Servers are stopped by the caller's ``finally`` (``stop_all``), also on errors and Ctrl-C.
"""

import json
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from . import dataset, probes
from .configs import (
    CONFIGS,
    GUNICORN_CONFIG,
    SECRET_NAMES,
    Config,
    Options,
    config_file_settings,
    connections_held,
    server_env,
)
from .environment import (
    APP_ROLE,
    connection_headroom,
    create_databases,
    database_url,
    server_environment,
    sessions,
)
from .measure import measure
from .plan import Plan
from .servers import Server


@dataclass
class Started:
    """What the report states about a configuration that ran."""

    config: Config
    server: Server
    database: str
    prepare: list[list[str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    config_file: dict = field(default_factory=dict)  # gunicorn settings from the config file


def database_name(config: str) -> str:
    return "bench_" + config.replace("-", "_")


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def _masked(env: dict[str, str]) -> dict[str, str]:
    return {key: "<secret>" if key in SECRET_NAMES else value for key, value in env.items()}


def prepare_ours(config: Config, server: Server, owner_url: str, started: Started) -> None:
    """migrate (as the owner), the app role, the credentials; fills ``server.headers``."""
    env = {**server.env, "DATABASE_URL": owner_url}
    commands = [["migrate", "--noinput"]]
    if config.app_role:
        commands.append(["tenancy_app_role", APP_ROLE])
    if config.credentials:
        commands.append(list(config.credentials))
    for command in commands:
        argv = [sys.executable, "manage.py", *command]
        started.prepare.append(argv[1:])
        output = server.run_command(argv, env)
        if command == list(config.credentials):
            server.headers["X-API-Key"] = output.strip()  # the secret alone


def start(config: Config, options: Options) -> Started:
    """Prepare and start ``config``."""
    database = database_name(config.name)
    create_databases([database])
    port = free_port()
    if config.server == "ours":
        owner_url = database_url(database)
        serve_url = database_url(database, user=APP_ROLE) if config.app_role else owner_url
    else:
        owner_url = serve_url = database_url(database, driver="postgresql+psycopg")
    settings = server_env(config, port, options, serve_url)
    argv, _ = config.launch(port, options)
    server = Server(
        config.name, argv, server_environment(settings), port, config.cpus, cwd=config.cwd
    )
    started = Started(config, server, database, settings=_masked(settings))
    if config.server == "ours":
        if GUNICORN_CONFIG in argv:
            started.config_file = config_file_settings(server.env)
        prepare_ours(config, server, owner_url, started)
    else:
        migrate = [str(options.reference_venv / "bin" / "agent-control-migrate"), "upgrade", "head"]
        started.prepare.append(migrate)
        server.run_command(migrate, server.env)
    server.start()
    return started


def load(entry: Started, datasets: set[str]) -> float:
    """Load the configuration's data; returns the seconds it took."""
    begin = time.monotonic()
    server = entry.server
    dataset.load_base(server.url, server.headers)
    if "bust" in datasets:
        dataset.load_bust(server.url, server.headers, entry.config.server)
    return time.monotonic() - begin


def load_all(started: dict[str, Started], plan: Plan) -> None:
    """Every configuration's data, all at once (the servers are not pinned yet). On an error or
    Ctrl-C the pending loads are cancelled; the running ones end when the servers stop."""
    pool = ThreadPoolExecutor(len(started) or 1)
    try:
        futures = {
            name: pool.submit(load, entry, plan.datasets(name)) for name, entry in started.items()
        }
        for name, future in futures.items():
            print(f"bench: {name} loaded in {future.result():.0f} s", file=sys.stderr)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def stop_all(started: dict[str, Started]) -> None:
    for entry in started.values():
        entry.server.stop()


def _check_limits(started: dict[str, Started]) -> list[str]:
    """``probes.check_limits`` on every configuration with rate limits in Redis."""
    problems = []
    for name, entry in started.items():
        prefix = entry.config.env.get("CONTROLPLANE_REDIS_KEY_PREFIX")
        if prefix:
            problems += probes.check_limits(name, entry.server.url, entry.server.headers, prefix)
    return problems


def run_http(plan: Plan, options: Options, args, started: dict[str, Started]) -> dict:
    """Start every configuration of ``plan`` into ``started`` (the caller stops them), check,
    measure; returns the figures for the report."""
    phases = {}
    held = sum(connections_held(CONFIGS[name], options) for name in plan.configs)
    limit, used = connection_headroom()
    print(
        f"bench: the servers will hold up to {held} PostgreSQL connections; {used} of "
        f"max_connections {limit} are in use now",
        file=sys.stderr,
    )
    begin = time.monotonic()
    for name in plan.configs:
        print(f"bench: starting {name}", file=sys.stderr)
        started[name] = start(CONFIGS[name], options)
    phases["start"] = time.monotonic() - begin
    begin = time.monotonic()
    load_all(started, plan)
    phases["load"] = time.monotonic() - begin
    begin = time.monotonic()
    for entry in started.values():
        entry.server.pin()
    answers = {
        name: probes.probe(
            entry.server.url,
            entry.server.headers,
            entry.config.server,
            bust="bust" in plan.datasets(name),
        )
        for name, entry in started.items()
    }
    problems = probes.compare(answers)
    for name, entry in started.items():
        if entry.config.server == "ours":
            problems += probes.check_serving(
                name,
                entry.database,
                app_role=entry.config.app_role,
                rls_setting=entry.config.row_level_security,
            )
        if entry.config.credentials:
            problems += probes.check_auth(name, entry.server.url)
        if not entry.server.pinned():
            problems.append(f"{name}: not every thread is pinned to CPU {entry.config.cpus}")
    problems += _check_limits(started)
    if problems:
        print(json.dumps(answers, indent=2), file=sys.stderr)
        raise SystemExit("bench: checks failed before timing:\n- " + "\n- ".join(problems))
    phases["checks"] = time.monotonic() - begin
    databases = [entry.database for entry in started.values()]
    before = sessions(databases)
    begin = time.monotonic()
    kinds = {name: entry.config.server for name, entry in started.items()}
    results = measure(plan, {name: entry.server for name, entry in started.items()}, kinds, args)
    phases["timed"] = time.monotonic() - begin
    problems = _check_limits(started)
    if problems:
        raise SystemExit("bench: checks failed after timing:\n- " + "\n- ".join(problems))
    time.sleep(1)  # PostgreSQL publishes session statistics about once a second
    after = sessions(databases)
    return {
        "results": results,
        "probe": answers,
        "memory": {name: entry.server.memory() for name, entry in started.items()},
        "sessions": {
            name: {
                "opened": after[entry.database]["opened"] - before[entry.database]["opened"],
                "open": after[entry.database]["open"],
            }
            for name, entry in started.items()
        },
        "phases": phases,
    }
