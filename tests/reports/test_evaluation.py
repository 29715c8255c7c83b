"""Impact evaluation (reports/evaluation.py) over hand-built frames: each pupil's figures, the comparison group,
group and programme summaries with their verdicts, pupils to rethink, and the edge cases.

Expected numbers are worked by hand here or with the tested statistics core (reports/impact.py), never with the
code under test. Sources: Brooks (2016) for ratio gain; Lakens (2013) for d_z and d_av; Hedges & Olkin (1985)
for g; Borenstein, Hedges, Higgins & Rothstein, Introduction to Meta-Analysis (Wiley 2009), ch. 11, for the
fixed-effect inverse-variance pooling of programmes.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pandas as pd
import pytest

from reports import evaluation as ev
from reports.impact import hedges_g, mean_ci, paired_effect_size, toolkit_months

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
        "sessions_attended": 0, "sessions_held": 0,
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
        "subject_id": READING, "subject_name": "Reading", "scale_kind": "age", "wave": 2, "status": "completed",
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
    scores += sept_dec(41, 102, 104)  # at the top edge: 96 + 6 months
    scores += sept_dec(42, 103, 104)  # just beyond it
    scores += sept_dec(43, 84, 86)  # at the bottom edge: 90 - 6
    scores += sept_dec(44, 93, 97, year_group=5)  # another year group
    scores += [result(45, A_SEPT, 93, SEPT)]  # missed the December test
    scores += sept_dec(50, 93, 98) + sept_dec(51, 93, 95) + sept_dec(52, 93, 94) + sept_dec(53, 93, 99)
    all_placements = pd.concat([group, others], ignore_index=True)
    comparison = ev.comparison_gains(group, results(*scores), all_placements)
    gains = dict(zip(comparison["pupil_id"], comparison["gain"], strict=True))
    assert gains == {40: 3, 41: 2, 43: 2, 51: 2, 52: 1, 53: 6}
    assert set(comparison["intervention_id"]) == {1}
    row = only(comparison, pupil_id=41)
    assert (row["entry_assessment_id"], row["exit_assessment_id"], row["baseline"]) == (A_SEPT, A_DEC, 102)


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


def test_baseline_margin_on_a_raw_scale_is_a_tenth_of_the_groups_range_or_one_point():
    wide = placements(
        linked(1, 1, 10, 20, scale_kind="raw"), linked(2, 2, 30, 35, scale_kind="raw")
    )  # range 20: margin 2
    narrow = placements(
        linked(3, 3, 20, 25, scale_kind="raw", intervention=2), linked(4, 4, 21, 25, scale_kind="raw", intervention=2)
    )  # range 1: margin 1
    raw = {"scale_kind": "raw"}
    scores = [r for p, e in ((1, 10), (2, 30), (3, 20), (4, 21)) for r in sept_dec(p, e, e + 5, **raw)]
    scores += sept_dec(40, 32, 34, **raw) + sept_dec(41, 33, 34, **raw)  # 30 + 2 in, 33 out of the wide group
    scores += sept_dec(42, 22, 23, **raw) + sept_dec(43, 22.5, 23, **raw)  # 21 + 1 in, 22.5 out of the narrow
    comparison = ev.comparison_gains(pd.concat([wide, narrow], ignore_index=True), results(*scores))
    chosen = {(i, p) for i, p in zip(comparison["intervention_id"], comparison["pupil_id"], strict=True)}
    assert (1, 40) in chosen and (1, 41) not in chosen
    assert (2, 42) in chosen and (2, 43) not in chosen


def test_no_comparison_without_linked_results_or_when_the_exit_test_is_not_later():
    typed = placements(placement(1, 1, entry_value=90, exit_value=100))
    scores = results(*sept_dec(40, 91, 94))
    assert ev.comparison_gains(typed, scores).empty
    backwards = placements(linked(1, 1, 90, 100, exit_taken_on=SEPT))
    assert ev.comparison_gains(backwards, scores).empty
    assert list(ev.comparison_gains(typed, scores).columns) == ev.COMPARISON_COLUMNS


# --- 3. Each group --------------------------------------------------------------------------------------------


def test_group_summary_worked_numbers_against_the_statistics_core():
    group, ivs, scores = reading_group()
    result_ = ev.evaluate(group, ivs, scores)
    row = only(result_.groups, intervention_id=1)
    mean, low, high = mean_ci(GROUP_GAIN)
    assert (row["n_placed"], row["n_measured"]) == (6, 6)
    assert row["mean_gain"] == pytest.approx(mean)
    assert (row["gain_ci_low"], row["gain_ci_high"]) == (pytest.approx(low), pytest.approx(high))
    exits = [e + g for e, g in zip(GROUP_ENTRY, GROUP_GAIN, strict=True)]
    paired = paired_effect_size(GROUP_ENTRY, exits)
    assert row["d_z"] == pytest.approx(paired.d_z) and row["d_av"] == pytest.approx(paired.d_av)
    effect = hedges_g(GROUP_GAIN, OTHERS_GAIN)
    assert row["g"] == pytest.approx(effect.g)
    assert (row["g_ci_low"], row["g_ci_high"]) == (pytest.approx(effect.ci_low), pytest.approx(effect.ci_high))
    assert row["months"] == toolkit_months(effect.g)
    assert (row["n_comparison"], row["n_compared"]) == (8, 6)
    assert row["comparison_mean_gain"] == pytest.approx(statistics.fmean(OTHERS_GAIN))
    assert row["measure"] == "comparison"
    assert row["verdict"] == "strong" and row["recommendation"] == "continue"
    assert any(
        reason.startswith("Compared with 8 similar pupils (now in Year 4) who had no reading intervention: g = ")
        for reason in row["reasons"]
    )
    assert "6 of 6 pupils have entry and exit results" in row["reasons"]


def test_ratio_gain_of_the_group_is_the_mean_of_its_pupils_with_brooks_band():
    group, ivs, scores = reading_group()
    result_ = ev.evaluate(group, ivs, scores)
    row = only(result_.groups, intervention_id=1)
    elapsed = (DEC - SEPT).days / DAYS_PER_MONTH
    assert row["ratio_gain"] == pytest.approx(statistics.fmean(g / elapsed for g in GROUP_GAIN))
    assert row["ratio_gain"] == pytest.approx(4.15, abs=0.01) and row["ratio_band"] == "substantial"  # from 3.0
    assert row["mean_elapsed"] == pytest.approx(elapsed)


def test_cost_per_pupil_and_per_month_gained():
    group, ivs, scores = reading_group(cost=1302.0)
    row = only(ev.evaluate(group, ivs, scores).groups, intervention_id=1)
    assert row["cost_per_pupil"] == pytest.approx(1302 / 6)
    assert row["cost_per_month"] == pytest.approx(1302 / sum(GROUP_GAIN))  # 63 months gained in all: £20.67


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
    assert "1 of 2 pupils with a target met it" in row["reasons"]
    assert "1 of 2 pupils kept their gain at the next assessment" in row["reasons"]


def test_a_group_with_too_few_comparison_pupils_is_judged_before_and_after_and_says_why():
    group, ivs, scores = reading_group()
    scores = scores[scores["pupil_id"] < 103]  # three comparison pupils left
    row = only(ev.evaluate(group, ivs, scores).groups, intervention_id=1)
    assert row["n_comparison"] == 3 and math.isnan(row["g"])
    assert row["measure"] == "before_after"
    assert any("only 3 similar pupils" in reason and "(5 needed)" in reason for reason in row["reasons"])
    assert row["verdict"] == "strong"  # ratio gain 4.1 with the gain's interval above zero


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
    base = {"n_placed": 8, "n_measured": 8, "attendance_pct": 90.0, "scale_kind": "age"}
    return ev.verdict({**base, **row})


def compared(g: float, low: float, high: float, **row) -> ev.Judgement:
    return judged(measure="comparison", g=g, g_ci_low=low, g_ci_high=high, n_comparison=20, **row)


def test_comparison_strong_when_the_interval_is_above_zero_and_g_is_large():
    judgement = compared(0.62, 0.05, 1.19, months=7, comparison_years=[4], subject_name="Reading")
    assert judgement.verdict == "strong" and judgement.recommendation == "continue"
    assert (
        "Compared with 20 similar pupils (now in Year 4) who had no reading intervention: "
        "g = 0.62 (95% CI 0.05 to 1.19), about +7 months of progress" in judgement.reasons
    )


def test_comparison_some_when_above_zero_but_small():
    judgement = compared(0.3, 0.05, 0.55)
    assert judgement.verdict == "some" and judgement.recommendation == "continue"
    assert "Better than similar pupils, but g is below 0.4" in judgement.reasons


def test_comparison_some_when_g_is_worthwhile_and_the_interval_includes_zero_but_is_narrow():
    judgement = compared(0.25, -0.2, 0.7)
    assert judgement.verdict == "some"
    assert "g is 0.2 or more, but the interval includes zero" in judgement.reasons


def test_comparison_none_when_small_and_the_interval_includes_zero():
    judgement = compared(0.1, -0.3, 0.5)
    assert judgement.verdict == "none" and judgement.recommendation == "review"
    assert "No clear difference from similar pupils without the intervention" in judgement.reasons


def test_comparison_negative_when_the_interval_is_below_zero():
    judgement = compared(-0.7, -1.2, -0.2)
    assert judgement.verdict == "negative" and judgement.recommendation == "review"
    assert "The pupils gained less than similar pupils without the intervention" in judgement.reasons


def test_too_little_when_the_interval_includes_zero_widely():
    judgement = compared(0.5, -0.55, 1.55)  # width 2.1 > 1.0
    assert judgement.verdict == "too_little" and judgement.recommendation == "review"
    assert any(reason.startswith("The interval is too wide to tell") for reason in judgement.reasons)
    # The same g with a narrower interval is judged.
    assert compared(0.5, 0.01, 0.99).verdict == "strong"


def test_too_little_with_fewer_than_five_pupils_measured_whatever_the_effect():
    judgement = compared(2.0, 1.0, 3.0, n_measured=4)
    assert judgement.verdict == "too_little"
    assert "Fewer than 5 pupils with both results: too few to judge" in judgement.reasons
    assert "Record entry and exit results, from named assessments, for every pupil" in judgement.reasons
    assert compared(2.0, 1.0, 3.0, n_measured=5).verdict == "strong"


def test_too_little_with_nothing_measured():
    judgement = judged(n_measured=0, measure="none", subject_id=1)
    assert judgement.verdict == "too_little"
    assert judgement.reasons[0] == "None of the 8 pupils has both an entry and an exit result yet"


def before_after(kind: str, mean: float, low: float, high: float, **row) -> ev.Judgement:
    spread = {"score_sd": 12.0, "gain_sd": 3.0, **row}
    return judged(measure="before_after", scale_kind=kind, mean_gain=mean, gain_ci_low=low, gain_ci_high=high, **spread)


def test_before_after_on_age_scales_uses_brooks_ratio_gain():
    strong = before_after("age", 8.0, 5.0, 11.0, ratio_gain=2.5, ratio_band="useful", mean_elapsed=3.2)
    assert strong.verdict == "strong"
    assert (
        "Mean gain +8.0 months (95% CI 5.0 to 11.0) over 3.2 months: ratio gain 2.5 (useful; 1.0 is ordinary "
        "progress)" in strong.reasons
    )
    assert before_after("age", 5.0, 2.0, 8.0, ratio_gain=1.5).verdict == "some"
    assert before_after("age", 5.0, 2.0, 8.0, ratio_gain=2.0).verdict == "strong"  # 2.0 is "useful"
    assert before_after("age", 5.0, 2.0, 8.0, ratio_gain=1.4).verdict == "some"  # 1.4 is "modest"
    assert before_after("age", 3.0, 1.0, 5.0, ratio_gain=1.0).verdict == "none"
    # A big ratio gain with an interval that includes zero is not evidence.
    assert before_after("age", 3.0, -1.0, 7.0, ratio_gain=2.5).verdict == "none"
    assert before_after("age", -4.0, -6.0, -2.0, ratio_gain=-1.0).verdict == "negative"


def test_before_after_on_standardised_scores_no_change_is_ordinary_progress():
    assert before_after("standardised", 7.0, 4.0, 10.0).verdict == "strong"
    assert before_after("standardised", 5.0, 2.0, 8.0).verdict == "some"  # under 6 points
    assert before_after("standardised", 1.0, -1.0, 3.0).verdict == "none"
    assert before_after("standardised", -4.0, -6.0, -2.0).verdict == "negative"
    assert before_after("ks2_scaled", 7.0, 4.0, 10.0).verdict == "strong"
    judgement = before_after("standardised", 7.0, 4.0, 10.0)
    assert any("age-standardised scale, where no change is ordinary progress" in r for r in judgement.reasons)


def test_before_after_on_raw_scores_bands_and_grades_is_at_most_some():
    for kind in ("raw", "bands", "gcse"):
        judgement = before_after(kind, 9.0, 6.0, 12.0, score_sd=5.0)
        assert judgement.verdict == "some", kind
        assert any("raw progress on this scale cannot show impact" in r for r in judgement.reasons)
    assert before_after("gcse", 0.1, -0.1, 0.3, score_sd=1.0).verdict == "none"
    assert before_after("gcse", -1.0, -1.5, -0.5, score_sd=1.0).verdict == "negative"


def test_before_after_too_little_when_the_interval_is_wide_for_the_spread_of_scores():
    # 15-point SD on standardised scores: an interval 16 points wide spanning zero is over 1 SD wide.
    assert before_after("standardised", 2.0, -6.0, 10.0).verdict == "too_little"
    assert before_after("standardised", 2.0, -5.0, 9.0).verdict == "none"  # 14 points wide
    # Other scales use the pupils' own spread (here 12 months).
    assert before_after("age", 4.0, -5.0, 8.0, ratio_gain=1.0).verdict == "too_little"


def test_recommendation_depends_on_attendance():
    low = {"attendance_pct": 72.0}
    some = compared(0.3, 0.05, 0.55, **low)
    assert some.verdict == "some" and some.recommendation == "modify"
    assert "Attendance averaged 72%, below 80%" in some.reasons
    none = compared(0.1, -0.3, 0.5, **low)
    assert none.recommendation == "modify"
    assert "Improve attendance (the dosage) before judging the programme" in none.reasons
    assert compared(0.8, 0.4, 1.2, **low).recommendation == "continue"  # strong evidence despite attendance
    assert compared(-0.7, -1.2, -0.2, **low).recommendation == "review"
    assert compared(0.1, -0.3, 0.5, attendance_pct=80.0).recommendation == "review"  # 80% is not below 80%


def test_thresholds_are_one_place_and_change_the_verdicts_and_the_words():
    strict = ev.Thresholds(min_pupils=10, strong_g=0.8)
    row = {"n_placed": 8, "n_measured": 8, "measure": "comparison", "g": 0.62, "g_ci_low": 0.05, "g_ci_high": 1.0}
    assert ev.verdict(row).verdict == "strong"
    assert ev.verdict(row, strict).verdict == "too_little"
    assert ev.verdict({**row, "n_measured": 10, "n_placed": 10}, strict).verdict == "some"
    words = " ".join(ev.thresholds_text(strict))
    assert "at least 10 pupils" in words and "g is 0.8 or more" in words
    assert "at least 5 pupils" in " ".join(ev.thresholds_text())


def test_verdict_and_recommendation_labels():
    assert set(ev.VERDICTS) == {"strong", "some", "none", "negative", "too_little"}
    assert ev.VERDICTS["too_little"] == "Too little data" and ev.RECOMMENDATIONS["review"] == "Review or stop"


# --- 4. Each programme ----------------------------------------------------------------------------------------


def test_programme_pools_its_groups_g_by_inverse_variance():
    # Group 1: g 0.8, SE 0.5; group 2: g 0.2, SE 0.25; group 3 has no comparison. Weights 1/SE^2 = 4 and 16:
    # pooled g = (4 x 0.8 + 16 x 0.2) / 20 = 0.32, SE = 1/sqrt(20) = 0.2236, CI 0.32 +/- 1.96 x 0.2236.
    rows = [linked(i, i, 90, 96, intervention=1 + (i - 1) // 3) for i in range(1, 10)]
    pupils = ev.pupil_rows(placements(*rows), results())
    ivs = interventions(*[intervention(i, programme_id=7, programme_name="Reading Boost", cost=100) for i in (1, 2, 3)])
    groups = pd.DataFrame(
        {
            "intervention_id": [1, 2, 3],
            "g": [0.8, 0.2, None],
            "g_ci_low": [0.8 - 1.96 * 0.5, 0.2 - 1.96 * 0.25, None],
            "g_ci_high": [0.8 + 1.96 * 0.5, 0.2 + 1.96 * 0.25, None],
            "n_comparison": [10, 30, 0],
            "n_compared": [3, 3, 0],
            "comparison_mean_gain": [2.0, 4.0, None],
            "cost": [100.0, 100.0, 100.0],
        }
    )
    programmes = ev.programme_summary(pupils, pd.DataFrame(), ivs, groups=groups)
    row = only(programmes, programme_id=7)
    se = 1 / math.sqrt(20)
    assert row["g"] == pytest.approx(0.32)
    assert (row["g_ci_low"], row["g_ci_high"]) == (pytest.approx(0.32 - 1.96 * se), pytest.approx(0.32 + 1.96 * se))
    assert (row["n_groups"], row["n_groups_compared"], row["n_comparison"]) == (3, 2, 40)
    assert row["comparison_mean_gain"] == pytest.approx((10 * 2 + 30 * 4) / 40)
    assert row["months"] == toolkit_months(0.32)
    assert (row["n_placed"], row["n_measured"]) == (9, 9)
    assert row["cost"] == 300 and row["cost_per_pupil"] == pytest.approx(300 / 9)
    assert row["measure"] == "comparison" and row["verdict"] == "some"  # CI -0.12 to 0.76: narrow, g >= 0.2
    assert any(r.startswith("Pooled over 2 groups") for r in row["reasons"])
    assert row["programme_name"] == "Reading Boost"


def test_programme_pools_pupils_before_and_after_when_no_group_has_a_comparison():
    gains = [10, 12, 9, 11, 13, 10]
    rows = [linked(i + 1, i + 1, 90, 90 + g, intervention=1 + i // 3) for i, g in enumerate(gains)]
    ivs = interventions(*[intervention(i, programme_id=7, programme_name="Reading Boost") for i in (1, 2)])
    result_ = ev.evaluate(placements(*rows), ivs, results())
    assert list(result_.groups["verdict"]) == ["too_little", "too_little"]  # three pupils each
    row = only(result_.programmes, programme_id=7)
    mean, low, high = mean_ci(gains)
    assert row["measure"] == "before_after"
    assert (row["mean_gain"], row["gain_ci_low"], row["gain_ci_high"]) == (
        pytest.approx(mean),
        pytest.approx(low),
        pytest.approx(high),
    )
    assert row["verdict"] == "strong"  # ratio gain about 4.4 over 2.5 months
    assert "No group of this programme has a comparison group" in row["reasons"]


def test_programme_with_groups_on_different_scales_and_no_comparison_cannot_be_pooled():
    rows = [linked(i, i, 90, 100, intervention=1) for i in (1, 2, 3)]
    rows += [linked(i, i, 90, 97, intervention=2, scale_kind="standardised") for i in (4, 5, 6)]
    ivs = interventions(intervention(1, programme_id=7), intervention(2, programme_id=7, scale_kind="standardised"))
    row = only(ev.evaluate(placements(*rows), ivs, results()).programmes, programme_id=7)
    assert row["measure"] == "none" and row["verdict"] == "too_little"
    assert math.isnan(row["mean_gain"])
    assert row["reasons"][0].startswith("Its groups were measured on different kinds of scale")


def test_interventions_without_a_programme_are_not_programmes():
    group, ivs, scores = reading_group()
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
    for column in ("gain_ci_low", "gain_ci_high", "d_z", "d_av", "g"):
        assert math.isnan(row[column]), column
    assert row["verdict"] == "too_little"
    assert row["reasons"][0] == "1 of 1 pupil has entry and exit results"


def test_zero_variance_does_not_crash_and_leaves_undefined_effects_empty():
    group = placements(*[linked(i, i, 90 + i, 100 + i) for i in range(1, 7)])  # everyone gained 10
    scores = [r for i in range(1, 7) for r in sept_dec(i, 90 + i, 100 + i)]
    scores += [r for j in range(6) for r in sept_dec(50 + j, 92 + j, 95 + j)]  # everyone else gained 3
    row = only(ev.evaluate(group, interventions(intervention(1)), results(*scores)).groups)
    assert row["mean_gain"] == 10 and row["gain_ci_low"] == 10 and row["gain_ci_high"] == 10
    assert math.isnan(row["d_z"]) and math.isnan(row["d_av"])
    assert math.isnan(row["g"]) and row["n_comparison"] == 6  # no spread to standardise by
    assert row["measure"] == "before_after"
    assert "No comparison group: there is no spread in the gains to compare" in row["reasons"]
    assert row["verdict"] == "strong"  # ten months in 2.5: ratio gain 4, an interval of zero width above zero


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
    assert any(r.startswith("No comparison group: the entry and exit results are not linked") for r in row["reasons"])


def test_interventions_without_a_subject_or_scale():
    rows = placements(
        *[placement(i, i, subject_id=None, scale_kind="", entry_rating=2, exit_rating=4, outcome="met") for i in (1, 2)]
    )
    ivs = interventions(intervention(1, subject_id=None, subject_name="", scale_kind=""))
    result_ = ev.evaluate(rows, ivs, results())
    row = only(result_.groups)
    assert row["measure"] == "none" and row["verdict"] == "too_little"
    assert row["reasons"][0].startswith("No assessed subject and scale")
    assert "2 of 2 pupils with a target met it" in row["reasons"]
    assert list(result_.pupils["rating_change"]) == [2, 2]
    assert result_.rethink.empty


def test_a_pupil_who_left_school_is_placed_but_not_measured():
    rows = [linked(i, i, 90, 100 + i) for i in range(1, 6)]
    rows.append(placement(6, 6, entry_value=91, entry_assessment_id=A_SEPT, entry_taken_on=SEPT, exit_date=END))
    row = only(ev.evaluate(placements(*rows), interventions(intervention(1)), results()).groups)
    assert (row["n_placed"], row["n_measured"]) == (6, 5)
    assert row["reasons"][0] == "5 of 6 pupils have entry and exit results"


def test_all_placements_defaults_to_the_placements():
    group, ivs, scores = reading_group()
    # A comparison pupil in another reading group at the time is left out only when that group is known.
    elsewhere = placements(placement(50, 100, intervention=9))
    with_others = ev.evaluate(group, ivs, scores, pd.concat([group, elsewhere], ignore_index=True))
    assert only(with_others.groups)["n_comparison"] == 7
    assert only(ev.evaluate(group, ivs, scores).groups)["n_comparison"] == 8


def test_a_running_group_with_too_little_data_is_continued_not_stopped():
    running = judged(measure="before_after", n_placed=6, n_measured=2, status="running")
    finished = judged(measure="before_after", n_placed=6, n_measured=2, status="completed")
    assert running.verdict == finished.verdict == "too_little"
    assert running.recommendation == "continue"
    assert any("Still running" in reason for reason in running.reasons)
    assert finished.recommendation == "review"


def test_a_small_finished_group_with_a_wholly_positive_interval_is_promising_not_stopped():
    promising = compared(2.5, 0.9, 4.1, n_placed=4, n_measured=4, status="completed")
    unclear = compared(0.3, -1.2, 1.8, n_placed=4, n_measured=4, status="completed")
    assert promising.verdict == unclear.verdict == "too_little"
    assert promising.recommendation == "continue"
    assert any(reason.startswith("Promising") for reason in promising.reasons)
    assert unclear.recommendation == "review"
