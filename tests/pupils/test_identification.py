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
