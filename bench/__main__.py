"""``python -m bench``: the benchmark run (see ``bench/README.md``).

Steps: per configuration a fresh database, its preparation and server, identical data, the
checks (exit 1 on any failure) -> checked warm-up + rotating rounds per workload -> memory and
sessions -> servers down -> ORM-level figures -> databases, the app role and the run's Redis keys
dropped -> ``bench/results/latest.md``. ``--list`` prints the configurations and the plan without running.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import report
from .configs import CONFIGS, REDIS_KEY_PREFIX, SECRET_KEY, Options, server_env
from .environment import (
    ROOT,
    create_databases,
    database_url,
    delete_redis_keys,
    drop_databases,
    ensure_reference_venv,
    machine_line,
)
from .plan import ALL_SECTIONS, estimate, make_plan
from .run import database_name, run_http, stop_all
from .workloads import WORKLOADS

ORM_DATABASE = "bench_orm"


def _names(text: str | None) -> list[str] | None:
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sections",
        default=",".join(ALL_SECTIONS),
        help=f"comma-separated, of: {', '.join(ALL_SECTIONS)} (default: all)",
    )
    parser.add_argument("--configs", help=f"only these configurations, of: {', '.join(CONFIGS)}")
    parser.add_argument("--workloads", help=f"only these workloads, of: {', '.join(WORKLOADS)}")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per workload (default 3)")
    parser.add_argument(
        "--seconds", type=float, default=4.0, help="seconds per timed run (default 4)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=1.0,
        help="warm-up seconds per configuration and workload (default 1)",
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument(
        "--threads", type=int, default=4, help="gthread threads per worker of ours (default 4)"
    )
    parser.add_argument(
        "--scale-tenants", type=int, default=1000, help="ORM scale test tenants (default 1000)"
    )
    parser.add_argument(
        "--list", action="store_true", help="print the configurations and the plan, run nothing"
    )
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "latest.md"))
    args = parser.parse_args(argv)
    args.sections = _names(args.sections) or []
    return args


def print_plan(plan, args, options: Options) -> None:
    """The configurations (every setting, with placeholder ports) and the cells, with an estimate."""
    for name in plan.configs:
        config = CONFIGS[name]
        argv, _ = config.launch(0, options)
        env = server_env(config, 0, options, f"<{database_name(name)}>")
        print(f"{name}: {config.title}\n  command: {' '.join(argv)}\n  CPUs: {config.cpus}")
        print("  env: " + " ".join(f"{k}={v}" for k, v in env.items() if k != "DJANGO_SECRET_KEY"))
    for workload, names in plan.cells.items():
        print(f"{workload}: {', '.join(names)}")
    minutes = estimate(plan, rounds=args.rounds, seconds=args.seconds, warmup=args.warmup) / 60
    print(f"estimated time: {minutes:.1f} min (sections: {', '.join(args.sections)})")


def run_orm(args) -> dict:
    """The ORM-level section, in a child process with Django configured on its own database."""
    started = time.monotonic()
    create_databases([ORM_DATABASE])
    completed = subprocess.run(
        [sys.executable, "-m", "bench.orm", "--scale-tenants", str(args.scale_tenants)],
        env={
            **os.environ,
            "DATABASE_URL": database_url(ORM_DATABASE),
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "CONN_MAX_AGE": "0",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench: ORM section failed:\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return {**result, "seconds": time.monotonic() - started}


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    plan = make_plan(args.sections, _names(args.configs), _names(args.workloads))
    needs_reference = any(CONFIGS[name].server == "reference" for name in plan.configs)
    venv = (
        ensure_reference_venv()
        if needs_reference and not args.list
        else ROOT / "bench/.work/ref-venv"
    )
    options = Options(threads=args.threads, connections=args.connections, reference_venv=venv)
    if args.list:
        print_plan(plan, args, options)
        return 0
    print_plan(plan, args, options)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started where SIGINT was ignored
    started_at = time.monotonic()
    started = {}
    http = orm = None
    try:
        if plan.http:
            try:
                http = run_http(plan, options, args, started)
            finally:
                stop_all(started)
        if plan.orm:
            orm = run_orm(args)
    finally:
        drop_databases([*(database_name(name) for name in CONFIGS), ORM_DATABASE])
        if any("CONTROLPLANE_REDIS_URL" in CONFIGS[name].env for name in plan.configs):
            delete_redis_keys(REDIS_KEY_PREFIX)
    text = report.render(
        http,
        orm,
        started=started,
        args=args,
        machine=machine_line(),
        elapsed=time.monotonic() - started_at,
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped, databases dropped", file=sys.stderr)
        raise SystemExit(130) from None
