"""Identifying pupils who need support, with hand-worked numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pupils import identification as ident

AUTUMN, SPRING = dt.date(2026, 10, 1), dt.date(2027, 2, 1)  # 4.04 months apart


def row(
    pupil,
    assessment,
    taken_on,
    value,
    *,
    kind="standardised",
    scale=1,
    subject=1,
    year=4,
    dob=dt.date(2017, 10, 1),
    expected=85.0,
    high=115.0,
    drop=5.0,
    tolerance=12,
):
    return {
        "pupil_id": pupil, "year_group": year, "date_of_birth": dob, "subject_id": subject,
        "assessment_id": assessment, "taken_on": taken_on, "value": float(value), "scale_id": scale,
        "scale_kind": kind, "expected": expected, "high": high, "drop_concern": drop,
        "age_tolerance_months": tolerance,
    }  # fmt: skip


def frame(*rows):
    return pd.DataFrame(list(rows), columns=ident.RESULT_COLUMNS)


def by_pupil(result: pd.DataFrame) -> dict:
    return {r.pupil_id: r for r in result.itertuples()}


def test_empty_input_gives_empty_list():
    assert ident.identify(frame()).empty


def test_below_expected_at_the_latest_assessment_only():
    result = by_pupil(ident.identify(frame(
        row(1, 1, AUTUMN, 80), row(1, 2, SPRING, 86),  # recovered: not listed
        row(2, 1, AUTUMN, 90), row(2, 2, SPRING, 84),  # now below 85 (and fell 6)
        row(3, 2, SPRING, 85),  # exactly expected: fine
    )))  # fmt: skip
    assert set(result) == {2}
    assert result[2].below_expected and result[2].slow_progress
    assert result[2].change == -6


@pytest.mark.parametrize(("before", "after", "flagged"), [(100, 95, True), (100, 96, False), (100, 110, False)])
def test_a_fall_of_the_concern_threshold_or_more_is_slow_progress(before, after, flagged):
    result = ident.identify(frame(row(1, 1, AUTUMN, before), row(1, 2, SPRING, after)))
    assert bool(len(result) and result.iloc[0]["slow_progress"]) is flagged


def test_age_equivalent_gain_smaller_than_months_elapsed():
    # Born 1 Oct 2017: 108 months old on 1 Oct 2026, 112 on 1 Feb 2027 (4.04 months later).
    age = {"kind": "age", "scale": 2, "expected": None, "high": None, "drop": None}
    result = by_pupil(ident.identify(frame(
        row(1, 1, AUTUMN, 100, **age), row(1, 2, SPRING, 104, **age),  # gained 4 in 4.04 months: slow
        row(2, 1, AUTUMN, 100, **age), row(2, 2, SPRING, 105, **age),  # gained 5: ordinary progress
        row(3, 1, AUTUMN, 90, **age), row(3, 2, SPRING, 99, **age),  # gained 9 but reading age 8:03 at 9:04
    )))  # fmt: skip
    assert result[1].slow_progress and not result[1].below_expected  # 104 >= 112 - 12
    assert 2 not in result
    assert result[3].below_expected and not result[3].slow_progress
    assert result[3].expected_value == 112 - 12
    assert result[1].months_elapsed == pytest.approx(123 / ident.DAYS_PER_MONTH)


def test_gap_to_the_year_group_median_widened():
    # Year medians: autumn 100, spring 104. Pupil 1: gap -6 then -14 (widened by 8 >= 5).
    rows = [row(p, 1, AUTUMN, v) for p, v in ((1, 94), (2, 100), (3, 100), (4, 102), (5, 103))]
    rows += [row(p, 2, SPRING, v) for p, v in ((1, 90), (2, 104), (3, 104), (4, 105), (5, 108))]
    result = by_pupil(ident.identify(frame(*rows)))
    assert result[1].gap_widened
    assert result[1].gap_to_median == -14 and result[1].previous_gap_to_median == -6


def test_only_comparable_assessments_on_the_same_scale_are_compared():
    result = ident.identify(frame(row(1, 1, AUTUMN, 120, scale=9, kind="ks2_scaled"), row(1, 2, SPRING, 100)))
    assert result.empty  # 100 standardised is fine and there is no earlier standardised result


def test_more_able_pupils_slipping_form_their_own_group():
    result = by_pupil(ident.identify(frame(
        row(1, 1, AUTUMN, 118), row(1, 2, SPRING, 112),  # was high, now not, still above expected
        row(2, 1, AUTUMN, 116), row(2, 2, SPRING, 117),  # still high
        row(3, 1, AUTUMN, 120), row(3, 2, SPRING, 80),  # was high, now below expected: support group
    )))  # fmt: skip
    assert (
        result[1].group == "more_able"
        and result[1].reasons == ["more_able_slipping"]
        or "slow_progress" in result[1].reasons
    )
    assert 2 not in result
    assert result[3].group == "support" and result[3].below_expected


def test_subjects_are_judged_separately():
    result = ident.identify(frame(row(1, 1, SPRING, 80, subject=1), row(1, 2, SPRING, 100, subject=2)))
    assert list(result["subject_id"]) == [1]


def test_disadvantage_gap_per_year_and_subject():
    rows = [row(1, 1, SPRING, 80), row(2, 1, SPRING, 90), row(3, 1, SPRING, 100), row(4, 1, SPRING, 110)]
    rows.append(row(5, 0, AUTUMN, 50))  # an older assessment is ignored
    pp = pd.Series({1: True, 2: True, 3: False, 4: False, 5: True})
    gap = ident.disadvantage_gap(frame(*rows), pp).iloc[0]
    assert (gap.n_pp, gap.n_other) == (2, 2)
    assert gap.mean_pp == 85 and gap.mean_other == 105 and gap.gap == 20
    assert gap.pct_expected_pp == 50 and gap.pct_expected_other == 100 and gap.gap_pct == 50


# --- Every recent assessment, each on its own scale ------------------------------------------------------

NOV_23, NOV_26 = dt.date(2026, 11, 23), dt.date(2026, 11, 26)
SINCE = dt.date(2026, 4, 13)  # the start of the summer term: "this term and last term" in December
AGE = {"kind": "age", "scale": 2, "expected": None, "high": None, "drop": None, "tolerance": 12}


def test_below_expected_on_a_standardised_test_is_listed_despite_a_lenient_reading_age_days_later():
    # Three Year 2 pupils (born 1 Oct 2019: 85 months old on 26 Nov 2026) score 76, 79 and 84 on the standardised
    # reading test (expected 85); three days later their reading ages, 6:04 to 6:08 (76-80 months), are within the
    # 12 months' tolerance (expected 73). The reading age is the latest result, but the standardised test counts.
    dob = dt.date(2019, 10, 1)
    rows = []
    for pupil, score, age in ((1, 76, 76), (2, 79, 78), (3, 84, 80), (4, 100, 90)):
        rows.append(row(pupil, 10, NOV_23, score, year=2, dob=dob))
        rows.append(row(pupil, 11, NOV_26, age, year=2, dob=dob, **AGE))
    result = ident.identify(frame(*rows), since=SINCE)
    assert sorted(result["pupil_id"]) == [1, 2, 3]
    assert set(result["latest_assessment_id"]) == {10} and result["below_expected"].all()
    assert sorted(result["latest_value"]) == [76, 79, 84]
    groups = ident.pupil_groups(result)
    assert set(groups["group"]) == {"support"}


def test_a_pupil_with_only_last_years_result_has_no_recent_result_and_is_not_judged_on_it():
    rows = [
        row(1, 1, dt.date(2025, 11, 24), 70),  # last year, well below: not used
        row(2, 1, dt.date(2025, 11, 24), 100), row(2, 2, NOV_23, 80),  # this year's result judges pupil 2
    ]  # fmt: skip
    result = ident.identify(frame(*rows), since=SINCE)
    assert list(result["pupil_id"]) == [2]
    stale = ident.no_recent_results(frame(*rows), since=SINCE)
    assert list(stale["pupil_id"]) == [1]
    last = stale.iloc[0]
    assert last["last_assessment_id"] == 1 and last["last_on"] == pd.Timestamp(2025, 11, 24)
    assert last["last_value"] == 70 and last["was_below"]


def test_an_old_low_result_on_another_scale_is_not_used_when_the_recent_ones_are_fine():
    rows = [row(1, 1, dt.date(2025, 11, 24), 60, scale=9), row(1, 2, NOV_23, 100)]
    assert ident.identify(frame(*rows), since=SINCE).empty
    assert ident.no_recent_results(frame(*rows), since=SINCE).empty  # they have a recent result in the subject


def test_progress_is_measured_from_the_previous_result_even_before_the_window():
    rows = [row(1, 1, dt.date(2026, 3, 2), 100), row(1, 2, NOV_23, 90)]  # spring 100, autumn 90: fell 10
    [finding] = ident.identify(frame(*rows), since=SINCE).itertuples()
    assert finding.slow_progress and finding.previous_assessment_id == 1 and finding.change == -10


def test_each_scale_in_the_window_is_judged_on_its_own_latest_result():
    rows = [
        row(1, 1, dt.date(2026, 6, 29), 80), row(1, 2, NOV_23, 90),  # standardised: summer low, autumn fine
        row(1, 3, dt.date(2026, 7, 2), 60, **AGE),  # reading age in the window: 5:00 at 8:09 is below
    ]  # fmt: skip
    result = ident.identify(frame(*rows), since=SINCE)
    assert list(result["latest_assessment_id"]) == [3]  # the standardised test recovered; the age did not


def test_medians_are_the_whole_year_groups_whoever_is_shown():
    # The gap-widened rule compares with the year group's median, so it is worked out on the whole roll; a page
    # filter (pupil premium, say) picks whom to show from the findings, and cannot change them.
    rows = [row(p, 1, dt.date(2026, 6, 29), v) for p, v in ((1, 94), (2, 100), (3, 100), (4, 102), (5, 103))]
    rows += [row(p, 2, NOV_23, v) for p, v in ((1, 90), (2, 104), (3, 104), (4, 105), (5, 108))]
    everyone = ident.identify(frame(*rows), since=SINCE)
    assert list(everyone["pupil_id"]) == [1] and everyone.iloc[0]["gap_widened"]
    alone = ident.identify(frame(*[r for r in rows if r["pupil_id"] == 1]), since=SINCE)
    assert alone.empty or not alone.iloc[0]["gap_widened"]  # what filtering the input would have wrongly done


# --- The disadvantage gap: which assessment, and the arithmetic on the page ---------------------------


def _gap_rows():
    """Year 2 reading: a standardised test on 23 Nov (PP 1 of 3 at expected, others 5 of 8) and a lenient reading
    age three days later that everyone passes; an older standardised test in the summer."""
    dob = dt.date(2019, 10, 1)
    rows = []
    for pupil, score in enumerate((80, 84, 90, 86, 88, 90, 92, 95, 70, 75, 80), start=1):
        rows.append(row(pupil, 10, NOV_23, score, year=2, dob=dob))
        rows.append(row(pupil, 11, NOV_26, 85, year=2, dob=dob, **AGE))
        rows.append(row(pupil, 5, dt.date(2026, 6, 29), 100, year=2, dob=dob))
    premium = pd.Series({pupil: pupil <= 3 for pupil in range(1, 12)})
    return frame(*rows), premium


AUTUMN_TERMS = [(dt.date(2026, 4, 13), dt.date(2026, 7, 21)), (dt.date(2026, 9, 2), dt.date(2026, 12, 18))]


def test_the_default_gap_assessment_is_the_standardised_test_not_the_reading_age_days_later():
    results, premium = _gap_rows()
    half_term_of = ident.half_terms(AUTUMN_TERMS)
    options = ident.gap_options(results, half_term_of)
    assert options.loc[options["default"], "assessment_id"].tolist() == [10]
    gap = ident.disadvantage_gap(results, premium, half_term_of=half_term_of).iloc[0]
    assert gap.assessment_id == 10
    # PP: 90 only of 80, 84, 90 at 85 or more = 1 of 3 (33.3%); others 86, 88, 90, 92, 95 of eight = 62.5%.
    assert (gap.n_pp, gap.n_other) == (3, 8)
    assert gap.pct_expected_pp == pytest.approx(100 / 3) and gap.pct_expected_other == 62.5
    # Shown as 33% and 63% (halves up): the gap is 30 points, the difference of what is shown (not 29.2).
    assert (gap.pct_pp_shown, gap.pct_other_shown, gap.gap_pct) == (33, 63, 30)


def test_the_reader_can_pick_another_assessment_and_a_wrong_pick_is_ignored():
    results, premium = _gap_rows()
    age = ident.disadvantage_gap(results, premium, chosen={(2, 1): 11}).iloc[0]
    assert age.assessment_id == 11 and (age.pct_pp_shown, age.pct_other_shown, age.gap_pct) == (100, 100, 0)
    wrong = ident.disadvantage_gap(results, premium, chosen={(2, 1): 999, (5, 1): 10}).iloc[0]
    assert wrong.assessment_id == 10


def test_an_older_half_term_is_not_the_default_and_halves_of_terms_split_at_the_middle():
    half_term_of = ident.half_terms([(dt.date(2026, 9, 2), dt.date(2026, 12, 18))])
    assert half_term_of(dt.date(2026, 10, 20)) == pd.Timestamp(2026, 9, 2)
    # 2 Sep to 18 Dec is 107 days: the second half starts 53.5 days in, on Sunday 25 October.
    assert half_term_of(dt.date(2026, 10, 26)) == pd.Timestamp(2026, 10, 25)
    assert half_term_of(dt.date(2026, 12, 30)) == pd.Timestamp(2026, 10, 25)  # holidays: the half before
    results = frame(row(1, 1, dt.date(2026, 9, 20), 90), row(1, 2, dt.date(2026, 11, 20), 90, **AGE))
    options = ident.gap_options(results, half_term_of)
    assert options.loc[options["default"], "assessment_id"].tolist() == [2]  # the latest half term's, though coarser


@pytest.mark.parametrize(("value", "shown"), [(62.5, 63), (33.333, 33), (0.5, 1), (99.49, 99), (float("nan"), None)])
def test_percentages_are_shown_to_the_nearest_whole_number_halves_up(value, shown):
    assert ident.whole_percent(value) == shown
