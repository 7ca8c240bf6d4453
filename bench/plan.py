"""Sections: which configurations run which workloads, and the plan of one run.

Every section lists the cells (configuration x workload) its figures need, so any one section run
alone gives complete figures. The floor (GET /health) runs on each of our process configurations:
``ours`` (whose floor also serves ``ours-rls-off``, ``ours-api-key``, ``ours-bare`` and
``ours-limits``, the same process configuration), ``ours-asgi`` and ``ours-2w``. The plan is the
union of the selected sections' cells, filtered by ``--configs`` / ``--workloads``; each workload
is then measured on all its configurations in the same rounds (``measure.py``).
"""

from dataclasses import dataclass

from .configs import CONFIGS
from .workloads import WORKLOADS

COMPARED = ["agent_controls", "evaluation", "evaluation_bust", "init_agent_same"]
COMPARED += ["init_agent_write", "create_control"]
HOT = ["agent_controls", "evaluation"]

SECTIONS: dict[str, dict[str, list[str]]] = {
    # ours against the tuned reference, one worker process each, every workload
    "compare": {"ours": ["floor", *COMPARED], "reference": COMPARED},
    # row-level security on (the app role) against off (superuser, setting off): issue 9
    "rls": {"ours": ["floor", *HOT], "ours-rls-off": HOT},
    # api_key mode against the reference with auth off: issue 10
    "auth": {
        "ours-api-key": [*HOT, "init_agent_write"],
        "ours": ["floor", *HOT, "init_agent_write"],
        "reference": [*HOT, "init_agent_write"],
    },
    # metrics, rate limits and quotas on against all off, and metrics alone: issue 14
    "limits": {"ours-limits": HOT, "ours-bare": HOT, "ours": ["floor", *HOT]},
    # 2 worker processes per server, with the 1-worker figures for the scaling
    "workers": {
        "ours-2w": ["floor", *HOT],
        "reference-2w": HOT,
        "ours": ["floor", *HOT],
        "reference": HOT,
    },
    # ours under ASGI against WSGI
    "asgi": {"ours-asgi": ["floor", *HOT], "ours": ["floor", *HOT], "reference": HOT},
}
ORM_SECTION = "orm"
ALL_SECTIONS = [*SECTIONS, ORM_SECTION]


@dataclass
class Plan:
    sections: list[str]
    cells: dict[str, list[str]]  # workload -> configurations, in WORKLOADS order

    @property
    def configs(self) -> list[str]:
        """Configurations in the plan, in ``CONFIGS`` order."""
        used = {name for names in self.cells.values() for name in names}
        return [name for name in CONFIGS if name in used]

    def datasets(self, config: str) -> set[str]:
        return {WORKLOADS[w].dataset for w, names in self.cells.items() if config in names}

    @property
    def http(self) -> bool:
        return bool(self.cells)

    @property
    def orm(self) -> bool:
        return ORM_SECTION in self.sections


def make_plan(sections: list[str], configs: list[str] | None, workloads: list[str] | None) -> Plan:
    """The cells of ``sections``, restricted to ``configs`` and ``workloads`` when given."""
    unknown = [s for s in sections if s not in ALL_SECTIONS]
    unknown += [c for c in configs or [] if c not in CONFIGS]
    unknown += [w for w in workloads or [] if w not in WORKLOADS]
    if unknown:
        raise SystemExit(f"bench: unknown section, configuration or workload: {', '.join(unknown)}")
    wanted: dict[str, set[str]] = {}
    for section in sections:
        for config, names in SECTIONS.get(section, {}).items():
            if configs is None or config in configs:
                for workload in names:
                    if workloads is None or workload in workloads:
                        wanted.setdefault(workload, set()).add(config)
    cells = {
        workload: [name for name in CONFIGS if name in wanted[workload]]
        for workload in WORKLOADS
        if workload in wanted
    }
    return Plan(sections=sections, cells=cells)


#: Seconds outside the timed runs, measured on the 2-core machine: start (migrate, app role,
#: server up, base data, probe) per configuration, cache-busting data per server, ORM section.
START_SECONDS = 6
BUST_SECONDS = 20
ORM_SECONDS = 70


def estimate(plan: Plan, *, rounds: int, seconds: float, warmup: float) -> float:
    """Rough wall time of the run in seconds."""
    per_cell = max(1, round(warmup)) + rounds * max(1, round(seconds)) + 0.1 * (rounds + 1)
    cells = sum(len(names) for names in plan.cells.values())
    busts = len(plan.cells.get("evaluation_bust", []))
    total = cells * per_cell + len(plan.configs) * START_SECONDS + busts * BUST_SECONDS
    return total + (ORM_SECONDS if plan.orm else 0)
