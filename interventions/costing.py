"""Scheduling and cost arithmetic for interventions. Pure: no Django imports.

An intervention's planned sessions are the dates between its start and end that fall on its weekdays and
inside a term (holidays and the gaps between terms are skipped). Staff time is costed per person:
sessions x minutes / 60 x the hourly rate of the role they deliver in. Resources and external costs are added
as they are. Cost per pupil divides the total by the pupils placed (an empty group has no cost per pupil).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def planned_dates(
    *,
    days: Iterable[int],
    start: dt.date,
    end: dt.date | None,
    terms: Sequence[tuple[dt.date, dt.date]],
    until: dt.date | None = None,
) -> list[dt.date]:
    """School days on ``days`` (0 = Monday) from ``start`` to ``end`` (or ``until`` when there is no end), in term.

    ``until`` also caps a dated intervention, e.g. to count the sessions planned so far.
    """
    weekdays = set(days)
    last = min(d for d in (end, until) if d is not None) if (end or until) else None
    if last is None or not weekdays:
        return []
    dates = []
    day = start
    while day <= last:
        if day.weekday() in weekdays and any(first <= day <= final for first, final in terms):
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


@dataclass(frozen=True)
class StaffLine:
    """One person's time on an intervention, priced at their role's hourly rate."""

    name: str
    role: str
    hours: Decimal
    rate: Decimal | None
    cost: Decimal


@dataclass(frozen=True)
class CostBreakdown:
    sessions: int
    minutes_per_session: int
    staff: list[StaffLine] = field(default_factory=list)
    resources: Decimal = Decimal("0")
    external: Decimal = Decimal("0")
    pupils: int = 0
    missing_rates: list[str] = field(default_factory=list)

    @property
    def staff_hours(self) -> Decimal:
        return sum((line.hours for line in self.staff), Decimal("0"))

    @property
    def staff_cost(self) -> Decimal:
        return sum((line.cost for line in self.staff), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return (self.staff_cost + self.resources + self.external).quantize(PENNY, ROUND_HALF_UP)

    @property
    def per_pupil(self) -> Decimal | None:
        if not self.pupils:
            return None
        return (self.total / self.pupils).quantize(PENNY, ROUND_HALF_UP)


def cost_breakdown(
    *,
    sessions: int,
    minutes_per_session: int,
    staff: Iterable[tuple[str, str]],
    rates: dict[str, Decimal],
    resources: Decimal = Decimal("0"),
    external: Decimal = Decimal("0"),
    pupils: int = 0,
) -> CostBreakdown:
    """The cost of ``sessions`` sessions of ``minutes_per_session`` minutes delivered by ``staff``
    ((name, role) pairs), with ``rates`` per role. A role with no rate is costed at zero and reported."""
    hours_each = (Decimal(sessions) * Decimal(minutes_per_session) / Decimal(60)).quantize(PENNY, ROUND_HALF_UP)
    lines, missing = [], []
    for name, role in staff:
        rate = rates.get(role)
        if rate is None:
            missing.append(role)
        cost = (hours_each * (rate or Decimal("0"))).quantize(PENNY, ROUND_HALF_UP)
        lines.append(StaffLine(name=name, role=role, hours=hours_each, rate=rate, cost=cost))
    return CostBreakdown(
        sessions=sessions,
        minutes_per_session=minutes_per_session,
        staff=lines,
        resources=Decimal(resources),
        external=Decimal(external),
        pupils=pupils,
        missing_rates=sorted(set(missing)),
    )
