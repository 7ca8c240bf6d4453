"""``python -m bench``: the whole benchmark run (see ``bench/README.md``).

Steps: fresh databases -> reference venv -> both servers up -> identical data -> correctness probe
(exit 1 on any difference) -> warm-up + alternating rounds per workload -> peak memory -> servers
down -> ORM-level figures -> ``bench/results/latest.md``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import dataset, report, servers, wrk
from .environment import create_databases, database_url, ensure_reference_venv, machine_line

WORKLOADS = [
    wrk.Workload(
        "agent_controls",
        "GET /api/v1/agents/{name}/controls (10 controls over 3 policies)",
        "GET",
        f"/api/v1/agents/{dataset.AGENT}/controls?rendered_state=rendered&enabled_state=enabled",
    ),
    wrk.Workload(
        "evaluation",
        "POST /api/v1/evaluation (10 regex/list controls, clean input)",
        "POST",
        "/api/v1/evaluation",
        json.dumps(dataset.evaluation_body()),
    ),
    wrk.Workload(
        "init_agent",
        "POST /api/v1/agents/initAgent (re-register, overwrite, 5 steps)",
        "POST",
        "/api/v1/agents/initAgent",
        json.dumps(dataset.init_agent_body()),
    ),
    wrk.Workload(
        "create_control",
        "PUT /api/v1/controls (create)",
        "PUT",
        "/api/v1/controls",
        json.dumps(dataset.create_control_body("__NAME__")),
        token="__NAME__",
    ),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per timed run")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per server")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads of our worker")
    parser.add_argument("--workloads", default=",".join(w.name for w in WORKLOADS))
    parser.add_argument("--skip-orm", action="store_true", help="skip the ORM-level section")
    parser.add_argument("--scale-tenants", type=int, default=1000)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "latest.md"))
    parser.add_argument("--ours-port", type=int, default=18081)
    parser.add_argument("--reference-port", type=int, default=18082)
    return parser.parse_args(argv)


def run_http(args) -> dict:
    """Servers up, data, probe, rounds; returns the figures for the report."""
    create_databases(["bench_ours", "bench_ref"])
    venv = ensure_reference_venv()
    ours = servers.ours(args.ours_port, database_url("bench_ours"), threads=args.threads)
    ref = servers.reference(
        args.reference_port, database_url("bench_ref", driver="postgresql+psycopg"), venv
    )
    pair = {"ours": ours, "reference": ref}
    try:
        for server in pair.values():
            server.start()
            dataset.load(server.url)
        probes = {name: dataset.probe(server.url) for name, server in pair.items()}
        if probes["ours"] != probes["reference"]:
            print(json.dumps(probes, indent=2), file=sys.stderr)
            raise SystemExit("bench: correctness probe differs between the servers; no timing.")
        if probes["ours"]["clean_is_safe"] is not True or probes["ours"]["dirty_is_safe"]:
            raise SystemExit(f"bench: unexpected evaluation verdicts {probes['ours']}")
        selected = [w for w in WORKLOADS if w.name in args.workloads.split(",")]
        results = {}
        for workload in selected:
            runs = {"ours": [], "reference": []}
            for name, server in pair.items():
                wrk.run(
                    server.url,
                    workload,
                    seconds=args.warmup,
                    connections=args.connections,
                    prefix=f"warm-{name}",
                )
            for round_index in range(args.rounds):
                order = ["ours", "reference"] if round_index % 2 == 0 else ["reference", "ours"]
                for name in order:
                    result = wrk.run(
                        pair[name].url,
                        workload,
                        seconds=args.seconds,
                        connections=args.connections,
                        prefix=f"r{round_index}-{name}",
                    )
                    if result.errors:
                        raise SystemExit(
                            f"bench: {workload.name} on {name} had {result.errors} errors"
                        )
                    runs[name].append(result)
                    print(
                        f"{workload.name:15s} round {round_index + 1} {name:9s} "
                        f"{result.rps:8.0f} req/s  p50 {result.p50_ms:6.2f} ms  "
                        f"p99 {result.p99_ms:6.2f} ms",
                        file=sys.stderr,
                    )
            results[workload.name] = {"workload": workload, "runs": runs}
        memory = {name: server.peak_rss() for name, server in pair.items()}
        return {"probe": probes["ours"], "results": results, "memory": memory}
    finally:
        for server in pair.values():
            server.stop()


def run_orm(args) -> dict:
    """The ORM-level section, in a child process with Django configured on its own database."""
    create_databases(["bench_orm"])
    completed = subprocess.run(
        [sys.executable, "-m", "bench.orm", "--scale-tenants", str(args.scale_tenants)],
        env={**os.environ, "DATABASE_URL": database_url("bench_orm")},
        cwd=servers.ROOT,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench: ORM section failed:\n{completed.stderr[-3000:]}")
    line = completed.stdout.strip().splitlines()[-1]
    return json.loads(line)


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    started = time.monotonic()
    http = run_http(args)
    orm = None if args.skip_orm else run_orm(args)
    text = report.render(
        http, orm, machine=machine_line(), args=args, elapsed=time.monotonic() - started
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
