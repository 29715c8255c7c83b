"""The dashboard assembled for a selection: figures, rows in words and numbers, and charts (cached per school's
figures); the same board feeds the page, the governors' PDF and the workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from provision import figures
from reports.dashboard import build as dashboard
from reports.dashboard import charts
from reports.dashboard import school_figures as dashboard_figures
from reports.dashboard.selection import Selection
from reports.formatting import as_number, money, plain, signed
from reports.impact import evaluation
from reports.impact import school_figures as impact_figures

# --- Building the dashboard ---------------------------------------------------------------------------------


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
    frames = impact_figures.impact_frames(
        selection.reader, schools=selection.schools, start=selection.start, end=selection.end, intervention_ids=ids
    )
    return evaluation.evaluate(
        frames.placements, frames.interventions, frames.results, all_placements=frames.all_placements
    )


def _impact_link(selection: Selection, school_id: int, intervention_id: int) -> dict[str, Any]:
    """Where an intervention's impact page is. The impact pages are for the current school, so a row of another
    school is a small form that switches school first (``provision:switch_school`` with ``next``)."""
    url = reverse("reports:impact_intervention", args=[intervention_id])
    return {"url": url, "switch_to": None if school_id == selection.anchor.pk else school_id}


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
    low, high = as_number(row.get("effect_low")), as_number(row.get("effect_high"))
    kind = row.get("effect_kind") or ""
    months = as_number(row.get("months")) if kind == "g" else None
    verdict = _verdict(row)
    return {
        "id": int(row["intervention_id"]),
        "school": names.get(row["school_id"], ""),
        "school_id": row["school_id"],
        "name": row["name"],
        "programme": row.get("programme_name") or "",
        "programme_id": int(as_number(row.get("programme_id")))
        if as_number(row.get("programme_id")) is not None
        else None,
        "sort_effect": as_number(row.get("effect")),
        "wave": row.get("wave"),
        "n_placed": int(as_number(row.get("n_placed")) or 0),
        "n_measured": int(as_number(row.get("n_measured")) or 0),
        "effect": as_number(row.get("effect")),
        "effect_text": plain(row.get("effect")),
        "effect_kind": kind,
        "method_label": evaluation.METHODS.get(row.get("measure") or "none", ""),
        "n_comparison": int(as_number(row.get("n_comparison")) or 0),
        "low": low,
        "high": high,
        "ci": "" if low is None or high is None else f"{plain(low)} to {plain(high)}",
        "months": None if months is None else signed(months, 0),
        "months_value": None if months is None else round(months),
        "verdict": verdict,
        "recommendation": verdict["recommendation"],
        "recommendation_label": verdict["recommendation_label"],
        "reasons": _reasons(row.get("reasons")),
        "cost_per_pupil": as_number(row.get("cost_per_pupil")),
        "cost_per_pupil_text": money(row.get("cost_per_pupil")),
        "attendance_pct": as_number(row.get("attendance_pct")),
        "link": _impact_link(selection, row["school_id"], int(row["intervention_id"])),
    }


def _programme_row(row: dict[str, Any]) -> dict[str, Any]:
    """One programme of ``evaluation.programme_summary`` (pooled across its groups), for the report."""
    g = as_number(row.get("g"))
    return {
        "id": int(as_number(row.get("programme_id"))) if as_number(row.get("programme_id")) is not None else None,
        "sort_effect": g,
        "name": row.get("programme_name") or "",
        "n_groups": int(as_number(row.get("n_groups")) or 0),
        "n_placed": int(as_number(row.get("n_placed")) or 0),
        "n_measured": int(as_number(row.get("n_measured")) or 0),
        "n_comparison": int(as_number(row.get("n_comparison")) or 0),
        "effect_text": plain(g),
        "effect_kind": "g" if g is not None else "",
        "method_label": evaluation.METHODS.get(row.get("measure") or "none", ""),
        "ci": ""
        if g is None or as_number(row.get("g_ci_low")) is None
        else f"{plain(row.get('g_ci_low'))} to {plain(row.get('g_ci_high'))}",
        "i2": None if as_number(row.get("i2")) is None else f"{as_number(row.get('i2')):.0f}%",
        "months": signed(row.get("months"), 0) if g is not None and as_number(row.get("months")) is not None else None,
        "verdict": _verdict(row),
        "recommendation_label": _verdict(row)["recommendation_label"],
        "reasons": _reasons(row.get("reasons")),
        "cost_per_pupil_text": money(row.get("cost_per_pupil")),
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
            "gap": signed(row.gap_pct, 0),
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
    costs the cache read and the template. The board keeps the reader's own selection (its menus are theirs).

    Cached per school, not per reader: a selection holds only schools where its reader is an impact viewer
    (``selection.select``), and every impact viewer reads a school's figures whole (``FIGURES_SCOPE``)."""
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
    frames = dashboard_figures.dashboard_frames(
        selection.reader,
        schools=selection.schools,
        periods=selection.periods,
        subjects=selection.subject_ids,
        today=selection.today,
    )
    gap = dashboard_figures.gap_frames(
        selection.reader,
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
                pct_pp=[as_number(v) for v in trend.loc[trend["school_id"] == pk, "pct_pp"]],
                pct_other=[as_number(v) for v in trend.loc[trend["school_id"] == pk, "pct_other"]],
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


def method_url(request: HttpRequest) -> str:
    """The full address of "How impact is judged", for governors reading a report away from the app."""
    path = reverse("reports:impact_method")
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else request.build_absolute_uri(path)
