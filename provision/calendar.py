"""The one place that says which days are school days: a school's terms less its closures (half-term weeks, INSET
days, bank holidays), as a ``provision.school_days.SchoolDays``.

Everything that counts days asks here: planned sessions and staff costs (``interventions.costing``), a pupil's
dosage, "running past its end" and "no session logged for two school weeks" (``reports.dashboard.build``), the end
date a programme's length in teaching weeks gives. Load the calendar once per school (``school_calendar``: one
query) or once for many schools (``calendars_for``: one query), never per group.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from .models import Closure, ClosureKind, School, Term
from .school_days import BankHoliday, SchoolDays, bank_holidays_between, suggested_half_term


def _calendars(rows: Iterable[tuple]) -> dict[int, SchoolDays]:
    terms: dict[int, set] = defaultdict(set)
    closures: dict[int, set] = defaultdict(set)
    half_terms: dict[int, set] = defaultdict(set)
    for school_id, start, end, closed_from, closed_to, kind in rows:
        terms[school_id].add((start, end))
        if closed_from is not None:
            closures[school_id].add((closed_from, closed_to))
            if kind == ClosureKind.HALF_TERM:
                half_terms[school_id].add((closed_from, closed_to))
    return {
        pk: SchoolDays(tuple(sorted(spans)), tuple(sorted(closures[pk])), tuple(sorted(half_terms[pk])))
        for pk, spans in terms.items()
    }


def _rows(terms):
    # One row per closure (a LEFT JOIN), or one row with no closure for a term without any: one query.
    return terms.values_list(
        "academic_year__school_id",
        "start_date",
        "end_date",
        "closures__start_date",
        "closures__end_date",
        "closures__kind",
    )


def terms_in_order(school: School):
    """The school's terms, oldest first, with their academic years (one query when read)."""
    return Term.objects.for_school(school).select_related("academic_year").order_by("start_date")


def school_calendar(school: School | int) -> SchoolDays:
    """``school``'s school days: its terms less its closures (one query)."""
    school_id = school if isinstance(school, int) else school.pk
    return _calendars(_rows(Term.objects.filter(academic_year__school_id=school_id))).get(school_id, SchoolDays(()))


def calendars_for(schools: Iterable[School | int]) -> dict[int, SchoolDays]:
    """school id -> its ``SchoolDays``, for every school in ``schools`` (one query however many)."""
    ids = [school if isinstance(school, int) else school.pk for school in schools]
    found = _calendars(_rows(Term.objects.filter(academic_year__school_id__in=ids)))
    return {pk: found.get(pk, SchoolDays(())) for pk in ids}


def school_days(school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    """The school days from ``start`` to ``end`` inclusive (one query)."""
    return list(school_calendar(school).days_between(start, end))


def is_school_day(school: School, day: dt.date) -> bool:
    """Whether ``school`` is open on ``day`` (one query)."""
    return school_calendar(school).is_school_day(day)


def school_days_between(school: School, start: dt.date, end: dt.date) -> int:
    """How many school days there are from ``start`` to ``end`` inclusive (one query)."""
    return school_calendar(school).count_between(start, end)


# --- Offering closures --------------------------------------------------------------------------------------


def free_bank_holidays(term: Term, closures: list[Closure]) -> list[BankHoliday]:
    """The England and Wales bank holidays on weekdays inside ``term`` that no closure of it covers yet."""
    return [
        holiday
        for holiday in bank_holidays_between(term.start_date, term.end_date)
        if holiday.date.weekday() < 5 and not any(c.start_date <= holiday.date <= c.end_date for c in closures)
    ]


def _absorbed(closure: Closure, week: tuple[dt.date, dt.date]) -> bool:
    """A bank holiday inside a suggested half-term week: the week covers it, so adding the week replaces it."""
    return closure.kind == ClosureKind.BANK_HOLIDAY and week[0] <= closure.start_date and closure.end_date <= week[1]


def half_term_suggestion(term: Term, closures: list[Closure]) -> tuple[dt.date, dt.date] | None:
    """A half-term week for ``term`` (``school_days.suggested_half_term``), unless it has a half-term already or
    the week would overlap a closure it has (other than a bank holiday the week covers)."""
    if any(c.kind == ClosureKind.HALF_TERM for c in closures):
        return None
    week = suggested_half_term(term.start_date, term.end_date)
    if week is None:
        return None
    if any(c.start_date <= week[1] and week[0] <= c.end_date and not _absorbed(c, week) for c in closures):
        return None
    return week


HALF_TERM_NAMES = {"autumn": "Autumn half-term", "spring": "Spring half-term", "summer": "Summer half-term"}


@transaction.atomic
def bank_holidays_add(*, term: Term) -> list[Closure]:
    """Record each bank holiday inside ``term`` that no closure covers yet (``free_bank_holidays``)."""
    Term.objects.select_for_update().filter(pk=term.pk).exists()  # two clicks at once add each holiday once
    closures = list(term.closures.all())
    added = []
    for holiday in free_bank_holidays(term, closures):
        closure = Closure(
            term=term, kind=ClosureKind.BANK_HOLIDAY, name=holiday.name, start_date=holiday.date, end_date=holiday.date
        )
        closure.full_clean()
        closure.save()
        added.append(closure)
    return added


@transaction.atomic
def half_term_add(*, term: Term) -> Closure | None:
    """Record the suggested half-term week of ``term`` (``half_term_suggestion``); None when there is none."""
    Term.objects.select_for_update().filter(pk=term.pk).exists()
    closures = list(term.closures.all())
    week = half_term_suggestion(term, closures)
    if week is None:
        return None
    for covered in closures:
        if _absorbed(covered, week):
            covered.delete()  # the half-term week keeps the school shut that day
    closure = Closure(
        term=term,
        kind=ClosureKind.HALF_TERM,
        name=HALF_TERM_NAMES.get(term.name, "Half-term"),
        start_date=week[0],
        end_date=week[1],
    )
    closure.full_clean()
    closure.save()
    return closure
