"""``Scrape``: a ``/metrics`` text parsed with prometheus_client's own parser, queried by sample
name and labels."""

from prometheus_client.parser import text_string_to_metric_families

PREFIX = "agent_control_server"


class Scrape:
    def __init__(self, text: str):
        self.text = text
        self.samples = [
            (sample.name, sample.labels, sample.value)
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]

    def value(self, name: str, **labels) -> float | None:
        """The value of the one sample ``name`` whose labels include ``labels`` (``None`` if
        there is none; two matches are a test error)."""
        found = [v for n, lab, v in self.samples if n == name and labels.items() <= lab.items()]
        assert len(found) <= 1, (name, labels, found)
        return found[0] if found else None

    def series(self, name: str, *label_names: str) -> dict[tuple, float]:
        """``{(label values...): value}`` of every sample ``name``."""
        return {
            tuple(lab.get(key) for key in label_names): v for n, lab, v in self.samples if n == name
        }

    def names(self) -> set[str]:
        return {name for name, _, _ in self.samples}
