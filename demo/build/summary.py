"""What the demo's provision made, counted for ``seed_demo``'s summary and the tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from interventions.models import Status


@dataclass
class CheckSummary:
    checks: int = 0
    scores: int = 0
    reviews: int = 0


@dataclass
class InterventionSummary:
    """What ``interventions_create`` made. ``designs`` maps each wave 2 and 3 intervention's pk to how it was
    designed to turn out (``EFFECTIVE``, ``FADES``, ``INEFFECTIVE``, ``TOO_SMALL`` or ``UNMEASURED``)."""

    interventions: Counter = field(default_factory=Counter)  # (wave, status) -> count
    programmes_created: int = 0
    trainings: int = 0
    placements: int = 0
    sessions: int = 0
    attendance: int = 0
    plans: int = 0
    reviews: int = 0
    ratings: int = 0
    raised_results: int = 0
    designs: dict[int, str] = field(default_factory=dict)
    progress: CheckSummary = field(default_factory=CheckSummary)  # progress checks (demo.scenarios.progress_checks)

    @property
    def total(self) -> int:
        return sum(self.interventions.values())

    def describe(self) -> str:
        waves = ", ".join(
            f"wave {wave} {sum(n for (w, _), n in self.interventions.items() if w == wave):,}" for wave in (1, 2, 3)
        )
        statuses = ", ".join(
            f"{sum(n for (_, s), n in self.interventions.items() if s == status):,} {Status(status).label.lower()}"
            for status in Status.values
        )
        return (
            f"{self.total:,} interventions ({waves}; {statuses}), {self.placements:,} placements, "
            f"{self.sessions:,} sessions logged with {self.attendance:,} attendance marks, {self.plans:,} support "
            f"plans with {self.reviews:,} reviews and {self.ratings:,} outcome ratings; {self.raised_results:,} "
            f"later results raised for the groups designed to work; {self.progress.checks} groups with a weekly "
            f"progress check ({self.progress.scores:,} scores)."
        )
