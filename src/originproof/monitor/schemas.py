"""How the monitor runs (cadence, budget, which verdicts) and what one pass did."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class MonitorConfig:
    cadence_s: float = 6 * 3600.0  # one pass every … (plus jitter)
    jitter_s: float = 1800.0  # random delay added to each pass, so fetches do not form a fingerprint
    per_host_budget: int = 50  # most listing fetches per host in one pass; the rest wait for the next
    verdicts: tuple[str, ...] = ("approve", "review")


@dataclass
class PassReport:
    started_at: datetime
    dossiers: int = 0
    fetched: int = 0
    skipped_budget: int = 0
    states: Counter = field(default_factory=Counter)
    reopened: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        return {"started_at": self.started_at.isoformat(), "dossiers": self.dossiers, "fetched": self.fetched,
                "skipped_budget": self.skipped_budget, "states": dict(self.states), "reopened": self.reopened}
