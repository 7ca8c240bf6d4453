"""Figures derived from the timed runs: medians, per-round ratios between two configurations,
fractions of the floor, memory totals. Ratios are taken round by round (both configurations ran
in the same round) and the median of those is reported."""

import statistics

MIB = 1024


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


class Figures:
    """Accessors over ``{workload: {config: [Result per round]}}`` and the memory readings."""

    def __init__(self, results: dict, memory: dict):
        self.results = results
        self.memory = memory

    def has(self, workload: str, *configs: str) -> bool:
        return all(config in self.results.get(workload, {}) for config in configs)

    def runs(self, workload: str, config: str) -> list:
        return self.results[workload][config]

    def rps(self, workload: str, config: str) -> float:
        return median(run.rps for run in self.runs(workload, config))

    def p50(self, workload: str, config: str) -> float:
        return median(run.p50_ms for run in self.runs(workload, config))

    def p99(self, workload: str, config: str) -> float:
        return median(run.p99_ms for run in self.runs(workload, config))

    def ratios(self, workload: str, config: str, other: str) -> list[float]:
        """req/s of ``config`` over ``other``, round by round."""
        pairs = zip(self.runs(workload, config), self.runs(workload, other), strict=True)
        return [mine.rps / theirs.rps for mine, theirs in pairs if theirs.rps]

    def ratio(self, workload: str, config: str, other: str) -> float:
        return median(self.ratios(workload, config, other))

    def p99_ratio(self, workload: str, config: str, other: str) -> float:
        return self.p99(workload, config) / self.p99(workload, other)

    def floor_fraction(self, workload: str, config: str) -> float | None:
        """req/s of ``workload`` over the floor's in the same configuration, or None."""
        if workload == "floor" or not self.has("floor", config):
            return None
        return self.ratio_across(workload, "floor", config)

    def ratio_across(self, workload: str, other_workload: str, config: str) -> float:
        """req/s of one workload over another's on the same configuration, round by round."""
        pairs = zip(self.runs(workload, config), self.runs(other_workload, config), strict=True)
        return median(mine.rps / theirs.rps for mine, theirs in pairs if theirs.rps)

    def memory_total(self, config: str, key: str = "peak_rss") -> float:
        """MiB summed over the configuration's processes."""
        return sum(process[key] for process in self.memory[config]) / MIB

    def memory_largest(self, config: str) -> float:
        return max(process["peak_rss"] for process in self.memory[config]) / MIB
