"""Impact pages: is each intervention working, for whom, and at what cost.

- the overview: every group and programme of the period with its verdict;
- one intervention: each pupil's entry, exit and gain, the group's figures beside similar pupils who had no
  intervention, whether the progress lasted, the cost per pupil and per month gained;
- one programme: its groups across terms, pooled into one verdict;
- "pupils, not programmes": pupils who have had several interventions in a subject without a lasting gain.

The numbers come from ``reports.impact.evaluation`` (pure, over DataFrames) fed by ``reports.impact.selectors``
(a constant number of queries); the verdict rules and their thresholds live in ``evaluation.THRESHOLDS`` and
are printed on every page that shows a verdict. Readers: SENCO, senior leaders and the school admin
(``provision.access.IMPACT_VIEWERS``), for their current school only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from interventions.models import Intervention, Placement, Programme
from interventions.progress.selectors import group_progress
from provision import figures
from provision.access import IMPACT_VIEWERS, can_see_costs, role_required
from provision.calendar import terms_in_order
from provision.models import School, Term
from provision.params import int_param
from pupils import scales
from pupils.models import Assessment, Pupil, Subject, YearGroup
from reports.dashboard import build as dashboard
from reports.dashboard import selectors as selectors_dashboard
from reports.formatting import as_number, interval, money, months_text, percent, plain, signed
from reports.impact import evaluation
from reports.impact import selectors as selectors_impact
from reports.impact.charts import adjusted_chart, gains_chart
from reports.impact.stats import TOOLKIT_MONTHS
from reports.maps.build import Period, period_for_term, period_for_year

UNITS = {scales.AGE: "months", scales.BANDS: "bands", scales.GCSE: "grades"}


# --- Formatting ---------------------------------------------------------------------------------------


def unit_for(kind: str) -> str:
    return UNITS.get(kind, "points")


# --- Periods --------------------------------------------------------------------------------------------


LAST_12_MONTHS = "12m"  # the menu's value for "the last 12 months"


def impact_period(
    request: HttpRequest, terms: list[Term], today: dt.date, school: School | None = None
) -> tuple[Period | None, Term | None, Any, str]:
    """(period, term, academic year, note) from ``?term=<id>``, ``?year=<id>`` or ``?period=term-<id>``/
    ``year-<id>``/``12m`` (the page's one menu). An id that is not one of the school's is a 404.

    Chosen by the reader, that period is shown. Otherwise the current academic year when some of its groups have
    finished with exit results (impact needs entry and exit points); else, as in the autumn, the last 12 months
    when groups finished in them, with ``note`` saying so; else the last academic year with finished groups,
    saying so; else the current year."""
    years = {term.academic_year_id: term.academic_year for term in terms}
    params = request.GET.copy()
    kind, _sep, value = request.GET.get("period", "").partition("-")
    if kind in ("term", "year") and value:
        params[kind] = value
    if params.get("term"):
        term = next((t for t in terms if t.pk == int_param(params["term"])), None)
        if term is None:
            raise Http404("No such term")
        return period_for_term(term), term, term.academic_year, ""
    if params.get("year"):
        year = years.get(int_param(params["year"]))
        if year is None:
            raise Http404("No such academic year")
        return period_for_year(year), None, year, ""
    if not terms:
        return None, None, None, ""
    if request.GET.get("period") == LAST_12_MONTHS or school is None:
        return last_twelve_months(today), None, None, ""
    started = [t for t in terms if t.start_date <= today]
    current = (started[-1] if started else terms[0]).academic_year
    this_year = period_for_year(current)
    if selectors_dashboard.has_finished(periods={school.pk: this_year}, today=today):
        return this_year, None, current, ""
    recent = last_twelve_months(today)
    if selectors_dashboard.has_finished(periods={school.pk: recent}, today=today):
        note = f"Nothing has finished yet in {current.name}, so this shows the last 12 months. Choose another period to change it."
        return recent, None, None, note
    earlier = sorted(
        {t.academic_year for t in terms if t.academic_year.end_date < current.start_date}, key=lambda y: y.start_date
    )
    if earlier and selectors_dashboard.has_finished(periods={school.pk: period_for_year(earlier[-1])}, today=today):
        note = (
            f"Nothing has finished in {current.name} or the last 12 months, so this shows {earlier[-1].name}, the "
            "last academic year with finished groups. Choose another period to change it."
        )
        return period_for_year(earlier[-1]), None, earlier[-1], note
    return this_year, None, current, ""


def last_twelve_months(today: dt.date) -> Period:
    """The year to today, so that in the autumn last year's finished groups are judged beside this term's running
    ones."""
    return Period(label="The last 12 months", start=today - dt.timedelta(days=365), end=today)


# --- Rows for templates -------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    if "intervention_id" not in frame.columns and frame.index.name == "intervention_id":
        frame = frame.reset_index()
    if "programme_id" not in frame.columns and frame.index.name == "programme_id":
        frame = frame.reset_index()
    return frame.to_dict("records")


def verdict_context(row: dict[str, Any]) -> dict[str, Any]:
    """The verdict, recommendation and reasons of a group or programme row, ready to show."""
    key = row.get("verdict") or "too_little"
    recommendation = row.get("recommendation") or "review"
    reasons = row.get("reasons")
    return {
        "key": key,
        "label": evaluation.VERDICTS.get(key, key),
        "recommendation": recommendation,
        "recommendation_label": evaluation.RECOMMENDATIONS.get(recommendation, recommendation),
        "reasons": list(reasons) if isinstance(reasons, list | tuple) else [],
    }


def score_text(kind: str, value: Any) -> str:
    """A mean score as a school writes it: reading ages as years:months, other scales to one decimal."""
    number = as_number(value)
    if number is None:
        return "-"
    return scales.months_to_age(number) if kind == scales.AGE else plain(number, 1)


def effect_context(row: dict[str, Any], kind: str = "") -> dict[str, Any]:
    """The deciding effect of a row and what was compared with what: Hedges' g against similar pupils
    (adjusted for where pupils started, on the SD of attainment) when there is a comparison, else the
    before-and-after figures judged against the gain expected without help."""
    g = as_number(row.get("g"))
    measure = row.get("measure") or "none"
    i2 = as_number(row.get("i2"))
    return {
        "measure": measure,
        "method_label": evaluation.METHODS.get(measure, ""),
        "g": plain(g) if g is not None else "",
        "g_ci": interval(row.get("g_ci_low"), row.get("g_ci_high")),
        "months": months_text(row.get("months")) if g is not None else "",
        "difference": signed(row.get("difference")) if as_number(row.get("difference")) is not None else "",
        "difference_ci": interval(row.get("difference_ci_low"), row.get("difference_ci_high"), 1),
        "sd": plain(row.get("sd_attainment"), 1) if as_number(row.get("sd_attainment")) is not None else "",
        "sd_source": row.get("sd_source") or "",
        "sd_n": int(as_number(row.get("sd_n")) or 0),
        "too_coarse": bool(row.get("too_coarse")) if row.get("too_coarse") is not pd.NA else False,
        "i2": f"{i2:.0f}%" if i2 is not None else "",
        "n_compared": int(as_number(row.get("n_compared")) or 0),
        "n_comparison": int(as_number(row.get("n_comparison")) or 0),
        "entry_group": score_text(kind, row.get("entry_mean_group")),
        "entry_comparison": score_text(kind, row.get("entry_mean_comparison")),
        "exit_group": score_text(kind, row.get("exit_mean_group")),
        "exit_comparison": score_text(kind, row.get("exit_mean_comparison")),
        "gain_comparison": signed(row.get("comparison_mean_gain")),
        "gain_group": signed(_gain_of(row)),
        "d_av": plain(row.get("d_av")) if as_number(row.get("d_av")) is not None else "",
        "expected_gain": signed(row.get("expected_gain")) if as_number(row.get("expected_gain")) is not None else "",
        "excess": signed(row.get("excess_mean")) if as_number(row.get("excess_mean")) is not None else "",
        "excess_ci": interval(row.get("excess_ci_low"), row.get("excess_ci_high"), 1),
    }


def _gain_of(row: dict[str, Any]) -> float | None:
    """The compared pupils' mean gain (exit mean less entry mean of the group's side of the comparison)."""
    entry, exit_ = as_number(row.get("entry_mean_group")), as_number(row.get("exit_mean_group"))
    return None if entry is None or exit_ is None else exit_ - entry


def _group_row(row: dict[str, Any], intervention: Intervention | None, show_costs: bool) -> dict[str, Any]:
    kind = row.get("scale_kind") or (intervention.scale.kind if intervention and intervention.scale_id else "")
    return {
        "id": row.get("intervention_id"),
        "intervention": intervention,
        "programme_id": intervention.programme_id if intervention else _int_or_none(row.get("programme_id")),
        "name": intervention.name if intervention else row.get("name", ""),
        "kind": kind,
        "n_placed": int(as_number(row.get("n_placed")) or 0),
        "n_measured": int(as_number(row.get("n_measured")) or 0),
        "mean_gain": signed(row.get("mean_gain")),
        "gain_ci": interval(row.get("gain_ci_low"), row.get("gain_ci_high"), 1),
        "unit": unit_for(kind),
        "ratio_gain": plain(row.get("ratio_gain"), 1) if as_number(row.get("ratio_gain")) is not None else "",
        "ratio_band": row.get("ratio_band") or "",
        "pct_target_met": percent(row.get("pct_target_met")),
        "attendance": percent(row.get("attendance_pct")),
        "pct_sustained": percent(row.get("pct_sustained")),
        "n_comparison": int(as_number(row.get("n_comparison")) or 0),
        "comparison_mean_gain": signed(row.get("comparison_mean_gain")),
        "entry_assessment_id": _int_or_none(row.get("entry_assessment_id")),
        "exit_assessment_id": _int_or_none(row.get("exit_assessment_id")),
        "comparison_years": list(row.get("comparison_years") or []),
        "effect": effect_context(row, kind),
        "verdict": verdict_context(row),
        "cost": money(row.get("cost")) if show_costs else None,
        "cost_per_pupil": money(row.get("cost_per_pupil")) if show_costs else None,
        "cost_per_month": money(row.get("cost_per_month")) if show_costs else None,
        "sort_effect": as_number(row.get("g")),
    }


def _int_or_none(value: Any) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


def _assessments(rows: list[dict[str, Any]], school: School) -> None:
    """Name the assessments each row was compared on (one query for the page): ``entry_assessment`` and
    ``exit_assessment`` are the Assessment objects, or None."""
    ids = {r[k] for r in rows for k in ("entry_assessment_id", "exit_assessment_id") if r.get(k)}
    found = {a.pk: a for a in Assessment.objects.filter(school=school, pk__in=ids)} if ids else {}
    for row in rows:
        row["entry_assessment"] = found.get(row.get("entry_assessment_id"))
        row["exit_assessment"] = found.get(row.get("exit_assessment_id"))


VERDICT_ORDER = {key: position for position, key in enumerate(evaluation.VERDICT_ORDER)}


def _sorted_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        rows,
        key=lambda r: (
            VERDICT_ORDER.get(r["verdict"]["key"], 9),
            -(r["sort_effect"] if r["sort_effect"] is not None else -99),
            r["name"],
        ),
    )


def _subject_filter(request: HttpRequest, subjects: list[Subject]) -> Subject | None:
    wanted = int_param(request.GET.get("subject"))
    return next((s for s in subjects if s.pk == wanted), None)


# --- Views ----------------------------------------------------------------------------------------------


@role_required(*IMPACT_VIEWERS)
def impact_overview(request: HttpRequest) -> HttpResponse:
    """Every intervention and programme that ran in the period, with its verdict and recommendation."""
    school, today = request.school, timezone.localdate()
    terms = list(terms_in_order(school))
    period, term, year, period_note = impact_period(request, terms, today, school)
    subjects = list(Subject.objects.filter(school=school))
    subject = _subject_filter(request, subjects)
    show_costs = can_see_costs(request.user, request.school)
    groups: list[dict[str, Any]] = []
    programmes: list[dict[str, Any]] = []
    rethink_count = 0
    if period is not None:
        result = selectors_impact.evaluate_school(
            schools=school, start=period.start, end=period.end, subject_id=subject.pk if subject else None
        )
        interventions = Intervention.objects.visible_to(request.user, school).select_related(
            "programme", "subject", "scale"
        )
        by_id = {i.pk: i for i in interventions.filter(pk__in=[r["intervention_id"] for r in _records(result.groups)])}
        # Wave 1 strategies have no placements: nothing to evaluate pupil by pupil, so they are not listed.
        groups = _sorted_groups(
            [
                _group_row(r, by_id.get(r["intervention_id"]), show_costs)
                for r in _records(result.groups)
                if (as_number(r.get("n_placed")) or 0) > 0
            ]
        )
        programme_names = dict(Programme.objects.filter(interventions__school=school).values_list("pk", "name"))
        for row in _records(result.programmes):
            shown = _group_row(row, None, show_costs)
            shown["id"] = row.get("programme_id")
            shown["name"] = row.get("programme_name") or programme_names.get(row.get("programme_id"), "")
            shown["n_groups"] = int(as_number(row.get("n_groups")) or 0)
            programmes.append(shown)
        programmes = _sorted_groups(programmes)
        rethink_count = len(result.rethink) if result.rethink is not None else 0
    counts = {key: sum(1 for g in groups if g["verdict"]["key"] == key) for key in evaluation.VERDICTS}
    ranking, too_little = dashboard.rank_by_programme(groups, programmes)
    return render(
        request,
        "reports/impact_overview.html",
        {
            "period": period,
            "period_note": period_note,
            "last_12_months": LAST_12_MONTHS,
            "terms": terms,
            "term": term,
            "year": year if term is None else None,
            "academic_years": list({t.academic_year_id: t.academic_year for t in terms}.values()),
            "subjects": subjects,
            "subject": subject,
            "groups": groups,
            "ranking": ranking,
            "too_little": too_little,
            "min_pupils": evaluation.THRESHOLDS.min_pupils,
            "min_comparison": evaluation.THRESHOLDS.min_comparison,
            "verdict_counts": [(evaluation.VERDICTS[k], k, n) for k, n in counts.items()],
            "thresholds": evaluation.thresholds_text(evaluation.THRESHOLDS),
            "show_costs": show_costs,
            "rethink_count": rethink_count,
            # The tables' cache key: the school's figures token with what the tables depend on.
            "tables_key": figures.fragment_key(
                "impact-overview-tables",
                school,
                (
                    period.start if period else None,
                    period.end if period else None,
                    subject.pk if subject else None,
                    show_costs,
                    timezone.localdate(),
                ),  # fmt: skip
            ),
        },
    )


def _pupil_rows(frame: pd.DataFrame, spec: scales.ScaleSpec | None, pupils: dict[int, Pupil]) -> list[dict]:
    rows = []
    for row in _records(frame):
        pupil = pupils.get(row["pupil_id"])

        def shown(value: Any) -> str:
            number = as_number(value)
            if number is None:
                return ""
            return scales.display(spec, number) if spec is not None else f"{number:g}"

        target_met = row.get("target_met")
        sustained = row.get("sustained")
        rows.append(
            {
                "pupil": pupil,
                "year": YearGroup(pupil.year_group).label if pupil and pupil.year_group in YearGroup.values else "",
                "entry": shown(row.get("entry_value")),
                "exit": shown(row.get("exit_value")),
                "gain": signed(row.get("gain"), 0 if spec and spec.kind in (scales.AGE, scales.BANDS) else 1),
                "elapsed": plain(row.get("elapsed_months"), 1) if as_number(row.get("elapsed_months")) else "",
                "ratio_gain": plain(row.get("ratio_gain"), 1) if as_number(row.get("ratio_gain")) is not None else "",
                "target_met": None if target_met is None or target_met is pd.NA else bool(target_met),
                "attendance": percent(row.get("attendance_pct")),
                "rating_change": signed(row.get("rating_change"), 0) if as_number(row.get("rating_change")) else "",
                "next": shown(row.get("next_value")),
                "sustained": None if sustained is None or sustained is pd.NA else bool(sustained),
                "left": as_number(row.get("exit_value")) is None and row.get("exit_date") is not pd.NaT,
            }
        )
    return sorted(rows, key=lambda r: (r["pupil"].last_name, r["pupil"].first_name) if r["pupil"] else ("", ""))


@role_required(*IMPACT_VIEWERS)
def impact_intervention(request: HttpRequest, pk: int) -> HttpResponse:
    """One group's impact: each pupil, the group's figures, the comparison, the verdict and why."""
    intervention = get_object_or_404(
        Intervention.objects.visible_to(request.user, request.school)
        .select_related("programme", "subject", "scale", "school", "progress_check")
        .prefetch_related("scale__bands"),
        pk=pk,
    )
    show_costs = can_see_costs(request.user, request.school)
    result = selectors_impact.evaluate_school(schools=intervention.school, intervention_ids=[intervention.pk])
    records = [r for r in _records(result.groups) if r["intervention_id"] == intervention.pk]
    group = _group_row(records[0], intervention, show_costs) if records else None
    pupil_frame = (
        result.pupils[result.pupils["intervention_id"] == intervention.pk] if not result.pupils.empty else None
    )
    comparison = (
        result.comparison[result.comparison["intervention_id"] == intervention.pk]
        if result.comparison is not None and not result.comparison.empty
        else pd.DataFrame()
    )
    pupil_ids = list(pupil_frame["pupil_id"].unique()) if pupil_frame is not None else []
    pupils = {p.pk: p for p in Pupil.objects.visible_to(request.user, request.school).filter(pk__in=pupil_ids)}
    spec = intervention.scale.spec() if intervention.scale_id else None
    rows = _pupil_rows(pupil_frame, spec, pupils) if pupil_frame is not None else []
    chart = adjusted = ""
    if pupil_frame is not None and group and group["n_measured"]:
        unit = unit_for(spec.kind if spec else "")
        gains = [g for g in pupil_frame["gain"].tolist() if as_number(g) is not None]
        others = [g for g in comparison.get("gain", pd.Series(dtype=float)).tolist() if as_number(g) is not None]
        chart = gains_chart(title="Each pupil's gain", group=gains, comparison=others, unit=unit)
        if group["effect"]["measure"] == "comparison":
            on_pair = pupil_frame[
                pupil_frame["measured"]
                & (pupil_frame["entry_assessment_id"] == group["entry_assessment_id"])
                & (pupil_frame["exit_assessment_id"] == group["exit_assessment_id"])
            ]
            adjusted = adjusted_chart(
                group=list(zip(on_pair["entry_value"].tolist(), on_pair["exit_value"].tolist(), strict=True)),
                comparison=list(zip(comparison["baseline"].tolist(), comparison["exit_value"].tolist(), strict=True)),
                unit=unit,
                ages=bool(spec and spec.kind == scales.AGE),
            )
    if group:
        _assessments([group], intervention.school)
    # While it ran: who was off track on the progress checks at some point, and what the group changed.
    checks = group_progress(
        intervention,
        Placement.objects.visible_to(request.user, request.school)
        .filter(intervention=intervention)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "entry_date"),
    )
    return render(
        request,
        "reports/impact_intervention.html",
        {
            "intervention": intervention,
            "group": group,
            "rows": rows,
            "chart": chart,
            "adjusted_chart": adjusted,
            "is_age": bool(spec and spec.kind == scales.AGE),
            "thresholds": evaluation.thresholds_text(evaluation.THRESHOLDS),
            "show_costs": show_costs,
            "checks": checks,
        },
    )


@role_required(*IMPACT_VIEWERS)
def impact_programme(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme across every group that ran it at this school, pooled into one verdict."""
    school = request.school
    programme = get_object_or_404(Programme.objects.for_school(school), pk=pk)
    interventions = list(
        Intervention.objects.visible_to(request.user, school)
        .filter(programme=programme)
        .select_related("subject", "scale")
    )
    if not interventions:
        raise Http404("This school has not run that programme.")
    show_costs = can_see_costs(request.user, request.school)
    result = selectors_impact.evaluate_school(schools=school, intervention_ids=[i.pk for i in interventions])
    by_id = {i.pk: i for i in interventions}
    groups = _sorted_groups(
        [_group_row(r, by_id.get(r["intervention_id"]), show_costs) for r in _records(result.groups)]
    )
    pooled = [r for r in _records(result.programmes) if r.get("programme_id") == programme.pk]
    summary = _group_row(pooled[0], None, show_costs) if pooled else None
    if summary:
        summary["n_groups"] = int(as_number(pooled[0].get("n_groups")) or 0)
        summary["n_groups_compared"] = int(as_number(pooled[0].get("n_groups_compared")) or 0)
        _assessments([summary], school)
    return render(
        request,
        "reports/impact_programme.html",
        {
            "programme": programme,
            "groups": groups,
            "summary": summary,
            "thresholds": evaluation.thresholds_text(evaluation.THRESHOLDS),
            "show_costs": show_costs,
        },
    )


@role_required(*IMPACT_VIEWERS)
def impact_rethink(request: HttpRequest) -> HttpResponse:
    """Pupils who have had several interventions in one subject without a gain that lasted: their support needs
    rethinking (and perhaps an SEN assessment), not another group."""
    school = request.school
    result = selectors_impact.evaluate_school(schools=school)
    frame = result.rethink if result.rethink is not None else pd.DataFrame()
    records = _records(frame)
    pupils = {
        p.pk: p
        for p in Pupil.objects.visible_to(request.user, school)
        .filter(pk__in={r["pupil_id"] for r in records})
        .select_related("registration_group")
    }
    intervention_ids = {i for r in records for i in (r.get("intervention_ids") or [])}
    interventions = {
        i.pk: i for i in Intervention.objects.visible_to(request.user, school).filter(pk__in=intervention_ids)
    }
    subjects = dict(Subject.objects.filter(school=school).values_list("pk", "name"))
    rows = []
    for record in records:
        pupil = pupils.get(record["pupil_id"])
        if pupil is None:
            continue
        rows.append(
            {
                "pupil": pupil,
                "subject": subjects.get(record.get("subject_id"), ""),
                "count": int(as_number(record.get("interventions")) or 0),
                "interventions": [
                    interventions[i] for i in (record.get("intervention_ids") or []) if i in interventions
                ],
                "last_exit": record.get("last_exit_date"),
                "reason": record.get("reason", ""),
            }
        )
    rows.sort(key=lambda r: (-r["count"], r["pupil"].last_name, r["pupil"].first_name))
    return render(
        request,
        "reports/impact_rethink.html",
        {"rows": rows, "minimum": evaluation.THRESHOLDS.rethink_min_interventions},
    )


def impact_method(request: HttpRequest) -> HttpResponse:
    """How impact is judged, in plain English for SENCOs and governors: what g, the interval and months mean, why
    a comparison is needed, and every rule with its thresholds. Public: it holds no school's data, and governors
    reading the report may have no account."""
    t = evaluation.THRESHOLDS
    months = [(f"{float(lower):.2f}", months) for lower, months in sorted(TOOLKIT_MONTHS, key=lambda row: row[1])]
    return render(
        request,
        "reports/impact_method.html",
        {
            "t": t,
            "thresholds": evaluation.thresholds_text(t),
            "verdicts": [
                (key, label, _VERDICT_MEANING[key], evaluation.RECOMMENDATIONS[_VERDICT_ADVICE[key]])
                for key, label in evaluation.VERDICTS.items()
            ],
            "months": months,
            "population_sd": [(evaluation.KIND_WORDS.get(k, k), f"{v:g}") for k, v in t.population_sd.items()],
        },
    )


_VERDICT_MEANING = {
    "strong": "The whole 95% interval is above zero and the effect is large enough to matter (g of 0.4 or more, "
    "about five months' extra progress). Only possible with a comparison.",
    "some": "The whole 95% interval is above zero: the pupils did better than similar pupils without it.",
    "promising": "The estimate is large enough to be worth having (g of 0.2 or more) but the interval still "
    "includes zero: it could be chance.",
    "inconclusive": "The interval includes both no effect and a worthwhile one: the data cannot tell yet.",
    "none": "The interval rules out an effect large enough to be worth having (its upper end is below g = 0.2).",
    "negative": "The whole 95% interval is below zero: the pupils did worse than similar pupils without it.",
    "too_little": "Too few pupils with entry and exit results, or too few similar pupils to compare with.",
}
_VERDICT_ADVICE = {
    "strong": "continue",
    "some": "continue",
    "promising": "measure",
    "inconclusive": "measure",
    "none": "review",
    "negative": "review",
    "too_little": "measure",
}
