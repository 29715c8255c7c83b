"""Impact evaluation (reports/impact/evaluation.py) over hand-built frames: each pupil's figures, the comparison group,
group and programme summaries with their verdicts, pupils to rethink, and the edge cases.

Expected numbers are worked by hand here or with the tested statistics core (reports/impact/stats.py), never with the
code under test. Sources: Brooks (2016) for ratio gain; Lakens (2013) for d_av; ANCOVA and Hedges' g on the SD of
attainment as in reports/impact/stats.py (itself checked against least squares); Borenstein, Hedges, Higgins &
Rothstein, Introduction to Meta-Analysis (Wiley 2009), ch. 12, for the inverse-variance pooling of programmes.
The simulations that check the estimates recover a known truth are in test_impact_simulation.py.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pandas as pd
import pytest

from reports.impact import evaluation as ev
from reports.impact.stats import (
    ancova_difference,
    group_ratio_gain,
    hedges_g,
    mean_ci,
    pool_effects,
    standardised_effect,
    toolkit_months,
)

READING, MATHS = 1, 2
SEPT, DEC, MARCH = dt.date(2025, 9, 22), dt.date(2025, 12, 8), dt.date(2026, 3, 9)
A_SEPT, A_DEC, A_MARCH, A_OTHER = 101, 102, 103, 104  # reading-age assessments (A_OTHER: another December test)
START, END = dt.date(2025, 9, 29), dt.date(2025, 12, 5)
DAYS_PER_MONTH = 365.25 / 12


# --- Building frames ------------------------------------------------------------------------------------------


def placement(pid: int, pupil: int, intervention: int = 1, **fields) -> dict:
    row = {
        "placement_id": pid, "intervention_id": intervention, "programme_id": None, "pupil_id": pupil,
        "year_group": 4, "pupil_premium": False, "subject_id": READING, "scale_kind": "age",
        "entry_date": START, "exit_date": END, "entry_value": None, "exit_value": None,
        "entry_assessment_id": None, "exit_assessment_id": None, "entry_taken_on": None, "exit_taken_on": None,
        "target_value": None, "outcome": "", "entry_rating": None, "exit_rating": None,
        "sessions_attended": 0, "sessions_held": 0, "date_of_birth": dt.date(2016, 1, 1),
    }  # fmt: skip
    row.update(fields)
    return row


def linked(pid: int, pupil: int, entry: float, exit_: float, intervention: int = 1, **fields) -> dict:
    """A placement whose entry and exit results are linked to the September and December assessments."""
    values = {
        "entry_value": entry, "exit_value": exit_, "entry_assessment_id": A_SEPT, "exit_assessment_id": A_DEC,
        "entry_taken_on": SEPT, "exit_taken_on": DEC,
    }  # fmt: skip
    values.update(fields)
    return placement(pid, pupil, intervention, **values)


def placements(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=ev.PLACEMENT_COLUMNS)


def result(pupil: int, assessment: int, value: float, taken_on: dt.date, **fields) -> dict:
    row = {
        "pupil_id": pupil, "year_group": 4, "date_of_birth": dt.date(2016, 1, 1), "subject_id": READING,
        "assessment_id": assessment, "taken_on": taken_on, "value": value, "scale_id": 1, "scale_kind": "age",
        "expected": None, "high": None, "drop_concern": None, "age_tolerance_months": 12,
    }  # fmt: skip
    row.update(fields)
    return row


def results(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=ev.RESULT_COLUMNS)


def intervention(iid: int = 1, **fields) -> dict:
    row = {
        "intervention_id": iid, "school_id": 1, "programme_id": None, "programme_name": "", "name": f"Group {iid}",
        "subject_id": READING, "subject_name": "Reading", "scale_kind": "age", "scale_steps": None, "wave": 2,
        "status": "completed",
        "start_date": START, "end_date": END, "cost": None,
    }  # fmt: skip
    row.update(fields)
    return row


def interventions(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=ev.INTERVENTION_COLUMNS)


def sept_dec(pupil: int, entry: float, exit_: float, **fields) -> list[dict]:
    """A pupil's results in the September and December assessments."""
    return [result(pupil, A_SEPT, entry, SEPT, **fields), result(pupil, A_DEC, exit_, DEC, **fields)]


# A reading group that worked: six Year 4 pupils gained 9-12 months of reading age between the September and
# December tests, while eight similar Year 4 pupils without an intervention gained 2-5.
GROUP_ENTRY = [90, 92, 94, 96, 98, 100]
GROUP_GAIN = [9, 11, 10, 12, 10, 11]
OTHERS_ENTRY = [91, 93, 95, 96, 97, 98, 99, 101]
OTHERS_GAIN = [3, 2, 4, 3, 5, 2, 3, 4]


def reading_group(cost: float | None = 600.0):
    group = [linked(i + 1, i + 1, e, e + g) for i, (e, g) in enumerate(zip(GROUP_ENTRY, GROUP_GAIN, strict=True))]
    scores = [r for i, row in enumerate(group) for r in sept_dec(i + 1, row["entry_value"], row["exit_value"])]
    for j, (e, g) in enumerate(zip(OTHERS_ENTRY, OTHERS_GAIN, strict=True)):
        scores += sept_dec(100 + j, e, e + g)
    return placements(*group), interventions(intervention(1, cost=cost)), results(*scores)


def only(frame: pd.DataFrame, **where) -> dict:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


# --- 1. Each pupil --------------------------------------------------------------------------------------------


def test_gain_elapsed_months_and_ratio_gain_from_linked_results():
    rows = ev.pupil_rows(placements(linked(1, 1, 96, 108)), results())
    row = only(rows, placement_id=1)
    assert bool(row["measured"]) is True
    assert row["gain"] == 12
    elapsed = (DEC - SEPT).days / DAYS_PER_MONTH  # between the two assessments, not the group's dates
    assert row["elapsed_months"] == pytest.approx(elapsed)
    assert row["ratio_gain"] == pytest.approx(12 / elapsed)  # Brooks: months gained per month elapsed


def test_elapsed_months_fall_back_to_the_placement_dates_when_values_were_typed():
    rows = ev.pupil_rows(placements(placement(1, 1, entry_value=96, exit_value=102)), results())
    row = only(rows, placement_id=1)
    elapsed = (END - START).days / DAYS_PER_MONTH
    assert row["elapsed_months"] == pytest.approx(elapsed)
    assert row["ratio_gain"] == pytest.approx(6 / elapsed)


def test_ratio_gain_only_on_age_scales_and_only_when_time_has_passed():
    rows = ev.pupil_rows(
        placements(
            linked(1, 1, 95, 101, scale_kind="standardised"),
            placement(2, 2, entry_value=96, exit_value=100, exit_date=START),  # left the day they joined
        ),
        results(),
    )
    assert only(rows, placement_id=1)["gain"] == 6
    assert math.isnan(only(rows, placement_id=1)["ratio_gain"])
    assert only(rows, placement_id=2)["elapsed_months"] == 0
    assert math.isnan(only(rows, placement_id=2)["ratio_gain"])


def test_target_met_by_the_exit_value_or_else_by_the_recorded_outcome():
    rows = ev.pupil_rows(
        placements(
            placement(1, 1, entry_value=90, exit_value=100, target_value=100),  # reached exactly: met
            placement(2, 2, entry_value=90, exit_value=99, target_value=100, outcome="met"),  # the value wins
            placement(3, 3, outcome="met"),  # no values: the outcome decides
            placement(4, 4, outcome="not_met"),
            placement(5, 5, outcome="partly"),
            placement(6, 6),  # nothing known
        ),
        results(),
    )
    met = dict(zip(rows["placement_id"].tolist(), rows["target_met"].tolist(), strict=True))
    assert met[1] is True and met[2] is False and met[3] is True and met[4] is False and met[5] is False
    assert met[6] is pd.NA
    assert str(rows["target_met"].dtype) == "boolean"


def test_rating_change_and_attendance():
    rows = ev.pupil_rows(
        placements(
            placement(1, 1, entry_rating=2, exit_rating=4, sessions_attended=18, sessions_held=24),
            placement(2, 2, entry_rating=3, sessions_attended=0, sessions_held=0),
        ),
        results(),
    )
    assert only(rows, placement_id=1)["rating_change"] == 2
    assert only(rows, placement_id=1)["attendance_pct"] == 75
    assert math.isnan(only(rows, placement_id=2)["rating_change"])
    assert math.isnan(only(rows, placement_id=2)["attendance_pct"])  # no sessions held: unknown, not 0%


def test_the_next_result_is_the_first_later_one_in_the_same_subject_and_kind_of_scale():
    scores = results(
        result(1, A_DEC, 108, DEC),  # the exit result itself: not "next"
        result(1, 201, 150, dt.date(2026, 1, 20), subject_id=MATHS),  # another subject
        result(1, 202, 99, dt.date(2026, 1, 25), scale_kind="standardised"),  # another kind of scale
        result(1, A_MARCH, 111, MARCH),  # the next one
        result(1, 203, 80, dt.date(2026, 6, 1)),  # later still
        result(2, A_MARCH, 100, MARCH),
    )
    rows = ev.pupil_rows(placements(linked(1, 1, 96, 108), linked(2, 2, 95, 104)), scores)
    first = only(rows, placement_id=1)
    assert first["next_value"] == 111 and first["next_taken_on"] == pd.Timestamp(MARCH)
    assert first["sustained_change"] == 3 and first["sustained"] is True
    second = only(rows, placement_id=2)
    assert second["sustained_change"] == -4 and second["sustained"] is False


def test_next_result_after_leaving_when_the_exit_value_was_typed():
    scores = results(result(1, 301, 95, dt.date(2025, 12, 1)), result(1, 302, 104, dt.date(2025, 12, 10)))
    rows = ev.pupil_rows(placements(placement(1, 1, entry_value=90, exit_value=100)), scores)  # left 5 Dec
    assert only(rows, placement_id=1)["next_value"] == 104


def test_sustained_allows_test_noise_on_standardised_scores_but_not_on_ages():
    later = dt.date(2026, 3, 9)
    scores = results(
        result(1, 401, 96, later, scale_kind="standardised"),  # 2 below exit: noise, still kept
        result(2, 401, 95, later, scale_kind="standardised"),  # 3 below: the edge of the allowance, kept
        result(3, 401, 94, later, scale_kind="standardised"),  # 4 below: lost
        result(4, A_MARCH, 107, later),  # a month of reading age lost
    )
    rows = ev.pupil_rows(
        placements(
            linked(1, 1, 90, 98, scale_kind="standardised"),
            linked(2, 2, 90, 98, scale_kind="standardised"),
            linked(3, 3, 90, 98, scale_kind="standardised"),
            linked(4, 4, 96, 108),
        ),
        scores,
    )
    kept = dict(zip(rows["placement_id"].tolist(), rows["sustained"].tolist(), strict=True))
    assert kept == {1: True, 2: True, 3: False, 4: False}


def test_sustained_is_unknown_without_a_later_result_or_an_exit():
    rows = ev.pupil_rows(placements(linked(1, 1, 96, 108), placement(2, 2, entry_value=96, exit_date=None)), results())
    assert rows["sustained"].isna().all() and rows["next_value"].isna().all()


def test_pupil_rows_pass_on_columns_they_do_not_use():
    frame = placements(linked(1, 1, 96, 108)).assign(exit_reason="left_school")
    rows = ev.pupil_rows(frame, results())
    assert list(rows.columns) == ev.PUPIL_COLUMNS + ["exit_reason"] and rows.iloc[0]["exit_reason"] == "left_school"


def test_pupil_rows_leave_the_input_alone():
    frame = placements(linked(1, 1, 96, 108))
    before = frame.copy()
    ev.pupil_rows(frame, results())
    pd.testing.assert_frame_equal(frame, before)


# --- 2. The comparison group ----------------------------------------------------------------------------------

STD = {"scale_kind": "standardised"}


def test_comparison_takes_similar_pupils_of_the_same_year_who_had_no_intervention_in_the_subject():
    group = placements(
        linked(1, 1, 90, 100),
        linked(2, 2, 94, 105),
        linked(3, 3, 96, 107),
        placement(4, 4, entry_value=95, entry_assessment_id=A_SEPT, entry_taken_on=SEPT),  # left without an exit
        placement(5, 5, entry_date=dt.date(2026, 1, 12), exit_date=None),  # joined after the December test
    )
    others = placements(
        placement(10, 50, intervention=9, entry_date=dt.date(2025, 10, 6), exit_date=None),  # reading, overlapping
        placement(11, 51, intervention=8, subject_id=MATHS),  # maths at the same time: still comparable
        placement(12, 52, intervention=7, entry_date=dt.date(2025, 6, 1), exit_date=dt.date(2025, 7, 1)),  # before
        placement(13, 53, intervention=6, entry_date=dt.date(2025, 12, 9), exit_date=None),  # after the exit test
    )
    scores = [r for p in (1, 2, 3) for r in sept_dec(p, 90 + p, 100 + p)]
    scores += sept_dec(4, 95, 99) + sept_dec(5, 93, 95)  # members of the group are never its comparison
    scores += sept_dec(40, 93, 96)  # similar, no intervention
    scores += sept_dec(44, 93, 97, year_group=5)  # another year group
    scores += [result(45, A_SEPT, 93, SEPT)]  # missed the December test
    scores += sept_dec(50, 93, 98) + sept_dec(51, 93, 95) + sept_dec(52, 93, 94) + sept_dec(53, 93, 99)
    all_placements = pd.concat([group, others], ignore_index=True)
    comparison = ev.comparison_gains(group, results(*scores), all_placements)
    gains = dict(zip(comparison["pupil_id"], comparison["gain"], strict=True))
    assert gains == {40: 3, 51: 2, 52: 1, 53: 6}
    assert set(comparison["intervention_id"]) == {1}
    row = only(comparison, pupil_id=40)
    assert (row["entry_assessment_id"], row["exit_assessment_id"], row["baseline"], row["exit_value"]) == (
        A_SEPT, A_DEC, 93, 96,
    )  # fmt: skip


def test_comparison_pupils_started_near_the_group_within_one_sd_of_the_entry_scores():
    # The year group's September scores (the group's three and the others'): their SD sets the window.
    group = placements(linked(1, 1, 80, 88, **STD), linked(2, 2, 84, 90, **STD), linked(3, 3, 86, 92, **STD))
    others = {40: 60, 41: 75, 42: 95, 43: 105, 44: 115}
    scores = [r for p, e in ((1, 80), (2, 84), (3, 86)) for r in sept_dec(p, e, e + 6, **STD)]
    scores += [r for p, e in others.items() for r in sept_dec(p, e, e + 1, **STD)]
    sd = statistics.stdev([80, 84, 86, *others.values()])  # 17.33: the window is 80 - 17.33 to 86 + 17.33
    assert 95 < 86 + sd < 105 and 60 < 80 - sd < 75
    comparison = ev.comparison_gains(group, results(*scores))
    assert sorted(comparison["pupil_id"]) == [41, 42]
    wider = ev.comparison_gains(group, results(*scores), thresholds=ev.Thresholds(comparison_window_sd=2.0))
    assert sorted(wider["pupil_id"]) == [40, 41, 42, 43, 44]


def test_comparison_never_takes_a_pupil_placed_in_the_same_programme_at_any_time():
    group = placements(*[linked(i, i, 90, 100, programme_id=7) for i in (1, 2)])
    later = placements(  # the same programme a year later, in another subject's clothing: still excluded
        placement(10, 40, intervention=5, programme_id=7, entry_date=dt.date(2026, 9, 1), exit_date=None),
        placement(11, 41, intervention=6, programme_id=8, subject_id=MATHS),  # another programme, another subject
    )
    scores = [r for p in (1, 2, 40, 41, 42) for r in sept_dec(p, 90, 95)]
    comparison = ev.comparison_gains(group, results(*scores), pd.concat([group, later], ignore_index=True))
    assert sorted(comparison["pupil_id"]) == [41, 42]


def test_comparison_uses_the_assessment_pair_most_of_the_group_was_measured_on():
    group = placements(
        linked(1, 1, 90, 100),
        linked(2, 2, 92, 101),
        linked(3, 3, 91, 100, exit_assessment_id=A_OTHER),
    )
    scores = sept_dec(40, 91, 94) + [result(41, A_SEPT, 91, SEPT), result(41, A_OTHER, 99, DEC)]
    comparison = ev.comparison_gains(group, results(*scores))
    assert list(comparison["pupil_id"]) == [40]
    assert set(comparison["exit_assessment_id"]) == {A_DEC}


def test_no_comparison_without_linked_results_or_when_the_exit_test_is_not_later():
    typed = placements(placement(1, 1, entry_value=90, exit_value=100))
    scores = results(*sept_dec(40, 91, 94))
    assert ev.comparison_gains(typed, scores).empty
    backwards = placements(linked(1, 1, 90, 100, exit_taken_on=SEPT))
    assert ev.comparison_gains(backwards, scores).empty
    assert list(ev.comparison_gains(typed, scores).columns) == ev.COMPARISON_COLUMNS


# --- 3. Each group: the adjusted effect on the attainment scale -----------------------------------------------

# A Year 4 group chosen for low standardised reading scores, eight similar pupils without an intervention, and the
# rest of the year group (above the window, so not compared, but part of the spread of attainment).
GROUP = [(72, 81), (75, 82), (77, 86), (78, 84), (80, 90), (82, 89)]
SIMILAR = [(76, 78), (79, 80), (81, 85), (83, 82), (85, 88), (88, 90), (90, 91), (92, 96)]
REST = [(100, 101), (103, 102), (105, 108), (108, 107), (110, 112), (112, 110), (115, 117), (118, 116)]


def standardised_group(cost: float | None = 600.0, rest=REST):
    group = [linked(i + 1, i + 1, e, x, **STD) for i, (e, x) in enumerate(GROUP)]
    scores = [r for i, (e, x) in enumerate(GROUP) for r in sept_dec(i + 1, e, x, **STD)]
    for j, (e, x) in enumerate([*SIMILAR, *rest]):
        scores += sept_dec(100 + j, e, x, **STD)
    ivs = interventions(intervention(1, cost=cost, **STD))
    return placements(*group), ivs, results(*scores)


def test_the_effect_is_the_ancova_difference_over_the_sd_of_attainment():
    group, ivs, scores = standardised_group(rest=REST + [(120, 121), (121, 119), (123, 125), (125, 126)])
    row = only(ev.evaluate(group, ivs, scores).groups, intervention_id=1)
    adjusted = ancova_difference(*zip(*GROUP, strict=True), *zip(*SIMILAR, strict=True))
    everyone = [x for _e, x in GROUP + SIMILAR + REST] + [121, 119, 125, 126]
    assert len(everyone) == 26  # 20 or more sat it: the year group's own spread
    effect = standardised_effect(adjusted, statistics.stdev(everyone), len(everyone) - 1)
    assert row["measure"] == "comparison" and row["sd_source"] == "year_group" and row["sd_n"] == 26
    assert row["sd_attainment"] == pytest.approx(statistics.stdev(everyone))
    assert row["difference"] == pytest.approx(adjusted.difference)
    assert (row["difference_ci_low"], row["difference_ci_high"]) == (
        pytest.approx(adjusted.ci_low), pytest.approx(adjusted.ci_high),
    )  # fmt: skip
    assert row["g"] == pytest.approx(effect.g)
    assert (row["g_ci_low"], row["g_ci_high"]) == (pytest.approx(effect.ci_low), pytest.approx(effect.ci_high))
    assert row["months"] == toolkit_months(effect.g)
    assert (row["n_compared"], row["n_comparison"]) == (6, 8)
    assert row["entry_mean_group"] == pytest.approx(statistics.fmean(e for e, _x in GROUP))
    assert row["entry_mean_comparison"] == pytest.approx(statistics.fmean(e for e, _x in SIMILAR))
    assert row["comparison_mean_gain"] == pytest.approx(statistics.fmean(x - e for e, x in SIMILAR))
    assert (row["entry_assessment_id"], row["exit_assessment_id"]) == (A_SEPT, A_DEC)
    # The gains' own spread would have made it look several times bigger: the bug this replaced.
    gains_g = hedges_g([x - e for e, x in GROUP], [x - e for e, x in SIMILAR]).g
    assert gains_g > 2 * row["g"]


def test_with_fewer_than_twenty_pupils_the_scales_published_sd_is_used():
    group, ivs, scores = standardised_group()  # 22 pupils sat it: the year group's spread
    assert only(ev.evaluate(group, ivs, scores).groups)["sd_source"] == "year_group"
    group, ivs, scores = standardised_group(rest=REST[:4])  # 18 sat it: a standardised score's SD of 15
    row = only(ev.evaluate(group, ivs, scores).groups)
    adjusted = ancova_difference(*zip(*GROUP, strict=True), *zip(*SIMILAR, strict=True))
    assert (row["sd_source"], row["sd_attainment"]) == ("scale", 15)
    assert row["g"] == pytest.approx(adjusted.difference / 15)  # a known SD: no small-sample correction
    assert any("the scale's published spread" in reason for reason in row["reasons"])


def test_without_any_sd_of_attainment_the_difference_decides_and_there_are_no_months():
    # Reading ages in a small year group: no published spread for age-equivalents.
    group = placements(*[linked(i + 1, i + 1, e, x) for i, (e, x) in enumerate(GROUP)])
    scores = [r for i, (e, x) in enumerate(GROUP + SIMILAR) for r in sept_dec(i + 1, e, x)]
    row = only(ev.evaluate(group, interventions(intervention(1)), results(*scores)).groups)
    assert row["measure"] == "comparison" and math.isnan(row["g"]) and math.isnan(row["months"])
    assert row["difference_ci_low"] > 0 and row["verdict"] == "some"
    assert any(reason.startswith("No spread of attainment to put this on") for reason in row["reasons"])


def test_group_ratio_gain_is_brooks_mean_gain_over_mean_time():
    group = placements(linked(1, 1, 96, 108), linked(2, 2, 96, 99, exit_assessment_id=A_MARCH, exit_taken_on=MARCH))
    row = only(ev.evaluate(group, interventions(intervention(1)), results()).groups)
    dec, march = (DEC - SEPT).days / DAYS_PER_MONTH, (MARCH - SEPT).days / DAYS_PER_MONTH
    assert row["ratio_gain"] == pytest.approx(group_ratio_gain([12, 3], [dec, march]))
    assert row["ratio_gain"] != pytest.approx(statistics.fmean([12 / dec, 3 / march]))  # not the mean of ratios
    assert row["mean_elapsed"] == pytest.approx((dec + march) / 2)


def test_cost_per_pupil_and_per_month_gained():
    group = placements(*[linked(i, i, 90, 90 + g) for i, g in enumerate([9, 11, 10, 12, 10, 11], start=1)])
    row = only(ev.evaluate(group, interventions(intervention(1, cost=1302.0)), results()).groups)
    assert row["cost_per_pupil"] == pytest.approx(1302 / 6)
    assert row["cost_per_month"] == pytest.approx(1302 / 63)  # 63 months gained in all: £20.67


def test_cost_per_month_only_for_age_scales_with_months_gained():
    standardised = placements(*[linked(i, i, 90, 95, scale_kind="standardised") for i in range(1, 4)])
    fell = placements(*[linked(i, i, 90, 88, intervention=2) for i in range(4, 7)])
    ivs = interventions(intervention(1, scale_kind="standardised", cost=300), intervention(2, cost=300))
    groups = ev.evaluate(pd.concat([standardised, fell], ignore_index=True), ivs, results()).groups
    assert math.isnan(only(groups, intervention_id=1)["cost_per_month"])
    assert math.isnan(only(groups, intervention_id=2)["cost_per_month"])  # no months gained
    assert only(groups, intervention_id=1)["cost_per_pupil"] == 100


def test_target_sustained_and_attendance_shares():
    rows = placements(
        linked(1, 1, 90, 100, target_value=100, sessions_attended=8, sessions_held=10),
        linked(2, 2, 90, 99, target_value=100, sessions_attended=10, sessions_held=10),
        linked(3, 3, 90, 99, sessions_attended=6, sessions_held=10),  # no target
    )
    scores = results(result(1, A_MARCH, 104, MARCH), result(2, A_MARCH, 97, MARCH))
    row = only(ev.evaluate(rows, interventions(intervention(1)), scores).groups, intervention_id=1)
    assert (row["n_target_known"], row["pct_target_met"]) == (2, 50)
    assert (row["n_sustained_known"], row["pct_sustained"]) == (2, 50)
    assert row["attendance_pct"] == pytest.approx(80)
    assert "1 of the 2 pupils with a target met it" in row["reasons"]
    assert "1 of the 2 pupils assessed again kept their gain at the next assessment" in row["reasons"]


def test_a_group_with_too_few_comparison_pupils_is_judged_before_and_after_and_says_why():
    group, ivs, scores = standardised_group()
    scores = scores[(scores["pupil_id"] < 103) | (scores["pupil_id"] > 107)]  # three similar pupils left
    row = only(ev.evaluate(group, ivs, scores).groups, intervention_id=1)
    assert row["n_comparison"] == 3 and math.isnan(row["g"]) and math.isnan(row["difference"])
    assert row["measure"] == "before_after"
    assert "No comparison: 3 similar pupils without an intervention sat both assessments (5 needed)" in row["reasons"]
    assert row["verdict"] != "strong"


def test_too_little_data_counts_the_pupils_in_the_comparison_not_those_measured():
    # Five measured, but only two on the assessments the similar pupils sat: the old engine called this strong.
    rows = [linked(i, i, e, x, **STD) for i, (e, x) in enumerate(GROUP[:2], start=1)]
    rows += [linked(3, 3, 80, 95, exit_assessment_id=A_OTHER, **STD)]  # three other pairs, one pupil each
    rows += [linked(4, 4, 80, 95, exit_assessment_id=A_MARCH, exit_taken_on=MARCH, **STD)]
    rows += [placement(5, 5, entry_value=80, exit_value=95, **STD)]  # typed in
    scores = [r for i, (e, x) in enumerate(GROUP[:2], start=1) for r in sept_dec(i, e, x, **STD)]
    scores += [r for j, (e, x) in enumerate(SIMILAR + REST) for r in sept_dec(100 + j, e, x, **STD)]
    row = only(ev.evaluate(placements(*rows), interventions(intervention(1, **STD)), results(*scores)).groups)
    assert (row["n_measured"], row["n_compared"]) == (5, 2)
    assert row["measure"] == "comparison" and row["verdict"] == "too_little"
    assert "Only 2 pupils of the group in the comparison (5 needed): too few to judge" in row["reasons"]
    assert row["recommendation"] == "measure"


def test_a_coarse_scale_whose_comparison_pupils_barely_moved_gets_no_effect_size():
    grades = {"scale_kind": "gcse"}
    rows = [linked(i, i, 2 + i % 3, 3 + i % 3, **grades) for i in range(1, 7)]
    scores = [r for i in range(1, 7) for r in sept_dec(i, 2 + i % 3, 3 + i % 3, **grades)]
    # Twenty similar pupils, grades 2 to 4; two of them moved up a grade.
    scores += [r for j in range(20) for r in sept_dec(100 + j, 2 + j % 3, 2 + j % 3 + (j % 10 == 0), **grades)]
    ivs = interventions(intervention(1, scale_kind="gcse", scale_steps=10))
    row = only(ev.evaluate(placements(*rows), ivs, results(*scores)).groups)
    assert row["too_coarse"] and math.isnan(row["g"]) and math.isnan(row["months"])
    assert row["verdict"] == "inconclusive"
    assert any(reason.startswith("The scale is too coarse for an effect size") for reason in row["reasons"])


def test_every_intervention_gets_a_row_even_with_nobody_placed():
    ivs = interventions(intervention(1), intervention(2, subject_id=None, subject_name="", scale_kind=""))
    groups = ev.group_summary(ev.pupil_rows(placements(), results()), pd.DataFrame(), ivs)
    assert list(groups["intervention_id"]) == [1, 2]
    assert list(groups["n_placed"]) == [0, 0]
    assert list(groups["verdict"]) == ["too_little", "too_little"]
    assert only(groups, intervention_id=1)["reasons"][0] == "No pupils have been placed"
    assert only(groups, intervention_id=2)["reasons"][0].startswith("No assessed subject and scale")
    assert list(groups.columns) == ev.GROUP_COLUMNS


# --- The verdict rules ----------------------------------------------------------------------------------------


def judged(**row) -> ev.Judgement:
    base = {"n_placed": 8, "n_measured": 8, "attendance_pct": 90.0, "scale_kind": "standardised"}
    return ev.verdict({**base, **row})


def compared(g: float, low: float, high: float, **row) -> ev.Judgement:
    fields = {"n_compared": 8, "n_comparison": 20, "sd_attainment": 15.0, "sd_source": "scale", **row}
    return judged(measure="comparison", g=g, g_ci_low=low, g_ci_high=high, **fields)


def test_strong_needs_the_whole_interval_above_zero_and_g_of_point_four():
    judgement = compared(0.62, 0.05, 1.19, months=7, comparison_years=[4], subject_name="Reading")
    assert judgement.verdict == "strong" and judgement.recommendation == "continue"
    assert "Effect size g = 0.62 (95% CI 0.05 to 1.19), about +7 months of progress; standard deviation of " \
        "attainment 15.0 points, the scale's published spread" in judgement.reasons  # fmt: skip
    assert any(r.startswith("8 of them sat the same two assessments as 20 similar pupils (now in Year 4)")
               for r in judgement.reasons)  # fmt: skip


def test_some_when_the_whole_interval_is_above_zero():
    judgement = compared(0.3, 0.05, 0.55)
    assert judgement.verdict == "some" and judgement.recommendation == "continue"
    assert "Better than similar pupils, but g is below 0.4" in judgement.reasons


def test_promising_when_g_is_worthwhile_but_the_interval_includes_zero():
    # The case the old rules called "Some impact": g 0.24, CI -0.23 to 0.71.
    judgement = compared(0.24, -0.23, 0.71)
    assert judgement.verdict == "promising" and judgement.recommendation == "measure"
    assert ev.RECOMMENDATIONS["measure"] == "Continue and keep measuring"


def test_no_clear_impact_only_when_the_interval_rules_out_a_useful_effect():
    ruled_out = compared(0.02, -0.15, 0.19)
    assert ruled_out.verdict == "none" and ruled_out.recommendation == "review"
    assert "The interval rules out an effect of 0.2 or more" in ruled_out.reasons
    # A wide interval around a small estimate is not evidence of no effect: keep measuring.
    wide = compared(0.1, -0.4, 0.6)
    assert wide.verdict == "inconclusive" and wide.recommendation == "measure"
    assert compared(-0.1, -0.6, 0.4).verdict == "inconclusive"


def test_negative_when_the_whole_interval_is_below_zero():
    judgement = compared(-0.7, -1.2, -0.2)
    assert judgement.verdict == "negative" and judgement.recommendation == "review"
    assert "The pupils did worse than similar pupils without the intervention" in judgement.reasons


def test_too_little_with_fewer_than_five_pupils_compared_whatever_the_effect():
    judgement = compared(2.0, 1.0, 3.0, n_compared=4)
    assert judgement.verdict == "too_little" and judgement.recommendation == "measure"
    assert "Only 4 pupils of the group in the comparison (5 needed): too few to judge" in judgement.reasons
    assert compared(2.0, 1.0, 3.0, n_compared=5).verdict == "strong"


def test_too_little_with_nothing_measured():
    judgement = judged(n_measured=0, measure="none", subject_id=1)
    assert judgement.verdict == "too_little"
    assert judgement.reasons[0] == "None of the 8 pupils has both an entry and an exit result yet"


def test_too_little_data_is_never_a_reason_to_stop():
    for status in ("planned", "running", "completed", "stopped"):
        judgement = judged(measure="before_after", n_placed=6, n_measured=2, status=status)
        assert judgement.verdict == "too_little"
        assert judgement.recommendation in ("continue", "measure"), status
    running = judged(measure="before_after", n_placed=6, n_measured=2, status="running")
    assert running.recommendation == "continue" and any("Still running" in r for r in running.reasons)


def before_after(kind: str, mean: float, low: float, high: float, **row) -> ev.Judgement:
    return judged(measure="before_after", scale_kind=kind, mean_gain=mean, gain_ci_low=low, gain_ci_high=high, **row)


def test_before_after_is_judged_against_the_gain_expected_without_help_and_is_never_strong():
    beyond = {"expected_gain": 3.0, "excess_mean": 6.0, "excess_ci_low": 2.0, "excess_ci_high": 10.0}
    huge = before_after("standardised", 9.0, 5.0, 13.0, **beyond)
    assert huge.verdict == "some" and huge.recommendation == "continue"
    assert any(
        r.startswith("Before and after only: pupils chosen for low scores tend to score higher") for r in huge.reasons
    )
    assert "Expected without help: about +3.0 points (ordinary progress and the rise a low scorer makes anyway); " \
        "beyond that +6.0 points (95% CI 2.0 to 10.0)" in huge.reasons  # fmt: skip
    # A rise whose interval is above zero, but not above what low scorers gain anyway, is not impact.
    rise = {"expected_gain": 4.0, "excess_mean": 1.0, "excess_ci_low": -2.0, "excess_ci_high": 4.0}
    assert before_after("standardised", 5.0, 2.0, 8.0, beyond_ci_high=8.0, **rise).verdict == "inconclusive"
    promising = {"expected_gain": 3.0, "excess_mean": 4.0, "excess_ci_low": -0.5, "excess_ci_high": 8.5}
    assert before_after("standardised", 7.0, 2.0, 12.0, **promising).verdict == "promising"  # 4 >= 0.2 x 15
    small = {"expected_gain": 2.0, "excess_mean": -1.5, "excess_ci_low": -3.0, "excess_ci_high": 0.0}
    assert before_after("standardised", 0.5, -1.0, 2.0, beyond_ci_high=2.0, **small).verdict == "none"  # < 3 points
    assert before_after("standardised", -4.0, -6.0, -2.0, **small).verdict == "negative"


def test_before_after_on_reading_ages_shows_brooks_group_ratio_gain():
    row = {"ratio_gain": 2.5, "ratio_band": "useful", "mean_elapsed": 3.2, "expected_gain": 5.0}
    judgement = before_after("age", 8.0, 5.0, 11.0, excess_mean=3.0, excess_ci_low=0.5, excess_ci_high=5.5, **row)
    assert judgement.verdict == "some"
    assert "Mean gain +8.0 months (95% CI 5.0 to 11.0) over 3.2 months: group ratio gain 2.5 (useful; 1.0 is " \
        "ordinary progress)" in judgement.reasons  # fmt: skip
    # The ratio alone decides nothing: the interval beyond what was expected includes zero.
    unclear = before_after("age", 8.0, 2.0, 14.0, excess_mean=3.0, excess_ci_low=-3.0, excess_ci_high=9.0, **row)
    assert unclear.verdict == "promising"  # 3 months beyond, at least 0.4 x 3.2 months


def test_before_after_on_raw_scores_bands_and_grades_cannot_show_impact():
    for kind in ("raw", "bands", "gcse"):
        judgement = before_after(kind, 9.0, 6.0, 12.0)
        assert judgement.verdict == "inconclusive", kind
        assert any("before and after alone cannot show impact" in r for r in judgement.reasons)
    assert before_after("gcse", -1.0, -1.5, -0.5).verdict == "negative"


def test_recommendation_depends_on_attendance():
    low = {"attendance_pct": 72.0}
    some = compared(0.3, 0.05, 0.55, **low)
    assert some.verdict == "some" and some.recommendation == "modify"
    assert "Attendance averaged 72%, below 80%" in some.reasons
    none = compared(0.02, -0.15, 0.19, **low)
    assert none.recommendation == "modify"
    assert "Improve attendance (the dosage) before judging the programme" in none.reasons
    assert compared(0.8, 0.4, 1.2, **low).recommendation == "continue"  # strong evidence despite attendance
    assert compared(-0.7, -1.2, -0.2, **low).recommendation == "review"
    assert compared(0.02, -0.15, 0.19, attendance_pct=80.0).recommendation == "review"  # 80% is not below 80%


def test_thresholds_are_one_place_and_change_the_verdicts_and_the_words():
    strict = ev.Thresholds(min_pupils=10, strong_g=0.8)
    row = {"n_placed": 10, "n_measured": 10, "n_compared": 8, "n_comparison": 20, "measure": "comparison",
           "g": 0.62, "g_ci_low": 0.05, "g_ci_high": 1.0}  # fmt: skip
    assert ev.verdict(row).verdict == "strong"
    assert ev.verdict(row, strict).verdict == "too_little"
    assert ev.verdict({**row, "n_compared": 10}, strict).verdict == "some"
    words = " ".join(ev.thresholds_text(strict))
    assert "at least 10 of the group's pupils" in words and "g is 0.8 or more" in words
    assert "at least 5 of the group's pupils" in " ".join(ev.thresholds_text())


def test_verdict_and_recommendation_labels():
    assert list(ev.VERDICTS) == ["strong", "some", "promising", "inconclusive", "none", "negative", "too_little"]
    assert ev.VERDICTS["promising"] == "Promising, not yet clear" and ev.VERDICTS["too_little"] == "Too little data"
    assert ev.RECOMMENDATIONS["review"] == "Review: change or stop"


# --- 4. Each programme ----------------------------------------------------------------------------------------


def _year_group(year: int, first_pupil: int, first_placement: int, intervention_id: int, lift: float):
    """A year group of 22 (six placed, eight similar, eight higher) on its own pair of assessments."""
    entry, exit_ = 200 + 2 * year, 201 + 2 * year
    on = {"entry_assessment_id": entry, "exit_assessment_id": exit_, **STD, "year_group": year}
    group = [
        linked(first_placement + i, first_pupil + i, e, x + lift, intervention=intervention_id, programme_id=7, **on)
        for i, (e, x) in enumerate(GROUP)
    ]
    scores = []
    for i, (e, x) in enumerate([(e, x + lift) for e, x in GROUP] + SIMILAR + REST):
        scores += [
            result(first_pupil + i, entry, e, SEPT, year_group=year, **STD),
            result(first_pupil + i, exit_, x, DEC, year_group=year, **STD),
        ]
    return group, scores


def test_a_programme_pools_its_groups_on_different_assessments_by_random_effects_inverse_variance():
    group_3, scores_3 = _year_group(3, 1, 1, 1, lift=0)
    group_5, scores_5 = _year_group(5, 101, 101, 2, lift=-4)
    ivs = interventions(
        *[intervention(i, programme_id=7, programme_name="Reading Boost", cost=300, **STD) for i in (1, 2)]
    )
    result_ = ev.evaluate(placements(*group_3, *group_5), ivs, results(*scores_3, *scores_5))
    groups = result_.groups.set_index("intervention_id")
    pooled = pool_effects(groups["g"].tolist(), groups["g_se"].tolist())
    row = only(result_.programmes, programme_id=7)
    assert row["g"] == pytest.approx(pooled.g)
    assert (row["g_ci_low"], row["g_ci_high"]) == (pytest.approx(pooled.ci_low), pytest.approx(pooled.ci_high))
    assert row["i2"] == pytest.approx(pooled.i2)
    assert (row["n_groups"], row["n_groups_compared"], row["n_compared"], row["n_comparison"]) == (2, 2, 12, 16)
    assert row["months"] == toolkit_months(pooled.g)
    assert row["cost"] == 600 and row["cost_per_pupil"] == pytest.approx(600 / 12)
    assert row["programme_name"] == "Reading Boost"
    assert any(r.startswith("12 pupils in 2 groups compared with 16 distinct similar pupils") for r in row["reasons"])


def test_groups_of_a_programme_on_the_same_assessments_are_analysed_together_counting_each_pupil_once():
    # Two parallel Year 4 groups of one programme, sat the same two tests: they share their similar pupils.
    first = [linked(i + 1, i + 1, e, x, programme_id=7, **STD) for i, (e, x) in enumerate(GROUP[:3])]
    second = [linked(i + 4, i + 4, e, x, intervention=2, programme_id=7, **STD) for i, (e, x) in enumerate(GROUP[3:])]
    scores = [r for i, (e, x) in enumerate(GROUP) for r in sept_dec(i + 1, e, x, **STD)]
    scores += [r for j, (e, x) in enumerate(SIMILAR + REST) for r in sept_dec(100 + j, e, x, **STD)]
    ivs = interventions(*[intervention(i, programme_id=7, programme_name="Reading Boost", **STD) for i in (1, 2)])
    result_ = ev.evaluate(placements(*first, *second), ivs, results(*scores))
    row = only(result_.programmes, programme_id=7)
    adjusted = ancova_difference(*zip(*GROUP, strict=True), *zip(*SIMILAR, strict=True))
    exits = [x for _e, x in GROUP + SIMILAR + REST]
    effect = standardised_effect(adjusted, statistics.stdev(exits), len(exits) - 1)
    assert row["g"] == pytest.approx(effect.g) and row["g_ci_low"] == pytest.approx(effect.ci_low)
    assert (row["n_compared"], row["n_comparison"]) == (6, 8)  # the sum over the groups would be 16
    assert result_.groups["n_comparison"].sum() == 15  # 7 + 8: the groups' windows differ a little


def test_a_programme_without_any_comparison_pools_its_pupils_before_and_after():
    gains = [10, 12, 9, 11, 13, 10]
    rows = [linked(i + 1, i + 1, 90, 90 + g, intervention=1 + i // 3) for i, g in enumerate(gains)]
    ivs = interventions(*[intervention(i, programme_id=7, programme_name="Reading Boost") for i in (1, 2)])
    result_ = ev.evaluate(placements(*rows), ivs, results())
    assert list(result_.groups["verdict"]) == ["too_little", "too_little"]  # three pupils each
    row = only(result_.programmes, programme_id=7)
    mean, low, high = mean_ci(gains)
    assert row["measure"] == "before_after" and math.isnan(row["g"]) and math.isnan(row["months"])
    assert (row["mean_gain"], row["gain_ci_low"], row["gain_ci_high"]) == (
        pytest.approx(mean), pytest.approx(low), pytest.approx(high),
    )  # fmt: skip
    assert row["verdict"] != "strong"
    assert "No group of this programme has a comparison" in row["reasons"]


def test_programme_with_groups_on_different_scales_and_no_comparison_cannot_be_pooled():
    rows = [linked(i, i, 90, 100, intervention=1) for i in (1, 2, 3)]
    rows += [linked(i, i, 90, 97, intervention=2, scale_kind="standardised") for i in (4, 5, 6)]
    ivs = interventions(intervention(1, programme_id=7), intervention(2, programme_id=7, scale_kind="standardised"))
    row = only(ev.evaluate(placements(*rows), ivs, results()).programmes, programme_id=7)
    assert row["measure"] == "none" and row["verdict"] == "too_little"
    assert math.isnan(row["mean_gain"])
    assert row["reasons"][0].startswith("Its groups were measured on different kinds of scale")


def test_interventions_without_a_programme_are_not_programmes():
    group, ivs, scores = standardised_group()
    assert ev.evaluate(group, ivs, scores).programmes.empty
    assert list(ev.evaluate(group, ivs, scores).programmes.columns) == ev.PROGRAMME_COLUMNS


# --- 5. Pupils to rethink -------------------------------------------------------------------------------------


def test_pupils_with_two_finished_interventions_in_a_subject_and_no_lasting_gain_are_listed():
    first_end, second_end = dt.date(2025, 11, 7), dt.date(2026, 2, 6)
    rows = placements(
        # Pupil 1: two reading groups, targets missed, ratio gains under 1.4.
        placement(1, 1, intervention=1, entry_value=90, exit_value=91, exit_date=first_end, target_value=96),
        placement(2, 1, intervention=2, entry_value=91, exit_value=93, exit_date=second_end, outcome="not_met"),
        # Pupil 2: the second group worked and the gain lasted (no later result: counts as kept).
        placement(3, 2, intervention=1, entry_value=90, exit_value=91, exit_date=first_end),
        placement(4, 2, intervention=2, entry_value=91, exit_value=99, exit_date=second_end, target_value=96),
        # Pupil 3: the target was met but the gain was lost at the next assessment.
        placement(5, 3, intervention=1, entry_value=90, exit_value=96, exit_date=first_end, target_value=96),
        placement(6, 3, intervention=2, entry_value=91, exit_value=92, exit_date=second_end),
        # Pupil 4: one group in reading, one in maths: not twice in one subject.
        placement(7, 4, intervention=1, entry_value=90, exit_value=90, exit_date=first_end),
        placement(8, 4, intervention=3, subject_id=MATHS, entry_value=90, exit_value=90, exit_date=second_end),
        # Pupil 5: the second group is still running.
        placement(9, 5, intervention=1, entry_value=90, exit_value=90, exit_date=first_end),
        placement(10, 5, intervention=2, entry_value=90, exit_date=None),
        # Pupil 6: standardised scores up 3 points: a lasting gain.
        placement(11, 6, intervention=4, scale_kind="standardised", entry_value=80, exit_value=81, exit_date=first_end),
        placement(
            12, 6, intervention=5, scale_kind="standardised", entry_value=81, exit_value=84, exit_date=second_end
        ),
    )
    scores = results(result(3, 501, 93, dt.date(2025, 12, 1)))  # pupil 3's next reading result, below 96
    rethink = ev.pupils_to_rethink(ev.pupil_rows(rows, scores))
    assert list(rethink.columns) == ev.RETHINK_COLUMNS
    assert list(rethink["pupil_id"]) == [1, 3]
    row = only(rethink, pupil_id=1)
    assert row["subject_id"] == READING and row["interventions"] == 2 and row["intervention_ids"] == [1, 2]
    assert row["total_gain"] == 3 and row["last_exit_date"] == pd.Timestamp(second_end)
    assert row["reason"].startswith("2 interventions in this subject without a gain that lasted")


def test_the_number_of_interventions_before_rethinking_is_a_threshold():
    rows = placements(
        placement(1, 1, intervention=1, entry_value=90, exit_value=91),
        placement(2, 1, intervention=2, entry_value=91, exit_value=92),
    )
    pupils = ev.pupil_rows(rows, results())
    assert len(ev.pupils_to_rethink(pupils)) == 1
    assert ev.pupils_to_rethink(pupils, ev.Thresholds(rethink_min_interventions=3)).empty


# --- The gain expected without help (before and after only) --------------------------------------------------


def test_expected_gain_is_ordinary_progress_plus_regression_towards_the_centre():
    dob = dt.date(2016, 9, 1)
    rows = placements(
        linked(1, 1, 70, 80, **STD),  # 30 below 100: (1 - 0.8) x 30 = 6 points expected anyway
        linked(2, 2, 104, 108, **STD),  # above the centre: nothing
        linked(3, 3, 96, 108, date_of_birth=dob),  # reading age 8:00 at 9 years 0 months: 12 months behind
    )
    pupils = ev.pupil_rows(rows, results())
    expected = dict(zip(pupils["pupil_id"], pupils["expected_gain"], strict=True))
    assert expected[1] == pytest.approx(6.0) and expected[2] == 0
    elapsed = (DEC - SEPT).days / DAYS_PER_MONTH
    age = (SEPT - dob).days / DAYS_PER_MONTH
    assert expected[3] == pytest.approx(elapsed + 0.2 * (age - 96))
    assert dict(zip(pupils["pupil_id"], pupils["excess_gain"], strict=True))[1] == pytest.approx(4.0)


def test_the_centre_moves_with_the_year_group_when_twenty_or_more_sat_the_entry_test():
    rows = placements(linked(1, 1, 70, 80, **STD))
    cohort = [result(100 + j, A_SEPT, 90, SEPT, **STD) for j in range(20)]  # a year group averaging 90
    expected = ev.pupil_rows(rows, results(*cohort))["expected_gain"].iloc[0]
    assert expected == pytest.approx(0.2 * (90 - 70))
    few = ev.pupil_rows(rows, results(*cohort[:19]))["expected_gain"].iloc[0]
    assert few == pytest.approx(0.2 * (100 - 70))  # 19 is too few: the national centre


# --- Edge cases -----------------------------------------------------------------------------------------------


def test_empty_frames_give_empty_results_with_their_columns():
    result_ = ev.evaluate(placements(), interventions(), results())
    assert result_.pupils.empty and list(result_.pupils.columns) == ev.PUPIL_COLUMNS
    assert result_.comparison.empty and list(result_.comparison.columns) == ev.COMPARISON_COLUMNS
    assert result_.groups.empty and list(result_.groups.columns) == ev.GROUP_COLUMNS
    assert result_.programmes.empty and list(result_.programmes.columns) == ev.PROGRAMME_COLUMNS
    assert result_.rethink.empty and list(result_.rethink.columns) == ev.RETHINK_COLUMNS
    none = ev.evaluate(None, None, None)
    assert none.groups.empty and none.pupils.empty


def test_one_pupil_gives_figures_without_intervals():
    row = only(ev.evaluate(placements(linked(1, 1, 90, 100)), interventions(intervention(1)), results()).groups)
    assert row["n_measured"] == 1 and row["mean_gain"] == 10
    for column in ("gain_ci_low", "gain_ci_high", "d_av", "g", "difference"):
        assert math.isnan(row[column]), column
    assert row["verdict"] == "too_little"
    assert row["reasons"][0] == "The pupil has entry and exit results"


def test_zero_variance_does_not_crash_and_leaves_undefined_effects_empty():
    group = placements(*[linked(i, i, 90, 100) for i in range(1, 7)])  # everyone started and ended the same
    scores = [r for i in range(1, 7) for r in sept_dec(i, 90, 100)]
    scores += [r for j in range(6) for r in sept_dec(50 + j, 90, 93)]  # so did everyone else
    row = only(ev.evaluate(group, interventions(intervention(1)), results(*scores)).groups)
    assert row["mean_gain"] == 10 and row["gain_ci_low"] == 10 and row["gain_ci_high"] == 10
    assert math.isnan(row["d_av"]) and math.isnan(row["g"]) and math.isnan(row["difference"])
    assert row["n_comparison"] == 6 and row["measure"] == "before_after"
    assert "No comparison: the entry scores have no spread to adjust for" in row["reasons"]
    assert row["verdict"] != "strong"


def test_all_exit_values_missing():
    rows = placements(*[placement(i, i, entry_value=90, exit_date=None) for i in range(1, 6)])
    row = only(ev.evaluate(rows, interventions(intervention(1)), results()).groups)
    assert (row["n_placed"], row["n_measured"], row["measure"]) == (5, 0, "none")
    assert row["verdict"] == "too_little"
    assert row["reasons"][0] == "None of the 5 pupils has both an entry and an exit result yet"
    assert "Record entry and exit results, from named assessments, for every pupil" in row["reasons"]
    assert math.isnan(row["mean_gain"]) and math.isnan(row["cost_per_pupil"])


def test_unlinked_entry_and_exit_values_are_judged_before_and_after_only():
    rows = placements(*[placement(i, i, entry_value=90 + i, exit_value=100 + i + i % 2) for i in range(1, 7)])
    scores = results(*[r for j in range(8) for r in sept_dec(50 + j, 92 + j, 95 + j)])
    result_ = ev.evaluate(rows, interventions(intervention(1)), scores)
    assert result_.comparison.empty
    row = only(result_.groups)
    assert row["measure"] == "before_after" and row["n_compared"] == 0
    assert any(r.startswith("No comparison: the entry and exit results are not both linked") for r in row["reasons"])


def test_interventions_without_a_subject_or_scale():
    rows = placements(
        *[placement(i, i, subject_id=None, scale_kind="", entry_rating=2, exit_rating=4, outcome="met") for i in (1, 2)]
    )
    ivs = interventions(intervention(1, subject_id=None, subject_name="", scale_kind=""))
    result_ = ev.evaluate(rows, ivs, results())
    row = only(result_.groups)
    assert row["measure"] == "none" and row["verdict"] == "too_little"
    assert row["reasons"][0].startswith("No assessed subject and scale")
    assert "Both pupils with a target met it" in row["reasons"]
    assert list(result_.pupils["rating_change"]) == [2, 2]
    assert result_.rethink.empty


def test_a_pupil_who_left_school_is_placed_but_not_measured():
    rows = [linked(i, i, 90, 100 + i) for i in range(1, 6)]
    rows.append(placement(6, 6, entry_value=91, entry_assessment_id=A_SEPT, entry_taken_on=SEPT, exit_date=END))
    row = only(ev.evaluate(placements(*rows), interventions(intervention(1)), results()).groups)
    assert (row["n_placed"], row["n_measured"]) == (6, 5)
    assert row["reasons"][0] == "5 of the 6 pupils have entry and exit results"


def test_all_placements_defaults_to_the_placements():
    group, ivs, scores = standardised_group()
    # A similar pupil in another reading group at the time is left out only when that group is known.
    elsewhere = placements(placement(50, 100, intervention=9))
    with_others = ev.evaluate(group, ivs, scores, pd.concat([group, elsewhere], ignore_index=True))
    assert only(with_others.groups)["n_comparison"] == 7
    assert only(ev.evaluate(group, ivs, scores).groups)["n_comparison"] == 8


def test_the_sd_of_attainment_is_taken_within_year_groups():
    # A test sat by Years 3 and 5: the spread is pooled within each year, not inflated by the two years between.
    year_3 = [(80 + 3 * i, 82 + 3 * i) for i in range(12)]
    year_5 = [(100 + 4 * i, 101 + 4 * i) for i in range(12)]
    rows = [linked(1, 1, *year_3[0], year_group=3, **STD), linked(2, 2, *year_3[1], year_group=3, **STD)]
    rows += [linked(3, 3, *year_5[0], year_group=5, **STD), linked(4, 4, *year_5[1], year_group=5, **STD)]
    rows += [linked(5, 5, *year_5[2], year_group=5, **STD)]
    scores = [r for i, (e, x) in enumerate(year_3, start=1) for r in sept_dec(i if i <= 2 else 100 + i, e, x,
              year_group=3, **STD)]  # fmt: skip
    scores += [r for i, (e, x) in enumerate(year_5, start=1) for r in sept_dec(i + 2 if i <= 3 else 200 + i, e, x,
               year_group=5, **STD)]  # fmt: skip
    row = only(ev.evaluate(placements(*rows), interventions(intervention(1, **STD)), results(*scores)).groups)
    exits_3, exits_5 = [x for _e, x in year_3], [x for _e, x in year_5]
    pooled = math.sqrt((11 * statistics.variance(exits_3) + 11 * statistics.variance(exits_5)) / 22)
    assert row["sd_source"] == "year_group" and row["sd_n"] == 24
    assert row["sd_attainment"] == pytest.approx(pooled)
    assert row["sd_attainment"] < 0.75 * statistics.stdev(exits_3 + exits_5)


def test_months_for_a_whole_column_match_the_toolkit_table_one_by_one():
    values = [x / 2000 for x in range(-3000, 3001)] + [0.015, -0.015, 0.445, 0.095, 0.96, 5.0, -0.0]
    column = ev._months(pd.Series([*values, float("nan")]))
    assert column.iloc[:-1].tolist() == [float(toolkit_months(v)) for v in values]
    assert math.isnan(column.iloc[-1])
