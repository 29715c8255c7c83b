"""Who needs support, from assessment results. Pure pandas: no Django imports.

The input is one row per result with the columns of ``RESULT_COLUMNS``; the caller builds it from the database
in a few queries, for the **whole roll** (every pupil of each year group, whatever the page's filters), because
the year group's median is part of the rules. Only **recent** results are judged: those taken on or after
``since`` (by default the start of the previous term: ``School.recent_terms``). Within a subject every recent
assessment counts, each on its own scale: for each pupil, subject and scale the latest recent result is compared
with the previous result on the same scale (which may be older), and gives the reasons a SENCO would want to see,
each naming its assessment and date:

* **below expected**: the result is under the scale's expected standard. For age-equivalent scales the standard
  is the pupil's chronological age at the assessment less the scale's tolerance in months. A pupil below on any
  recent assessment is listed, even if another assessment of the subject (a reading age on a lenient tolerance,
  say) has them at the expected standard.
* **slow progress**: between the two latest comparable assessments the score fell by the scale's concern
  threshold or more; for age-equivalents, the gain in months was smaller than the months elapsed (a ratio gain
  below 1, which is less than ordinary progress).
* **gap widened**: the pupil's distance below the median of their year group on the same assessment grew by at
  least the concern threshold (3 months for age scales when the school has not set one). The median is always
  the whole year group's.
* **more able, slipping**: a pupil who reached the high standard at an earlier assessment and no longer does.
  These pupils are listed as their own group.

A pupil whose only results in a subject are older than ``since`` has **no recent result** (``no_recent_results``):
they are shown as such, with the date of their last result, and that old result is not used to judge them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

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
    frame["taken_on"] = pd.to_datetime(frame["taken_on"])
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


FINDING_COLUMNS = [
    "pupil_id", "subject_id", "scale_id", "latest_assessment_id", "latest_value", "latest_on", "expected_value",
    "previous_assessment_id", "previous_value", "previous_on", "change", "months_elapsed", "gap_to_median",
    "previous_gap_to_median", BELOW_EXPECTED, SLOW_PROGRESS, GAP_WIDENED, MORE_ABLE_SLIPPING, "reasons", "group",
]  # fmt: skip


def _recent(frame: pd.DataFrame, since: object) -> pd.DataFrame:
    if since is None:
        return frame
    return frame[frame["taken_on"] >= pd.Timestamp(since)]


def identify(results: pd.DataFrame, *, since: object = None) -> pd.DataFrame:
    """One row per pupil, subject and scale whose latest result since ``since`` (a date; None: any date) gives a
    reason for concern.

    Columns ``FINDING_COLUMNS``: the latest recent result on the scale (``latest_*``) and the expected standard
    for it, the previous result on the same scale (``previous_*``, of any date), the change and months between
    them, the gaps to the year group's median, the four reason flags, ``reasons`` (codes) and ``group``
    ("support", or "more_able" when the only concern is a high attainer slipping). ``pupil_groups`` puts a
    pupil's findings in a subject together.
    """
    if results.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    keys = ["pupil_id", "subject_id", "scale_id"]
    frame = _with_median_gap(_with_expected(results))
    frame = frame.sort_values([*keys, "taken_on", "assessment_id"])
    recent = _recent(frame, since)
    if recent.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)

    latest = recent.groupby(keys, sort=False).tail(1).set_index(keys)
    # The previous comparable result: same pupil, subject and scale, on an earlier date (it may be older than
    # ``since``: it is the point progress is measured from, not a result being judged).
    earlier = frame.merge(latest[["taken_on"]].rename(columns={"taken_on": "latest_on"}).reset_index(), on=keys)
    earlier = earlier[earlier["taken_on"] < earlier["latest_on"]]
    previous = earlier.groupby(keys, sort=False).tail(1).set_index(keys)
    high_before = (
        earlier.assign(was_high=earlier["high"].notna() & (earlier["value"] >= earlier["high"]))
        .groupby(keys)["was_high"]
        .any()
    )

    out = pd.DataFrame(index=latest.index)
    out["latest_assessment_id"] = latest["assessment_id"]
    out["latest_value"] = latest["value"]
    out["latest_on"] = latest["taken_on"]
    out["expected_value"] = latest["expected_value"]
    out["previous_assessment_id"] = previous["assessment_id"].reindex(out.index)
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
    out["reasons"] = [
        [flag for flag, raised in zip(flags, row, strict=True) if raised] for row in out[flags].to_numpy(dtype=bool)
    ]
    # A slipping high attainer who is still at or above expected is a "more able" concern; one who has fallen
    # below expected needs support like anyone else.
    out["group"] = "support"
    more_able_only = out[MORE_ABLE_SLIPPING] & ~out[BELOW_EXPECTED]
    out.loc[more_able_only, "group"] = "more_able"
    return out.reset_index()[FINDING_COLUMNS]


def pupil_groups(findings: pd.DataFrame) -> pd.DataFrame:
    """Each pupil and subject with findings, and the list they belong on: "support" when any of their findings
    is a support concern, otherwise "more_able". Columns pupil_id, subject_id, group."""
    if findings.empty:
        return pd.DataFrame(columns=["pupil_id", "subject_id", "group"])
    support = findings.assign(support=findings["group"] == "support").groupby(["pupil_id", "subject_id"])["support"]
    out = support.any().reset_index()
    out["group"] = out["support"].map({True: "support", False: "more_able"})
    return out[["pupil_id", "subject_id", "group"]]


NO_RECENT_COLUMNS = [
    "pupil_id", "subject_id", "last_assessment_id", "last_value", "last_on", "expected_value", "was_below",
]  # fmt: skip


def no_recent_results(results: pd.DataFrame, *, since: object) -> pd.DataFrame:
    """The pupils with results in a subject but none since ``since``: one row per pupil and subject with their
    last result (``last_*``), the expected standard for it and whether it was below (``was_below``), so a SENCO
    can see who missed the recent assessments. Their old results are not used to judge them."""
    if results.empty or since is None:
        return pd.DataFrame(columns=NO_RECENT_COLUMNS)
    frame = _with_expected(results).sort_values(["pupil_id", "subject_id", "taken_on", "assessment_id"])
    last = frame.groupby(["pupil_id", "subject_id"], sort=False).tail(1)
    stale = last[last["taken_on"] < pd.Timestamp(since)]
    out = pd.DataFrame(
        {
            "pupil_id": stale["pupil_id"],
            "subject_id": stale["subject_id"],
            "last_assessment_id": stale["assessment_id"],
            "last_value": stale["value"],
            "last_on": stale["taken_on"],
            "expected_value": stale["expected_value"],
            "was_below": stale["expected_value"].notna() & (stale["value"] < stale["expected_value"]),
        }
    )
    return out.reset_index(drop=True)[NO_RECENT_COLUMNS]


# --- The disadvantage gap ----------------------------------------------------------------------------

# How much an assessment tells about attainment, most first: a standardised or scaled score places a pupil
# finely against a national sample; an age-equivalent is coarser and, with a tolerance of months, lenient; raw
# marks, grades and teacher-assessment bands are coarser still.
INFORMATIVE = {"standardised": 0, "ks2_scaled": 0, "age": 1, "raw": 2, "gcse": 3, "bands": 4}

GAP_COLUMNS = [
    "year_group", "subject_id", "assessment_id", "n_pp", "n_other", "mean_pp", "mean_other", "gap",
    "pct_expected_pp", "pct_expected_other", "pct_pp_shown", "pct_other_shown", "gap_pct",
]  # fmt: skip


def whole_percent(value: float) -> int | None:
    """A percentage as shown: to the nearest whole number, halves up (so 62.5% shows as 63%, as a reader
    would round it). None for NaN."""
    if value is None or pd.isna(value):
        return None
    return int(math.floor(value + 0.5))


def half_terms(terms: list[tuple], breaks: Iterable[tuple] = ()) -> Callable[[pd.Timestamp], pd.Timestamp]:
    """A function giving the half term a date falls in (as the date that half term starts), from the school's term
    dates: a term with a half-term week recorded (``breaks``: its closures of that kind, (first, last) days) is
    split the day after it, any other term at its middle. A day between terms (or in the half-term week) belongs
    to the half term before it; without terms, half terms are two calendar months."""
    weeks = sorted((pd.Timestamp(a), pd.Timestamp(b)) for a, b in breaks)
    starts = []
    for first, last in sorted(terms):
        first, last = pd.Timestamp(first), pd.Timestamp(last)
        inside = [end for start, end in weeks if first < start and end < last]
        starts += [first, inside[0] + pd.Timedelta(days=1) if inside else first + (last - first) / 2]
    starts = sorted(pd.Timestamp(day).normalize() for day in starts)

    def half_term_of(day) -> pd.Timestamp:
        day = pd.Timestamp(day)
        earlier = [start for start in starts if start <= day]
        if earlier:
            return earlier[-1]
        return pd.Timestamp(year=day.year, month=day.month - (day.month - 1) % 2, day=1)

    return half_term_of


def gap_options(results: pd.DataFrame, half_term_of: Callable | None = None) -> pd.DataFrame:
    """Every assessment a year group sat in a subject, with what choosing between them needs: year_group,
    subject_id, assessment_id, taken_on, scale_kind, pupils (who sat it), half_term, informative (rank, 0 best)
    and ``default``: the one the gap uses unless the reader picks another. The default is in the latest half term
    with results for that year group and subject: the most informative scale there (a standardised or scaled
    score over an age-equivalent), then the one most pupils sat, then the latest."""
    columns = ["year_group", "subject_id", "assessment_id", "taken_on", "scale_kind", "pupils", "half_term",
               "informative", "default"]  # fmt: skip
    if results.empty:
        return pd.DataFrame(columns=columns)
    half_term_of = half_term_of or half_terms([])
    options = results.groupby(["year_group", "subject_id", "assessment_id"], as_index=False).agg(
        taken_on=("taken_on", "max"), scale_kind=("scale_kind", "first"), pupils=("pupil_id", "nunique")
    )
    options["half_term"] = [half_term_of(day) for day in options["taken_on"]]
    options["informative"] = options["scale_kind"].map(INFORMATIVE).fillna(9).astype(int)
    latest_half = options.groupby(["year_group", "subject_id"])["half_term"].transform("max")
    candidates = options[options["half_term"] == latest_half].sort_values(
        ["year_group", "subject_id", "informative", "pupils", "taken_on", "assessment_id"],
        ascending=[True, True, True, False, False, False],
    )
    chosen = candidates.groupby(["year_group", "subject_id"]).head(1)["assessment_id"]
    options["default"] = options.index.isin(chosen.index)
    return options.sort_values(
        ["subject_id", "year_group", "taken_on", "assessment_id"], ascending=[True, True, False, False]
    )[columns].reset_index(drop=True)


def disadvantage_gap(
    results: pd.DataFrame,
    pupil_premium: pd.Series,
    *,
    chosen: dict[tuple[int, int], int] | None = None,
    half_term_of: Callable | None = None,
) -> pd.DataFrame:
    """Pupil premium vs other pupils per year group and subject, on one assessment each: ``chosen`` maps
    (year_group, subject_id) -> assessment_id where the reader picked one; elsewhere the default of
    ``gap_options`` (the most informative assessment of the latest half term).

    ``pupil_premium`` maps pupil_id -> bool. Returns ``GAP_COLUMNS``: the counts, means, ``gap`` (other minus pupil
    premium, on the scale), the percentages at or above the expected standard (exact, and ``*_shown``: whole
    numbers as the page shows them) and ``gap_pct``, the difference of the two percentages as shown, so that the
    three numbers on the page always add up.
    """
    if results.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    options = gap_options(results, half_term_of)
    picks = {
        (int(r.year_group), int(r.subject_id)): int(r.assessment_id) for r in options[options["default"]].itertuples()
    }
    valid = set(zip(options["year_group"], options["subject_id"], options["assessment_id"], strict=True))
    for (year, subject), assessment in (chosen or {}).items():
        if (year, subject, assessment) in valid:
            picks[(year, subject)] = assessment
    frame = _with_expected(results)
    frame["pp"] = frame["pupil_id"].map(pupil_premium).fillna(False).astype(bool)
    frame["at_expected"] = frame["expected_value"].notna() & (frame["value"] >= frame["expected_value"])
    wanted = pd.DataFrame(
        [(year, subject, assessment) for (year, subject), assessment in picks.items()],
        columns=["year_group", "subject_id", "assessment_id"],
    )
    frame = frame.merge(wanted, on=["year_group", "subject_id", "assessment_id"])
    if frame.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    keys = ["year_group", "subject_id", "assessment_id"]
    sides = frame.groupby([*keys, "pp"]).agg(n=("value", "size"), mean=("value", "mean"), at=("at_expected", "mean"))
    wide = sides.unstack("pp")
    out = pd.DataFrame(index=wide.index)
    for column, side in (("pp", True), ("other", False)):
        present = ("n", side) in wide.columns
        out[f"n_{column}"] = wide[("n", side)].fillna(0).astype(int) if present else 0
        out[f"mean_{column}"] = wide[("mean", side)] if present else float("nan")
        out[f"pct_expected_{column}"] = 100 * wide[("at", side)] if present else float("nan")
    out["gap"] = out["mean_other"] - out["mean_pp"]
    out["pct_pp_shown"] = [whole_percent(v) for v in out["pct_expected_pp"]]
    out["pct_other_shown"] = [whole_percent(v) for v in out["pct_expected_other"]]
    out["gap_pct"] = [
        float("nan") if pp is None or other is None else float(other - pp)
        for pp, other in zip(out["pct_pp_shown"], out["pct_other_shown"], strict=True)
    ]
    return out.reset_index()[GAP_COLUMNS]
