"""Render the benchmark figures as Markdown (``bench/results/latest.md``)."""

import statistics
from datetime import UTC, datetime

GOALS = {"agent_controls": 2.0, "evaluation": 1.5, "init_agent": 1.5}


def _median(values):
    return statistics.median(values) if values else float("nan")


def _workload_section(name: str, entry: dict) -> tuple[list[str], dict]:
    runs = entry["runs"]
    ours, ref = runs["ours"], runs["reference"]
    ratios = [o.rps / r.rps for o, r in zip(ours, ref, strict=True) if r.rps]
    figures = {
        side: {
            "rps": _median([r.rps for r in results]),
            "p50": _median([r.p50_ms for r in results]),
            "p99": _median([r.p99_ms for r in results]),
        }
        for side, results in runs.items()
    }
    ratio = _median(ratios)
    lines = [
        f"### {entry['workload'].title}",
        "",
        "| server | req/s (median) | p50 ms | p99 ms | req/s per round |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for side, results in runs.items():
        f = figures[side]
        per_round = ", ".join(f"{r.rps:.0f}" for r in results)
        lines.append(f"| {side} | {f['rps']:.0f} | {f['p50']:.2f} | {f['p99']:.2f} | {per_round} |")
    lines += [
        "",
        f"ours/reference req/s: **{ratio:.2f}x** (median; per round: "
        + ", ".join(f"{r:.2f}x" for r in ratios)
        + f"); p99 ours/reference: {figures['ours']['p99'] / figures['reference']['p99']:.2f}x",
        "",
    ]
    return lines, {"ratio": ratio, "figures": figures}


def _memory_lines(memory: dict) -> list[str]:
    lines = ["### Peak resident memory (VmHWM) per server process", ""]
    lines += ["| server | process | peak RSS MiB |", "| --- | --- | ---: |"]
    for side, processes in memory.items():
        for index, (pid, kib) in enumerate(sorted(processes.items())):
            role = "started process" if index == 0 else f"child {index}"
            lines.append(f"| {side} | {role} (pid {pid}) | {kib / 1024:.1f} |")
    return [*lines, ""]


def _orm_lines(orm: dict) -> list[str]:
    lines = ["## ORM-level figures", ""]
    lines += [
        "Stamping + scoping overhead: our managers versus plain Django models with the same columns",
        f"and constraints (median of {orm['repetitions']} alternating runs, garbage collector "
        "paused).",
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
        f"loaded {scale['large_p50_ms']:.3f} ms: **{scale['ratio']:.2f}x** "
        f"({scale['rows']} control rows; loaded in {scale['load_seconds']:.0f} s).",
        "",
    ]
    return lines


def render(http: dict, orm: dict | None, *, machine: str, args, elapsed: float) -> str:
    """The whole report."""
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {elapsed:.0f} s. Machine: {machine}.",
        "",
        f"wrk: 1 thread, {args.connections} connections, {args.seconds:.0f} s per run after a "
        f"{args.warmup:.0f} s warm-up, {args.rounds} alternating rounds. Servers pinned to CPU 0, "
        "wrk to CPU 1, PostgreSQL unpinned. Ours: gunicorn, 1 worker process (gthread, "
        f"{args.threads} threads), CONN_MAX_AGE=600. Reference: agent-control-server 8.15.0, "
        "uvicorn, 1 process. Same PostgreSQL, separate databases, identical data loaded over HTTP; "
        "the correctness probe (same effective control ids, same verdicts) passed before timing.",
        "",
        "## HTTP workloads",
        "",
    ]
    summary = {}
    for name, entry in http["results"].items():
        section, summary[name] = _workload_section(name, entry)
        lines += section
    lines += _memory_lines(http["memory"])
    if orm is not None:
        lines += _orm_lines(orm)
    lines += ["## Goals", ""]
    for name, goal in GOALS.items():
        if name in summary:
            ratio = summary[name]["ratio"]
            p99 = summary[name]["figures"]
            p99_ok = p99["ours"]["p99"] <= p99["reference"]["p99"]
            lines.append(
                f"- {name}: {ratio:.2f}x req/s (goal >= {goal}x) -> "
                f"{'met' if ratio >= goal else 'not met'}; p99 "
                f"{'no worse' if p99_ok else 'worse'} than the reference"
            )
    lines += _memory_goal(http["memory"])
    if orm is not None:
        lines += _orm_goals(orm)
    return "\n".join(lines) + "\n"


def _memory_goal(memory: dict) -> list[str]:
    ours = max(memory["ours"].values()) / 1024
    reference = max(memory["reference"].values()) / 1024
    total = sum(memory["ours"].values()) / 1024
    return [
        f"- peak memory per server process: ours {ours:.1f} MiB (largest process; "
        f"{total:.1f} MiB for master + worker) vs reference {reference:.1f} MiB -> "
        f"{'met' if ours <= reference else 'not met'}"
    ]


def _orm_goals(orm: dict) -> list[str]:
    bulk = [row for row in orm["stamping"] if row["name"].startswith("bulk_create")]
    worst = max(row["ratio"] for row in bulk)
    flat = all(row["small"] == row["large"] for row in orm["queries"])
    scale = orm["scale"]["ratio"]
    return [
        f"- stamping + scoping overhead on the bulk paths: worst {100 * (worst - 1):+.1f} % "
        f"(goal <= 5 %) -> {'met' if worst <= 1.05 else 'not met'}",
        f"- query counts flat between 1 and 50 controls -> {'met' if flat else 'not met'}",
        f"- scale ratio {scale:.2f}x (goal <= 1.2x) -> {'met' if scale <= 1.2 else 'not met'}",
    ]
