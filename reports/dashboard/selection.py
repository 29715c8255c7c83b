"""What the dashboard and the governors' report show: the schools, period and subject read from the request's
filters, with the default period when none is asked for (a year with finished groups, saying so)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from provision.access import IMPACT_VIEWERS, can_see_costs, schools_for
from provision.calendar import calendars_for
from provision.models import AcademicYear, School, Term
from provision.params import int_param
from provision.school_days import SchoolDays
from pupils.models import Subject
from reports.dashboard import build as dashboard
from reports.dashboard import school_figures as dashboard_figures
from reports.dashboard import selectors as selectors_dashboard
from reports.maps.build import Period, period_for_term, period_for_year

ALL_SCHOOLS = "all"


def _reader(pk: int | None):
    found = get_user_model().objects.filter(pk=pk).first() if pk is not None else None
    return found or AnonymousUser()


# --- Reading the filters ------------------------------------------------------------------------------------


@dataclass
class Selection:
    """What the reader asked for, resolved for each school shown."""

    schools: list[School]  # the schools shown, in name order
    choices: list[School]  # every school the reader may pick
    side_by_side: bool
    anchor: School  # the school whose terms and subjects fill the menus
    terms: list[Term]  # the anchor's terms, for the period menu
    academic_years: list[AcademicYear]  # the anchor's academic years
    term: Term | None  # the anchor's term chosen, or None for a whole year
    year: AcademicYear  # the anchor's academic year of the period
    label: str  # "Autumn 2026/27" or "2026/27"
    periods: dict[int, Period]  # school id -> its own dates for the chosen period
    subject_options: list[tuple[int, str]]  # (id, name) of the menu: one entry per subject name
    subject: str | None  # the chosen subject's name
    subject_id: int | None  # ... and the id asked for
    subject_ids: dict[int, list[int] | None]  # school id -> its subjects of that name (None: every subject)
    gap_subject: str | None  # the subject of the gap chart: the chosen one, else the one assessed most
    gap_subject_ids: dict[int, list[int]]
    show_costs: bool
    today: dt.date
    quiet_since: dict[int, dt.date]  # school id -> the first of its last two weeks of school days
    # school id -> its school days (terms less closures): "days over" an end date count these
    school_days: dict[int, SchoolDays] = field(default_factory=dict)
    default_note: str = ""  # why the period shown by default is not the current year
    # Who asked: the figures are read as them (FIGURES_SCOPE: the schools whole), in a background job too. Not part
    # of figures_key: every reader allowed the figures reads the same rows.
    reader: Any = None

    def __getstate__(self) -> dict:
        """A queued job carries the reader by id only (no password hash or e-mail in Redis, where failed jobs are
        kept for days), so that the worker asks who they are, and what their roles are, when it runs."""
        state = dict(self.__dict__)
        reader = state.pop("reader", None)
        state["reader_id"] = getattr(reader, "pk", None)
        return state

    def __setstate__(self, state: dict) -> None:
        reader_id = state.pop("reader_id", None)
        self.__dict__.update(state)
        # Read when first asked for (a cached board's selection never is): a reader since removed reads as anonymous.
        self.reader = SimpleLazyObject(lambda: _reader(reader_id))

    @property
    def start(self) -> dt.date:
        return min(p.start for p in self.periods.values())

    @property
    def end(self) -> dt.date:
        return max(p.end for p in self.periods.values())

    @property
    def dated(self) -> list[tuple[str, Period]]:
        """(school name, its dates) for each school shown."""
        return [(school.name, self.periods[school.pk]) for school in self.schools]

    def figures_key(self) -> tuple:
        """Everything besides the schools' data that the dashboard's figures depend on (the cache key)."""
        return (
            self.anchor.pk,
            [s.pk for s in self.schools],
            self.side_by_side,
            self.term.pk if self.term else None,
            self.year.pk,
            self.label,
            sorted((pk, p.start, p.end) for pk, p in self.periods.items()),
            self.subject,
            sorted(self.subject_ids.items()),
            self.gap_subject,
            sorted(self.gap_subject_ids.items()),
            self.show_costs,
            self.today,
            sorted(self.quiet_since.items()),
        )

    @property
    def query(self) -> str:
        """The filters as a query string, for the export links."""
        parts = [f"period=term-{self.term.pk}" if self.term else f"period=year-{self.year.pk}"]
        parts.append(f"school={ALL_SCHOOLS}" if self.side_by_side else f"school={self.schools[0].pk}")
        if self.subject_id:
            parts.append(f"subject={self.subject_id}")
        return "&".join(parts)


def _chosen_schools(request: HttpRequest) -> tuple[list[School], list[School], bool]:
    """(schools shown, schools the reader may choose, side by side?) from ``?school=<id>|all``."""
    choices = sorted(schools_for(request, IMPACT_VIEWERS), key=lambda s: s.name)
    wanted = request.GET.get("school", "")
    if wanted == ALL_SCHOOLS and len(choices) > 1:
        return choices, choices, True
    if wanted and wanted != ALL_SCHOOLS:
        school = next((s for s in choices if s.pk == int_param(wanted)), None)
        if school is None:
            raise Http404("No such school")
        return [school], choices, False
    return [request.school], choices, False


def _asked_period(request: HttpRequest, terms: list[Term]) -> tuple[Term | None, AcademicYear | None, bool]:
    """(term, academic year, asked?) from ``period``/``term``/``year``, looked up among the terms of every school
    the reader may choose (so that switching school keeps the period); anything else is a 404."""
    kind, _sep, value = request.GET.get("period", "").partition("-")
    if kind not in ("term", "year"):
        kind, value = ("term", request.GET["term"]) if request.GET.get("term") else ("year", request.GET.get("year"))
    if not value:
        return None, None, False
    if kind == "term":
        term = next((t for t in terms if t.pk == int_param(value)), None)
        if term is None:
            raise Http404("No such term")
        return term, term.academic_year, True
    year = next((t.academic_year for t in terms if t.academic_year_id == int_param(value)), None)
    if year is None:
        raise Http404("No such academic year")
    return None, year, True


def _same_period(terms: list[Term], school_id: int, term: Term | None, year: AcademicYear):
    """A school's own term (same name, same academic year) or academic year matching the chosen one, or None."""
    own = [t for t in terms if t.academic_year.school_id == school_id]
    if term is not None:
        return next((t for t in own if t.name == term.name and t.academic_year.start_year == year.start_year), None)
    return next((t.academic_year for t in own if t.academic_year.start_year == year.start_year), None)


def _periods(terms: list[Term], schools: list[School], term: Term | None, year: AcademicYear) -> dict[int, Period]:
    """Each school's own dates for the chosen term or year (the anchor's when a school has no such term)."""
    chosen = period_for_term(term) if term else period_for_year(year)
    periods = {}
    for school in schools:
        own = _same_period(terms, school.pk, term, year)
        periods[school.pk] = (period_for_term(own) if term else period_for_year(own)) if own else chosen
    return periods


def _default_year(
    user, terms: list[Term], anchor_terms: list[Term], schools: list[School], current: AcademicYear, today: dt.date
) -> tuple[AcademicYear, str]:
    """The year shown when the reader chose none, and what the page says about it: the current academic year when
    some of its groups have finished with exit results; else the last year before it that has some (in the
    autumn nothing has finished yet, and an empty dashboard tells a leader nothing). One or two queries."""
    if dashboard_figures.has_finished(user, periods=_periods(terms, schools, None, current), today=today):
        return current, ""
    earlier = sorted(
        {
            t.academic_year_id: t.academic_year for t in anchor_terms if t.academic_year.end_date < current.start_date
        }.values(),
        key=lambda y: y.start_date,
    )
    if earlier and dashboard_figures.has_finished(
        user, periods=_periods(terms, schools, None, earlier[-1]), today=today
    ):
        return earlier[-1], (
            f"Nothing has finished yet in {current.name}, so this shows {earlier[-1].name}, the last academic year "
            "with finished groups. Choose another period above to change it."
        )
    return current, ""


def select(request: HttpRequest) -> Selection | None:
    """Read the filters (two queries: the terms and the subjects of the reader's schools). None when the school
    has no terms yet, so there is no period to show."""
    today = timezone.localdate()
    schools, choices, side_by_side = _chosen_schools(request)
    anchor = request.school if request.school in schools else schools[0]
    terms = selectors_dashboard.terms_for(choices)
    anchor_terms = [t for t in terms if t.academic_year.school_id == anchor.pk]
    term, year, asked = _asked_period(request, terms)
    default_note = ""
    if not asked:
        started = [t for t in anchor_terms if t.start_date <= today]
        current = started[-1] if started else (anchor_terms[0] if anchor_terms else None)
        if current is None:
            return None
        year, default_note = _default_year(request.user, terms, anchor_terms, schools, current.academic_year, today)
    periods = _periods(terms, schools, term, year)
    anchor_term = _same_period(terms, anchor.pk, term, year) if term else None
    anchor_year = anchor_term.academic_year if anchor_term else _same_period(terms, anchor.pk, None, year)

    subjects = selectors_dashboard.subjects_for(choices)
    shown_ids = {school.pk for school in schools}
    picked = None
    if request.GET.get("subject"):
        picked = next((s for s in subjects if s.pk == int_param(request.GET["subject"])), None)
        if picked is None:
            raise Http404("No such subject")
    options: dict[str, Subject] = {}
    for s in sorted(subjects, key=lambda s: (s.school_id != anchor.pk, s.name.casefold())):
        if s.school_id in shown_ids:
            options.setdefault(s.name.casefold(), s)

    def ids_named(name: str | None) -> dict[int, list[int]]:
        return {
            pk: [s.pk for s in subjects if s.school_id == pk and name and s.name.casefold() == name.casefold()]
            for pk in shown_ids
        }

    if picked:
        gap_subject = picked.name
    else:  # the subject assessed most often across the schools shown
        assessed: dict[str, int] = {}
        for s in subjects:
            if s.school_id in shown_ids:
                assessed[s.name.casefold()] = assessed.get(s.name.casefold(), 0) + s.assessment_count
        best = max(sorted(assessed), key=lambda name: assessed[name], default=None)
        gap_subject = options[best].name if best else None
    calendars = calendars_for(schools)
    return Selection(
        schools=schools,
        choices=choices,
        side_by_side=side_by_side,
        anchor=anchor,
        terms=anchor_terms,
        academic_years=list({t.academic_year_id: t.academic_year for t in anchor_terms}.values()),
        term=anchor_term or term,
        year=anchor_year or year,
        label=str(anchor_term or term) if term else (anchor_year or year).name,
        periods=periods,
        subject_options=sorted(((s.pk, s.name) for s in options.values()), key=lambda o: o[1].casefold()),
        subject=picked.name if picked else None,
        subject_id=(options.get(picked.name.casefold(), picked).pk if picked else None),
        subject_ids=ids_named(picked.name) if picked else dict.fromkeys(shown_ids),
        gap_subject=gap_subject,
        gap_subject_ids=ids_named(gap_subject),
        show_costs=all(can_see_costs(request.user, school) for school in schools),
        today=today,
        default_note=default_note,
        quiet_since={pk: days.days_before(today, dashboard.QUIET_SCHOOL_DAYS) for pk, days in calendars.items()},
        school_days=calendars,
        reader=request.user,
    )
