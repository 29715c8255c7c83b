"""Planning a new group for pupils ticked on "who needs support": what its form starts with, so that the SENCO
retypes nothing the list already knew (the subject, the pupils' year groups, the scale they were assessed on),
with dates and a name that follow the school's calendar.

The date and name rules are pure functions of plain values (term dates as tuples); :func:`plan_for_pupils`
loads what they need in a few queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Max

from interventions.models import Area, Programme
from interventions.selectors import term_ranges
from provision.calendar import school_calendar
from provision.models import School, Term, TermName
from provision.school_days import SchoolDays
from pupils.models import Pupil, Result, Subject, YearGroup

# A group planned with fewer school days than this left in the term starts next term instead: two weeks of
# sessions before a holiday is not a fair start for a time-limited programme.
MIN_SCHOOL_DAYS_LEFT = 10
# Without term dates, "one term" is twelve weeks.
WEEKS_WITHOUT_TERMS = 12

TermDates = tuple[dt.date, dt.date, str]  # (first day, last day, TermName value)
# Sessions a week -> the weekdays they fall on, spread through the week.
DAYS_FOR_SESSIONS = {1: [2], 2: [1, 3], 3: [0, 2, 4], 4: [0, 1, 3, 4], 5: [0, 1, 2, 3, 4]}


def school_weeks_end(start: dt.date, weeks: int, terms: SchoolDays | Sequence[tuple[dt.date, dt.date]]) -> dt.date:
    """The last school day of the ``weeks``-th teaching week from ``start``: holiday weeks (no school day from Monday
    to Friday: a holiday between terms, or a half-term week recorded as a closure) are not counted. Without any
    terms, plain calendar weeks. ``terms`` is the school's ``SchoolDays`` (or bare term dates). Pure.

    Example: starting Monday 14/12/2026 with the autumn term ending Friday 18/12 and spring starting Tuesday
    05/01/2027, two weeks end on Friday 08/01/2027 (the Christmas weeks are skipped)."""
    if weeks < 1:
        return start
    calendar = SchoolDays.of(terms)
    if not calendar.spans:
        return start + dt.timedelta(weeks=weeks, days=-1)
    monday = start - dt.timedelta(days=start.weekday())
    counted, last_day = 0, start
    # A safety stop: a programme longer than five years is not a time-limited intervention.
    for _ in range(weeks + 260):
        school_days = [
            day
            for offset in range(5)
            if (day := monday + dt.timedelta(days=offset)) >= start and calendar.is_school_day(day)
        ]
        if school_days:
            counted += 1
            last_day = school_days[-1]
            if counted == weeks:
                return last_day
        monday += dt.timedelta(weeks=1)
    return last_day


def initial_from_programme(
    programme: Programme, *, start: dt.date, terms: SchoolDays | Sequence[tuple[dt.date, dt.date]]
) -> dict[str, object]:
    """What a new intervention of ``programme`` starts with: its wave, area, session length, days for its
    sessions a week, group size, and an end date ``weeks`` teaching weeks after ``start``."""
    initial: dict[str, object] = {
        "programme": programme.pk,
        "name": programme.name,
        "wave": programme.wave,
        "area": programme.area,
        "minutes_per_session": programme.minutes_per_session,
        "days": DAYS_FOR_SESSIONS.get(min(programme.sessions_per_week, 5), []),
        "capacity": programme.group_size_max,
        "lead_role": programme.delivered_by,
        "start_date": start,
    }
    if programme.weeks:
        initial["end_date"] = school_weeks_end(start, programme.weeks, terms)
    return initial


def _in_term(day: dt.date, terms: Sequence[TermDates]) -> TermDates | None:
    return next((term for term in terms if term[0] <= day <= term[1]), None)


def _school_days(first: dt.date, last: dt.date, closures: Sequence[tuple[dt.date, dt.date]] = ()) -> int:
    """Weekdays from ``first`` to ``last`` inclusive that no closure covers."""
    days, day = 0, first
    while day <= last:
        days += day.weekday() < 5 and not any(start <= day <= end for start, end in closures)
        day += dt.timedelta(days=1)
    return days


def _first_weekday(day: dt.date, closures: Sequence[tuple[dt.date, dt.date]] = ()) -> dt.date:
    """``day``, or the first weekday after it that no closure (half-term, INSET day, bank holiday) covers."""
    while day.weekday() >= 5 or any(first <= day <= last for first, last in closures):
        day += dt.timedelta(days=1)
    return day


def planned_start(
    today: dt.date, terms: Sequence[TermDates], closures: Sequence[tuple[dt.date, dt.date]] = ()
) -> dt.date:
    """The day a group planned ``today`` starts: the next school day (a weekday in term after today, outside the
    school's ``closures``), or the first school day of the next term when fewer than ``MIN_SCHOOL_DAYS_LEFT``
    school days are left in this one and there is a next term. Without term dates, the next weekday. Pure.

    Example: on Friday 04/12/2026 with the autumn term ending Friday 18/12 (10 school days left from Monday 7th)
    the group starts Monday 07/12; on Monday 07/12 (9 days left from the 8th) it starts on the spring term's
    first weekday. On the Friday before a half-term it starts on the Monday after the half-term."""
    ordered = sorted(terms)
    day = _first_weekday(today + dt.timedelta(days=1), closures)
    if not ordered:
        return day
    upcoming = [term for term in ordered if term[1] >= day]
    if not upcoming:
        return day
    current = _in_term(day, upcoming)
    if current is None:  # a holiday: the next term's first school day
        return _first_weekday(upcoming[0][0], closures)
    later = [term for term in upcoming if term[0] > current[1]]
    if _school_days(day, current[1], closures) < MIN_SCHOOL_DAYS_LEFT and later:
        return _first_weekday(later[0][0], closures)
    return day


def one_term_on(start: dt.date, terms: Sequence[TermDates]) -> dt.date:
    """The end of a group that runs for a term from ``start``: as many teaching weeks as the term ``start`` falls
    in has, counted from ``start`` over the school's terms (holiday weeks not counted), so a group starting on a
    term's first day ends on its last. Without term dates, twelve calendar weeks. Pure."""
    spans = [(first, last) for first, last, _name in terms]
    term = _in_term(start, terms)
    if term is None:
        return school_weeks_end(start, WEEKS_WITHOUT_TERMS, spans if spans else [])
    weeks = school_weeks_between(term[0], term[1])
    return school_weeks_end(start, weeks, spans)


def school_weeks_between(first: dt.date, last: dt.date) -> int:
    """The number of Monday-to-Friday weeks with at least one weekday from ``first`` to ``last``."""
    monday = first - dt.timedelta(days=first.weekday())
    weeks = 0
    while monday <= last:
        if any(first <= monday + dt.timedelta(days=i) <= last for i in range(5)):
            weeks += 1
        monday += dt.timedelta(weeks=1)
    return max(weeks, 1)


def years_text(year_groups: Sequence[int]) -> str:
    """``[4]`` -> "Year 4", ``[4, 5]`` -> "Years 4 and 5", ``[0, 1]`` -> "Reception and Year 1"."""
    labels = [YearGroup(y).label for y in sorted(set(year_groups)) if y in YearGroup.values]
    if not labels:
        return "All years"
    if len(labels) > 1 and all(label.startswith("Year ") for label in labels):
        labels = [f"Years {labels[0][5:]}"] + [label[5:] for label in labels[1:]]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def term_text(start: dt.date, terms: Sequence[TermDates]) -> str:
    """The term a date falls in, with the calendar year: "Spring 2027". Between terms, the next term; without
    term dates, the season of the school year the date is in."""
    term = _in_term(start, terms) or next((t for t in sorted(terms) if t[0] >= start), None)
    if term is not None:
        return f"{TermName(term[2]).label} {max(start, term[0]).year}"
    name = "Autumn" if start.month >= 9 else "Spring" if start.month <= 3 else "Summer"
    return f"{name} {start.year}"


def group_name(first_words: str, year_groups: Sequence[int], start: dt.date, terms: Sequence[TermDates]) -> str:
    """ "Reading: Year 4 (Spring 2027)": the programme's (or subject's) name, the year groups, the term."""
    return f"{first_words}: {years_text(year_groups)} ({term_text(start, terms)})"[:120]


def area_for_subject(name: str) -> str | None:
    """The area a subject's name speaks of ("Reading" -> reading, "Grammar, punctuation and spelling" ->
    spelling), or None. The same matching "who needs support" uses to find groups a pupil could join."""
    return next(iter(areas_for_subject(name)), None)


def areas_for_subject(name: str) -> list[str]:
    name = name.strip().casefold()
    return [area.value for area in Area if area != Area.OTHER and (area.label.casefold() in name or area.value in name)]


@dataclass
class Plan:
    """What a new group for the ticked pupils starts with: the form's ``initial`` and the pupils themselves."""

    initial: dict[str, object]
    pupils: list[Pupil] = field(default_factory=list)
    subject: Subject | None = None
    # The name's parts, so that picking another programme on the form can rename it (static/js/plan-group.js).
    name_default: str = ""
    name_suffix: str = ""


def school_terms(school: School) -> list[TermDates]:
    """The school's terms as (first day, last day, name) (one query)."""
    return list(Term.objects.for_school(school).order_by("start_date").values_list("start_date", "end_date", "name"))


def plan_for_pupils(
    *,
    user,
    school: School,
    pupil_ids: Sequence[int],
    subject: Subject | None,
    programme: Programme | None,
    today: dt.date,
) -> Plan:
    """The pre-filled new group for ``pupil_ids`` (the school's pupils on roll among them) in ``subject``: the
        subject and its area, the pupils' year groups, the scale most of them were assessed on in that subject
        (the latest such assessment on a tie), a start on the next school day (next term when this one is nearly
        over; never in a half-term or on an INSET day or bank holiday), an end one term on (the programme's length in
        teaching weeks when it has one, weeks closed all week not counted) and a name with the programme's or
        subject's name, the year groups and the term. The pupils and results are those ``user`` may see
    (``visible_to``). Five queries."""
    pupils = list(
        Pupil.objects.visible_to(user, school)
        .filter(pk__in=list(pupil_ids))
        .on_roll()
        .order_by("year_group", "legal_last_name", "legal_first_name")
    )
    terms = school_terms(school)
    calendar = school_calendar(school)  # terms less closures: a group neither starts nor counts weeks in a closure
    start = planned_start(today, terms, calendar.closures)
    initial: dict[str, object] = {"start_date": start}
    if programme is not None:
        initial.update(initial_from_programme(programme, start=start, terms=calendar))
    if "end_date" not in initial:
        initial["end_date"] = one_term_on(start, terms)
    years = sorted({p.year_group for p in pupils})
    initial["year_groups"] = years
    if subject is not None:
        initial["subject"] = subject.pk
        if programme is None and (area := area_for_subject(subject.name)):
            initial["area"] = area
        scale = (
            Result.objects.visible_to(user, school)
            .filter(pupil__in=pupils, assessment__subject=subject)
            .values("assessment__scale_id")
            .annotate(pupils=Count("pupil", distinct=True), latest=Max("assessment__taken_on"))
            .order_by("-pupils", "-latest", "assessment__scale_id")
            .first()
        )
        if scale is not None:
            initial["scale"] = scale["assessment__scale_id"]
    default_words = subject.name if subject else "New group"
    initial["name"] = group_name(programme.name if programme else default_words, years, start, terms)
    suffix = initial["name"][len(programme.name if programme else default_words) :]
    return Plan(initial=initial, pupils=pupils, subject=subject, name_default=default_words, name_suffix=suffix)


def new_group_start(
    *,
    user,
    school: School,
    pupil_ids: Sequence[int],
    subject_id: int | None,
    programme: Programme | None,
    today: dt.date,
) -> tuple[Plan | None, dict[str, object]]:
    """What the new group's form starts with: for pupils ticked on "who needs support", their plan
    (:func:`plan_for_pupils`) and its initial values; else ``programme``'s shape, in the school's subject named like
    its area ("Reading", "Maths") when there is one; else a start today."""
    if pupil_ids:
        subject = Subject.objects.filter(school=school, pk=subject_id).first() if subject_id is not None else None
        plan = plan_for_pupils(
            user=user, school=school, pupil_ids=pupil_ids, subject=subject, programme=programme, today=today
        )
        return plan, plan.initial
    if programme is None:
        return None, {"start_date": today}
    initial = initial_from_programme(programme, start=today, terms=term_ranges(school))
    subject = Subject.objects.filter(school=school, name__iexact=Area(programme.area).label).first()
    if subject is not None:
        initial["subject"] = subject.pk
    return None, initial
