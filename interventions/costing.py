"""Scheduling, dosage and cost arithmetic for interventions. Pure: no Django imports.

**Planned sessions.** ``planned_dates`` is the one function that says which sessions were planned between two
dates: the days between them that fall on the intervention's weekdays and are school days (``SchoolDays``: inside
a term and outside the school's closures, so holidays, half-term weeks, INSET days and bank holidays are skipped).
Every figure built on planned sessions goes through it (an intervention's cost, the share of a period, a pupil's
dosage, a pupil's share of the cost); ``provision.calendar.school_calendar`` gives a school's ``SchoolDays``.

**A pupil's stay** in a group runs from the later of the day they joined and the group's start to the earlier of
the day they left and the group's end (``stay_dates``); the sessions planned for their stay are those dates.

**Cost.** Staff time is costed per person: sessions x minutes / 60 x the hourly rate of the role they deliver
in, except external staff paid by a fee (``external_by_fee``), whose time is in the fee rather than costed per
session. Resources and the external fee are added as they are.

**Costs follow the pupil's stay.** A group's cost is shared between its pupils by the sessions planned for each
pupil's stay (``share_by_sessions``): a pupil who left after 13 of 24 sessions carries 13/24 of the share of one
who stayed throughout. The cost of a "full place" (``CostBreakdown.per_pupil``) is what a pupil who stays for
the whole run carries: total x sessions / (the sessions planned for all the pupils' stays, added up).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from provision.school_days import SchoolDays

PENNY = Decimal("0.01")


ONE_DAY = dt.timedelta(days=1)


def planned_dates(
    *,
    days: Iterable[int],
    start: dt.date,
    end: dt.date | None,
    terms: SchoolDays | Sequence[tuple[dt.date, dt.date]],
    until: dt.date | None = None,
) -> list[dt.date]:
    """The sessions planned between two dates: school days on ``days`` (0 = Monday) from ``start`` to ``end`` (or
    to ``until`` when there is no end). ``until`` also caps a dated intervention, e.g. to count the sessions
    planned so far. ``terms`` is the school's ``SchoolDays`` (or bare term dates, with no closures).
    """
    weekdays = set(days)
    last = min(d for d in (end, until) if d is not None) if (end or until) else None
    if last is None or not weekdays:
        return []
    return SchoolDays.of(terms).weekdays_between(start, last, weekdays)


def stay_dates(
    *,
    days: Iterable[int],
    start: dt.date,
    end: dt.date | None,
    entry: dt.date,
    exit: dt.date | None,
    terms: SchoolDays | Sequence[tuple[dt.date, dt.date]],
    until: dt.date | None = None,
) -> list[dt.date]:
    """The sessions planned for one pupil's stay in a group that runs from ``start`` to ``end`` on ``days``: from
    the later of ``entry`` and ``start`` to the earlier of ``exit`` and ``end``. A stay with no end at all (the
    pupil is still in a group with no end date) runs to ``until`` (usually today); ``until`` also caps a dated
    stay, e.g. to a period's end."""
    first = max(entry, start)
    ends = [d for d in (exit, end) if d is not None]
    last = min(ends) if ends else None
    if last is not None and last < first:
        return []
    return planned_dates(days=days, start=first, end=last, terms=terms, until=until)


def sessions_in_stay(
    run: Sequence[dt.date], *, entry: dt.date, exit: dt.date | None, until: dt.date | None = None
) -> int:
    """How many of a group's planned sessions ``run`` (``planned_dates``, in date order) fall in a pupil's stay
    from ``entry`` to ``exit`` (open when None), and not after ``until``: the same count as ``stay_dates`` when
    many stays share one run, without walking the calendar for each."""
    last = min(d for d in (exit, until) if d is not None) if (exit or until) else None
    low = bisect_left(run, entry)
    high = len(run) if last is None else bisect_right(run, last)
    return max(0, high - low)


def stay_weights(sessions: Sequence[int]) -> list[int]:
    """The weights that share a group's cost between its pupils: the sessions planned for each pupil's stay, or
    one each when nobody has a planned session (a group with no days set, a wave 1 strategy)."""
    return list(sessions) if any(sessions) else [1] * len(sessions)


def share_by_sessions(total: Decimal, weights: Sequence[int], whole: int | None = None) -> list[Decimal]:
    """``total`` shared in proportion to ``weights`` (``stay_weights``: the sessions planned for each pupil's
    stay) out of ``whole``, to the penny. ``whole`` is every pupil's weight added up, when ``weights`` are only
    some of them (a filtered map shows the matching pupils' share); by default the weights are everyone. When they
    are everyone, the last share takes the rounding remainder so that the shares add up to ``total`` exactly.

    >>> share_by_sessions(Decimal("100"), [24, 24, 13])
    [Decimal('39.34'), Decimal('39.34'), Decimal('21.32')]
    """
    if not weights:
        return []
    whole = sum(weights) if whole is None else whole
    if whole <= 0:
        return [Decimal("0.00") for _ in weights]
    shares = [(Decimal(total) * weight / whole).quantize(PENNY, ROUND_HALF_UP) for weight in weights]
    if sum(weights) == whole:
        shares[-1] = Decimal(total) - sum(shares[:-1])
    return shares


EXTERNAL_ROLE = "external"  # interventions.models.StaffRole.EXTERNAL


@dataclass(frozen=True)
class StaffLine:
    """One person's time on an intervention, priced at their role's hourly rate (or in the external fee)."""

    name: str
    role: str
    hours: Decimal
    rate: Decimal | None
    cost: Decimal
    in_fee: bool = False  # an external specialist paid by the intervention's fee: their time costs nothing here


@dataclass(frozen=True)
class CostBreakdown:
    sessions: int
    minutes_per_session: int
    staff: list[StaffLine] = field(default_factory=list)
    resources: Decimal = Decimal("0")
    external: Decimal = Decimal("0")
    pupils: int = 0
    missing_rates: list[str] = field(default_factory=list)
    pupil_sessions: int = 0  # the sessions planned for every pupil's stay, added up (0: not known)

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
        """The cost of a full place: what a pupil who stays for every planned session carries. With the pupils'
        stays known, total x sessions / the sessions planned for all their stays; otherwise total / pupils."""
        if not self.pupils:
            return None
        if self.pupil_sessions and self.sessions:
            return (self.total * self.sessions / self.pupil_sessions).quantize(PENNY, ROUND_HALF_UP)
        return (self.total / self.pupils).quantize(PENNY, ROUND_HALF_UP)

    @property
    def places(self) -> Decimal | None:
        """Full places the group's pupils add up to (the sessions of their stays / the group's sessions)."""
        if not (self.pupil_sessions and self.sessions):
            return None
        return (Decimal(self.pupil_sessions) / self.sessions).quantize(Decimal("0.1"), ROUND_HALF_UP)


def cost_breakdown(
    *,
    sessions: int,
    minutes_per_session: int,
    staff: Iterable[tuple[str, str]],
    rates: dict[str, Decimal],
    resources: Decimal = Decimal("0"),
    external: Decimal = Decimal("0"),
    pupils: int = 0,
    external_by_fee: bool = False,
    pupil_sessions: int = 0,
) -> CostBreakdown:
    """The cost of ``sessions`` sessions of ``minutes_per_session`` minutes delivered by ``staff``
    ((name, role) pairs), with ``rates`` per role. A role with no rate is costed at zero and reported.

    External staff are costed one way only: per session at the external hourly rate, or, with
    ``external_by_fee``, through the ``external`` fee (their lines show their hours at no cost, so nothing is
    counted twice)."""
    hours_each = (Decimal(sessions) * Decimal(minutes_per_session) / Decimal(60)).quantize(PENNY, ROUND_HALF_UP)
    lines, missing = [], []
    for name, role in staff:
        if external_by_fee and role == EXTERNAL_ROLE:
            lines.append(
                StaffLine(name=name, role=role, hours=hours_each, rate=None, cost=Decimal("0.00"), in_fee=True)
            )
            continue
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
        pupil_sessions=pupil_sessions,
    )
