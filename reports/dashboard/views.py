"""The leaders' dashboard and the governors' impact report (PDF and Excel).

Readers: SENCO, senior leaders and the school admin (``provision.access.IMPACT_VIEWERS``). A trust leader (a
reader at several schools) picks one school or all of theirs side by side. Filters: the period (a term or a whole
academic year, ``?period=term-<id>``/``year-<id>`` or ``?term=<id>``/``?year=<id>`` as on the provision map
and impact pages; by default the current academic year, since impact needs entry and exit points a single term
rarely spans, or the last year with finished groups while the current one has none, saying so), a subject (``?subject=<id>``; with several schools, the subjects of the same name) and the school
(``?school=<id>`` or ``?school=all``).

Each school keeps its own term dates: a term chosen at one school means the term of the same name and year at
the others. The page makes a constant number of queries whatever the number of schools, interventions and
placements (``reports.dashboard.selectors`` and ``reports.impact.selectors``); the arithmetic is
``reports.dashboard.build`` and ``reports.impact.evaluation``, pure over DataFrames.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from provision import figures, tasks
from provision.access import IMPACT_VIEWERS, can_see_costs, role_required, schools_for
from provision.calendar import calendars_for
from provision.models import AcademicYear, School, Term
from provision.school_days import SchoolDays
from pupils.models import Subject
from reports import tasks as reports_tasks
from reports.dashboard import build as dashboard
from reports.dashboard import charts
from reports.dashboard import governors as exports_impact
from reports.dashboard import selectors as selectors_dashboard
from reports.impact import evaluation
from reports.impact import selectors as selectors_impact
from reports.maps import exports
from reports.maps.build import Period, period_for_term, period_for_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_SCHOOLS = "all"


# --- Reading the filters ------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


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
        school = next((s for s in choices if s.pk == _int(wanted)), None)
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
        term = next((t for t in terms if t.pk == _int(value)), None)
        if term is None:
            raise Http404("No such term")
        return term, term.academic_year, True
    year = next((t.academic_year for t in terms if t.academic_year_id == _int(value)), None)
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
    terms: list[Term], anchor_terms: list[Term], schools: list[School], current: AcademicYear, today: dt.date
) -> tuple[AcademicYear, str]:
    """The year shown when the reader chose none, and what the page says about it: the current academic year when
    some of its groups have finished with exit results; else the last year before it that has some (in the
    autumn nothing has finished yet, and an empty dashboard tells a leader nothing). One or two queries."""
    if selectors_dashboard.has_finished(periods=_periods(terms, schools, None, current), today=today):
        return current, ""
    earlier = sorted(
        {
            t.academic_year_id: t.academic_year for t in anchor_terms if t.academic_year.end_date < current.start_date
        }.values(),
        key=lambda y: y.start_date,
    )
    if earlier and selectors_dashboard.has_finished(periods=_periods(terms, schools, None, earlier[-1]), today=today):
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
        year, default_note = _default_year(terms, anchor_terms, schools, current.academic_year, today)
    periods = _periods(terms, schools, term, year)
    anchor_term = _same_period(terms, anchor.pk, term, year) if term else None
    anchor_year = anchor_term.academic_year if anchor_term else _same_period(terms, anchor.pk, None, year)

    subjects = selectors_dashboard.subjects_for(choices)
    shown_ids = {school.pk for school in schools}
    picked = None
    if request.GET.get("subject"):
        picked = next((s for s in subjects if s.pk == _int(request.GET["subject"])), None)
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
    )


# --- Building the dashboard ---------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _fixed(value: Any, places: int = 2) -> str:
    number = _number(value)
    return "-" if number is None else f"{number:.{places}f}".replace("-", "\u2212")


def _pct(value: Any) -> str:
    number = _number(value)
    return "-" if number is None else f"{number:.0f}%"


def _money(value: Any) -> str:
    number = _number(value)
    return "-" if number is None else f"£{number:,.0f}"


@dataclass
class Dashboard:
    selection: Selection
    names: dict[int, str]
    headline: dict[str, Any]
    per_school_headline: list[tuple[str, dict[str, Any]]]
    breakdown: dict[str, list[dict]]
    breakdown_charts: dict[str, str]
    gap_rows: list[dict]
    gap_chart: str
    impact_rows: list[dict]
    too_little: list[dict]
    not_started: int
    forest_chart: str
    programme_rows: list[dict]
    cost_rows: list[dict]
    cost_chart: str
    attendance_rows: list[dict]
    attendance_chart: str
    low_attendance: float
    attention: dict[str, list[dict]]
    rethink_count: int
    thresholds: list[str]
    on_roll: int
    min_pupils: int
    wave1: list[dict] = field(default_factory=list)  # dashboard.wave1_reach, per school shown
    ranking: list[dict] = field(default_factory=list)  # dashboard.rank_by_programme: programmes, groups beneath
    unjudged: int = 0  # groups with pupils and too little data to judge
    started_by: dt.date | None = None  # provision counted is what had started by this day
    past: bool = False  # the period is over: year groups are those of the period


def _evaluate(selection: Selection, interventions: pd.DataFrame) -> evaluation.Evaluation | None:
    """The evaluation of the shown interventions with pupils (wave 1 strategies have none to measure)."""
    ids = interventions.loc[interventions["wave"] != 1, "intervention_id"].astype(int).tolist()
    if not ids:
        return None
    frames = selectors_impact.impact_frames(
        schools=selection.schools, start=selection.start, end=selection.end, intervention_ids=ids
    )
    return evaluation.evaluate(
        frames.placements, frames.interventions, frames.results, all_placements=frames.all_placements
    )


def _impact_link(selection: Selection, school_id: int, intervention_id: int) -> dict[str, Any]:
    """Where an intervention's impact page is. The impact pages are for the current school, so a row of another
    school is a small form that switches school first (``provision:switch_school`` with ``next``)."""
    url = reverse("reports:impact_intervention", args=[intervention_id])
    return {"url": url, "switch_to": None if school_id == selection.anchor.pk else school_id}


def _signed(value: Any, places: int = 0) -> str:
    number = _number(value)
    return "-" if number is None else f"{number:+.{places}f}".replace("-", "\u2212")


def _reasons(value: Any) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else []


def _verdict(row: dict[str, Any]) -> dict[str, str]:
    key = row.get("verdict") or "too_little"
    recommendation = row.get("recommendation") or "review"
    return {
        "key": key,
        "label": evaluation.VERDICTS.get(key, key),
        "recommendation": recommendation,
        "recommendation_label": evaluation.RECOMMENDATIONS.get(recommendation, recommendation),
    }


def _impact_row(selection: Selection, names: dict[int, str], row: dict[str, Any]) -> dict[str, Any]:
    """One intervention of ``dashboard.effects``, ready for the page and the report."""
    low, high = _number(row.get("effect_low")), _number(row.get("effect_high"))
    kind = row.get("effect_kind") or ""
    months = _number(row.get("months")) if kind == "g" else None
    verdict = _verdict(row)
    return {
        "id": int(row["intervention_id"]),
        "school": names.get(row["school_id"], ""),
        "school_id": row["school_id"],
        "name": row["name"],
        "programme": row.get("programme_name") or "",
        "programme_id": int(_number(row.get("programme_id"))) if _number(row.get("programme_id")) is not None else None,
        "sort_effect": _number(row.get("effect")),
        "wave": row.get("wave"),
        "n_placed": int(_number(row.get("n_placed")) or 0),
        "n_measured": int(_number(row.get("n_measured")) or 0),
        "effect": _number(row.get("effect")),
        "effect_text": _fixed(row.get("effect")),
        "effect_kind": kind,
        "method_label": evaluation.METHODS.get(row.get("measure") or "none", ""),
        "n_comparison": int(_number(row.get("n_comparison")) or 0),
        "low": low,
        "high": high,
        "ci": "" if low is None or high is None else f"{_fixed(low)} to {_fixed(high)}",
        "months": None if months is None else _signed(months),
        "months_value": None if months is None else round(months),
        "verdict": verdict,
        "recommendation": verdict["recommendation"],
        "recommendation_label": verdict["recommendation_label"],
        "reasons": _reasons(row.get("reasons")),
        "cost_per_pupil": _number(row.get("cost_per_pupil")),
        "cost_per_pupil_text": _money(row.get("cost_per_pupil")),
        "attendance_pct": _number(row.get("attendance_pct")),
        "link": _impact_link(selection, row["school_id"], int(row["intervention_id"])),
    }


def _programme_row(row: dict[str, Any]) -> dict[str, Any]:
    """One programme of ``evaluation.programme_summary`` (pooled across its groups), for the report."""
    g = _number(row.get("g"))
    return {
        "id": int(_number(row.get("programme_id"))) if _number(row.get("programme_id")) is not None else None,
        "sort_effect": g,
        "name": row.get("programme_name") or "",
        "n_groups": int(_number(row.get("n_groups")) or 0),
        "n_placed": int(_number(row.get("n_placed")) or 0),
        "n_measured": int(_number(row.get("n_measured")) or 0),
        "n_comparison": int(_number(row.get("n_comparison")) or 0),
        "effect_text": _fixed(g),
        "effect_kind": "g" if g is not None else "",
        "method_label": evaluation.METHODS.get(row.get("measure") or "none", ""),
        "ci": ""
        if g is None or _number(row.get("g_ci_low")) is None
        else f"{_fixed(row.get('g_ci_low'))} to {_fixed(row.get('g_ci_high'))}",
        "i2": None if _number(row.get("i2")) is None else f"{_number(row.get('i2')):.0f}%",
        "months": _signed(row.get("months")) if g is not None and _number(row.get("months")) is not None else None,
        "verdict": _verdict(row),
        "recommendation_label": _verdict(row)["recommendation_label"],
        "reasons": _reasons(row.get("reasons")),
        "cost_per_pupil_text": _money(row.get("cost_per_pupil")),
    }


def _gap_rows(trend: pd.DataFrame, selection: Selection, names: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "school": names.get(row.school_id, ""),
            "date": row.taken_on.date(),
            "names": row.names,
            "n_pp": int(row.n_pp),
            "n_other": int(row.n_other),
            "pct_pp": "-" if pd.isna(row.pct_pp_shown) else f"{int(row.pct_pp_shown)}%",
            "pct_other": "-" if pd.isna(row.pct_other_shown) else f"{int(row.pct_other_shown)}%",
            "gap": _signed(row.gap_pct),
            "in_period": row.taken_on.date() >= selection.periods[row.school_id].start,
        }
        for row in trend.itertuples(index=False)
    ]


def _attendance_rows(frame: pd.DataFrame, names: dict[int, str], low: float) -> list[dict[str, Any]]:
    return [
        {
            "school": names.get(row.school_id, ""),
            "school_id": row.school_id,
            "id": int(row.intervention_id),
            "name": row.name,
            "present": int(row.present_count),
            "marked": int(row.marked_count),
            "pct": row.attendance_pct,
            "pct_text": charts.percent_text(row.attendance_pct, low),
            "below": bool(row.below),
        }
        for row in frame.itertuples(index=False)
    ]


def _attention(lists: dict[str, pd.DataFrame], selection: Selection, names: dict[int, str]) -> dict[str, list]:
    def rows(key: str) -> list[dict[str, Any]]:
        out = []
        for row in lists[key].to_dict("records"):
            last = row.get("last_session_on")
            out.append(
                {
                    "school": names[row["school_id"]],
                    "id": int(row["intervention_id"]),
                    "name": row["name"],
                    "status": row["status"],
                    "end_date": row["end_date"],
                    "days_over": int(row.get("days_over") or 0),
                    "missing": int(row.get("missing") or 0),
                    "finished": int(row.get("finished") or 0),
                    "last_session_on": None if last is None or pd.isna(last) else last,
                    "since": selection.quiet_since[row["school_id"]],
                }
            )
        return out

    return {key: rows(key) for key in ("overdue", "missing_exit", "quiet")}


CHART_TITLES = {"wave": "Pupils in provision by wave", "year": "By year group", "need": "By primary SEN need"}


def build(selection: Selection, *, with_charts: bool = True, for_governors: bool = False) -> Dashboard:
    """:func:`compute`, cached per school until the data it reads changes (``provision.figures``): a repeat visit
    costs the cache read and the template. The board keeps the reader's own selection (its menus are theirs)."""
    board = figures.cached(
        "dashboard",
        schools=selection.schools,
        key=(selection.figures_key(), with_charts, for_governors),
        compute=lambda: compute(selection, with_charts=with_charts, for_governors=for_governors),
    )
    board.selection = selection
    return board


def is_built(selection: Selection, *, with_charts: bool = True, for_governors: bool = False) -> bool:
    """Whether :func:`build` would answer from the cache."""
    key = (selection.figures_key(), with_charts, for_governors)
    return figures.peek("dashboard", schools=selection.schools, key=key) is not None


def compute(selection: Selection, *, with_charts: bool = True, for_governors: bool = False) -> Dashboard:
    """Everything the dashboard and the governors' report show, for the selection: the selectors' frames, the
    evaluation, ``reports.dashboard.build``'s arithmetic, then rows and charts ready to show. ``for_governors`` leaves
    out of the gap chart the assessment points where either group has fewer than 5 pupils (a percentage of 3
    pupils can tell a governor about a child)."""
    frames = selectors_dashboard.dashboard_frames(
        schools=selection.schools, periods=selection.periods, subjects=selection.subject_ids, today=selection.today
    )
    gap = selectors_dashboard.gap_frames(
        schools=selection.schools,
        subjects=selection.gap_subject_ids,
        until={pk: period.end for pk, period in selection.periods.items()},
    )
    result = _evaluate(selection, frames.interventions)
    school_ids = [s.pk for s in selection.schools]
    names = {s.pk: s.name for s in selection.schools}
    thresholds = evaluation.THRESHOLDS
    low = float(thresholds.low_attendance)
    groups = result.groups if result is not None else pd.DataFrame(columns=evaluation.GROUP_COLUMNS)
    impact = dashboard.effects(groups, frames.interventions)

    # Headline tiles: the whole selection, then each school when they are side by side.
    headline = dashboard.headline(frames.placements, frames.interventions, impact, today=selection.today)
    per_school = [
        (
            names[pk],
            dashboard.headline(
                frames.placements[frames.placements["school_id"] == pk],
                frames.interventions[frames.interventions["school_id"] == pk],
                impact[impact["school_id"] == pk],
                today=selection.today,
            ),
        )
        for pk in (school_ids if selection.side_by_side else [])
    ]

    # 1. Pupils in provision.
    breakdown = {
        key: dashboard.pivot_rows(frame, school_ids)
        for key, frame in dashboard.provision_breakdown(
            frames.placements, frames.interventions, frames.roll, school_ids
        ).items()
    }

    # 2. The disadvantage gap.
    trend = dashboard.gap_trend(gap.results, gap.pupil_premium, gap.assessments, half_term_of=gap.half_term_of)

    # 3. Impact, ranked; too little data listed below; groups without pupils yet only counted.
    rows = [_impact_row(selection, names, row) for row in impact.to_dict("records")]
    plotted = set(impact.loc[impact["plotted"], "intervention_id"].astype(int))
    impact_rows = [r for r in rows if r["id"] in plotted]
    too_little = [r for r in rows if r["id"] not in plotted and r["n_placed"]]
    programmes = result.programmes if result is not None else pd.DataFrame()
    programme_rows = sorted(
        (_programme_row(row) for row in programmes.reset_index().to_dict("records") if "verdict" in row),
        key=lambda r: (dashboard.VERDICT_ORDER.index(r["verdict"]["key"]), r["name"]),
    )

    ranking, unjudged = dashboard.rank_by_programme([r for r in rows if r["n_placed"]], programme_rows)

    # 4. Cost against impact (budget holders only). 5. Attendance. 6. Needs attention.
    cost_rows = [r for r in impact_rows if r["cost_per_pupil"] is not None] if selection.show_costs else []
    attendance_rows = _attendance_rows(dashboard.attendance(frames.interventions, low), names, low)
    attention = _attention(
        dashboard.needs_attention(
            frames.interventions,
            frames.placements,
            today=selection.today,
            quiet_since=selection.quiet_since,
            school_days=selection.school_days,
        ),
        selection,
        names,
    )
    board = Dashboard(
        selection=selection,
        names=names,
        headline=headline,
        per_school_headline=per_school,
        breakdown=breakdown,
        breakdown_charts={},
        gap_rows=_gap_rows(trend, selection, names),
        gap_chart="",
        impact_rows=impact_rows,
        too_little=too_little,
        not_started=len(rows) - len(impact_rows) - len(too_little),
        forest_chart="",
        programme_rows=programme_rows,
        cost_rows=cost_rows,
        cost_chart="",
        attendance_rows=attendance_rows,
        attendance_chart="",
        low_attendance=low,
        attention=attention,
        rethink_count=int(result.rethink["pupil_id"].nunique()) if result is not None else 0,
        thresholds=evaluation.thresholds_text(thresholds),
        on_roll=int(frames.roll["pupils"].sum()),
        min_pupils=int(thresholds.min_pupils),
        wave1=dashboard.wave1_reach(frames.interventions, frames.classes, school_ids),
        ranking=ranking,
        unjudged=len(unjudged),
        started_by=min(selection.end, selection.today),
        past=selection.end < selection.today,
    )
    if with_charts:
        empty = charts.NO_GAP
        if for_governors and len(trend):
            trend = trend[(trend["n_pp"] >= dashboard.SMALL_COUNT) & (trend["n_other"] >= dashboard.SMALL_COUNT)]
            empty = "Too few pupils at each assessment to show percentages without identifying a child."
        _draw(board, trend, empty)
    return board


CHART_CACHE_SECONDS = 24 * 60 * 60


def _chart(draw: Callable[..., str], **inputs: Any) -> str:
    """``draw(**inputs)``, from the cache when the same inputs were drawn before. A chart is a function of its
    inputs alone (matplotlib's ids are salted, so the same data gives the same SVG) and drawing is most of the
    dashboard's time; new data is a new key, so nothing stale is ever shown."""
    key = "dashboard-chart:" + hashlib.sha1(f"{draw.__name__}:{inputs!r}".encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = draw(**inputs)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def _draw(board: Dashboard, trend: pd.DataFrame, empty_gap: str) -> None:
    """The dashboard's charts, from the rows already built (one panel or bar per school)."""
    selection, names = board.selection, board.names
    school_ids = [s.pk for s in selection.schools]
    for key, rows in board.breakdown.items():
        shown = [r for r in rows if key != "year" or r["has_any"]]
        board.breakdown_charts[key] = _chart(
            charts.grouped_bars,
            title=CHART_TITLES[key],
            categories=[r["label"] for r in shown],
            series=[(names[pk], [r["cells"][i]["pupils"] for r in shown]) for i, pk in enumerate(school_ids)],
            x_label="Pupils in provision (distinct)",
        )
    board.gap_chart = _chart(
        charts.gap_chart,
        title=f"Pupils at or above the expected standard in {selection.gap_subject or 'the subject'}",
        panels=[
            charts.GapPanel(
                school=names[pk],
                dates=[d.date() for d in trend.loc[trend["school_id"] == pk, "taken_on"]],
                pct_pp=[_number(v) for v in trend.loc[trend["school_id"] == pk, "pct_pp"]],
                pct_other=[_number(v) for v in trend.loc[trend["school_id"] == pk, "pct_other"]],
            )
            for pk in school_ids
        ],
        empty=empty_gap,
    )
    board.forest_chart = _chart(
        charts.forest_chart,
        title="Interventions ranked by impact",
        panels=[
            charts.EffectPanel(
                school=names[pk],
                rows=[
                    charts.EffectRow(
                        label=r["name"],
                        effect=r["effect"],
                        low=r["low"],
                        high=r["high"],
                        kind=r["effect_kind"],
                        verdict=r["verdict"]["key"],
                        verdict_label=r["verdict"]["label"],
                        url=r["link"]["url"] if r["link"]["switch_to"] is None else "",
                    )  # fmt: skip
                    for r in board.impact_rows
                    if r["school_id"] == pk
                ],
            )
            for pk in school_ids
        ],
    )
    if selection.show_costs:
        board.cost_chart = _chart(
            charts.cost_impact_chart,
            title="Cost per pupil against impact",
            panels=[
                (
                    names[pk],
                    [
                        charts.CostPoint(
                            r["name"], r["cost_per_pupil"], r["effect"], r["effect_kind"], r["verdict"]["key"]
                        )
                        for r in board.cost_rows
                        if r["school_id"] == pk
                    ],
                )
                for pk in school_ids
            ],
        )
    board.attendance_chart = _chart(
        charts.attendance_chart,
        title="Attendance at sessions in the period",
        panels=[
            (
                names[pk],
                [
                    charts.AttendanceBar(r["name"], r["pct"], r["below"])
                    for r in board.attendance_rows
                    if r["school_id"] == pk
                ],
            )
            for pk in school_ids
        ],
        threshold=board.low_attendance,
    )


# --- Views --------------------------------------------------------------------------------------------------


@role_required(*IMPACT_VIEWERS)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The leaders' dashboard. A constant number of queries (see tests/reports/test_dashboard.py). A trust's
    schools side by side (``DASHBOARD_BACKGROUND_SCHOOLS`` or more) are worked out by a background task when
    their figures are not cached yet, while the page says so and refreshes itself."""
    selection = select(request)
    if selection and _in_background(selection) and not is_built(selection):
        tasks.enqueue(
            reports_tasks.dashboard_figures,
            selection,
            job_id=f"dashboard-{_job_key(selection)}",
            description="dashboard",
        )
        return render(request, "reports/dashboard.html", {"selection": selection, "preparing": True})
    board = build(selection) if selection else None
    # Early in a year nothing has finished: point to the last year, whose groups have their exit results.
    earlier = (
        [y for y in selection.academic_years if y.end_date < selection.year.start_date]
        if selection and selection.term is None
        else []
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "selection": selection,
            "board": board,
            "verdicts": evaluation.VERDICTS,
            "last_year": max(earlier, key=lambda y: y.start_date) if earlier else None,
        },
    )


def _filename(selection: Selection, extension: str) -> str:
    who = "trust" if selection.side_by_side else selection.schools[0].urn
    return f"impact-report-{who}-{slugify(selection.label.replace('/', '-'))}.{extension}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def method_url(request: HttpRequest) -> str:
    """The full address of "How impact is judged", for governors reading a report away from the app."""
    path = reverse("reports:impact_method")
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else request.build_absolute_uri(path)


def _report_selection(request: HttpRequest) -> Selection:
    selection = select(request)
    if selection is None:
        raise Http404("The school has no terms yet.")
    return selection


def _in_background(selection: Selection) -> bool:
    return not tasks.runs_inline() and len(selection.schools) >= settings.DASHBOARD_BACKGROUND_SCHOOLS


def _job_key(selection: Selection) -> str:
    return hashlib.sha256(
        figures.cache_key("dashboard-job", selection.schools, selection.figures_key()).encode()
    ).hexdigest()[:32]


def report_pdf(selection: Selection, *, base_url: str, method_address: str) -> bytes:
    """The governors' report as PDF bytes (also run by the background task ``reports.tasks.impact_report_pdf``,
    with no request: the template needs none; ``method_address`` is :func:`method_url` of the request)."""
    board = build(selection, for_governors=True)
    html = render_to_string(
        "reports/impact_report_pdf.html",
        {
            "board": board,
            "selection": selection,
            "summary": exports_impact.plain_summary(board),
            "charts": exports_impact.pdf_charts(board),
            "glossary": exports_impact.GLOSSARY,
            "printed_on": selection.today,
            "method_url": method_address,
        },
    )
    return exports.map_to_pdf(html, base_url=base_url)


@role_required(*IMPACT_VIEWERS)
def impact_report_pdf(request: HttpRequest) -> HttpResponse:
    """The governors' impact report as A4 PDF: counts and verdicts, never a pupil's name.

    Laid out in the request when tasks run inline; otherwise by a background task, while a page says it is being
    prepared and refreshes itself until the PDF (kept in the cache for an hour, and thrown away with the
    figures it shows) is ready to download."""
    selection = _report_selection(request)
    base_url = request.build_absolute_uri("/")
    method_address = method_url(request)
    if tasks.runs_inline():
        body = report_pdf(selection, base_url=base_url, method_address=method_address)
        return _attachment(HttpResponse(body, content_type="application/pdf"), _filename(selection, "pdf"))
    store = figures.cache_key("impact-report-pdf", selection.schools, (selection.figures_key(), base_url))
    body = cache.get(store)
    if body is not None:
        return _attachment(HttpResponse(body, content_type="application/pdf"), _filename(selection, "pdf"))
    job_id = "impact-report-" + hashlib.sha256(store.encode()).hexdigest()[:32]
    failed = tasks.job_state(job_id) == "failed"
    if not failed or request.GET.get("again"):
        tasks.enqueue(
            reports_tasks.impact_report_pdf,
            selection,
            base_url,
            method_address,
            store,
            job_id=job_id,
            description="PDF",
        )
        failed = False
    return render(
        request,
        "reports/report_preparing.html",
        {"selection": selection, "failed": failed, "again": f"{request.get_full_path()}&again=1"},
        status=202 if not failed else 200,
    )


@role_required(*IMPACT_VIEWERS)
def impact_report_xlsx(request: HttpRequest) -> HttpResponse:
    """The governors' impact report as an Excel workbook (Summary, Interventions, Programmes, Pupils in
    provision, Needs attention)."""
    selection = _report_selection(request)
    board = build(selection, with_charts=False)
    body = exports_impact.report_to_xlsx(board, method_url=method_url(request))
    return _attachment(HttpResponse(body, content_type=XLSX), _filename(selection, "xlsx"))
