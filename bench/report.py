"""Render one run as Markdown (``bench/results/latest.md``): the run, every setting of every
configuration, the workload tables, the dimensions and goals (``goals.py``), memory, PostgreSQL
sessions, the ORM figures."""

from datetime import UTC, datetime
from pathlib import Path

from . import dataset, goals
from .configs import CONFIGS, GUNICORN_CONFIG
from .environment import APP_ROLE, INHERITED, ROOT
from .figures import Figures
from .workloads import WORKLOADS

REFERENCE_FIXED = (
    "Reference settings its code fixes: SQLAlchemy `pool_pre_ping=True` and "
    "`pool_reset_on_return='rollback'`; starlette-exporter's Prometheus middleware on every "
    "request (it cannot be switched off, so ours keeps its metrics on too); uvicorn with uvloop and httptools. It runs psycopg's "
    "binary implementation (`agent-control-server[binary]`); its Docker image sets "
    "`PSYCOPG_IMPL=python`, which is slower: this favours the reference. Its production "
    "guidance turns API keys on; it runs with auth off here, also against `ours-api-key` "
    "(a handicap for ours)."
)


def _header(args, machine: str, elapsed: float, phases: dict) -> list[str]:
    spent = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items())
    return [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {elapsed:.0f} s ({spent}); sections: "
        f"{', '.join(args.sections)}. Machine: {machine}.",
        "",
        f"Load: wrk, 1 thread pinned to CPU 1, {args.connections} connections, "
        f"{args.seconds:.0f} s per run after a {args.warmup:.0f} s warm-up per configuration and "
        f"workload; {args.rounds} round{'s' if args.rounds != 1 else ''}, in each of which every configuration measuring the "
        "workload runs once, the order rotating from round to round. Figures are medians over "
        "the rounds; ratios are medians of per-round ratios. PostgreSQL is shared and unpinned; "
        "each configuration has its own fresh database, loaded over HTTP with the same data "
        "while the servers may use every CPU; then every thread of every server process is "
        "pinned to its configuration's CPUs.",
        "",
        "Checked (the run stops otherwise): every response of every run, warm-ups included, had "
        "a 2xx status, with no socket error, and the servers stayed up and pinned; before timing, "
        "every configuration gave the same answers as the reference (or, without it, as each "
        "other) to the correctness probe (effective controls, verdicts, a "
        "registration write applied and stored, sampled cache-busting tenants), our app role is "
        "neither superuser nor BYPASSRLS, row-level security is forced (no policy with it off), "
        "our servers' open sessions run as the configuration's role, in api_key mode a "
        "request without a key is refused with 401, and with rate limits on (before and after "
        "the timed runs) a request left its window under the run's Redis key prefix and "
        "`/metrics` counted requests and no Redis error (the limiter fails open, so this shows it "
        "ran); a 429 would have failed the run like any other non-2xx status.",
        "",
    ]


def _config_lines(started: dict) -> list[str]:
    lines = ["## Configurations", ""]
    lines.append(
        f"Every server gets only these variables plus {', '.join(INHERITED)} from the harness. "
        f"Ours is served by `gunicorn -c {GUNICORN_CONFIG}` (the project's file; its access log "
        "is off, `WEB_ACCESS_LOG` unset) or uvicorn, with the PostgreSQL connection pool "
        "(`CONN_MAX_AGE=0`, `DB_POOL_MAX_SIZE` = threads). Every configuration of ours sets "
        "`CONTROLPLANE_REQUEST_LOG=0`, dropping the application's INFO line per request, as the "
        "reference runs with its access log off at WARNING, and keeps metrics on "
        "(`CONTROLPLANE_METRICS=1`, the product's default; the reference always serves "
        "Prometheus metrics), except `ours-bare`, which measures their cost. "
        f"`{APP_ROLE}` is made by `manage.py tenancy_app_role` (NOSUPERUSER NOBYPASSRLS); "
        "migrations run as the owner."
    )
    lines.append("")
    for name, entry in started.items():
        lines += _config_entry(name, entry)
    if any(entry.config.server == "reference" for entry in started.values()):
        lines += [REFERENCE_FIXED, ""]
    return lines


def _config_entry(name: str, entry) -> list[str]:
    config = entry.config
    role = APP_ROLE if config.app_role else "the owner (superuser)"
    plural = "es" if config.workers > 1 else ""
    lines = [
        f"### `{name}`: {config.title}",
        "",
        f"- command: `{_command(entry.server.argv)}` (working directory "
        f"`{_relative(config.cwd)}`), pinned to CPU {config.cpus}, {config.workers} worker "
        f"process{plural}",
        f"- prepared with: {'; '.join('`' + _command(step) + '`' for step in entry.prepare)}",
        f"- serves as: {role}, database `{entry.database}`",
        "- environment: " + " ".join(f"`{key}={value}`" for key, value in entry.settings.items()),
    ]
    if entry.config_file:
        lines.append(
            f"- gunicorn settings from `{GUNICORN_CONFIG}`: "
            + " ".join(f"`{key}={value}`" for key, value in entry.config_file.items())
        )
    return [*lines, ""]


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path != ROOT else "the repository"


def _command(argv: list[str]) -> str:
    return " ".join(_relative(Path(arg)) if arg.startswith(str(ROOT)) else arg for arg in argv)


def _cell(value: float | None, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def _workload_lines(figures: Figures) -> list[str]:
    lines = ["## Workloads", ""]
    size = dataset.cache_size()
    for workload, runs in figures.results.items():
        lines += [f"### {WORKLOADS[workload].title}", ""]
        if workload == "evaluation_bust":
            distinct = dataset.bust_tenants() * dataset.CONTROLS_PER_AGENT
            lines += [f"{distinct} distinct control definitions; our parse cache holds {size}.", ""]
        lines += [
            "| configuration | req/s | p50 ms | p99 ms | req/s per round | req/s vs | p99 vs | of floor |",
            "| --- | ---: | ---: | ---: | --- | --- | --- | ---: |",
        ]
        for config in runs:
            versus = CONFIGS[config].versus
            compared = versus is not None and figures.has(workload, versus)
            ratio = f"{figures.ratio(workload, config, versus):.2f}x {versus}" if compared else ""
            p99 = f"{figures.p99_ratio(workload, config, versus):.2f}x" if compared else ""
            floor = _cell(figures.floor_fraction(workload, config), ".2f")
            per_round = ", ".join(f"{run.rps:.0f}" for run in figures.runs(workload, config))
            lines.append(
                f"| {config} | {figures.rps(workload, config):.0f} | {figures.p50(workload, config):.2f} "
                f"| {figures.p99(workload, config):.2f} | {per_round} | {ratio} | {p99} | {floor} |"
            )
        lines.append("")
    return lines


def _memory_lines(figures: Figures, sessions: dict, started: dict) -> list[str]:
    lines = [
        "## Memory and database sessions",
        "",
        "Memory per configuration at the end of the run, summed over all its processes (master "
        "and workers): peak resident set (VmHWM; the goal compares these totals), the largest "
        "process's peak, resident set now, and proportional set size (shared pages counted "
        "once). Sessions: PostgreSQL sessions established to the configuration's database during "
        "the timed runs (`pg_stat_database.sessions`), and connections open at the end by role.",
        "",
        "| configuration | processes | peak RSS total MiB | largest MiB | RSS now MiB | PSS MiB "
        "| sessions opened | open at end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in started:
        opened = sessions[name]["opened"]
        open_now = ", ".join(f"{count} {role}" for role, count in sessions[name]["open"].items())
        lines.append(
            f"| {name} | {len(figures.memory[name])} | {figures.memory_total(name):.1f} "
            f"| {figures.memory_largest(name):.1f} | {figures.memory_total(name, 'rss'):.1f} "
            f"| {figures.memory_total(name, 'pss'):.1f} | {opened} | {open_now or 'none'} |"
        )
    return [*lines, ""]


def _orm_lines(orm: dict) -> list[str]:
    lines = ["## ORM-level figures", ""]
    lines += [
        "In-process, on `bench_orm`, connected as the owner (a superuser: the tenant setting is "
        "sent with every statement but the policies are not evaluated; the HTTP `rls` section "
        "measures them). Stamping + scoping overhead: our managers versus plain Django models "
        "with the same columns, indexes and keys, the database wall's tenant-leading keys too "
        f"(median of {orm['repetitions']} alternating "
        "runs, garbage collector paused).",
        "",
        "| measurement | ours wall (s) | plain wall (s) | wall ratio | client CPU ratio |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in orm["stamping"]:
        lines.append(
            f"| {row['name']} | {row['ours']:.3f} | {row['plain']:.3f} | {row['ratio']:.3f}x "
            f"| {row['cpu_ratio']:.3f}x |"
        )
    lines += [
        "",
        "| endpoint | queries with 1 control | with 50 controls |",
        "| --- | ---: | ---: |",
    ]
    for row in orm["queries"]:
        lines.append(f"| {row['endpoint']} | {row['small']} | {row['large']} |")
    scale = orm["scale"]
    lines += [
        "",
        f"Scale: `GET /agents/{{name}}/controls` p50 with 1 tenant loaded {scale['small_p50_ms']:.3f} ms, "
        f"with {scale['tenants']} tenants x {scale['agents']} agents x {scale['controls']} controls "
        f"loaded {scale['large_p50_ms']:.3f} ms: **{scale['ratio']:.2f}x** ({scale['rows']} control "
        f"rows, every definition distinct; loaded in {scale['load_seconds']:.0f} s).",
        "",
    ]
    return lines


def render(http: dict | None, orm: dict | None, *, started, args, machine, elapsed) -> str:
    """The whole report."""
    phases = {**(http or {}).get("phases", {}), **({"orm": orm["seconds"]} if orm else {})}
    lines = _header(args, machine, elapsed, phases)
    figures = Figures(http["results"], http["memory"]) if http else Figures({}, {})
    if http:
        lines += _config_lines(started)
        lines += _workload_lines(figures)
        lines += goals.dimension_lines(figures)
        lines += _memory_lines(figures, http["sessions"], started)
    if orm is not None:
        lines += _orm_lines(orm)
    lines += goals.goal_lines(figures, orm)
    return "\n".join(lines) + "\n"
