"""The tracking pages assembled: what each page shows, from the selectors' reads (``reports.tracking.selectors``,
every read through ``visible_to(user, school)``) and the pure rules of ``pupils.identification``, as rows ready
for the templates."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.core.paginator import Page, Paginator

from provision.calendar import school_calendar
from provision.models import School
from pupils import identification as ident
from pupils import scales
from pupils.models import Assessment, Pupil, Result, Subject, TeachingGroup, YearGroup
from pupils.reference import age_in_months
from reports import charts
from reports.tracking import selectors
from reports.tracking.forms import IdentificationFilterForm, TrackingFilterForm

IDENTIFICATION_PAGE_SIZE = 100
CHART_CACHE_SECONDS = 24 * 60 * 60


# --- Standards and words ---------------------------------------------------------------------------------------


def expected_for(assessment: Assessment, pupil: Pupil) -> float | None:
    """The expected standard of this assessment for this pupil (chronological age less tolerance for age scales)."""
    scale = assessment.scale
    if scale.kind == "age":
        return age_in_months(pupil.date_of_birth, assessment.taken_on) - scale.age_tolerance_months
    return scale.expected


def band(value: float, expected: float | None, high: float | None) -> str:
    if high is not None and value >= high:
        return "high"
    if expected is None:
        return "none"
    return "below" if value < expected else "expected"


def format_change(spec: scales.ScaleSpec, change: float) -> str:
    if spec.kind == scales.AGE:
        sign = "+" if change >= 0 else "-"
        months = abs(round(change))
        return f"{sign}{months:.0f} month{'s' if months != 1 else ''}"
    if spec.kind == scales.BANDS:
        return f"{change:+.0f} band{'s' if abs(change) != 1 else ''}"
    return f"{change:+g}"


def mean_text(spec: scales.ScaleSpec, value: float) -> str:
    if pd.isna(value):
        return "-"
    if spec.kind == scales.AGE:
        return scales.months_to_age(value)
    return f"{value:.1f}"


def gap_text(spec: scales.ScaleSpec, gap: float) -> str:
    if pd.isna(gap):
        return "-"
    if spec.kind == scales.AGE:
        return f"{gap:+.0f} months"
    return f"{gap:+.1f}"


# --- Who needs support ----------------------------------------------------------------------------------------------


def finding_row(row, assessments: dict[int, Assessment]) -> dict:
    """One pupil's concern on one scale, with every reason naming the assessment and its date."""
    latest = assessments[row.latest_assessment_id]
    spec = latest.scale.spec()
    has_previous = not pd.isna(row.previous_value)
    previous = assessments.get(int(row.previous_assessment_id)) if has_previous else None
    named = f"{latest.name} ({latest.taken_on:%d/%m/%Y})"
    value = scales.display(spec, row.latest_value)
    expected = scales.display(spec, row.expected_value) if not pd.isna(row.expected_value) else ""
    since = f"{previous.name} ({previous.taken_on:%d/%m/%Y})" if previous else ""
    change = format_change(spec, row.change) if has_previous else ""
    words = {
        ident.BELOW_EXPECTED: f"Below the expected standard on {named}: {value}, expected {expected}",
        ident.SLOW_PROGRESS: f"Progress below what the school expects on {named}: {change} since {since}",
        ident.GAP_WIDENED: f"Gap to the year group's median widened on {named}, since {since}",
        ident.MORE_ABLE_SLIPPING: f"Was at the high standard before, not on {named}: {value}",
    }
    return {
        "assessment": latest,
        "value": value,
        "expected": expected,
        "previous": previous,
        "previous_value": scales.display(spec, row.previous_value) if has_previous else "",
        "change": change,
        "reasons": [words[code] for code in row.reasons],
        "reason_chips": [(code, ident.REASON_SHORT[code], words[code]) for code in row.reasons],
    }


def _listed(user, school: School, form: IdentificationFilterForm, figures) -> pd.DataFrame:
    """The rows of the list asked for (one row per pupil and subject), narrowed to the pupils the filters show.
    The rules ran over the whole roll, so filtering here does not move the year group medians they compare with."""
    _findings, pupil_groups, stale = figures
    if form.is_narrowed():
        shown = form.filter(Pupil.objects.visible_to(user, school).on_roll())
        visible = set(shown.values_list("pk", flat=True))
        pupil_groups = pupil_groups[pupil_groups["pupil_id"].isin(visible)]
        stale = stale[stale["pupil_id"].isin(visible)]
    if form.unsupported:
        # The SENCO's home counts the same rows (reports.home): pupils flagged with no current support.
        pupil_groups = selectors.without_current_support(user, school, pupil_groups)
    group = form.group_shown
    return stale if group == "no_recent" else pupil_groups[pupil_groups["group"] == group]


def _identification_rows(user, school: School, page: Page, findings, subject_id, group: str) -> list[dict]:
    """The page's pupils, each with their findings in the subject (or their last result, for "no recent result")."""
    pupils = selectors.pupils_by_id(user, school, [r.pupil_id for r in page.object_list])
    assessments = selectors.assessments_by_id(school)
    on_page = {row.pupil_id for row in page.object_list}
    their_findings: dict[int, list] = defaultdict(list)
    if group != "no_recent":
        mine = findings[(findings["subject_id"] == subject_id) & findings["pupil_id"].isin(on_page)]
        for finding in mine.sort_values(["latest_on", "latest_assessment_id"], ascending=False).itertuples():
            their_findings[finding.pupil_id].append(finding_row(finding, assessments))
    rows = []
    for row in page.object_list:
        entry = {"pupil": pupils[row.pupil_id], "findings": their_findings.get(row.pupil_id, [])}
        if group == "no_recent":
            last = assessments[row.last_assessment_id]
            spec = last.scale.spec()
            entry["last"] = last
            entry["last_value"] = scales.display(spec, row.last_value)
            entry["last_expected"] = "" if pd.isna(row.expected_value) else scales.display(spec, row.expected_value)
            entry["was_below"] = bool(row.was_below)
        rows.append(entry)
    return rows


def identification_page(
    user, school: School, form: IdentificationFilterForm, *, today: dt.date, page_number: Any, can_place: bool
) -> dict[str, Any]:
    """Who needs support, one subject and 100 pupils at a time: the page's context but for its menus."""
    subjects = list(Subject.objects.filter(school=school))
    since, window_words = selectors.recent_since(school, today)
    figures = selectors.identification_figures(user, school, since=since)
    listed = _listed(user, school, form, figures)
    counts = listed["subject_id"].value_counts().to_dict()
    subject = form.subject_of(subjects, counts)
    subject_id = subject.pk if subject else None
    chosen = listed[listed["subject_id"] == subject_id]
    # Ordered by year group and name from the cached figures: only the page's pupils are loaded.
    ordered = sorted(
        chosen.itertuples(index=False), key=lambda r: (*figures.order.get(r.pupil_id, (99, "")), r.pupil_id)
    )
    page = Paginator(ordered, IDENTIFICATION_PAGE_SIZE).get_page(page_number)
    group = form.group_shown
    rows = _identification_rows(user, school, page, figures.findings, subject_id, group)
    pupils = [r["pupil"] for r in rows]
    support = selectors.current_support(user, school, pupils, subject, today) if rows and subject else {}
    for row in rows:
        row["interventions"], row["planned"] = support.get(row["pupil"].pk, ([], []))
    can_place = can_place and group != "no_recent"
    return {
        "can_place": can_place,
        "unsupported": form.unsupported,
        "fitting_interventions": selectors.fitting_interventions(user, school, subject)
        if can_place and subject
        else [],
        "rows": rows,
        "page": page,
        "subject": subject,
        "tabs": [(s, counts.get(s.pk, 0)) for s in subjects],
        "query_without_subject": form.query_without("page", "subject"),
        "query_without_page": (form.query_without("page", "subject") + f"&subject={subject_id}").lstrip("&"),
        "year": form.value("year"),
        "group": group,
        "total": len(listed),
        "distinct_pupils": listed["pupil_id"].nunique(),
        "since": since,
        "window_words": window_words,
    }


# --- The tracking grid ------------------------------------------------------------------------------------------------


def _class_and_year(
    form: TrackingFilterForm, groups: list[TeachingGroup], assessments: list[Assessment], school: School, *,
    own_classes: bool, today: dt.date,
) -> tuple[TeachingGroup | None, int | None]:  # fmt: skip
    """The class or year group shown: the one asked for; a teacher their first class; else the youngest year group
    that sat the subject this year. A class that is not on offer is ``LookupError``."""
    group_id, year = form.value("group"), form.value("year")
    group = next((g for g in groups if g.pk == group_id), None)
    if group_id is not None and group is None:
        raise LookupError("No such class")
    if own_classes:
        return group or (groups[0] if groups else None), None  # teachers track their own classes
    if group is None and year is None:
        sat = [y for y in school.year_groups if any(a.covers_current_year(y, today) for a in assessments)]
        year = sat[0] if sat else school.lowest_year
    return group, year


def _grid(pupils: list[Pupil], assessments: list[Assessment], results: dict, today: dt.date) -> tuple[list, list]:
    """Each pupil's cells (the value in words, its band) and, per assessment, the share at or above expected."""
    specs = {a.pk: a.scale.spec() for a in assessments}
    rows = []
    counts = {a.pk: {"below": 0, "expected": 0, "high": 0, "n": 0} for a in assessments}
    for pupil in pupils:
        cells = []
        for a in assessments:
            value = results.get((pupil.pk, a.pk))
            if value is None or not a.covers_pupil(pupil, today):
                cells.append({"text": "", "band": "missing"})
                continue
            shown = band(value, expected_for(a, pupil), a.scale.high)
            counts[a.pk]["n"] += 1
            if shown in counts[a.pk]:
                counts[a.pk][shown] += 1
            cells.append({"text": scales.display(specs[a.pk], value), "band": shown})
        rows.append((pupil, cells))
    summary = []
    for a in assessments:
        c = counts[a.pk]
        at_or_above = c["expected"] + c["high"]
        summary.append(round(100 * at_or_above / c["n"]) if c["n"] else None)
    return rows, summary


def tracking_grid(user, school: School, form: TrackingFilterForm, *, own_classes: bool, today: dt.date) -> dict:
    """A class or year group's results in one subject: the page's context but for its menus of year groups.
    Without a choice, it opens on the subject assessed most often, for the youngest year group that sat it."""
    groups = selectors.tracking_classes(user, school, own_only=own_classes)
    subjects = selectors.subjects_by_use(school)
    subject_id = form.value("subject")
    if subject_id not in {s.pk for s in subjects}:
        subject_id = max(subjects, key=lambda s: s.n).pk if subjects else None
    subject_assessments = selectors.subject_assessments(school, subject_id)
    group, year = _class_and_year(form, groups, subject_assessments, school, own_classes=own_classes, today=today)
    pupils = Pupil.objects.visible_to(user, school).on_roll().select_related("registration_group")
    if group is not None:
        pupils = pupils.filter(registration_group=group)
    elif year is not None:
        pupils = pupils.filter(year_group=year)
    else:
        pupils = pupils.none()
    pupils = list(form.filter(pupils).order_by("legal_last_name", "legal_first_name"))
    year_groups = {p.year_group for p in pupils} or (
        {group.year_group} if group and group.year_group is not None else set()
    )
    assessments = [a for a in subject_assessments if any(a.covers_current_year(y, today) for y in year_groups)]
    rows, summary = _grid(pupils, assessments, selectors.results_of(user, school, pupils, assessments), today)
    return {
        "groups": groups,
        "group": group,
        "year": year,
        "subjects": subjects,
        "subject_id": subject_id,
        "assessments": assessments,
        "rows": rows,
        "summary": summary,
        "filters": form.shown(),
    }


# --- One pupil's progress -----------------------------------------------------------------------------------------


def _progress_chart(spec: scales.ScaleSpec, **inputs) -> str:
    """``charts.progress_chart(**inputs)``, from the cache when the same chart was drawn before. A chart is a
    function of its inputs (and the scale, which formats its axis), so new results are a new key and nothing
    stale is ever shown; drawing is most of the progress page's time."""
    described = {name: value for name, value in inputs.items() if name != "value_format"}
    key = "progress-chart:" + hashlib.sha256(repr((sorted(described.items()), spec)).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = charts.progress_chart(**inputs)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def _y_ticks(spec: scales.ScaleSpec, values: list[float]) -> list[float] | None:
    if spec.kind == scales.BANDS:
        return [float(rank) for rank in range(1, len(spec.bands) + 1)]
    if spec.kind == scales.GCSE:
        return [float(grade) for grade in range(0, 10)]
    if spec.kind == scales.AGE and values:
        return charts.age_ticks(values)
    return None


def _progress_section(subject: str, pupil: Pupil, scale_results: list[Result]) -> dict[str, Any]:
    """One subject's results on one scale: the table's rows and the chart."""
    scale = scale_results[0].assessment.scale
    spec = scale.spec()
    expected = [expected_for(r.assessment, pupil) for r in scale_results]
    rows = [
        {
            "result": r,
            "shown": scales.display(spec, r.value),
            "expected": scales.display(spec, exp) if exp is not None else "",
            "band": band(r.value, exp, scale.high),
        }
        for r, exp in zip(scale_results, expected, strict=True)
    ]
    chart = _progress_chart(
        spec,
        title=f"{subject} - {scale.name}",
        dates=[r.assessment.taken_on for r in scale_results],
        values=[r.value for r in scale_results],
        y_label=scale.name,
        expected=expected,
        expected_label="Chronological age less tolerance" if scale.kind == "age" else "Expected standard",
        high=scale.high,
        value_format=(lambda v, s=spec: scales.display(s, v)) if scale.kind in ("age", "bands", "gcse") else None,
        y_ticks=_y_ticks(spec, [r.value for r in scale_results] + [e for e in expected if e is not None]),
    )
    return {"subject": subject, "scale": scale, "rows": rows, "chart": chart}


def progress_sections(user, school: School, pupil: Pupil) -> list[dict[str, Any]]:
    """One pupil's results over time: a chart and a table per subject and scale (a reading age and a standardised
    score do not share an axis)."""
    by_subject: dict[str, dict[int, list[Result]]] = defaultdict(lambda: defaultdict(list))
    for result in selectors.pupil_results(user, school, pupil):
        by_subject[result.assessment.subject.name][result.assessment.scale_id].append(result)
    return [
        _progress_section(subject, pupil, scale_results)
        for subject, by_scale in by_subject.items()
        for scale_results in by_scale.values()
    ]


# --- The disadvantage gap ------------------------------------------------------------------------------------------


def _gap_row(row, subject: Subject, assessments: dict[int, Assessment], choices: list) -> dict[str, Any]:
    assessment = assessments[row.assessment_id]
    spec = assessment.scale.spec()
    key = (int(row.year_group), int(row.subject_id))
    default = next((o.assessment_id for o in choices if o.default), None)
    return {
        "subject": subject,
        "year": YearGroup(row.year_group).label,
        "field": f"a_{key[0]}_{key[1]}",
        "assessment": assessment,
        "is_default": row.assessment_id == default,
        "options": [
            {
                "assessment": assessments[o.assessment_id],
                "default": bool(o.default),
                "selected": o.assessment_id == row.assessment_id,
                "pupils": int(o.pupils),
            }
            for o in choices
        ],
        "n_pp": row.n_pp,
        "n_other": row.n_other,
        "mean_pp": mean_text(spec, row.mean_pp),
        "mean_other": mean_text(spec, row.mean_other),
        "gap": row.gap,
        "gap_text": gap_text(spec, row.gap),
        "pct_pp": None if pd.isna(row.pct_pp_shown) else int(row.pct_pp_shown),
        "pct_other": None if pd.isna(row.pct_other_shown) else int(row.pct_other_shown),
        "gap_pct": None if pd.isna(row.gap_pct) else int(row.gap_pct),
    }


def gap_rows(user, school: School, picked: dict[tuple[int, int], int]) -> list[dict[str, Any]]:
    """Pupil premium pupils against the others, per year group and subject, each on the assessment picked (by
    default the most informative of the latest half term, ``pupils.identification``), with the other choices."""
    frame = selectors.results_frame(user, school)
    premium = selectors.premium_flags(user, school)
    calendar = school_calendar(school)  # a term with its half-term week recorded splits there
    half_term_of = ident.half_terms(list(calendar.terms), calendar.half_terms)
    gaps = ident.disadvantage_gap(frame, premium, chosen=picked, half_term_of=half_term_of)
    options = ident.gap_options(frame, half_term_of)
    subjects = {s.pk: s for s in Subject.objects.filter(school=school)}
    assessments = selectors.assessments_by_id(school)
    choices: dict[tuple[int, int], list] = defaultdict(list)
    for option in options.itertuples(index=False):
        choices[(int(option.year_group), int(option.subject_id))].append(option)
    return [
        _gap_row(row, subjects[row.subject_id], assessments, choices[(int(row.year_group), int(row.subject_id))])
        for row in gaps.sort_values(["subject_id", "year_group"]).itertuples(index=False)
    ]
