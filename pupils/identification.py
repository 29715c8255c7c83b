"""Who needs support, from assessment results. Pure pandas: no Django imports.

The input is one row per result with the columns of ``RESULT_COLUMNS``; the caller builds it from the database
in a few queries. For each pupil and subject we compare the latest result with the previous comparable one
(same scale, earlier date) and give the reasons a SENCO would want to see:

* **below expected**: the latest result is under the scale's expected standard. For age-equivalent scales the
  standard is the pupil's chronological age at the assessment less the scale's tolerance in months.
* **slow progress**: between the two latest comparable assessments the score fell by the scale's concern
  threshold or more; for age-equivalents, the gain in months was smaller than the months elapsed (a ratio gain
  below 1, which is less than ordinary progress).
* **gap widened**: the pupil's distance below the median of their year group on the same assessment grew by at
  least the concern threshold (3 months for age scales when the school has not set one).
* **more able, slipping**: a pupil who reached the high standard at an earlier assessment and no longer does.
  These pupils are listed as their own group.
"""

from __future__ import annotations

import pandas as pd

RESULT_COLUMNS = [
    "pupil_id",
    "year_group",
    "date_of_birth",
    "subject_id",
    "assessment_id",
    "taken_on",
    "value",
    "scale_id",
    "scale_kind",
    "expected",
    "high",
    "drop_concern",
    "age_tolerance_months",
]

DAYS_PER_MONTH = 365.25 / 12
DEFAULT_AGE_GAP_MONTHS = 3.0

BELOW_EXPECTED = "below_expected"
SLOW_PROGRESS = "slow_progress"
GAP_WIDENED = "gap_widened"
MORE_ABLE_SLIPPING = "more_able_slipping"

REASON_LABELS = {
    BELOW_EXPECTED: "Below the expected standard",
    SLOW_PROGRESS: "Progress below what the school expects",
    GAP_WIDENED: "Gap to the year group's median widened",
    MORE_ABLE_SLIPPING: "Was at the high standard, no longer is",
}


def completed_months(date_of_birth: pd.Series, on: pd.Series) -> pd.Series:
    """Chronological age in completed months (vectorised ``reference.age_in_months``)."""
    born, taken = pd.to_datetime(date_of_birth), pd.to_datetime(on)
    months = (taken.dt.year - born.dt.year) * 12 + taken.dt.month - born.dt.month
    return (months - (taken.dt.day < born.dt.day).astype(int)).astype("float64")


REASON_SHORT = {
    BELOW_EXPECTED: "Below expected",
    SLOW_PROGRESS: "Slow progress",
    GAP_WIDENED: "Gap widened",
    MORE_ABLE_SLIPPING: "No longer high",
}


def months_between(earlier: pd.Series, later: pd.Series) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days / DAYS_PER_MONTH


NUMERIC = ["value", "expected", "high", "drop_concern", "age_tolerance_months"]


def _with_expected(results: pd.DataFrame) -> pd.DataFrame:
    """Add ``expected_value``: the scale's standard, or for age scales the pupil's age in months less tolerance."""
    frame = results.copy()
    for column in NUMERIC:
        # Missing thresholds arrive as None from the database: make them NaN so comparisons are simply False.
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    age_rows = frame["scale_kind"] == "age"
    chronological = completed_months(frame["date_of_birth"], frame["taken_on"])
    frame["expected_value"] = frame["expected"].astype("float64")
    frame.loc[age_rows, "expected_value"] = chronological[age_rows] - frame.loc[age_rows, "age_tolerance_months"]
    return frame


def _with_median_gap(results: pd.DataFrame) -> pd.DataFrame:
    frame = results.copy()
    medians = frame.groupby(["assessment_id", "year_group"])["value"].transform("median")
    frame["gap_to_median"] = frame["value"] - medians
    return frame


def identify(results: pd.DataFrame) -> pd.DataFrame:
    """One row per pupil and subject that has a reason for concern.

    Columns: pupil_id, subject_id, scale_id, latest_assessment_id, latest_value, latest_on, expected_value,
    previous_value, previous_on, change, months_elapsed, gap_to_median, previous_gap_to_median, the four reason
    flags, ``reasons`` (codes) and ``group`` ("support" or "more_able").
    """
    columns = [
        "pupil_id", "subject_id", "scale_id", "latest_assessment_id", "latest_value", "latest_on", "expected_value",
        "previous_value", "previous_on", "change", "months_elapsed", "gap_to_median", "previous_gap_to_median",
        BELOW_EXPECTED, SLOW_PROGRESS, GAP_WIDENED, MORE_ABLE_SLIPPING, "reasons", "group",
    ]  # fmt: skip
    if results.empty:
        return pd.DataFrame(columns=columns)
    frame = _with_median_gap(_with_expected(results))
    frame = frame.sort_values(["pupil_id", "subject_id", "taken_on", "assessment_id"])

    latest = frame.groupby(["pupil_id", "subject_id"], sort=False).tail(1).set_index(["pupil_id", "subject_id"])
    earlier = frame.drop(index=frame.groupby(["pupil_id", "subject_id"], sort=False).tail(1).index)
    # The previous comparable result: same pupil, subject and scale, before the latest one.
    latest_keys = latest[["scale_id", "taken_on"]].reset_index()
    earlier = earlier.merge(
        latest_keys.rename(columns={"scale_id": "latest_scale", "taken_on": "latest_taken_on"}),
        on=["pupil_id", "subject_id"],
    )
    comparable = earlier[
        (earlier["scale_id"] == earlier["latest_scale"]) & (earlier["taken_on"] < earlier["latest_taken_on"])
    ]
    previous = comparable.groupby(["pupil_id", "subject_id"], sort=False).tail(1).set_index(["pupil_id", "subject_id"])
    high_before = (
        comparable.assign(was_high=comparable["high"].notna() & (comparable["value"] >= comparable["high"]))
        .groupby(["pupil_id", "subject_id"])["was_high"]
        .any()
    )

    out = pd.DataFrame(index=latest.index)
    out["scale_id"] = latest["scale_id"]
    out["latest_assessment_id"] = latest["assessment_id"]
    out["latest_value"] = latest["value"]
    out["latest_on"] = latest["taken_on"]
    out["expected_value"] = latest["expected_value"]
    out["previous_value"] = previous["value"].reindex(out.index)
    out["previous_on"] = previous["taken_on"].reindex(out.index)
    out["change"] = out["latest_value"] - out["previous_value"]
    out["months_elapsed"] = months_between(out["previous_on"], out["latest_on"])
    out["gap_to_median"] = latest["gap_to_median"]
    out["previous_gap_to_median"] = previous["gap_to_median"].reindex(out.index)

    is_age = latest["scale_kind"] == "age"
    concern = latest["drop_concern"].astype("float64")
    has_previous = out["previous_value"].notna()

    out[BELOW_EXPECTED] = out["expected_value"].notna() & (out["latest_value"] < out["expected_value"])
    slow_age = is_age & has_previous & (out["change"] < out["months_elapsed"])
    slow_other = ~is_age & has_previous & concern.notna() & (out["change"] <= -concern)
    out[SLOW_PROGRESS] = slow_age | slow_other
    widen_by = concern.where(concern.notna(), DEFAULT_AGE_GAP_MONTHS).where(is_age | concern.notna())
    widening = out["previous_gap_to_median"] - out["gap_to_median"]
    out[GAP_WIDENED] = (has_previous & widen_by.notna() & (out["gap_to_median"] < 0) & (widening >= widen_by)).fillna(
        False
    )
    was_high = high_before.reindex(out.index, fill_value=False).astype(bool)
    out[MORE_ABLE_SLIPPING] = was_high & latest["high"].notna() & (out["latest_value"] < latest["high"])

    flags = [BELOW_EXPECTED, SLOW_PROGRESS, GAP_WIDENED, MORE_ABLE_SLIPPING]
    out = out[out[flags].any(axis=1)].copy()
    out["reasons"] = out[flags].apply(lambda row: [flag for flag in flags if row[flag]], axis=1)
    # A slipping high attainer who is still at or above expected is a "more able" concern; one who has fallen
    # below expected needs support like anyone else.
    out["group"] = "support"
    more_able_only = out[MORE_ABLE_SLIPPING] & ~out[BELOW_EXPECTED]
    out.loc[more_able_only, "group"] = "more_able"
    return out.reset_index()[columns]


def disadvantage_gap(results: pd.DataFrame, pupil_premium: pd.Series) -> pd.DataFrame:
    """Pupil premium vs other pupils at each year group's latest assessment in each subject.

    ``pupil_premium`` maps pupil_id -> bool. Returns year_group, subject_id, assessment_id, n_pp, n_other,
    mean_pp, mean_other, gap (other minus pupil premium, on the scale), pct_expected_pp, pct_expected_other and
    gap_pct (percentage points).
    """
    columns = [
        "year_group", "subject_id", "assessment_id", "n_pp", "n_other", "mean_pp", "mean_other", "gap",
        "pct_expected_pp", "pct_expected_other", "gap_pct",
    ]  # fmt: skip
    if results.empty:
        return pd.DataFrame(columns=columns)
    frame = _with_expected(results)
    frame["pp"] = frame["pupil_id"].map(pupil_premium).fillna(False).astype(bool)
    frame["at_expected"] = frame["expected_value"].notna() & (frame["value"] >= frame["expected_value"])
    latest_dates = frame.groupby(["year_group", "subject_id"])["taken_on"].transform("max")
    frame = frame[frame["taken_on"] == latest_dates]
    # Several assessments on the same latest date: keep the one most pupils sat.
    chosen = (
        frame.groupby(["year_group", "subject_id", "assessment_id"])
        .size()
        .reset_index(name="n")
        .sort_values(["n", "assessment_id"])
        .groupby(["year_group", "subject_id"])
        .tail(1)[["year_group", "subject_id", "assessment_id"]]
    )
    frame = frame.merge(chosen, on=["year_group", "subject_id", "assessment_id"])
    rows = []
    for (year, subject, assessment), group in frame.groupby(["year_group", "subject_id", "assessment_id"]):
        pp, other = group[group["pp"]], group[~group["pp"]]
        mean_pp = pp["value"].mean() if len(pp) else float("nan")
        mean_other = other["value"].mean() if len(other) else float("nan")
        pct_pp = 100 * pp["at_expected"].mean() if len(pp) else float("nan")
        pct_other = 100 * other["at_expected"].mean() if len(other) else float("nan")
        rows.append(
            {
                "year_group": year,
                "subject_id": subject,
                "assessment_id": assessment,
                "n_pp": len(pp),
                "n_other": len(other),
                "mean_pp": mean_pp,
                "mean_other": mean_other,
                "gap": mean_other - mean_pp,
                "pct_expected_pp": pct_pp,
                "pct_expected_other": pct_other,
                "gap_pct": pct_other - pct_pp,
            }
        )
    return pd.DataFrame(rows, columns=columns)
