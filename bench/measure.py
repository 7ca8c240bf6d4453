"""The timed part: for each workload, a checked warm-up on each of its configurations, then
``rounds`` rounds in which every configuration runs once, the order rotating from round to round
(with two configurations: A B, B A, A B, ...). Any failed check stops the run (``wrk.RunFailed``).
"""

import sys

from . import wrk
from .plan import Plan
from .servers import Server
from .workloads import WORKLOADS, Target


def _requests(server: Server, config_kind: str, workload: str) -> list[wrk.Request]:
    target = Target(config_kind, tuple(server.headers.items()))
    return WORKLOADS[workload].build(target)


def measure(plan: Plan, servers: dict[str, Server], kinds: dict[str, str], args) -> dict:
    """``{workload: {config: [Result per round]}}``."""
    results: dict[str, dict[str, list[wrk.Result]]] = {}
    for workload, names in plan.cells.items():
        requests = {name: _requests(servers[name], kinds[name], workload) for name in names}

        def drive(name: str, seconds: float, prefix: str, label: str, requests=requests):
            return wrk.run(
                servers[name].url,
                requests[name],
                seconds=seconds,
                connections=args.connections,
                prefix=f"{prefix}-{name}",
                label=f"{label} on {name}",
            )

        for name in names:
            drive(name, args.warmup, "w", f"{workload} warm-up")
        runs: dict[str, list[wrk.Result]] = {name: [] for name in names}
        for round_index in range(args.rounds):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                label = f"{workload} round {round_index + 1}"
                result = drive(name, args.seconds, f"r{round_index}", label)
                runs[name].append(result)
                print(
                    f"{workload:17s} round {round_index + 1} {name:13s} {result.rps:8.0f} req/s  "
                    f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms",
                    file=sys.stderr,
                )
        for name in names:
            if not servers[name].alive():
                raise wrk.RunFailed(f"{name} exited during {workload}:\n{servers[name].log_tail()}")
            if not servers[name].pinned():
                raise wrk.RunFailed(
                    f"{name}: a thread left CPU {servers[name].cpus} during {workload}"
                )
        results[workload] = runs
    return results
