"""Reads across interventions, placements and sessions, scoped to a school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from interventions import costing
from interventions.models import Attendance, Intervention, Placement, Session
from provision.calendar import school_calendar
from provision.models import School

FAR_FUTURE = dt.date(9999, 12, 31)


def term_ranges(school: School) -> costing.SchoolDays:
    """The school's school days (its terms less its closures: ``provision.calendar``), for counting planned
    sessions (one query)."""
    return school_calendar(school)


@dataclass(frozen=True)
class Dosage:
    """How much of an intervention a pupil has had, defined once and shown the same way on every page:

    * ``attended`` of ``held``: sessions the pupil attended, of the sessions logged on the days they were in the
      group (from the day they joined to the day they left, or to today);
    * ``attended`` of ``planned``: of the sessions planned for their stay (``costing.stay_dates``: the group's
      days that are school days (in term, not closed) from the later of joining and its start to the earlier of
      leaving and its end; a pupil still in a group with no end date, to today);
    * ``minutes`` received, from the sessions they attended.
    """

    attended: int
    held: int
    planned: int
    minutes: int
    stay_over: bool = False  # the pupil has left, or the group's end date has passed

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.attended / self.held) if self.held else None

    @property
    def planned_percent(self) -> int | None:
        return round(100 * self.attended / self.planned) if self.planned else None

    @property
    def text(self) -> str:
        """``"32 of 34 held (94%) · 32 of 42 planned for their stay · 960 min"``: the words every page uses."""
        held = f"{self.attended} of {self.held} held"
        if self.attendance_percent is not None:
            held += f" ({self.attendance_percent}%)"
        planned = f"{self.attended} of {self.planned} planned for their stay"
        if self.planned_percent is not None and self.stay_over:
            planned += f" ({self.planned_percent}%)"
        return f"{held} · {planned} · {self.minutes} min"


DOSAGE_HELD = "Sessions attended of those held (logged) while the pupil was in the group"
DOSAGE_PLANNED = (
    "Sessions attended of those planned for the pupil's stay: the group's days that are school days (in term, "
    "not a half-term, INSET day or bank holiday) from the day they joined "
    "(or it started) to the day they left (or it ends)"
)


def placements_with_dosage(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """Annotate each placement with ``sessions_attended``, ``minutes_received`` and ``sessions_held`` (sessions
    of its intervention dated while the pupil was in it). Subqueries, so one query however many placements and
    no double counting from joins."""
    present = Attendance.objects.filter(placement=OuterRef("pk"), present=True).values("placement")
    held = Session.objects.filter(
        intervention=OuterRef("intervention"),
        date__gte=OuterRef("entry_date"),
        date__lte=Coalesce(OuterRef("exit_date"), Value(FAR_FUTURE)),
    ).values("intervention")
    return placements.annotate(
        sessions_attended=Coalesce(
            Subquery(present.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        ),
        minutes_received=Coalesce(
            Subquery(present.annotate(m=Sum("session__minutes")).values("m"), output_field=IntegerField()), 0
        ),
        sessions_held=Coalesce(Subquery(held.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
    )


def dosage_for(placement: Placement, *, terms, today: dt.date) -> Dosage:
    """The dosage of a placement annotated by ``placements_with_dosage`` (no query; the placement's
    intervention must be loaded). ``terms`` are the school's term dates (or its ``costing.SchoolDays``)."""
    intervention: Intervention = placement.intervention
    planned = costing.stay_dates(
        days=intervention.days,
        start=intervention.start_date,
        end=intervention.end_date,
        entry=placement.entry_date,
        exit=placement.exit_date,
        terms=terms,
        until=today if placement.exit_date is None and intervention.end_date is None else None,
    )
    stay_end = placement.exit_date or intervention.end_date
    return Dosage(
        attended=placement.sessions_attended,
        held=placement.sessions_held,
        planned=len(planned),
        minutes=placement.minutes_received,
        stay_over=stay_end is not None and stay_end < today,
    )


@dataclass(frozen=True)
class Stay:
    """A pupil's time in a group: what costs are shared by."""

    placement_id: int
    pupil_id: int
    entry: dt.date
    exit: dt.date | None


def stays_of(interventions) -> dict[int, list[Stay]]:
    """Every placement of ``interventions`` (a queryset or ids) as stays, by intervention (one query)."""
    stays: dict[int, list[Stay]] = {}
    rows = (
        Placement.objects.filter(intervention__in=interventions)
        .order_by("intervention_id", "entry_date", "pk")
        .values_list("intervention_id", "pk", "pupil_id", "entry_date", "exit_date")
    )
    for intervention_id, pk, pupil_id, entry, exit_date in rows:
        stays.setdefault(intervention_id, []).append(Stay(pk, pupil_id, entry, exit_date))
    return stays


def stay_sessions(
    intervention: Intervention, stays: list[Stay], *, terms, today: dt.date, until: dt.date | None = None
) -> dict[int, int]:
    """placement id -> the sessions planned for that stay (``costing.stay_dates``), not after ``until`` (e.g. a
    period's end); an open stay in a group with no end date runs to today. No query: the group's planned
    sessions are listed once and each stay counts its part of them."""
    if not stays:
        return {}
    open_ended = intervention.end_date is None
    last = None
    if open_ended:
        last = max([today, *(stay.exit for stay in stays if stay.exit)])
        last = min(last, until) if until else last
    run = costing.planned_dates(
        days=intervention.days, start=intervention.start_date, end=intervention.end_date, terms=terms, until=last
    )
    out = {}
    for stay in stays:
        cap = until
        if stay.exit is None and open_ended:
            cap = min(d for d in (until, today) if d is not None)
        out[stay.placement_id] = costing.sessions_in_stay(run, entry=stay.entry, exit=stay.exit, until=cap)
    return out


def whole_run_cost(
    intervention: Intervention,
    *,
    staff,
    rates: dict[str, Decimal],
    terms,
    today: dt.date,
    stays: list[Stay] | None = None,
) -> costing.CostBreakdown:
    """An intervention's cost over its whole run (to today when it has no end date): its planned sessions priced
    (``costing.cost_breakdown``), with ``pupil_sessions`` from its pupils' stays so that the cost of a full place
    follows who stayed how long. ``staff`` are its ``InterventionStaff`` rows (or (name, role) pairs). No query."""
    dates = costing.planned_dates(
        days=intervention.days,
        start=intervention.start_date,
        end=intervention.end_date,
        terms=terms,
        until=None if intervention.end_date else today,
    )
    lines = [member if isinstance(member, tuple) else (member.name, member.role) for member in staff]
    stays = stays or []
    return costing.cost_breakdown(
        sessions=len(dates),
        minutes_per_session=intervention.minutes_per_session,
        staff=lines,
        rates=rates,
        resources=intervention.resources_cost,
        external=intervention.external_cost,
        pupils=len({stay.pupil_id for stay in stays}),
        external_by_fee=intervention.external_by_fee,
        pupil_sessions=sum(stay_sessions(intervention, stays, terms=terms, today=today).values()),
    )


def pupil_cost_shares(
    intervention: Intervention, cost: Decimal, stays: list[Stay], *, terms, today: dt.date
) -> dict[int, Decimal]:
    """placement id -> its share of ``cost`` (the whole run's), by the sessions planned for each stay
    (``costing.share_by_sessions``): a pupil who left after 13 of 24 sessions carries 13/24 of a full share."""
    sessions = stay_sessions(intervention, stays, terms=terms, today=today)
    ids = list(sessions)
    shares = costing.share_by_sessions(cost, costing.stay_weights([sessions[i] for i in ids]))
    return dict(zip(ids, shares, strict=True))


def attendance_rates(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    """Annotate interventions with ``present_count`` and ``marked_count`` (attendance marks) for a rate."""
    return interventions.annotate(
        present_count=Count("sessions__attendance", filter=Q(sessions__attendance__present=True)),
        marked_count=Count("sessions__attendance"),
    )
