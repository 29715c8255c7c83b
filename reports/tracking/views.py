"""Views of assessment data: who needs support, tracking grids, one pupil's progress, the disadvantage gap."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import pandas as pd
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.groups import planning
from interventions.models import PLANNED_OR_RUNNING, Intervention, Placement, Programme, Status, Wave
from provision.access import (
    IDENTIFICATION_VIEWERS,
    INTERVENTION_EDITORS,
    TRACKING_VIEWERS,
    can_see_results,
    role_required,
)
from provision.calendar import school_calendar
from provision.models import Role, School, Term
from pupils import identification as ident
from pupils import scales
from pupils.models import Assessment, Gender, Pupil, Result, Subject, TeachingGroup, YearGroup
from pupils.reference import age_in_months
from pupils.selectors import get_pupil_for_user
from reports import charts
from reports.tracking.selectors import (
    PupilFlags,
    assessments_by_id,
    identification_figures,
    results_frame,
    without_current_support,
)

YES_NO = {"yes": True, "no": False}
IDENTIFICATION_PAGE_SIZE = 100


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


GROUPS = {"support": "Need support", "more_able": "More able, slipping", "no_recent": "No recent result"}


def recent_since(school: School, today: dt.date, terms: int | None = None) -> tuple[dt.date, str]:
    """The first day of "recent" for who needs support: the start of the term ``terms`` terms back counting the
    current one (the school's ``recent_terms`` by default: the current and previous term), with its words. One
    query. Without term dates, four months a term."""
    count = terms or school.recent_terms
    starts = sorted(Term.objects.for_school(school).values_list("start_date", flat=True))
    started = [day for day in starts if day <= today]
    if not started:
        return today - dt.timedelta(days=122 * count), f"the last {count * 4} months"
    first = started[max(0, len(started) - count)]
    words = {1: "this term", 2: "this term and last term"}.get(count, f"this term and the {count - 1} before it")
    return first, words


def _finding_row(row, assessments: dict[int, Assessment]) -> dict:
    """One pupil's concern on one scale, with every reason naming the assessment and its date."""
    latest = assessments[row.latest_assessment_id]
    spec = latest.scale.spec()
    has_previous = not pd.isna(row.previous_value)
    previous = assessments.get(int(row.previous_assessment_id)) if has_previous else None
    named = f"{latest.name} ({latest.taken_on:%d/%m/%Y})"
    value = scales.display(spec, row.latest_value)
    expected = scales.display(spec, row.expected_value) if not pd.isna(row.expected_value) else ""
    since = f"{previous.name} ({previous.taken_on:%d/%m/%Y})" if previous else ""
    change = _format_change(spec, row.change) if has_previous else ""
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


@role_required(*IDENTIFICATION_VIEWERS)
def identification(request: HttpRequest) -> HttpResponse:
    """The pupils whose recent results give a reason for concern, and why: one subject at a time (tabs show
    every subject's count), 100 pupils a page, so that a large secondary's list stays quick to read and load.

    Every assessment of the subject since the start of the recent window counts, each on its own scale
    (``pupils.identification``); pupils whose results are all older are listed under "No recent result". The
    rules run over the whole roll, so the filters (year group, pupil premium, SEN, EAL, gender) choose whom to
    show without changing the year group medians the rules compare with."""
    school, today = request.school, timezone.localdate()
    subjects = list(Subject.objects.filter(school=school))
    year = _int_param(request, "year")
    group = request.GET.get("group") if request.GET.get("group") in GROUPS else "support"
    since, window_words = recent_since(school, today)
    # Cached per school until its results or pupils change (reports.tracking.selectors.identification_figures).
    figures = identification_figures(school, since=since)
    findings, pupil_groups, stale = figures
    shown = _flag_filters(request, Pupil.objects.visible_to(request.user, school).on_roll())
    if year is not None:
        shown = shown.filter(year_group=year)
    if any(request.GET.get(k) for k in ("pp", "sen", "eal", "gender")) or year is not None:
        visible = set(shown.values_list("pk", flat=True))
        pupil_groups = pupil_groups[pupil_groups["pupil_id"].isin(visible)]
        stale = stale[stale["pupil_id"].isin(visible)]
    unsupported = group == "support" and request.GET.get("support") == "none"
    if unsupported:
        # The SENCO's home counts the same rows (reports.home): pupils flagged with no current support.
        pupil_groups = without_current_support(pupil_groups, school)
    listed = stale if group == "no_recent" else pupil_groups[pupil_groups["group"] == group]
    counts = listed["subject_id"].value_counts().to_dict()
    subject_id = _int_param(request, "subject")
    if subject_id not in {s.pk for s in subjects}:
        subject_id = next((s.pk for s in subjects if counts.get(s.pk)), subjects[0].pk if subjects else None)
    chosen = listed[listed["subject_id"] == subject_id]
    # Ordered by year group and name from the cached figures: only the page's pupils are loaded.
    ordered = sorted(
        chosen.itertuples(index=False), key=lambda r: (*figures.order.get(r.pupil_id, (99, "")), r.pupil_id)
    )
    page = Paginator(ordered, IDENTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    pupil_rows = {
        p.pk: p
        for p in Pupil.objects.visible_to(request.user, school)
        .filter(pk__in=[r.pupil_id for r in page.object_list])
        .select_related("registration_group")
    }
    assessments = assessments_by_id(school)
    on_page = {row.pupil_id for row in page.object_list}
    their_findings: dict[int, list] = defaultdict(list)
    if group != "no_recent":
        mine = findings[(findings["subject_id"] == subject_id) & findings["pupil_id"].isin(on_page)]
        for finding in mine.sort_values(["latest_on", "latest_assessment_id"], ascending=False).itertuples():
            their_findings[finding.pupil_id].append(_finding_row(finding, assessments))
    rows = []
    for row in page.object_list:
        entry = {"pupil": pupil_rows[row.pupil_id], "findings": their_findings.get(row.pupil_id, [])}
        if group == "no_recent":
            last = assessments[row.last_assessment_id]
            spec = last.scale.spec()
            entry["last"] = last
            entry["last_value"] = scales.display(spec, row.last_value)
            entry["last_expected"] = "" if pd.isna(row.expected_value) else scales.display(spec, row.expected_value)
            entry["was_below"] = bool(row.was_below)
        rows.append(entry)
    subject = next((s for s in subjects if s.pk == subject_id), None)
    support = (
        current_support(request.user, school, [row["pupil"] for row in rows], subject, today)
        if rows and subject
        else {}
    )
    for row in rows:
        row["interventions"], row["planned"] = support.get(row["pupil"].pk, ([], []))
    can_place = request.role in INTERVENTION_EDITORS and group != "no_recent"
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("subject", None)
    return render(
        request,
        "reports/identification.html",
        {
            "can_place": can_place,
            "unsupported": unsupported,
            "fitting_interventions": _fitting_interventions(request.user, school, subject)
            if can_place and subject
            else [],
            "programmes": Programme.objects.for_school(school).filter(is_active=True) if can_place else [],
            "rows": rows,
            "page": page,
            "subject": subject,
            "tabs": [(s, counts.get(s.pk, 0)) for s in subjects],
            "query_without_subject": params.urlencode(),
            "query_without_page": (params.urlencode() + f"&subject={subject_id}").lstrip("&"),
            "year": year,
            "years": [(y, YearGroup(y).label) for y in school.year_groups],
            "group": group,
            "groups": GROUPS,
            "total": len(listed),
            "distinct_pupils": listed["pupil_id"].nunique(),
            "reason_labels": ident.REASON_LABELS,
            "since": since,
            "window_words": window_words,
            "recent_terms": school.recent_terms,
            "term_choices": RECENT_TERM_CHOICES,
        },
    )


RECENT_TERM_CHOICES = [(1, "This term only"), (2, "This term and last term"), (3, "The last three terms")] + [
    (n, f"The last {n} terms") for n in range(4, 7)
]


@require_POST
@role_required(*IDENTIFICATION_VIEWERS)
def identification_window(request: HttpRequest) -> HttpResponse:
    """Set how many terms of results count as recent for the school (the current term and those before it).
    ``was`` is the setting the form showed: if someone changed it meanwhile, nothing is saved and they are told."""
    school = request.school
    back = reverse("reports:identification")
    try:
        terms, was = int(request.POST.get("terms", "")), int(request.POST.get("was", ""))
    except ValueError:
        messages.error(request, "Choose how many terms of results count as recent.")
        return redirect(back)
    if terms not in dict(RECENT_TERM_CHOICES):
        messages.error(request, "Choose between 1 and 6 terms.")
        return redirect(back)
    with transaction.atomic():
        # Two leaders saving at once: the second sees the first's choice rather than silently replacing it.
        locked = School.objects.select_for_update().get(pk=school.pk)
        if locked.recent_terms != was:
            messages.warning(
                request,
                f"Someone changed the setting meanwhile to {locked.recent_terms} term(s): it was left as it is.",
            )
            return redirect(back)
        locked.recent_terms = terms
        locked.full_clean()
        locked.save(update_fields=["recent_terms"])
    messages.success(
        request, f"Who needs support now looks at results from {dict(RECENT_TERM_CHOICES)[terms].lower()}."
    )
    return redirect(back)


def _in_subject(subject: Subject, prefix: str = "") -> Q:
    """Groups measured in ``subject``, or, with no assessed subject set, those whose area is named in the
    subject's name ("Spelling" in "Grammar, punctuation and spelling")."""
    areas = planning.areas_for_subject(subject.name)
    return Q(**{f"{prefix}subject": subject}) | Q(**{f"{prefix}subject__isnull": True, f"{prefix}area__in": areas})


def _fitting_interventions(user, school: School, subject: Subject) -> list[Intervention]:
    """The school's planned or running groups a pupil flagged in ``subject`` could join (one query)."""
    return list(
        Intervention.objects.visible_to(user, school)
        .planned_or_running()
        .exclude(wave=Wave.QUALITY_FIRST)
        .filter(_in_subject(subject))
        .order_by("name")
    )


def current_support(
    user, school: School, pupils: list[Pupil], subject: Subject, today: dt.date
) -> dict[int, tuple[list[Intervention], list[tuple[Intervention, dt.date]]]]:
    """For each pupil, the groups in ``subject`` they are in now (running, started, not left) and those they
    are placed in that have not started yet (planned, or starting after today) with the day they start. Groups
    in other subjects are left out: the list is about this subject's need. One query."""
    placements = (
        Placement.objects.visible_to(user, school)
        .active()
        .filter(pupil__in=pupils, intervention__status__in=PLANNED_OR_RUNNING)
        .filter(_in_subject(subject, "intervention__"))
        .select_related("intervention")
        .order_by("intervention__start_date", "intervention__name")
    )
    support: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for placement in placements:
        group = placement.intervention
        starts = max(group.start_date, placement.entry_date)
        if group.status == Status.RUNNING and starts <= today:
            support[placement.pupil_id][0].append(group)
        else:
            support[placement.pupil_id][1].append((group, starts))
    return support


def _format_change(spec: scales.ScaleSpec, change: float) -> str:
    if spec.kind == scales.AGE:
        sign = "+" if change >= 0 else "-"
        months = abs(round(change))
        return f"{sign}{months:.0f} month{'s' if months != 1 else ''}"
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
    pupils = Pupil.objects.visible_to(request.user, school).on_roll().select_related("registration_group")
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
        for r in Result.objects.visible_to(request.user, school)
        .filter(pupil__in=pupils, assessment__in=assessments)
        .only("pupil_id", "assessment_id", "value")
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


@role_required(*TRACKING_VIEWERS)
def pupil_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One pupil's results over time, a chart and a table per subject. The tracking rule (``can_see_results``):
    the SENCO and leaders see any pupil of their school, a teacher the pupils of their own classes (another
    class's pupil is a 404, as a pupil of another school is)."""
    pupil = get_pupil_for_user(request, pk, TRACKING_VIEWERS)
    if not can_see_results(request, pupil):
        raise Http404("No such pupil")
    results = list(
        Result.objects.visible_to(request.user, request.school)
        .filter(pupil=pupil)
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


def _picked_assessments(request: HttpRequest) -> dict[tuple[int, int], int]:
    """The assessments the reader picked: ``?a-<year group>-<subject id>=<assessment id>``. Anything malformed
    is ignored (the default stands); a pick that is not one of that row's assessments is ignored by the gap."""
    picked = {}
    for key, value in request.GET.items():
        parts = key.split("_") if key.startswith("a_") else []
        if len(parts) == 3:
            try:
                picked[(int(parts[1]), int(parts[2]))] = int(value)
            except ValueError:
                continue
    return picked


@role_required(*IDENTIFICATION_VIEWERS)
def disadvantage_gap(request: HttpRequest) -> HttpResponse:
    """Pupil premium pupils against the others, per year group and subject, on one named assessment each: the
    reader picks it; by default the most informative of the latest half term (``pupils.identification``)."""
    school = request.school
    pupils = Pupil.objects.visible_to(request.user, school).on_roll()
    frame = results_frame(school=school)
    premium = pd.Series(dict(pupils.values_list("pk", "pupil_premium")), dtype=bool)
    calendar = school_calendar(school)  # a term with its half-term week recorded splits there
    half_term_of = ident.half_terms(list(calendar.terms), calendar.half_terms)
    picked = _picked_assessments(request)
    gaps = ident.disadvantage_gap(frame, premium, chosen=picked, half_term_of=half_term_of)
    options = ident.gap_options(frame, half_term_of)
    subjects = {s.pk: s for s in Subject.objects.filter(school=school)}
    assessments = assessments_by_id(school)
    choices: dict[tuple[int, int], list] = defaultdict(list)
    for option in options.itertuples(index=False):
        choices[(int(option.year_group), int(option.subject_id))].append(option)
    rows = []
    for row in gaps.sort_values(["subject_id", "year_group"]).itertuples(index=False):
        assessment = assessments[row.assessment_id]
        spec = assessment.scale.spec()
        numeric = spec.kind not in (scales.BANDS,)
        key = (int(row.year_group), int(row.subject_id))
        default = next((o.assessment_id for o in choices[key] if o.default), None)
        rows.append(
            {
                "subject": subjects[row.subject_id],
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
                    for o in choices[key]
                ],
                "n_pp": row.n_pp,
                "n_other": row.n_other,
                "mean_pp": _mean_text(spec, row.mean_pp, numeric),
                "mean_other": _mean_text(spec, row.mean_other, numeric),
                "gap": row.gap,
                "gap_text": _gap_text(spec, row.gap),
                "pct_pp": None if pd.isna(row.pct_pp_shown) else int(row.pct_pp_shown),
                "pct_other": None if pd.isna(row.pct_other_shown) else int(row.pct_other_shown),
                "gap_pct": None if pd.isna(row.gap_pct) else int(row.gap_pct),
            }
        )
    return render(
        request,
        "reports/disadvantage_gap.html",
        {"rows": rows, "today": timezone.localdate(), "picked": bool(picked)},
    )


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
