"""The leaders' dashboard arithmetic (reports.dashboard.build): worked numbers over small frames, no database."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from reports.dashboard import build as dashboard
from reports.dashboard import charts as charts_impact
from reports.impact import evaluation

D = dt.date


def _interventions(rows: list[dict]) -> pd.DataFrame:
    base = {
        "school_id": 1, "programme_name": "", "wave": 2, "status": "running", "subject_id": None,
        "start_date": D(2026, 9, 14), "end_date": D(2026, 12, 11), "overdue": False, "present_count": 0,
        "marked_count": 0, "last_session_on": None, "year_groups": [],
    }  # fmt: skip
    return pd.DataFrame([{**base, **row} for row in rows], columns=dashboard.INTERVENTION_COLUMNS)


def _placements(rows: list[dict]) -> pd.DataFrame:
    base = {
        "school_id": 1, "primary_need": "", "pupil_premium": False, "entry_date": D(2026, 9, 14), "exit_date": None,
        "has_exit_data": False,
    }  # fmt: skip
    frame = pd.DataFrame(
        [{**base, "placement_id": i + 1, **row} for i, row in enumerate(rows)], columns=dashboard.PLACEMENT_COLUMNS
    )
    frame["exit_date"] = pd.to_datetime(frame["exit_date"])
    return frame


ROLL = pd.DataFrame([(1, 3, "SPLD", 2), (1, 3, "", 8), (1, 4, "", 5), (2, 8, "ASD", 4)], columns=dashboard.ROLL_COLUMNS)


def test_breakdown_counts_distinct_pupils_by_wave_year_and_need():
    interventions = _interventions(
        [{"intervention_id": 10, "name": "A", "wave": 2}, {"intervention_id": 11, "name": "B", "wave": 3}]
    )
    placements = _placements(
        [
            {"intervention_id": 10, "pupil_id": 1, "year_group": 3, "primary_need": "SPLD"},
            {"intervention_id": 11, "pupil_id": 1, "year_group": 3, "primary_need": "SPLD"},
            {"intervention_id": 10, "pupil_id": 2, "year_group": 3},
            {"intervention_id": 11, "pupil_id": 3, "year_group": 4},
            {"intervention_id": 11, "pupil_id": 3, "year_group": 4},  # left and rejoined: still one pupil
        ]
    )
    tables = dashboard.provision_breakdown(placements, interventions, ROLL[ROLL["school_id"] == 1], [1])
    waves = tables["wave"].set_index("key")
    assert list(waves.index) == [2, 3]  # wave 1 has no places: its reach is counted in classes (wave1_reach)
    assert waves.loc[2, "pupils"] == 2 and waves.loc[3, "pupils"] == 2
    assert waves.loc[2, "base"] == 15 and waves.loc[2, "pct"] == pytest.approx(100 * 2 / 15)
    assert waves.loc[2, "label"] == "Wave 2: small-group catch-up"
    years = tables["year"].set_index("key")
    assert years.loc[3, ["pupils", "base"]].tolist() == [2, 10] and years.loc[3, "pct"] == 20
    assert years.loc[4, ["pupils", "base"]].tolist() == [1, 5] and years.loc[4, "label"] == "Year 4"
    needs = tables["need"].set_index("label")
    assert needs.loc["Specific learning difficulty", ["pupils", "base", "pct"]].tolist() == [1, 2, 50]
    assert needs.loc["No SEN need recorded", ["pupils", "base"]].tolist() == [2, 13]


def test_breakdown_side_by_side_has_a_cell_per_school_even_when_empty():
    interventions = _interventions([{"intervention_id": 10, "name": "A"}])
    placements = _placements([{"intervention_id": 10, "pupil_id": 1, "year_group": 3}])
    tables = dashboard.provision_breakdown(placements, interventions, ROLL, [1, 2])
    rows = {row["label"]: row for row in dashboard.pivot_rows(tables["year"], [1, 2])}
    assert [c["pupils"] for c in rows["Year 3"]["cells"]] == [1, 0]
    assert [c["base"] for c in rows["Year 8"]["cells"]] == [0, 4]
    assert rows["Year 8"]["cells"][0]["pct"] is None  # no Year 8 at the primary: no percentage, not 0%
    assert rows["Year 8"]["has_any"]
    # A need nobody in provision has is left out; "no need recorded" always stays.
    assert [row["label"] for row in dashboard.pivot_rows(tables["need"], [1, 2])] == ["No SEN need recorded"]


def test_breakdown_of_nothing():
    tables = dashboard.provision_breakdown(_placements([]), _interventions([]), ROLL.iloc[0:0], [1])
    assert tables["wave"]["pupils"].tolist() == [0, 0]
    assert tables["wave"]["pct"].isna().all()


def test_wave_1_reach_is_year_groups_and_classes_covered():
    interventions = _interventions(
        [
            {"intervention_id": 1, "name": "Visual timetables", "wave": 1, "year_groups": [3, 4]},
            {"intervention_id": 2, "name": "Pre-teaching", "wave": 1, "year_groups": [4]},
            {"intervention_id": 3, "name": "A group", "wave": 2, "year_groups": [5]},
            {"intervention_id": 4, "name": "Zones", "wave": 1, "school_id": 2, "year_groups": []},
        ]
    )
    classes = pd.DataFrame(
        [(1, 10, 3), (1, 11, 4), (1, 12, 4), (1, 13, 5), (2, 20, 7), (2, 21, 8)], columns=dashboard.CLASS_COLUMNS
    )
    oak, elm = dashboard.wave1_reach(interventions, classes, [1, 2])
    assert (oak["strategies"], oak["years"], oak["year_count"], oak["all_years"]) == (2, ["Year 3", "Year 4"], 2, 3)
    assert (oak["classes"], oak["all_classes"]) == (3, 4)  # 3's one class and 4's two; not Year 5's
    # A strategy with no year groups is for the whole school.
    assert (elm["years"], elm["year_count"], elm["classes"], elm["all_classes"]) == (["Whole school"], 2, 2, 2)
    assert dashboard.wave1_reach(interventions.iloc[0:0], classes, [1])[0]["strategies"] == 0


def test_suppress_small_counts():
    assert [dashboard.suppress_small(n) for n in (0, 1, 4, 5, 12)] == ["0", "fewer than 5", "fewer than 5", "5", "12"]


def _results(rows: list[tuple]) -> pd.DataFrame:
    """(pupil, year, assessment, taken_on, value) on a standardised scale expected 100."""
    return pd.DataFrame(
        [
            {
                "pupil_id": p,
                "year_group": y,
                "date_of_birth": pd.Timestamp("2018-01-01"),
                "subject_id": 7,
                "assessment_id": a,
                "taken_on": pd.Timestamp(t),
                "value": v,
                "scale_id": 1,
                "scale_kind": "standardised",
                "expected": 100.0,
                "high": 115.0,
                "drop_concern": 5.0,
                "age_tolerance_months": 12,
                "school_id": 1,
            }  # fmt: skip
            for p, y, a, t, v in rows
        ]
    )


def test_gap_trend_per_assessment_point_weighted_across_year_groups():
    # Autumn: Year 3 PP 1 of 2 at expected, others 2 of 2; Year 4 PP 0 of 1, others 1 of 2.
    # Together PP 1 of 3 (33%), others 3 of 4 (75%): a 42-point gap. Spring: everyone at expected but pupil 1.
    rows = [
        (1, 3, 100, "2026-10-05", 95), (2, 3, 100, "2026-10-05", 104), (3, 3, 100, "2026-10-05", 100),
        (4, 3, 100, "2026-10-05", 110), (5, 4, 101, "2026-10-05", 90), (6, 4, 101, "2026-10-05", 100),
        (7, 4, 101, "2026-10-05", 80),
        (1, 3, 102, "2027-03-01", 99), (2, 3, 102, "2027-03-01", 100), (3, 3, 102, "2027-03-01", 101),
    ]  # fmt: skip
    premium = pd.Series({1: True, 2: True, 5: True, 3: False, 4: False, 6: False, 7: False})
    assessments = pd.DataFrame(
        [(100, 1, "Autumn reading", D(2026, 10, 5)), (101, 1, "Autumn reading Y4", D(2026, 10, 5)),
         (102, 1, "Spring reading", D(2027, 3, 1))],
        columns=["assessment_id", "school_id", "name", "taken_on"],
    )  # fmt: skip
    trend = dashboard.gap_trend(_results(rows), premium, assessments)
    assert len(trend) == 2
    autumn, spring = trend.iloc[0], trend.iloc[1]
    assert (autumn["n_pp"], autumn["n_other"]) == (3, 4)
    assert autumn["pct_pp"] == pytest.approx(100 / 3) and autumn["pct_other"] == pytest.approx(75)
    # The gap is the difference of the percentages as shown, 75% - 33% = 42 points (not 41.67).
    assert (autumn["pct_pp_shown"], autumn["pct_other_shown"], autumn["gap_pct"]) == (33, 75, 42)
    assert autumn["names"] == "Autumn reading, Autumn reading Y4"
    assert (spring["n_pp"], spring["pct_pp"], spring["pct_other"]) == (2, 50, 100)


def test_gap_trend_leaves_out_scales_without_an_expected_standard():
    frame = _results([(1, 3, 100, "2026-10-05", 5)]).assign(expected=None, scale_kind="raw")
    assert dashboard.gap_trend(frame, pd.Series({1: True}), pd.DataFrame()).empty


def _groups(rows: list[dict]) -> pd.DataFrame:
    """Rows in the shape of ``reports.impact.evaluation.group_summary``."""
    base = {
        "n_placed": 6, "n_measured": 6, "g": float("nan"), "g_ci_low": float("nan"), "g_ci_high": float("nan"),
        "measure": "before_after", "verdict": "none", "recommendation": "review", "reasons": [],
        "cost_per_pupil": 100.0, "months": float("nan"),
    }  # fmt: skip
    return pd.DataFrame([{**base, **row} for row in rows]).reindex(columns=evaluation.GROUP_COLUMNS)


def test_effects_draw_only_g_against_similar_pupils_ranked_largest_first():
    interventions = _interventions(
        [{"intervention_id": i, "name": name} for i, name in ((1, "Compared"), (2, "Before after"), (3, "Thin"))]
    )
    groups = _groups(
        [
            {"intervention_id": 1, "g": 0.3, "g_ci_low": 0.1, "g_ci_high": 0.5, "measure": "comparison",
             "verdict": "some"},
            {"intervention_id": 2, "n_measured": 8, "verdict": "inconclusive"},
            {"intervention_id": 3, "g": 2.0, "g_ci_low": -1.0, "g_ci_high": 5.0, "n_measured": 2,
             "measure": "comparison", "verdict": "too_little"},
        ]
    )  # fmt: skip
    frame = dashboard.effects(groups, interventions).set_index("name")
    assert frame.loc["Compared", ["effect_kind", "effect", "effect_low", "effect_high"]].tolist() == [
        "g",
        0.3,
        0.1,
        0.5,
    ]
    # A before-and-after rise is not an effect size on the attainment scale: never drawn beside g.
    assert frame.loc["Before after", "effect_kind"] == "" and math.isnan(frame.loc["Before after", "effect"])
    assert not frame.loc["Before after", "plotted"]
    assert not frame.loc["Thin", "plotted"] and frame.loc["Compared", "plotted"]  # too little data
    assert list(frame.index) == ["Thin", "Compared", "Before after"]  # ranked by effect, none last
    assert dashboard.effects(_groups([]), interventions).empty
    assert dashboard.verdict_counts(frame.reset_index()) == {
        "strong": 0, "some": 1, "promising": 0, "inconclusive": 1, "none": 0, "negative": 0, "too_little": 1,
    }  # fmt: skip


def test_attendance_present_over_marked_lowest_first_with_the_threshold():
    frame = _interventions(
        [
            {"intervention_id": 1, "name": "Seven in ten", "present_count": 7, "marked_count": 10},
            {"intervention_id": 2, "name": "Exactly eighty", "present_count": 8, "marked_count": 10},
            {"intervention_id": 3, "name": "Nothing marked"},
        ]
    )
    rows = dashboard.attendance(frame, 80.0)
    assert rows["name"].tolist() == ["Seven in ten", "Exactly eighty"]
    assert rows["attendance_pct"].tolist() == [70.0, 80.0]
    assert rows["below"].tolist() == [True, False]


def test_school_days_before_skips_the_holiday():
    terms = [(D(2026, 9, 2), D(2026, 12, 18)), (D(2027, 1, 5), D(2027, 3, 26))]
    # Thursday 7 January: 7, 6, 5 January, then 18, 17, 16, 15, 14, 11 and 10 December.
    assert dashboard.school_days_before(D(2027, 1, 7), terms, 10) == D(2026, 12, 10)
    # Mid-term: two calendar weeks.
    assert dashboard.school_days_before(D(2026, 11, 27), terms, 10) == D(2026, 11, 16)


def test_needs_attention_lists():
    today = D(2026, 12, 1)
    frame = _interventions(
        [
            {"intervention_id": 1, "name": "Overdue", "end_date": D(2026, 11, 20), "overdue": True,
             "last_session_on": D(2026, 11, 30)},
            {"intervention_id": 2, "name": "Quiet", "end_date": D(2027, 2, 1), "last_session_on": D(2026, 11, 2)},
            {"intervention_id": 3, "name": "Never logged", "end_date": D(2027, 2, 1)},
            {"intervention_id": 4, "name": "Just started", "start_date": D(2026, 11, 25), "end_date": D(2027, 2, 1)},
            {"intervention_id": 5, "name": "Finished", "status": "completed", "end_date": D(2026, 11, 1)},
            {"intervention_id": 6, "name": "Wave 1", "wave": 1, "end_date": None},
        ]
    )  # fmt: skip
    placements = _placements(
        [
            {"intervention_id": 5, "pupil_id": 1, "year_group": 3, "has_exit_data": True},
            {"intervention_id": 5, "pupil_id": 2, "year_group": 3},
            {"intervention_id": 2, "pupil_id": 3, "year_group": 3, "exit_date": D(2026, 11, 3)},
            {"intervention_id": 2, "pupil_id": 4, "year_group": 3},  # still in a running group: not finished
        ]
    )
    lists = dashboard.needs_attention(frame, placements, today=today, quiet_since={1: D(2026, 11, 18)})
    # Ended Friday 20 November; with no school calendar given, weekdays after it to Tuesday 1 December: 7.
    assert lists["overdue"]["name"].tolist() == ["Overdue"] and lists["overdue"]["days_over"].tolist() == [7]
    missing = lists["missing_exit"].set_index("name")
    assert missing.loc["Finished", ["finished", "missing"]].tolist() == [2, 1]
    assert missing.loc["Quiet", ["finished", "missing"]].tolist() == [1, 1]
    assert lists["quiet"]["name"].tolist() == ["Never logged", "Quiet"]


def test_headline():
    frame = _interventions(
        [
            {"intervention_id": 1, "name": "Done", "status": "completed", "end_date": D(2026, 11, 1)},
            {"intervention_id": 2, "name": "Planned", "status": "planned"},
        ]
    )
    placements = _placements(
        [
            {"intervention_id": 1, "pupil_id": 1, "year_group": 3, "has_exit_data": True},
            {"intervention_id": 1, "pupil_id": 2, "year_group": 3, "has_exit_data": True},
            {"intervention_id": 1, "pupil_id": 3, "year_group": 3},
            {"intervention_id": 1, "pupil_id": 4, "year_group": 3, "has_exit_data": True},
        ]
    )
    impact = pd.DataFrame({"verdict": ["strong", "none", "none"]})
    head = dashboard.headline(placements, frame, impact, today=D(2026, 12, 1))
    assert head["pupils"] == 4 and head["running"] == 1
    assert (head["with_exit"], head["finished"], head["pct_exit"]) == (3, 4, 75)
    assert (head["strong"], head["no_clear"]) == (1, 2)


# --- Charts -----------------------------------------------------------------------------------------------


def test_charts_are_labelled_svg_with_text_kept_as_text():
    svg = charts_impact.forest_chart(
        title="Interventions ranked by impact",
        panels=[
            charts_impact.EffectPanel(
                school="Oak",
                rows=[
                    charts_impact.EffectRow(
                        "Lexia", 0.62, 0.05, 1.19, "g", "strong", "Strong evidence of impact", "/x/"
                    ),
                    charts_impact.EffectRow("Toe by Toe", 0.3, -0.4, 1.0, "g", "inconclusive", "Inconclusive"),
                ],
            )
        ],
    )
    assert svg.startswith(
        '<svg role="img" aria-label="Interventions ranked by impact, largest effect first. Lexia: g 0.62, Strong'
    )
    assert ">Lexia<" in svg and ">Strong evidence of impact<" in svg and ">Inconclusive<" in svg
    assert "adjusted for where they started" in svg
    assert 'href="/x/"' in svg  # the name links to the impact page


def test_attendance_chart_marks_low_bars_by_hatch_as_well_as_colour():
    svg = charts_impact.attendance_chart(
        title="Attendance",
        panels=[
            ("Oak", [charts_impact.AttendanceBar("Low", 60, True), charts_impact.AttendanceBar("Fine", 95, False)])
        ],
        threshold=80,
    )
    assert "Below 80% (hatched)" in svg and "60%" in svg and "<pattern" in svg
    assert 'aria-label="Attendance, lowest first (2 shown; 1 below 80%: Low 60%)."' in svg


def test_chart_ids_are_unique_on_a_page():
    """Matplotlib numbers ids from 1 in every chart; a page of several must not repeat them."""
    import re

    bars = [charts_impact.AttendanceBar("Low", 60, True)]
    one = charts_impact.attendance_chart(title="Autumn", panels=[("Oak", bars)], threshold=80)
    two = charts_impact.attendance_chart(title="Spring", panels=[("Oak", bars)], threshold=80)
    ids = re.findall(r'\bid="([^"]+)"', one + two)
    assert len(ids) == len(set(ids)) > 10
    # References follow their ids: every url(#...) points at an id of the same chart.
    for svg in (one, two):
        own = set(re.findall(r'\bid="([^"]+)"', svg))
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= own


def test_empty_charts_say_why():
    svg = charts_impact.cost_impact_chart(title="Cost per pupil against impact", panels=[("Oak", [])])
    assert "No intervention has both a cost and an effect size yet." in svg and 'role="img"' in svg
