"""Views of assessment data: who needs support, tracking grids, one pupil's progress, the disadvantage gap."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import pandas as pd
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from interventions.models import Area, Intervention, Placement, Status, Wave
from provision.access import (
    IDENTIFICATION_VIEWERS,
    INTERVENTION_EDITORS,
    PUPIL_VIEWERS,
    TRACKING_VIEWERS,
    role_required,
)
from provision.models import Role, School
from pupils import identification as ident
from pupils import scales
from pupils.models import Assessment, Gender, Pupil, Result, Subject, TeachingGroup, YearGroup
from pupils.reference import age_in_months
from pupils.selectors import get_pupil_for_user

from . import charts
from .selectors import PupilFlags, assessments_by_id, flagged_pupils, results_frame

YES_NO = {"yes": True, "no": False}
IDENTIFICATION_PAGE_SIZE = 100
ACTIVE_STATUSES = (Status.PLANNED, Status.RUNNING)


def _flags(request: HttpRequest, year_group: int | None = None) -> PupilFlags:
    """Pupil premium, SEN, EAL and gender filters shared by the tracking pages."""
    return PupilFlags(
        pupil_premium=YES_NO.get(request.GET.get("pp", "")),
        eal=YES_NO.get(request.GET.get("eal", "")),
        sen=YES_NO.get(request.GET.get("sen", "")),
        gender=request.GET.get("gender") if request.GET.get("gender") in Gender.values else None,
        year_group=year_group,
    )


def _flag_filters(request: HttpRequest, pupils):
    return _flags(request).apply(pupils)


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    try:
        return int(value)
    except ValueError:
        return None


def _expected_for(assessment: Assessment, pupil: Pupil) -> float | None:
    """The expected standard of this assessment for this pupil (chronological age less tolerance for age scales)."""
    scale = assessment.scale
    if scale.kind == "age":
        return age_in_months(pupil.date_of_birth, assessment.taken_on) - scale.age_tolerance_months
    return scale.expected


def _band(value: float, expected: float | None, high: float | None) -> str:
    if high is not None and value >= high:
        return "high"
    if expected is None:
        return "none"
    return "below" if value < expected else "expected"


CHART_CACHE_SECONDS = 24 * 60 * 60


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


@role_required(*IDENTIFICATION_VIEWERS)
def identification(request: HttpRequest) -> HttpResponse:
    """The pupils whose latest results give a reason for concern, and why: one subject at a time (tabs show
    every subject's count), 100 pupils a page, so that a large secondary's list stays quick to read and load."""
    school = request.school
    subjects = list(Subject.objects.filter(school=school))
    year = _int_param(request, "year")
    group = request.GET.get("group") if request.GET.get("group") in ("support", "more_able") else "support"
    flagged = flagged_pupils(school, _flags(request, year))
    flagged = flagged[flagged["group"] == group]
    counts = flagged["subject_id"].value_counts().to_dict()
    subject_id = _int_param(request, "subject")
    if subject_id not in {s.pk for s in subjects}:
        subject_id = next((s.pk for s in subjects if counts.get(s.pk)), subjects[0].pk if subjects else None)
    chosen = flagged[flagged["subject_id"] == subject_id].sort_values(["year_group", "sort_name", "pupil_id"])
    page = Paginator(list(chosen.itertuples(index=False)), IDENTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    # Only the page's pupils are loaded (the order came with the cached figures).
    pupil_rows = {
        p.pk: p
        for p in Pupil.objects.filter(pk__in=[r.pupil_id for r in page.object_list]).select_related(
            "registration_group"
        )
    }
    assessments = assessments_by_id(school, ids={row.latest_assessment_id for row in page.object_list})
    rows = []
    for row in page.object_list:
        latest = assessments[row.latest_assessment_id]
        spec = latest.scale.spec()
        has_previous = not pd.isna(row.previous_value)
        rows.append(
            {
                "pupil": pupil_rows[row.pupil_id],
                "latest": latest,
                "latest_value": scales.display(spec, row.latest_value),
                "previous_value": scales.display(spec, row.previous_value) if has_previous else "",
                "change": _format_change(spec, row.change) if has_previous else "",
                "expected": scales.display(spec, row.expected_value) if not pd.isna(row.expected_value) else "",
                "reasons": [ident.REASON_LABELS[code] for code in row.reasons],
                "reason_chips": [(code, ident.REASON_SHORT[code], ident.REASON_LABELS[code]) for code in row.reasons],
            }
        )
    # The groups each listed pupil is in now (one query), shown beside their SEN status.
    in_groups: dict[int, list[Intervention]] = defaultdict(list)
    if rows:
        placements = (
            Placement.objects.active()
            .filter(pupil__in=[row["pupil"] for row in rows], intervention__status__in=ACTIVE_STATUSES)
            .select_related("intervention")
            .order_by("intervention__name")
        )
        for placement in placements:
            in_groups[placement.pupil_id].append(placement.intervention)
    for row in rows:
        row["interventions"] = in_groups.get(row["pupil"].pk, [])
    subject = next((s for s in subjects if s.pk == subject_id), None)
    can_place = request.role in INTERVENTION_EDITORS
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("subject", None)
    return render(
        request,
        "reports/identification.html",
        {
            "can_place": can_place,
            "fitting_interventions": _fitting_interventions(school, subject) if can_place and subject else [],
            "rows": rows,
            "page": page,
            "subject": subject,
            "tabs": [(s, counts.get(s.pk, 0)) for s in subjects],
            "query_without_subject": params.urlencode(),
            "query_without_page": (params.urlencode() + f"&subject={subject_id}").lstrip("&"),
            "year": year,
            "years": [(y, YearGroup(y).label) for y in school.year_groups],
            "group": group,
            "total": len(flagged),
            "distinct_pupils": flagged["pupil_id"].nunique(),
            "reason_labels": ident.REASON_LABELS,
        },
    )


def _fitting_interventions(school: School, subject: Subject) -> list[Intervention]:
    """The school's planned or running groups a pupil flagged in ``subject`` could join: those measured in it,
    or, with no assessed subject set, those whose area is named in the subject's name ("Spelling" in "Grammar,
    punctuation and spelling") (one query)."""
    name = subject.name.strip().casefold()
    areas = [
        area.value for area in Area if area != Area.OTHER and (area.label.casefold() in name or area.value in name)
    ]
    return list(
        Intervention.objects.for_school(school)
        .active()
        .exclude(wave=Wave.QUALITY_FIRST)
        .filter(Q(subject=subject) | Q(subject__isnull=True, area__in=areas))
        .order_by("name")
    )


def _format_change(spec: scales.ScaleSpec, change: float) -> str:
    if spec.kind == scales.AGE:
        sign = "+" if change >= 0 else "-"
        return f"{sign}{abs(round(change)):.0f} months"
    if spec.kind == scales.BANDS:
        return f"{change:+.0f} band{'s' if abs(change) != 1 else ''}"
    return f"{change:+g}"


@role_required(*TRACKING_VIEWERS)
def tracking(request: HttpRequest) -> HttpResponse:
    """A class or year group's results in one subject, coloured against the expected and high standards."""
    school = request.school
    groups = TeachingGroup.objects.filter(school=school).order_by("year_group", "name")
    if request.role == Role.TEACHER:
        groups = groups.filter(teachers=request.user)
    groups = list(groups)
    # Without a choice, open on the subject assessed most often, for the youngest year group that sat it.
    subjects = list(Subject.objects.filter(school=school).annotate(n=Count("assessments")))
    group_id, year = _int_param(request, "group"), _int_param(request, "year")
    subject_id = _int_param(request, "subject")
    if subject_id not in {s.pk for s in subjects}:
        subject_id = max(subjects, key=lambda s: s.n).pk if subjects else None
    today = timezone.localdate()
    subject_assessments = list(
        Assessment.objects.filter(school=school, subject_id=subject_id)
        .select_related("subject", "scale")
        .prefetch_related("scale__bands")
        .order_by("taken_on", "name")
    )
    group = next((g for g in groups if g.pk == group_id), None)
    if group_id is not None and group is None:
        raise Http404("No such class")
    if request.role == Role.TEACHER:
        year = None  # teachers track their own classes
        if group is None and groups:
            group = groups[0]
    elif group is None and year is None:
        sat = [y for y in school.year_groups if any(a.covers_current_year(y, today) for a in subject_assessments)]
        year = sat[0] if sat else school.lowest_year
    pupils = Pupil.objects.filter(school=school).on_roll().select_related("registration_group")
    if group is not None:
        pupils = pupils.filter(registration_group=group)
    elif year is not None:
        pupils = pupils.filter(year_group=year)
    else:
        pupils = pupils.none()
    pupils = list(_flag_filters(request, pupils).order_by("legal_last_name", "legal_first_name"))
    year_groups = {p.year_group for p in pupils} or (
        {group.year_group} if group and group.year_group is not None else set()
    )
    assessments = [a for a in subject_assessments if any(a.covers_current_year(y, today) for y in year_groups)]
    results = {
        (r.pupil_id, r.assessment_id): r.value
        for r in Result.objects.filter(pupil__in=pupils, assessment__in=assessments).only(
            "pupil_id", "assessment_id", "value"
        )
    }
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
            band = _band(value, _expected_for(a, pupil), a.scale.high)
            counts[a.pk]["n"] += 1
            if band in counts[a.pk]:
                counts[a.pk][band] += 1
            cells.append({"text": scales.display(specs[a.pk], value), "band": band})
        rows.append((pupil, cells))
    summary = []
    for a in assessments:
        c = counts[a.pk]
        at_or_above = c["expected"] + c["high"]
        summary.append(round(100 * at_or_above / c["n"]) if c["n"] else None)
    return render(
        request,
        "reports/tracking.html",
        {
            "groups": groups,
            "group": group,
            "year": year,
            "years": [(y, YearGroup(y).label) for y in school.year_groups] if request.role != Role.TEACHER else [],
            "subjects": subjects,
            "subject_id": subject_id,
            "assessments": assessments,
            "rows": rows,
            "summary": summary,
            "filters": {k: request.GET.get(k, "") for k in ("pp", "sen", "eal", "gender")},
        },
    )


@role_required(*PUPIL_VIEWERS)
def pupil_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One pupil's results over time, a chart and a table per subject."""
    pupil = get_pupil_for_user(request, pk, PUPIL_VIEWERS)
    results = list(
        Result.objects.filter(pupil=pupil)
        .select_related("assessment__subject", "assessment__scale")
        .prefetch_related("assessment__scale__bands")
        .order_by("assessment__subject__name", "assessment__taken_on")
    )
    by_subject: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_subject[result.assessment.subject.name].append(result)
    sections = []
    for subject, subject_results in by_subject.items():
        # One chart per scale within a subject: a reading age and a standardised score do not share an axis.
        by_scale: dict[int, list[Result]] = defaultdict(list)
        for result in subject_results:
            by_scale[result.assessment.scale_id].append(result)
        for scale_results in by_scale.values():
            scale = scale_results[0].assessment.scale
            spec = scale.spec()
            expected = [_expected_for(r.assessment, pupil) for r in scale_results]
            rows = []
            for r, exp in zip(scale_results, expected, strict=True):
                rows.append(
                    {
                        "result": r,
                        "shown": scales.display(spec, r.value),
                        "expected": scales.display(spec, exp) if exp is not None else "",
                        "band": _band(r.value, exp, scale.high),
                    }
                )
            chart = _progress_chart(
                spec,
                title=f"{subject} - {scale.name}",
                dates=[r.assessment.taken_on for r in scale_results],
                values=[r.value for r in scale_results],
                y_label=scale.name,
                expected=expected,
                expected_label="Chronological age less tolerance" if scale.kind == "age" else "Expected standard",
                high=scale.high,
                value_format=(lambda v, s=spec: scales.display(s, v))
                if scale.kind in ("age", "bands", "gcse")
                else None,
                y_ticks=_y_ticks(spec, [r.value for r in scale_results] + [e for e in expected if e is not None]),
            )
            sections.append({"subject": subject, "scale": scale, "rows": rows, "chart": chart})
    return render(
        request,
        "reports/pupil_progress.html",
        {"pupil": pupil, "sections": sections, "today": timezone.localdate()},
    )


def _y_ticks(spec: scales.ScaleSpec, values: list[float]) -> list[float] | None:
    if spec.kind == scales.BANDS:
        return [float(rank) for rank in range(1, len(spec.bands) + 1)]
    if spec.kind == scales.GCSE:
        return [float(grade) for grade in range(0, 10)]
    if spec.kind == scales.AGE and values:
        return charts.age_ticks(values)
    return None


@role_required(*IDENTIFICATION_VIEWERS)
def disadvantage_gap(request: HttpRequest) -> HttpResponse:
    """Pupil premium pupils against the others, per year group and subject, at the latest assessment."""
    school = request.school
    pupils = Pupil.objects.filter(school=school).on_roll()
    frame = results_frame(school=school)
    premium = pd.Series(dict(pupils.values_list("pk", "pupil_premium")), dtype=bool)
    gaps = ident.disadvantage_gap(frame, premium)
    subjects = {s.pk: s for s in Subject.objects.filter(school=school)}
    assessments = assessments_by_id(school)
    rows = []
    for row in gaps.sort_values(["subject_id", "year_group"]).itertuples(index=False):
        assessment = assessments[row.assessment_id]
        spec = assessment.scale.spec()
        numeric = spec.kind not in (scales.BANDS,)
        rows.append(
            {
                "subject": subjects[row.subject_id],
                "year": YearGroup(row.year_group).label,
                "assessment": assessment,
                "n_pp": row.n_pp,
                "n_other": row.n_other,
                "mean_pp": _mean_text(spec, row.mean_pp, numeric),
                "mean_other": _mean_text(spec, row.mean_other, numeric),
                "gap": row.gap,
                "gap_text": _gap_text(spec, row.gap),
                "pct_pp": None if pd.isna(row.pct_expected_pp) else round(row.pct_expected_pp),
                "pct_other": None if pd.isna(row.pct_expected_other) else round(row.pct_expected_other),
                "gap_pct": None if pd.isna(row.gap_pct) else round(row.gap_pct),
            }
        )
    return render(request, "reports/disadvantage_gap.html", {"rows": rows, "today": dt.date.today()})


def _mean_text(spec: scales.ScaleSpec, value: float, numeric: bool) -> str:
    if pd.isna(value):
        return "-"
    if spec.kind == scales.AGE:
        return scales.months_to_age(value)
    return f"{value:.1f}"


def _gap_text(spec: scales.ScaleSpec, gap: float) -> str:
    if pd.isna(gap):
        return "-"
    if spec.kind == scales.AGE:
        return f"{gap:+.0f} months"
    return f"{gap:+.1f}"
