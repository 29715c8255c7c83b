"""The aim line, the Theil-Sen trend and each decision rule, with worked numbers and the edge cases: ties, gaps,
targets missing, lower-is-better checks and the new phase after a recorded change."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from interventions.progress import rules
from interventions.progress.rules import Check, Decision, Goal, judge

START = dt.date(2026, 9, 14)  # a Monday
END = dt.date(2026, 12, 14)  # 13 weeks later


def weekly(values, *, start=START, every=7) -> list[Check]:
    return [Check(start + dt.timedelta(days=every * i), float(v)) for i, v in enumerate(values)]


def goal(target=33.0, **kwargs) -> Goal:
    """The aim from 20 at the first check to 33 thirteen weeks later: 1 a week."""
    return Goal(starts=kwargs.pop("starts", START), ends=kwargs.pop("ends", END), target=target, **kwargs)


# --- The trend ------------------------------------------------------------------------------------------------


def test_theil_sen_matches_scipy_with_ties_in_dates_and_scores():
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(3, 14))
        x = np.sort(rng.choice(np.arange(20), size=n, replace=True)).astype(float)
        if len(set(x)) < 2:
            continue
        y = rng.integers(0, 5, size=n).astype(float)  # many tied scores
        ours = rules.theil_sen(x, y, 0.9)
        theirs = stats.theilslopes(y, x, alpha=0.9)
        assert np.allclose(
            [ours.slope[0], ours.intercept[0], ours.low[0], ours.high[0]],
            [theirs.slope, theirs.intercept, theirs.low_slope, theirs.high_slope],
        )


def test_theil_sen_of_many_rows_at_once_equals_each_row_alone():
    rng = np.random.default_rng(8)
    x = np.tile(np.arange(10.0), (50, 1))
    y = 2 * x + rng.normal(0, 3, size=x.shape)
    together = rules.theil_sen(x, y)
    for row in range(50):
        alone = rules.theil_sen(x[row], y[row])
        assert together.slope[row] == alone.slope[0]
        assert (together.low[row], together.high[row]) == (alone.low[0], alone.high[0])


def test_one_wild_score_barely_moves_the_trend():
    values = [20, 21, 22, 23, 24, 25, 26, 27]
    wild = [20, 21, 22, 90, 24, 25, 26, 27]
    assert judge(goal(), weekly(values)).slope == pytest.approx(1.0)
    assert judge(goal(), weekly(wild)).slope == pytest.approx(1.0)


def test_all_scores_tied_give_a_flat_trend_with_no_spread():
    judgement = judge(goal(), weekly([20] * 8))
    assert (judgement.slope, judgement.low, judgement.high) == (0.0, 0.0, 0.0)
    assert judgement.decision == Decision.OFF_TRACK  # the whole interval (0 to 0) is below the aim of 1 a week


# --- Too few -------------------------------------------------------------------------------------------------------


def test_five_checks_are_too_few_however_clear():
    judgement = judge(goal(), weekly([20, 20, 20, 20, 20]))
    assert judgement.decision == Decision.TOO_FEW
    assert "5 checks over 4 weeks: the rules need at least 6 checks over 3 weeks." in rules.evidence(judgement, "words")


def test_six_checks_within_under_three_weeks_are_too_few():
    checks = weekly([20, 20, 20, 20, 20, 20], every=4)  # 20 days
    assert judge(goal(), checks).decision == Decision.TOO_FEW
    checks = weekly([20, 20, 20, 20, 20, 20], every=5)  # 25 days: 3.6 weeks
    assert judge(goal(), checks).decision == Decision.OFF_TRACK


def test_no_checks_and_one_check_are_too_few_and_say_so():
    assert judge(goal(), []).decision == Decision.TOO_FEW
    one = judge(goal(), weekly([20]))
    assert one.decision == Decision.TOO_FEW and one.slope is None
    assert rules.evidence(one, "words")[0].startswith("1 check over 0 weeks")


# --- No aim line: say so, never guess ----------------------------------------------------------------------------


def test_no_target_says_so_instead_of_guessing():
    judgement = judge(goal(target=None), weekly(range(20, 28)))
    assert judgement.decision == Decision.NO_AIM and judgement.aim is None
    assert judgement.missing == "No target is set on the check's scale, so there is no aim line to judge against."
    # The trend is still shown for what it is.
    assert judgement.slope == pytest.approx(1.0)
    assert any("trend +1 words a week" in line for line in rules.evidence(judgement, "words"))


def test_no_end_date_says_so():
    judgement = judge(goal(ends=None), weekly(range(20, 28)))
    assert judgement.decision == Decision.NO_AIM
    assert "no end date" in judgement.missing


def test_a_target_that_is_no_improvement_says_so():
    judgement = judge(goal(target=18), weekly(range(20, 28)))
    assert judgement.decision == Decision.NO_AIM
    assert judgement.missing.startswith("The target (18) is not above the baseline (20)")


def test_too_few_comes_before_no_aim_but_both_are_told():
    judgement = judge(goal(target=None), weekly([20, 21, 22]))
    assert judgement.decision == Decision.TOO_FEW
    lines = rules.evidence(judgement, "words")
    assert any("need at least 6 checks" in line for line in lines)
    assert any("No target is set" in line for line in lines)


# --- Off track -----------------------------------------------------------------------------------------------------


def test_off_track_when_the_whole_interval_is_below_the_aim():
    judgement = judge(goal(), weekly([20, 20, 21, 20, 21, 21, 21, 22]))
    assert judgement.high < 1.0
    assert judgement.decision == Decision.OFF_TRACK and judgement.interval_short_of_aim
    assert "the whole interval falls short of the aim of +1 words a week" in rules.evidence(judgement, "words")[0]


def test_off_track_by_the_last_four_checks_and_a_slow_trend():
    # A fair start, then four checks behind the line: the interval still reaches the aim, but the trend is slow.
    values = [20, 25, 21, 26, 22, 27, 25, 26, 26, 27]
    judgement = judge(goal(), weekly(values))
    assert judgement.high >= 1.0  # not the interval rule
    assert judgement.behind_last == 4 and judgement.slope < 0.75
    assert judgement.decision == Decision.OFF_TRACK
    assert "The last 4 checks are all behind the aim line" in rules.evidence(judgement, "words")[0]


def test_last_four_behind_but_trend_near_the_aim_is_not_off_track():
    # Growing at nearly the aim's pace, a step behind the line: one rule alone is not enough.
    values = [20, 23, 22, 23, 24, 24, 25, 26, 27, 28]
    judgement = judge(goal(), weekly(values))
    assert judgement.behind_last == 4
    assert judgement.slope >= 0.75
    assert judgement.decision == Decision.ON_TRACK


# --- Raise the goal ---------------------------------------------------------------------------------------------


def test_raise_the_goal_when_well_above_and_the_last_four_are_ahead():
    values = [20, 22, 25, 26, 29, 30, 33, 35]
    judgement = judge(goal(), weekly(values))
    assert judgement.low > 1.5 and judgement.ahead_last == 4
    assert judgement.decision == Decision.RAISE_GOAL


def test_a_fast_trend_with_a_last_check_behind_the_line_is_not_raise_goal():
    # Fast growth overall, but the latest check fell back behind the line.
    values = [20, 26, 28, 30, 32, 34, 36, 25]
    judgement = judge(goal(target=60), weekly(values))  # aim (60-20)/13 = 3.08 a week
    assert judgement.ahead_last < 4
    assert judgement.decision != Decision.RAISE_GOAL


def test_on_track_when_growing_at_the_aim():
    judgement = judge(goal(), weekly([20, 21, 22, 22, 24, 25, 26, 27]))
    assert judgement.decision == Decision.ON_TRACK
    assert "against the aim of +1 words a week" in rules.evidence(judgement, "words")[0]


# --- Gaps, baselines, phases and the other direction ------------------------------------------------------------


def test_gaps_in_the_checks_are_measured_in_real_weeks():
    # Half-term: no checks for two weeks. A pupil growing exactly 1 a week has a trend of exactly 1 a week.
    days = [0, 7, 14, 21, 42, 49, 56, 63]
    checks = [Check(START + dt.timedelta(days=d), 20 + d / 7) for d in days]
    judgement = judge(goal(), checks)
    assert judgement.slope == pytest.approx(1.0)
    assert judgement.weeks == 9
    assert judgement.decision == Decision.ON_TRACK


def test_an_entry_value_starts_the_aim_line_on_the_first_day():
    entry = Goal(starts=START - dt.timedelta(days=7), ends=END, target=34, entry_value=20)
    judgement = judge(entry, weekly(range(21, 29)))
    assert judgement.aim.from_entry and judgement.aim.start == START - dt.timedelta(days=7)
    assert judgement.aim_per_week == pytest.approx(1.0)
    assert judgement.aim.value_on(START) == pytest.approx(21.0)


def test_lower_is_better_checks_are_judged_the_other_way_up():
    # Errors in a passage: from 30 to 17 by the end, 1 fewer a week.
    fewer = Goal(starts=START, ends=END, target=17, higher_is_better=False)
    on_aim = judge(fewer, weekly([30, 29, 28, 28, 26, 25, 24, 23]))
    assert on_aim.decision == Decision.ON_TRACK
    assert on_aim.slope == pytest.approx(-1.0) and on_aim.low <= on_aim.slope <= on_aim.high
    flat = judge(fewer, weekly([30, 30, 29, 30, 30, 29, 30, 30]))
    assert flat.decision == Decision.OFF_TRACK and flat.interval_short_of_aim
    fast = judge(fewer, weekly([30, 27, 25, 22, 20, 17, 15, 13]))
    assert fast.decision == Decision.RAISE_GOAL
    wrong_way = judge(Goal(starts=START, ends=END, target=35, higher_is_better=False), weekly([30] * 8))
    assert wrong_way.decision == Decision.NO_AIM and "is not below the baseline" in wrong_way.missing


def test_after_a_change_only_the_later_checks_are_judged():
    before = weekly([20, 20, 21, 20, 21, 21])
    after = weekly([22, 23, 24, 25, 26, 27, 28], start=START + dt.timedelta(days=42))
    change = before[-1].day
    # The new phase's aim: from 22 on 26/10 to 29 on 14/12, 1 a week; the pupil now grows 1 a week.
    judgement = judge(goal(target=29), before + after, phase_start=change)
    assert judgement.checks == tuple(after) and len(judgement.all_checks) == 13
    assert judgement.aim.start == after[0].day and judgement.aim.baseline == 22
    assert judgement.decision == Decision.ON_TRACK
    assert judge(goal(target=29), before).decision == Decision.OFF_TRACK  # what led to the change
    assert "since the change on 19/10/2026" in rules.evidence(judgement, "words")[0]
    # Straight after the change: too few to judge again.
    assert judge(goal(target=29), before + after[:2], phase_start=change).decision == Decision.TOO_FEW


def test_history_finds_off_track_at_some_point():
    checks = weekly([20, 20, 21, 20, 21, 21, 30, 33, 35, 38, 40, 43])
    decisions = [decision for _, decision in rules.history(goal(), checks)]
    assert decisions[:5] == [Decision.TOO_FEW] * 5
    assert decisions[5] == Decision.OFF_TRACK
    assert decisions[-1] != Decision.OFF_TRACK


def test_words_for_numbers():
    assert rules.number(12.0) == "12" and rules.number(12.55, 2) == "12.55" and rules.number(-0.04) == "0"
    assert rules.signed(1.5) == "+1.5" and rules.signed(-0.25) == "\u22120.25" and rules.signed(None) == "-"


def test_the_rules_are_printed_with_their_thresholds():
    words = " ".join(text for _, _, text in rules.THRESHOLDS.rules())
    assert "Fewer than 6 checks" in words and "less than 3 weeks" in words
    assert "90% interval" in words and "0.75 x the aim slope" in words and "1.5 x the aim slope" in words
    assert [decision for decision, _, _ in rules.THRESHOLDS.rules()] == list(rules.CODES)
