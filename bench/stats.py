"""One run's figures, and the median / min-max over runs."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Run:
    """One bounded run of one scenario."""

    rate: float  # successful requests (or flows) per second
    p50_ms: float
    p99_ms: float
    requests: int = 0
    errors: int = 0
    extra: dict[str, float] = field(default_factory=dict)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


@dataclass
class Summary:
    """Median and range over runs of one scenario."""

    runs: list[Run]

    def _values(self, name: str) -> list[float]:
        return [getattr(r, name) for r in self.runs]

    def median(self, name: str) -> float:
        return statistics.median(self._values(name)) if self.runs else 0.0

    def lo(self, name: str) -> float:
        return min(self._values(name)) if self.runs else 0.0

    def hi(self, name: str) -> float:
        return max(self._values(name)) if self.runs else 0.0

    def fmt(self, name: str, digits: int = 0) -> str:
        """``median (min-max)``; just the value for a single run."""
        if not self.runs:
            return "-"
        m, lo, hi = self.median(name), self.lo(name), self.hi(name)
        if len(self.runs) == 1:
            return f"{m:,.{digits}f}"
        return f"{m:,.{digits}f} ({lo:,.{digits}f}-{hi:,.{digits}f})"

    def extra(self, key: str) -> float | None:
        """Median of an extra figure over the runs that have it."""
        values = [r.extra[key] for r in self.runs if key in r.extra]
        return statistics.median(values) if values else None

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.runs)
