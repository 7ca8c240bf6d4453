"""The dimensions (row-level security, auth, limits, workers, ASGI, floor) and the goals the report
prints with their verdicts: issue 15's against the tuned reference, and the cost goals of issues 9
(row-level security, ORM), 10 (api_key) and 14 (metrics, rate limits and quotas)."""

from .figures import Figures
from .plan import HOT

RATIO_GOALS = [  # (workload, goal): ours / reference req/s, issue 15
    ("agent_controls", 3.5),
    ("evaluation", 2.5),
    ("evaluation_bust", 2.0),
    ("init_agent_write", 2.0),
    ("create_control", 2.5),
]
API_KEY_GOALS = [("agent_controls", 3.5), ("evaluation", 2.0), ("init_agent_write", 2.0)]


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _pair_table(figures: Figures, title: str, a: str, b: str, label: str, note: str) -> list[str]:
    """req/s of ``a`` and ``b`` on every workload both ran, and ``a``/``b`` (median per round)."""
    rows = [w for w in figures.results if figures.has(w, a, b)]
    if not rows:
        return []
    lines = [f"### {title}", "", *([note, ""] if note else [])]
    lines.append(f"| workload | {a} req/s | {b} req/s | {label} |")
    lines.append("| --- | ---: | ---: | ---: |")
    for workload in rows:
        lines.append(
            f"| {workload} | {figures.rps(workload, a):.0f} | {figures.rps(workload, b):.0f} "
            f"| {figures.ratio(workload, a, b):.3f}x |"
        )
    return [*lines, ""]


def _scaling_lines(figures: Figures) -> list[str]:
    rows = [w for w in HOT if figures.has(w, "ours", "ours-2w", "reference", "reference-2w")]
    if not rows:
        return []
    lines = [
        "### 2 worker processes per server (CPUs 0-1; wrk shares CPU 1)",
        "",
        "Scaling: 2-worker req/s over 1-worker req/s of the same server, round by round.",
        "",
        "| workload | ours 1w | ours 2w | ours scaling | reference 1w | reference 2w "
        "| reference scaling | ours-2w / reference-2w |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for w in rows:
        lines.append(
            f"| {w} | {figures.rps(w, 'ours'):.0f} | {figures.rps(w, 'ours-2w'):.0f} "
            f"| {figures.ratio(w, 'ours-2w', 'ours'):.2f}x | {figures.rps(w, 'reference'):.0f} "
            f"| {figures.rps(w, 'reference-2w'):.0f} | {figures.ratio(w, 'reference-2w', 'reference'):.2f}x "
            f"| {figures.ratio(w, 'ours-2w', 'reference-2w'):.2f}x |"
        )
    return [*lines, ""]


def _floor_lines(figures: Figures) -> list[str]:
    configs = list(figures.results.get("floor", {}))
    if not configs:
        return []
    workloads = [w for w in figures.results if w != "floor"]
    lines = [
        "### The floor: each endpoint's req/s as a fraction of GET /health in the same configuration",
        "",
        f"| configuration | floor req/s | {' | '.join(workloads)} |",
        "| --- | ---: |" + " ---: |" * len(workloads),
    ]
    for config in configs:
        cells = []
        for workload in workloads:
            fraction = (
                figures.floor_fraction(workload, config) if figures.has(workload, config) else None
            )
            cells.append("" if fraction is None else f"{fraction:.2f}")
        lines.append(f"| {config} | {figures.rps('floor', config):.0f} | {' | '.join(cells)} |")
    return [*lines, ""]


def dimension_lines(figures: Figures) -> list[str]:
    lines = ["## Dimensions", ""]
    lines += _pair_table(
        figures,
        "Row-level security (issue 9)",
        "ours",
        "ours-rls-off",
        "on / off",
        "`ours` serves as the app role with the policies forced; `ours-rls-off` as the superuser "
        "with TENANCY_ROW_LEVEL_SECURITY=False. Overhead = 1 - on/off.",
    )
    lines += _pair_table(
        figures, "api_key mode (issue 10)", "ours-api-key", "ours", "api_key / header mode", ""
    )
    lines += _pair_table(
        figures,
        "Metrics, rate limits and quotas (issue 14)",
        "ours-limits",
        "ours-bare",
        "on / off",
        "`ours-limits`: metrics on, rate limits in Redis and quotas, all far above the load; "
        "`ours-bare`: metrics off, no rate limits, no quotas.",
    )
    lines += _pair_table(
        figures,
        "Metrics alone",
        "ours",
        "ours-bare",
        "metrics on / off",
        "`ours` counts metrics (the product's default, kept for the comparison with the "
        "reference, which always serves them); `ours-bare` does not.",
    )
    lines += _scaling_lines(figures)
    lines += _pair_table(
        figures,
        "ASGI (uvicorn) against WSGI (gunicorn gthread)",
        "ours-asgi",
        "ours",
        "ASGI / WSGI",
        "One process each, same database settings except as the configurations state.",
    )
    return lines + _floor_lines(figures)


def _ratio_goal(figures: Figures, label: str, workload: str, a: str, b: str, goal: float) -> str:
    if not figures.has(workload, a, b):
        return f"- {label}: not measured in this run"
    ratio = figures.ratio(workload, a, b)
    return f"- {label}: {ratio:.2f}x (goal >= {goal}x) -> {_verdict(ratio >= goal)}"


def _issue15(figures: Figures) -> list[str]:
    lines = [
        _ratio_goal(figures, f"{w} ours/reference", w, "ours", "reference", goal)
        for w, goal in RATIO_GOALS
    ]
    p99 = {
        w: figures.p99_ratio(w, "ours", "reference")
        for w in figures.results
        if figures.has(w, "ours", "reference")
    }
    if p99:
        listed = ", ".join(f"{w} {ratio:.2f}x" for w, ratio in p99.items())
        ok = all(ratio <= 0.5 for ratio in p99.values())
        lines.append(
            f"- p99 ours/reference on every workload ({listed}; goal <= 0.5x) -> {_verdict(ok)}"
        )
    if "ours" in figures.memory and "reference" in figures.memory:
        ours, ref = figures.memory_total("ours"), figures.memory_total("reference")
        lines.append(
            f"- total peak memory: ours {ours:.1f} MiB (largest process "
            f"{figures.memory_largest('ours'):.1f}) vs reference {ref:.1f} MiB (largest "
            f"{figures.memory_largest('reference'):.1f}) -> {_verdict(ours <= ref)}"
        )
    for w in HOT:
        if figures.has(w, "ours", "ours-2w", "reference", "reference-2w"):
            ours = figures.ratio(w, "ours-2w", "ours")
            ref = figures.ratio(w, "reference-2w", "reference")
            lines.append(
                f"- 2-worker scaling on {w}: ours {ours:.2f}x vs reference {ref:.2f}x -> "
                f"{_verdict(ours >= ref)}"
            )
    fraction = (
        figures.floor_fraction("agent_controls", "ours")
        if figures.has("agent_controls", "ours")
        else None
    )
    if fraction is not None:
        lines.append(
            f"- agent controls at {fraction:.2f} of the floor (goal >= 0.5) -> {_verdict(fraction >= 0.5)}"
        )
    return lines


def _cost_goals(figures: Figures) -> list[str]:
    lines = []
    for w in HOT:
        if figures.has(w, "ours", "ours-rls-off"):
            overhead = 1 - figures.ratio(w, "ours", "ours-rls-off")
            lines.append(
                f"- row-level security overhead on {w}: {100 * overhead:+.1f} % (goal <= 10 %) -> {_verdict(overhead <= 0.10)}"
            )
    for w, goal in API_KEY_GOALS:
        if figures.has(w, "ours-api-key", "reference"):
            lines.append(
                _ratio_goal(
                    figures, f"api_key {w} vs reference", w, "ours-api-key", "reference", goal
                )
            )
            p99 = figures.p99_ratio(w, "ours-api-key", "reference")
            lines.append(
                f"- api_key {w} p99 vs reference {p99:.2f}x (goal <= 1x) -> {_verdict(p99 <= 1)}"
            )
    for w in HOT:
        if figures.has(w, "ours-limits", "ours-bare"):
            ratio = figures.ratio(w, "ours-limits", "ours-bare")
            lines.append(
                f"- metrics, rate limits and quotas on {w}: {ratio:.3f}x of without "
                f"(goal >= 0.95x) -> {_verdict(ratio >= 0.95)}"
            )
    return lines


def _orm_goals(orm: dict) -> list[str]:
    bulk = [row for row in orm["stamping"] if row["name"].startswith("bulk_create")]
    worst = max(row["ratio"] for row in bulk)
    flat = all(row["small"] == row["large"] for row in orm["queries"])
    scale = orm["scale"]["ratio"]
    return [
        f"- ORM stamping + scoping overhead on the bulk paths: worst {100 * (worst - 1):+.1f} % "
        f"(goal <= 5 %) -> {_verdict(worst <= 1.05)}",
        f"- query counts flat between 1 and 50 controls -> {_verdict(flat)}",
        f"- scale ratio {scale:.2f}x (goal <= 1.2x) -> {_verdict(scale <= 1.2)}",
    ]


def goal_lines(figures: Figures, orm: dict | None) -> list[str]:
    lines = ["## Goals", ""]
    goals = [*_issue15(figures), *_cost_goals(figures)]
    goals += _orm_goals(orm) if orm is not None else ["- ORM goals: not measured in this run"]
    missed = [line for line in goals if "**not met**" in line]
    lines += goals
    lines += ["", f"{len(missed)} goal{'s' if len(missed) != 1 else ''} not met", ""]
    if missed:
        lines += ["The closing note explains each miss and what would close it:", *missed, ""]
    return lines
