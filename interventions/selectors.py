"""Reads across interventions, placements and sessions, scoped to a school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from provision.models import School, Term

from . import costing
from .models import Attendance, Intervention, Placement, Session

FAR_FUTURE = dt.date(9999, 12, 31)


def term_ranges(school: School) -> list[tuple[dt.date, dt.date]]:
    """The school's term dates, for counting planned sessions (one query)."""
    return list(Term.objects.for_school(school).values_list("start_date", "end_date"))


@dataclass(frozen=True)
class Dosage:
    """How much of an intervention a pupil has had: sessions attended, of those held while they were in it and
    of those planned so far and in all, and the minutes received."""

    attended: int
    held: int
    planned_to_date: int
    planned_total: int
    minutes: int

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.attended / self.held) if self.held else None

    @property
    def planned_percent(self) -> int | None:
        return round(100 * self.attended / self.planned_to_date) if self.planned_to_date else None


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


def dosage_for(placement: Placement, *, terms: list[tuple[dt.date, dt.date]], today: dt.date) -> Dosage:
    """The dosage of a placement annotated by ``placements_with_dosage`` (no query; the placement's
    intervention must be loaded)."""
    intervention: Intervention = placement.intervention
    start = max(placement.entry_date, intervention.start_date)
    end = placement.exit_date or intervention.end_date
    to_date = costing.planned_dates(days=intervention.days, start=start, end=end, terms=terms, until=today)
    total = costing.planned_dates(days=intervention.days, start=start, end=end, terms=terms)
    return Dosage(
        attended=placement.sessions_attended,
        held=placement.sessions_held,
        planned_to_date=len(to_date),
        planned_total=len(total) if end else len(to_date),
        minutes=placement.minutes_received,
    )


def attendance_rates(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    """Annotate interventions with ``present_count`` and ``marked_count`` (attendance marks) for a rate."""
    return interventions.annotate(
        present_count=Count("sessions__attendance", filter=Q(sessions__attendance__present=True)),
        marked_count=Count("sessions__attendance"),
    )
