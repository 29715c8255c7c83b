"""The impact pages assembled: rows in words and numbers, charts, and what each page shows, from the figures
(``reports.impact.school_figures``) and the rows the reader sees (``reports.impact.selectors``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from interventions.models import Intervention
from interventions.progress.selectors import group_progress
from provision.models import School, Term
from pupils import scales
from pupils.models import Pupil, Subject, YearGroup
from reports.dashboard import build as dashboard
from reports.dashboard import school_figures as dashboard_figures
from reports.formatting import as_number, interval, money, months_text, percent, plain, signed
from reports.impact import evaluation, school_figures, selectors
from reports.impact.charts import adjusted_chart, gains_chart
from reports.maps.build import Period, period_for_year

UNITS = {scales.AGE: "months", scales.BANDS: "bands", scales.GCSE: "grades"}


# --- Formatting ---------------------------------------------------------------------------------------


def unit_for(kind: str) -> str:
    return UNITS.get(kind, "points")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
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


def group_row(row: dict[str, Any], intervention: Intervention | None, show_costs: bool) -> dict[str, Any]:
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


def name_assessments(rows: list[dict[str, Any]], school: School) -> None:
    """Name the assessments each row was compared on (one query for the page): ``entry_assessment`` and
    ``exit_assessment`` are the Assessment objects, or None."""
    ids = {r[k] for r in rows for k in ("entry_assessment_id", "exit_assessment_id") if r.get(k)}
    found = selectors.assessments_named(school, ids)
    for row in rows:
        row["entry_assessment"] = found.get(row.get("entry_assessment_id"))
        row["exit_assessment"] = found.get(row.get("exit_assessment_id"))


VERDICT_ORDER = {key: position for position, key in enumerate(evaluation.VERDICT_ORDER)}


def sorted_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        rows,
        key=lambda r: (
            VERDICT_ORDER.get(r["verdict"]["key"], 9),
            -(r["sort_effect"] if r["sort_effect"] is not None else -99),
            r["name"],
        ),
    )


def _pupil_rows(frame: pd.DataFrame, spec: scales.ScaleSpec | None, pupils: dict[int, Pupil]) -> list[dict]:
    rows = []
    for row in records(frame):
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


# --- Periods --------------------------------------------------------------------------------------------------------


def last_twelve_months(today: dt.date) -> Period:
    """The year to today, so that in the autumn last year's finished groups are judged beside this term's running
    ones."""
    return Period(label="The last 12 months", start=today - dt.timedelta(days=365), end=today)


def default_period(user, school: School, terms: list[Term], today: dt.date) -> tuple[Period, Term | None, Any, str]:
    """(period, term, academic year, note) when the reader chose none: the current academic year when some of its
    groups have finished with exit results (impact needs entry and exit points); else, as in the autumn, the last
    12 months when groups finished in them, with ``note`` saying so; else the last academic year with finished
    groups, saying so; else the current year. ``terms`` are the school's, oldest first (not empty)."""
    started = [t for t in terms if t.start_date <= today]
    current = (started[-1] if started else terms[0]).academic_year
    this_year = period_for_year(current)
    if dashboard_figures.has_finished(user, periods={school.pk: this_year}, today=today):
        return this_year, None, current, ""
    recent = last_twelve_months(today)
    if dashboard_figures.has_finished(user, periods={school.pk: recent}, today=today):
        note = f"Nothing has finished yet in {current.name}, so this shows the last 12 months. Choose another period to change it."
        return recent, None, None, note
    earlier = sorted(
        {t.academic_year for t in terms if t.academic_year.end_date < current.start_date}, key=lambda y: y.start_date
    )
    if earlier and dashboard_figures.has_finished(user, periods={school.pk: period_for_year(earlier[-1])}, today=today):
        note = (
            f"Nothing has finished in {current.name} or the last 12 months, so this shows {earlier[-1].name}, the "
            "last academic year with finished groups. Choose another period to change it."
        )
        return period_for_year(earlier[-1]), None, earlier[-1], note
    return this_year, None, current, ""


# --- Pages ------------------------------------------------------------------------------------------------------------


def _programme_rows(result: evaluation.Evaluation, school: School, show_costs: bool) -> list[dict[str, Any]]:
    names = selectors.programme_names(school)
    programmes = []
    for row in records(result.programmes):
        shown = group_row(row, None, show_costs)
        shown["id"] = row.get("programme_id")
        shown["name"] = row.get("programme_name") or names.get(row.get("programme_id"), "")
        shown["n_groups"] = int(as_number(row.get("n_groups")) or 0)
        programmes.append(shown)
    return sorted_groups(programmes)


def overview(user, school: School, period: Period | None, subject: Subject | None, show_costs: bool) -> dict:
    """Every group and programme of the period with its verdict, ranked, and the counts of each verdict."""
    groups: list[dict[str, Any]] = []
    programmes: list[dict[str, Any]] = []
    rethink_count = 0
    if period is not None:
        result = school_figures.evaluate_school(
            user, schools=school, start=period.start, end=period.end, subject_id=subject.pk if subject else None
        )
        by_id = selectors.interventions_by_id(user, school, [r["intervention_id"] for r in records(result.groups)])
        # Wave 1 strategies have no placements: nothing to evaluate pupil by pupil, so they are not listed.
        groups = sorted_groups(
            [
                group_row(r, by_id.get(r["intervention_id"]), show_costs)
                for r in records(result.groups)
                if (as_number(r.get("n_placed")) or 0) > 0
            ]
        )
        programmes = _programme_rows(result, school, show_costs)
        rethink_count = len(result.rethink) if result.rethink is not None else 0
    counts = {key: sum(1 for g in groups if g["verdict"]["key"] == key) for key in evaluation.VERDICTS}
    ranking, too_little = dashboard.rank_by_programme(groups, programmes)
    return {
        "groups": groups,
        "ranking": ranking,
        "too_little": too_little,
        "verdict_counts": [(evaluation.VERDICTS[k], k, n) for k, n in counts.items()],
        "rethink_count": rethink_count,
    }


def _charts(pupil_frame: pd.DataFrame, comparison: pd.DataFrame, group: dict, spec) -> tuple[str, str]:
    """Each pupil's gain beside the comparison's, and (with a comparison) exit against entry for both."""
    unit = unit_for(spec.kind if spec else "")
    gains = [g for g in pupil_frame["gain"].tolist() if as_number(g) is not None]
    others = [g for g in comparison.get("gain", pd.Series(dtype=float)).tolist() if as_number(g) is not None]
    chart = gains_chart(title="Each pupil's gain", group=gains, comparison=others, unit=unit)
    if group["effect"]["measure"] != "comparison":
        return chart, ""
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
    return chart, adjusted


def intervention_page(user, school: School, intervention: Intervention, show_costs: bool) -> dict[str, Any]:
    """One group's impact: each pupil, the group's figures, the comparison, the charts, and its progress checks."""
    result = school_figures.evaluate_school(user, schools=intervention.school, intervention_ids=[intervention.pk])
    found = [r for r in records(result.groups) if r["intervention_id"] == intervention.pk]
    group = group_row(found[0], intervention, show_costs) if found else None
    pupil_frame = (
        result.pupils[result.pupils["intervention_id"] == intervention.pk] if not result.pupils.empty else None
    )
    comparison = (
        result.comparison[result.comparison["intervention_id"] == intervention.pk]
        if result.comparison is not None and not result.comparison.empty
        else pd.DataFrame()
    )
    pupil_ids = list(pupil_frame["pupil_id"].unique()) if pupil_frame is not None else []
    pupils = selectors.pupils_by_id(user, school, pupil_ids)
    spec = intervention.scale.spec() if intervention.scale_id else None
    rows = _pupil_rows(pupil_frame, spec, pupils) if pupil_frame is not None else []
    chart = adjusted = ""
    if pupil_frame is not None and group and group["n_measured"]:
        chart, adjusted = _charts(pupil_frame, comparison, group, spec)
    if group:
        name_assessments([group], intervention.school)
    # While it ran: who was off track on the progress checks at some point, and what the group changed.
    checks = group_progress(intervention, selectors.group_places(user, school, intervention))
    return {
        "group": group,
        "rows": rows,
        "chart": chart,
        "adjusted_chart": adjusted,
        "is_age": bool(spec and spec.kind == scales.AGE),
        "checks": checks,
    }


def _rethink_row(record: dict, pupil: Pupil, subjects: dict, interventions: dict) -> dict[str, Any]:
    return {
        "pupil": pupil,
        "subject": subjects.get(record.get("subject_id"), ""),
        "count": int(as_number(record.get("interventions")) or 0),
        "interventions": [interventions[i] for i in (record.get("intervention_ids") or []) if i in interventions],
        "last_exit": record.get("last_exit_date"),
        "reason": record.get("reason", ""),
    }


def rethink_rows(user, school: School) -> list[dict[str, Any]]:
    """The pupils to rethink that ``user`` sees, most interventions first, each with the groups they had."""
    result = school_figures.evaluate_school(user, schools=school)
    found = records(result.rethink if result.rethink is not None else pd.DataFrame())
    pupils = selectors.pupils_by_id(user, school, {r["pupil_id"] for r in found}, with_class=True)
    intervention_ids = {i for r in found for i in (r.get("intervention_ids") or [])}
    interventions = selectors.interventions_by_id(user, school, intervention_ids)
    subjects = selectors.subject_names(school)
    rows = [
        _rethink_row(record, pupils[record["pupil_id"]], subjects, interventions)
        for record in found
        if record["pupil_id"] in pupils
    ]
    rows.sort(key=lambda r: (-r["count"], r["pupil"].last_name, r["pupil"].first_name))
    return rows
