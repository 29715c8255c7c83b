"""Impact evaluation: is each intervention working, for whom, at what cost. Pure pandas and numpy over the
frames ``reports.selectors_impact`` builds; no Django imports, so every rule can be tested with hand-made rows.

The method, in plain words, for a future maintainer:

1. **Each pupil** (``pupil_rows``): a pupil is *measured* when the placement has both an entry and an exit value
   on the intervention's scale. The gain is exit minus entry (months for reading and spelling ages). For age
   scales the gain is also divided by the months that passed between the two results: Brooks's *ratio gain*,
   where 1.0 is ordinary progress. Whether the pupil met their target, how often they attended, how their own
   rating changed, and whether the gain *lasted*: their next result in the same subject and kind of scale after
   the exit result, compared with the exit result.
2. **A comparison group** (``comparison_gains``): the two named assessments most of the group's pupils were
   measured on, and every other pupil of the same year group(s) who sat both, started within (a little more
   than) the group's range of baselines, and was in no intervention in the same subject between the two
   assessments. Their gains are what the group's pupils would plausibly have gained without the intervention.
3. **Each group** (``group_summary``): the mean gain with its 95% confidence interval, paired effect sizes,
   Hedges' g of the group's gains against the comparison group's (with EEF months), the share meeting their
   targets and keeping their gain, attendance, and costs. Then ``verdict`` decides.
4. **Each programme** (``programme_summary``): its groups pooled, by fixed-effect inverse-variance meta-analysis
   of the groups' g where comparisons exist, else all its pupils' before-and-after gains together.
5. **Pupils, not programmes** (``pupils_to_rethink``): pupils who have had several interventions in a subject and
   no gain that lasted.

Every threshold lives in ``Thresholds``; ``thresholds_text`` states the rules in words for the pages. Nothing here
loops over results or placements in Python: merges and group-bys do the work, and only the ~250 group summaries
are walked (for the verdict's reasons).

Missing data is never a zero: NaN (or NA for yes/no columns) means "not known", and a statistic that cannot be
computed (one pupil, no spread) is NaN rather than an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from pupils.identification import RESULT_COLUMNS, months_between

from .impact import ratio_gain_band, t_quantile, toolkit_months

# --- The frames ----------------------------------------------------------------------------------------------

PLACEMENT_COLUMNS = [
    "placement_id",
    "intervention_id",
    "programme_id",  # nullable
    "pupil_id",
    "year_group",  # the pupil's current year group
    "pupil_premium",
    "subject_id",  # the intervention's subject, nullable
    "scale_kind",  # the intervention's scale kind, or ""
    "entry_date",
    "exit_date",  # NaT while the pupil is still in the group
    "entry_value",  # on the intervention's scale (months for age scales); NaN if missing
    "exit_value",
    "entry_assessment_id",  # the assessment of the linked entry result; NaN when the value was typed
    "exit_assessment_id",
    "entry_taken_on",  # the date of that assessment; NaT when unlinked
    "exit_taken_on",
    "target_value",
    "outcome",  # "met", "partly", "not_met" or ""
    "entry_rating",  # the pupil's own rating, 1-5, or NaN
    "exit_rating",
    "sessions_attended",
    "sessions_held",
]
INTERVENTION_COLUMNS = [
    "intervention_id",
    "school_id",
    "programme_id",
    "programme_name",
    "name",
    "subject_id",
    "subject_name",
    "scale_kind",
    "wave",
    "status",
    "start_date",
    "end_date",
    "cost",  # £, the whole planned cost of the intervention; NaN if unknown
]
__all__ = [
    "COMPARISON_COLUMNS",
    "GROUP_COLUMNS",
    "INTERVENTION_COLUMNS",
    "PLACEMENT_COLUMNS",
    "PROGRAMME_COLUMNS",
    "PUPIL_COLUMNS",
    "RECOMMENDATIONS",
    "RESULT_COLUMNS",
    "RETHINK_COLUMNS",
    "THRESHOLDS",
    "VERDICTS",
    "Evaluation",
    "Judgement",
    "Thresholds",
    "comparison_gains",
    "evaluate",
    "group_summary",
    "programme_summary",
    "pupil_rows",
    "pupils_to_rethink",
    "thresholds_text",
    "verdict",
]

AGE, STANDARDISED, KS2_SCALED = "age", "standardised", "ks2_scaled"
AGE_STANDARDISED = (STANDARDISED, KS2_SCALED)  # no change is ordinary progress on these
Z_95 = 1.96

VERDICTS = {
    "strong": "Strong evidence of impact",
    "some": "Some impact",
    "none": "No clear impact",
    "negative": "Negative",
    "too_little": "Too little data",
}
RECOMMENDATIONS = {"continue": "Continue", "modify": "Modify", "review": "Review or stop"}
MEASURES = {"comparison": "Compared with similar pupils", "before_after": "Before and after only", "none": "None"}

PUPIL_COLUMNS = PLACEMENT_COLUMNS + [
    "measured",
    "gain",
    "elapsed_months",
    "ratio_gain",
    "target_met",
    "rating_change",
    "attendance_pct",
    "next_value",
    "next_taken_on",
    "sustained_change",
    "sustained",
]
COMPARISON_COLUMNS = [
    "intervention_id",
    "pupil_id",
    "year_group",
    "entry_assessment_id",
    "exit_assessment_id",
    "entry_taken_on",
    "exit_taken_on",
    "baseline",
    "exit_value",
    "gain",
]
# What a group and a programme share; each adds its own identifying columns in front.
SUMMARY_COLUMNS = [
    "scale_kind",
    "n_placed",
    "n_measured",
    "mean_gain",
    "gain_ci_low",
    "gain_ci_high",
    "gain_sd",
    "score_sd",
    "mean_elapsed",
    "ratio_gain",
    "ratio_band",
    "d_z",
    "d_av",
    "n_target_known",
    "pct_target_met",
    "attendance_pct",
    "n_sustained_known",
    "pct_sustained",
    "n_compared",
    "n_comparison",
    "comparison_mean_gain",
    "g",
    "g_ci_low",
    "g_ci_high",
    "months",
    "cost",
    "cost_per_pupil",
    "cost_per_month",
    "measure",
    "verdict",
    "recommendation",
    "reasons",
]
GROUP_COLUMNS = [
    "intervention_id",
    "school_id",
    "programme_id",
    "programme_name",
    "name",
    "subject_id",
    "subject_name",
    "wave",
    "status",
    "start_date",
    "end_date",
    *SUMMARY_COLUMNS,
    "comparison_years",
]
PROGRAMME_COLUMNS = ["programme_id", "programme_name", "n_groups", "n_groups_compared", *SUMMARY_COLUMNS]
RETHINK_COLUMNS = [
    "pupil_id",
    "subject_id",
    "interventions",
    "intervention_ids",
    "total_gain",
    "last_exit_date",
    "reason",
]


# --- Thresholds ---------------------------------------------------------------------------------------------


def _frozen(mapping: dict[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Thresholds:
    """Every number the verdicts and lists depend on, in one place (shown on the pages by ``thresholds_text``).

    ``wide_ci`` and ``wide_ci_before_after`` are the widest a 95% interval that includes zero may be before it
    says too little to judge: on the g scale for comparisons; for before-and-after gains, in standard deviations
    of the pupils' scores (the 15 points of a standardised score, or the group's own spread on other scales).
    A single small group's comparison interval is usually wider (about ±0.9 for 6 pupils against 20), so a
    group whose interval includes zero is often "too little data" while its programme, pooled, is not.
    """

    min_pupils: int = 5  # pupils with both an entry and an exit result
    min_comparison: int = 5  # similar pupils without an intervention
    wide_ci: float = 1.0
    wide_ci_before_after: float = 1.0
    strong_g: float = 0.4
    some_g: float = 0.2
    ratio_strong: float = 2.0  # Brooks: "useful"
    ratio_some: float = 1.4  # Brooks: "modest"
    standardised_strong_points: float = 6.0  # 0.4 of the 15-point SD of a standardised score
    standardised_sd: float = 15.0
    low_attendance: float = 80.0  # per cent
    # How far outside the group's baselines a comparison pupil's baseline may lie, by scale kind; other scales
    # use baseline_margin_share of the group's range, at least baseline_margin_floor.
    baseline_margin: Mapping[str, float] = field(
        default_factory=lambda: _frozen({AGE: 6.0, STANDARDISED: 5.0, KS2_SCALED: 5.0})
    )
    baseline_margin_share: float = 0.1
    baseline_margin_floor: float = 1.0
    # A gain has lasted when the next result is no lower than the exit result less this (test noise on
    # age-standardised scores: a point or two either way is not a loss).
    sustained_tolerance: Mapping[str, float] = field(
        default_factory=lambda: _frozen({STANDARDISED: 3.0, KS2_SCALED: 2.0})
    )
    rethink_min_interventions: int = 2
    rethink_ratio_gain: float = 1.4
    rethink_standardised_gain: float = 3.0


THRESHOLDS = Thresholds()


def _n(value: float) -> str:
    """A count, percentage or number of points as written in a sentence: 5, 80, 6."""
    return f"{value:g}"


def _d(value: float) -> str:
    """An effect size or ratio as written in a sentence, with at least one decimal: 1.0, 0.4, 2.0."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:g}"


def thresholds_text(t: Thresholds = THRESHOLDS) -> list[str]:
    """The rules behind every verdict, as plain sentences for the pages."""
    margins = ", ".join(
        f"{_n(value)} {'months' if kind == AGE else 'points'} for {KIND_WORDS.get(kind, kind)}"
        for kind, value in t.baseline_margin.items()
    )
    return [
        f"A verdict needs at least {t.min_pupils} pupils with both an entry and an exit result; with fewer it is "
        "'Too little data'.",
        "Where the entry and exit results are from named assessments, the group is compared with similar pupils "
        "who had no intervention in the subject: the same year group, results in the same two assessments, and a "
        f"starting point within the group's range widened by {margins} "
        f"(otherwise {_n(100 * t.baseline_margin_share)}% of the range, at least {_n(t.baseline_margin_floor)}). "
        f"At least {t.min_comparison} such pupils are needed. The effect is Hedges' g on the gains, with a 95% "
        "confidence interval, and the EEF Toolkit's months of additional progress.",
        f"With a comparison: 'Strong evidence of impact' when the whole interval is above zero and g is "
        f"{_d(t.strong_g)} or more; 'Some impact' when the interval is above zero, or when g is {_d(t.some_g)} or "
        "more and the interval includes zero but is not too wide; 'Negative' when the whole interval is below "
        "zero; otherwise 'No clear impact'.",
        f"An interval that includes zero and is wider than {_d(t.wide_ci)} on the g scale (or, before and after, "
        f"wider than {_d(t.wide_ci_before_after)} standard deviation of the pupils' scores) is 'Too little data': "
        "one small group rarely settles the question, so see its programme across all its groups.",
        "Without a comparison, for reading and spelling ages, Brooks's ratio gain (months gained for each month "
        f"that passed; 1.0 is ordinary progress): 'Strong' at {_d(t.ratio_strong)} or more ('useful'), 'Some' at "
        f"{_d(t.ratio_some)} or more ('modest'), both only when the 95% interval of the mean gain is above zero.",
        "Without a comparison, for standardised and KS2 scaled scores, where no change is ordinary progress: "
        f"'Strong' when the interval of the mean change is above zero and the mean is {_n(t.standardised_strong_points)} "
        "points or more; 'Some' when the interval is above zero.",
        "Raw scores, teacher assessment bands and grades rise with ordinary teaching, so without a comparison "
        "they can show at most 'Some impact'. An interval wholly below zero is 'Negative' on any scale.",
        f"Recommendation: 'Continue' when the evidence is strong, or there is some impact and attendance is "
        f"{_n(t.low_attendance)}% or more; 'Modify' when attendance is below {_n(t.low_attendance)}% (fix the "
        "dosage before judging the programme); 'Continue' too while a group with too little data is still "
        "running (judge it when its exit results are in) or when its interval is wholly above zero (promising, "
        "but judge the programme across its groups); otherwise 'Review or stop'.",
        "A gain has lasted when the pupil's next assessment in the subject after the exit result is no lower "
        "than the exit result"
        + (
            " (allowing "
            + ", ".join(f"{_n(v)} points on {KIND_WORDS.get(k, k)}" for k, v in t.sustained_tolerance.items())
            + " for test noise)."
            if t.sustained_tolerance
            else "."
        ),
        "A programme pools its groups: the fixed-effect, inverse-variance average of the groups' g where "
        "comparisons exist (Borenstein et al. 2009), otherwise all its pupils' gains together when every group "
        "uses the same kind of scale.",
        f"Pupils to rethink: {t.rethink_min_interventions} or more finished interventions in one subject, none of "
        f"which gave a gain that lasted (a target met, a ratio gain of {_d(t.rethink_ratio_gain)} or more, or a "
        f"rise of {_n(t.rethink_standardised_gain)} points or more on a standardised score).",
    ]


KIND_WORDS = {
    AGE: "reading and spelling ages",
    STANDARDISED: "standardised scores",
    KS2_SCALED: "KS2 scaled scores",
    "raw": "raw scores",
    "bands": "teacher assessment bands",
    "gcse": "GCSE grades",
}
UNIT_WORDS = {AGE: "months", "bands": "bands", "gcse": "grades"}


# --- Tidying the input frames ---------------------------------------------------------------------------------

_KEY_IDS = ("placement_id", "intervention_id", "pupil_id")
_NULLABLE_IDS = ("programme_id", "subject_id", "entry_assessment_id", "exit_assessment_id")
_FLOATS = (
    "year_group",
    "entry_value",
    "exit_value",
    "target_value",
    "entry_rating",
    "exit_rating",
    "sessions_attended",
    "sessions_held",
)
_DATES = ("entry_date", "exit_date", "entry_taken_on", "exit_taken_on")


def _as_ids(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.Int64Dtype):
        return series
    return pd.to_numeric(series, errors="coerce").astype("Int64")


def _as_floats(series: pd.Series) -> pd.Series:
    if series.dtype == "float64":
        return series
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _as_dates(series: pd.Series) -> pd.Series:
    if series.dtype.kind == "M":
        return series
    return pd.to_datetime(series, errors="coerce")


def _as_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(series.dtype) and not series.hasnans:
        return series
    return series.astype(object).where(series.notna(), "").astype(str)


def _as_flags(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    return series.astype(object).where(series.notna(), False).astype(bool)


# Each column's type, and the function that makes it so (a no-op when the column has it already, so frames
# passed from one step to the next are not converted again).
_PLACEMENT_TYPES = {
    **dict.fromkeys(_KEY_IDS + _NULLABLE_IDS, _as_ids),
    **dict.fromkeys(_FLOATS, _as_floats),
    **dict.fromkeys(_DATES, _as_dates),
    "scale_kind": _as_text,
    "outcome": _as_text,
    "pupil_premium": _as_flags,
}
_RESULT_TYPES = {
    "pupil_id": _as_ids,
    "year_group": _as_floats,
    "subject_id": _as_ids,
    "assessment_id": _as_ids,
    "taken_on": _as_dates,
    "value": _as_floats,
    "scale_kind": _as_text,
}
_INTERVENTION_TYPES = {
    **dict.fromkeys(("intervention_id", "school_id", "programme_id", "subject_id", "wave"), _as_ids),
    **dict.fromkeys(("programme_name", "name", "subject_name", "scale_kind", "status"), _as_text),
    "cost": _as_floats,
    "start_date": _as_dates,
    "end_date": _as_dates,
}


def _typed(frame: pd.DataFrame | None, types: dict, columns: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` with every column of ``columns`` present (missing ones empty) and of its type."""
    frame = pd.DataFrame(columns=columns) if frame is None else frame.copy()
    for column in columns:
        if column not in frame.columns:
            frame[column] = np.nan
        convert = types.get(column)
        if convert is not None:
            frame[column] = convert(frame[column])
    return frame


def _placement_frame(placements: pd.DataFrame | None) -> pd.DataFrame:
    """``placements`` with every PLACEMENT_COLUMNS column present and of a known type (a copy)."""
    return _typed(placements, _PLACEMENT_TYPES, PLACEMENT_COLUMNS).reset_index(drop=True)


def _result_frame(results: pd.DataFrame | None) -> pd.DataFrame:
    """The columns of the results frame this module uses, typed (a copy), without missing values."""
    wanted = list(_RESULT_TYPES)
    frame = _typed(
        None if results is None else results[[c for c in wanted if c in results.columns]], _RESULT_TYPES, wanted
    )
    return frame.loc[frame["value"].notna(), wanted]


def _intervention_frame(interventions: pd.DataFrame | None) -> pd.DataFrame:
    frame = _typed(interventions, _INTERVENTION_TYPES, INTERVENTION_COLUMNS)
    return frame.drop_duplicates("intervention_id").reset_index(drop=True)


def _unknown_bool(length: int) -> pd.Series:
    return pd.Series(pd.array([pd.NA] * length, dtype="boolean"))


# --- 1. Each pupil --------------------------------------------------------------------------------------------


def pupil_rows(placements: pd.DataFrame, results: pd.DataFrame, thresholds: Thresholds = THRESHOLDS) -> pd.DataFrame:
    """One row per placement: the placement's columns (and any others it came with) and what each pupil gained.

    * ``measured``: both an entry and an exit value. ``gain`` = exit - entry (months on age scales).
    * ``elapsed_months``: between the entry and exit assessments when both results are linked, else between
      joining and leaving the group; days / 30.4375.
    * ``ratio_gain`` (age scales): gain / elapsed months (Brooks 2016, see ``reports.impact.ratio_gain``); NaN
      on other scales and when no time has passed.
    * ``target_met``: exit value >= target value when both exist; else the recorded outcome ("met" or not) when
      there is one; else unknown (NA).
    * ``rating_change``: the pupil's own rating at exit less at entry. ``attendance_pct``: sessions attended of
      those held while the pupil was in the group (NaN when none were held).
    * ``next_value``/``next_taken_on``: the pupil's first result in the intervention's subject, on the same kind
      of scale, taken strictly after the exit result (after leaving, when the exit value was typed in).
      ``sustained_change`` = next - exit; ``sustained``: next >= exit less the scale's noise allowance
      (``Thresholds.sustained_tolerance``), NA when either is missing.
    """
    frame = _placement_frame(placements)
    size = len(frame)
    frame["measured"] = (frame["entry_value"].notna() & frame["exit_value"].notna()).astype(bool)
    frame["gain"] = (frame["exit_value"] - frame["entry_value"]).where(frame["measured"])
    linked = frame["entry_taken_on"].notna() & frame["exit_taken_on"].notna()
    by_results = months_between(frame["entry_taken_on"], frame["exit_taken_on"])
    by_dates = months_between(frame["entry_date"], frame["exit_date"])
    frame["elapsed_months"] = by_results.where(linked, by_dates).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = frame["gain"] / frame["elapsed_months"]
    ratio_known = (frame["scale_kind"] == AGE) & frame["measured"] & (frame["elapsed_months"] > 0)
    frame["ratio_gain"] = ratio.where(ratio_known).astype("float64")

    target_met = _unknown_bool(size)
    by_outcome = frame["outcome"] != ""
    target_met[by_outcome.to_numpy()] = (frame.loc[by_outcome, "outcome"] == "met").to_numpy()
    by_value = (frame["exit_value"].notna() & frame["target_value"].notna()).to_numpy()
    target_met[by_value] = (frame.loc[by_value, "exit_value"] >= frame.loc[by_value, "target_value"]).to_numpy()
    frame["target_met"] = pd.Series(target_met.array, index=frame.index)

    frame["rating_change"] = frame["exit_rating"] - frame["entry_rating"]
    held = frame["sessions_held"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["attendance_pct"] = (100 * frame["sessions_attended"] / held).where(held > 0).astype("float64")

    following = _next_results(frame, _result_frame(results)).reindex(frame["placement_id"].to_numpy())
    frame["next_value"] = following["value"].to_numpy(dtype="float64", na_value=np.nan)
    frame["next_taken_on"] = _as_dates(pd.Series(following["taken_on"].to_numpy(), index=frame.index))
    frame["sustained_change"] = frame["next_value"] - frame["exit_value"]
    tolerance = frame["scale_kind"].map(dict(thresholds.sustained_tolerance)).astype("float64").fillna(0.0)
    sustained = _unknown_bool(size)
    known = frame["sustained_change"].notna().to_numpy()
    sustained[known] = (frame.loc[known, "sustained_change"] >= -tolerance[known]).to_numpy()
    frame["sustained"] = pd.Series(sustained.array, index=frame.index)
    extra = [column for column in frame.columns if column not in PUPIL_COLUMNS]  # e.g. exit_reason, passed on
    return frame[PUPIL_COLUMNS + extra]


def _next_results(frame: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Each placement's next result after exit (same pupil, subject and kind of scale), indexed by placement."""
    after = frame["exit_taken_on"].fillna(frame["exit_date"])
    keys = frame.assign(after=after)
    keys = keys.loc[keys["after"].notna() & keys["subject_id"].notna() & (keys["scale_kind"] != "")]
    keys = keys[["placement_id", "pupil_id", "subject_id", "scale_kind", "after"]]
    later = keys.merge(
        results[["pupil_id", "subject_id", "scale_kind", "taken_on", "value"]],
        on=["pupil_id", "subject_id", "scale_kind"],
    )
    later = later[later["taken_on"] > later["after"]]
    first = later.sort_values(["placement_id", "taken_on"], kind="stable").drop_duplicates("placement_id")
    return first.set_index("placement_id")[["value", "taken_on"]]


# --- 2. The comparison group ----------------------------------------------------------------------------------


def comparison_gains(
    placements: pd.DataFrame,
    results: pd.DataFrame,
    all_placements: pd.DataFrame | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> pd.DataFrame:
    """Similar pupils who had no intervention, one row per (intervention, comparison pupil), with their gain.

    For each intervention, the assessment pair is the most common (entry assessment, exit assessment) among its
    pupils with both results linked (ties: the lowest ids). A comparison pupil

    * has results in both assessments of the pair (so the same subject, scale and dates);
    * is in one of the year groups of the group's pupils measured on that pair (current year groups);
    * started within the group's range of baselines on the entry assessment, widened by
      ``Thresholds.baseline_margin`` for the scale (else ``baseline_margin_share`` of the range, at least
      ``baseline_margin_floor``);
    * was in no placement in the same subject (from ``all_placements``, every placement of the school) that
      overlapped the days from the entry to the exit assessment, and was never in the group itself.

    Gain = value in the exit assessment - value in the entry assessment.
    """
    frame = _placement_frame(placements)
    others = frame if all_placements is None else _placement_frame(all_placements)
    scores = _result_frame(results)
    empty = pd.DataFrame({column: pd.Series(dtype="float64") for column in COMPARISON_COLUMNS})

    linked = frame[
        frame["entry_value"].notna()
        & frame["exit_value"].notna()
        & frame["entry_assessment_id"].notna()
        & frame["exit_assessment_id"].notna()
        & frame["subject_id"].notna()
    ]
    if linked.empty or scores.empty:
        return empty
    pair_keys = ["intervention_id", "entry_assessment_id", "exit_assessment_id"]
    counts = linked.groupby(pair_keys).size().rename("pupils").reset_index()
    pairs = counts.sort_values(
        ["intervention_id", "pupils", "entry_assessment_id", "exit_assessment_id"], ascending=[True, False, True, True]
    ).drop_duplicates("intervention_id")[pair_keys]
    members = linked.merge(pairs, on=pair_keys)
    groups = members.groupby("intervention_id").agg(
        entry_assessment_id=("entry_assessment_id", "first"),
        exit_assessment_id=("exit_assessment_id", "first"),
        subject_id=("subject_id", "first"),
        scale_kind=("scale_kind", "first"),
        entry_taken_on=("entry_taken_on", "first"),
        exit_taken_on=("exit_taken_on", "first"),
        low=("entry_value", "min"),
        high=("entry_value", "max"),
    )
    groups = groups[groups["exit_taken_on"] > groups["entry_taken_on"]]
    if groups.empty:
        return empty
    fixed = groups["scale_kind"].map(dict(thresholds.baseline_margin)).astype("float64")
    share = np.maximum(
        thresholds.baseline_margin_share * (groups["high"] - groups["low"]), thresholds.baseline_margin_floor
    )
    groups["margin"] = fixed.fillna(share)
    groups = groups.reset_index()

    scores = scores[
        scores["assessment_id"].isin(pd.concat([groups["entry_assessment_id"], groups["exit_assessment_id"]]))
    ]
    entry_scores = scores[["pupil_id", "assessment_id", "year_group", "value"]].rename(
        columns={"assessment_id": "entry_assessment_id", "value": "baseline"}
    )
    candidates = groups.merge(entry_scores, on="entry_assessment_id")
    years = members[["intervention_id", "year_group"]].dropna().drop_duplicates()
    candidates = candidates.merge(years, on=["intervention_id", "year_group"])
    similar = (candidates["baseline"] >= candidates["low"] - candidates["margin"]) & (
        candidates["baseline"] <= candidates["high"] + candidates["margin"]
    )
    candidates = candidates[similar]
    exit_scores = scores[["pupil_id", "assessment_id", "value"]].rename(
        columns={"assessment_id": "exit_assessment_id", "value": "exit_value"}
    )
    candidates = candidates.merge(exit_scores, on=["pupil_id", "exit_assessment_id"])

    # Never a member of the group (whether or not they were measured).
    in_group = frame[["intervention_id", "pupil_id"]].drop_duplicates().assign(_member=True)
    candidates = candidates.merge(in_group, on=["intervention_id", "pupil_id"], how="left")
    candidates = candidates[candidates["_member"].isna()]
    # Not in any intervention in the subject while the comparison ran.
    busy = others.loc[others["subject_id"].notna(), ["pupil_id", "subject_id", "entry_date", "exit_date"]]
    clash = candidates[["intervention_id", "pupil_id", "subject_id", "entry_taken_on", "exit_taken_on"]].merge(
        busy, on=["pupil_id", "subject_id"]
    )
    overlapping = (clash["entry_date"] <= clash["exit_taken_on"]) & (
        clash["exit_date"].isna() | (clash["exit_date"] >= clash["entry_taken_on"])
    )
    clashes = clash.loc[overlapping, ["intervention_id", "pupil_id"]].drop_duplicates().assign(_busy=True)
    candidates = candidates.merge(clashes, on=["intervention_id", "pupil_id"], how="left")
    candidates = candidates[candidates["_busy"].isna()]

    candidates = candidates.assign(gain=candidates["exit_value"] - candidates["baseline"])
    ordered = candidates.sort_values(["intervention_id", "pupil_id"], kind="stable")
    return ordered[COMPARISON_COLUMNS].reset_index(drop=True)


# --- Shared statistics ----------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _t975_of(degrees: int) -> float:
    return t_quantile(0.975, degrees)


def _t975(degrees: pd.Series) -> pd.Series:
    """t(0.975, df) for each df (NaN where df < 1); each distinct df is computed once per process."""
    return degrees.map(lambda df: _t975_of(int(df)) if pd.notna(df) and df >= 1 else np.nan).astype("float64")


def _hedges(
    mean_t: pd.Series, sd_t: pd.Series, n_t: pd.Series, mean_c: pd.Series, sd_c: pd.Series, n_c: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Hedges' g and its 95% CI for every row at once: the formulas of ``reports.impact.hedges_g_from_summary``
    (Hedges & Olkin 1985; Borenstein et al. 2009, eq. 4.20), NaN where that function would refuse (a group
    under 2, or no spread in either group).

    d = (mean_t - mean_c) / s_pooled, s_pooled² = ((n_t-1)s_t² + (n_c-1)s_c²) / (n_t+n_c-2);
    g = (1 - 3/(4(n_t+n_c) - 9)) d; SE = √((n_t+n_c)/(n_t n_c) + g²/(2(n_t+n_c))); CI = g ± 1.96 SE.
    """
    index = mean_t.index
    mt, st, nt, mc, sc, nc = (np.asarray(values, dtype="float64") for values in (mean_t, sd_t, n_t, mean_c, sd_c, n_c))
    n = nt + nc
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = ((nt - 1) * st**2 + (nc - 1) * sc**2) / (n - 2)
        valid = (nt >= 2) & (nc >= 2) & (pooled > 0)
        g = np.where(valid, (1 - 3 / (4 * n - 9)) * (mt - mc) / np.sqrt(pooled), np.nan)
        se = np.sqrt(n / (nt * nc) + g**2 / (2 * n))
    return (
        pd.Series(g, index=index),
        pd.Series(g - Z_95 * se, index=index),
        pd.Series(g + Z_95 * se, index=index),
    )


def _pupil_stats(pupils: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per ``key`` (intervention or programme): counts, the mean gain with its t-based 95% CI (as
    ``reports.impact.mean_ci``: mean ± t(0.975, n-1)·s/√n, Altman et al. 2000), paired effect sizes (as
    ``reports.impact.paired_effect_size``: d_z = mean change / SD of changes, d_av = mean change / mean of the
    entry and exit SDs, Lakens 2013; NaN for fewer than 2 pupils or when every pupil changed by the same
    amount), the mean ratio gain, and the shares meeting targets, attending and keeping their gain."""
    frame = pupils.assign(
        _target_known=pupils["target_met"].notna(),
        _target_met=pupils["target_met"].fillna(False).astype(bool),
        _sustained_known=pupils["sustained"].notna(),
        _sustained=pupils["sustained"].fillna(False).astype(bool),
    )
    everyone = frame.groupby(key).agg(
        n_placed=("placement_id", "size"),
        n_target_known=("_target_known", "sum"),
        n_target_met=("_target_met", "sum"),
        attendance_pct=("attendance_pct", "mean"),
        n_sustained_known=("_sustained_known", "sum"),
        n_sustained=("_sustained", "sum"),
    )
    measured = frame[frame["measured"]]
    stats = measured.groupby(key).agg(
        n_measured=("gain", "size"),
        mean_gain=("gain", "mean"),
        gain_sd=("gain", "std"),
        entry_sd=("entry_value", "std"),
        exit_sd=("exit_value", "std"),
        mean_elapsed=("elapsed_months", "mean"),
        ratio_gain=("ratio_gain", "mean"),
        total_gain=("gain", "sum"),
    )
    out = everyone.join(stats, how="left")
    out["n_measured"] = out["n_measured"].fillna(0).astype("int64")
    for column in ("n_placed", "n_target_known", "n_sustained_known"):
        out[column] = out[column].astype("int64")
    n = out["n_measured"].astype("float64")
    half = _t975(n - 1) * out["gain_sd"] / np.sqrt(n)
    out["gain_ci_low"] = (out["mean_gain"] - half).where(n >= 2)
    out["gain_ci_high"] = (out["mean_gain"] + half).where(n >= 2)
    out["score_sd"] = (out["entry_sd"] + out["exit_sd"]) / 2
    spread = (n >= 2) & (out["gain_sd"] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["d_z"] = (out["mean_gain"] / out["gain_sd"]).where(spread)
        out["d_av"] = (out["mean_gain"] / out["score_sd"]).where(spread & (out["score_sd"] > 0))
        out["pct_target_met"] = (100 * out["n_target_met"] / out["n_target_known"]).where(out["n_target_known"] > 0)
        out["pct_sustained"] = (100 * out["n_sustained"] / out["n_sustained_known"]).where(out["n_sustained_known"] > 0)
    out["ratio_band"] = out["ratio_gain"].map(lambda rg: ratio_gain_band(rg) if pd.notna(rg) else "")
    return out


def _months(g: pd.Series) -> pd.Series:
    return g.map(lambda value: float(toolkit_months(value)) if pd.notna(value) else np.nan).astype("float64")


def _costs(out: pd.DataFrame) -> None:
    """cost_per_pupil = cost / pupils placed; cost_per_month (age scales) = cost / months gained in all."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_pupil"] = (out["cost"] / out["n_placed"]).where(out["n_placed"] > 0)
        gained = (out["scale_kind"] == AGE) & (out["total_gain"] > 0)
        out["cost_per_month"] = (out["cost"] / out["total_gain"]).where(gained)


def _judge(out: pd.DataFrame, thresholds: Thresholds) -> None:
    """Fill verdict, recommendation and reasons row by row (a few hundred small rows at most)."""
    judgements = [verdict(row, thresholds) for row in out.to_dict("records")]
    out["verdict"] = [j.verdict for j in judgements]
    out["recommendation"] = [j.recommendation for j in judgements]
    out["reasons"] = [j.reasons for j in judgements]


# --- 3. Each group --------------------------------------------------------------------------------------------


def group_summary(
    pupils: pd.DataFrame,
    comparison: pd.DataFrame,
    interventions: pd.DataFrame,
    thresholds: Thresholds = THRESHOLDS,
) -> pd.DataFrame:
    """One row per intervention (every row of ``interventions``, even those with nobody placed yet).

    The group's own figures come from ``pupil_rows``; the comparison from ``comparison_gains``. Hedges' g
    compares the gains of the group's pupils measured on the comparison's assessment pair (``n_compared``) with
    the comparison pupils' gains, when there are at least 2 of the first and ``min_comparison`` of the second.
    ``measure`` is "comparison" when g exists, "before_after" when some pupils were measured, else "none".
    ``comparison_years`` lists the year groups compared (for the reasons).
    """
    ivs = _intervention_frame(interventions)
    rows = _pupil_frame(pupils)
    stats = _pupil_stats(rows, "intervention_id")
    out = ivs.set_index("intervention_id").join(stats, how="left")
    _fill_counts(out)

    compared = _comparison_stats(rows, comparison, thresholds)
    out = out.join(compared, how="left")
    for column in ("n_compared", "n_comparison"):
        out[column] = out[column].fillna(0).astype("int64")
    out["comparison_years"] = out["comparison_years"].map(lambda years: years if isinstance(years, list) else [])
    out["months"] = _months(out["g"])
    _costs(out)
    out["measure"] = np.where(out["g"].notna(), "comparison", np.where(out["n_measured"] > 0, "before_after", "none"))
    _judge(out, thresholds)
    out = out.reset_index()
    return out[GROUP_COLUMNS]


def _as_maybe(series: pd.Series) -> pd.Series:
    """Yes, no or unknown (pandas' nullable boolean)."""
    if str(series.dtype) == "boolean":
        return series
    return series.astype(object).where(series.notna(), None).astype("boolean")


_PUPIL_TYPES = {
    **_PLACEMENT_TYPES,
    **dict.fromkeys(
        ("gain", "elapsed_months", "ratio_gain", "attendance_pct", "next_value", "sustained_change", "rating_change"),
        _as_floats,
    ),
    "measured": _as_flags,
    "target_met": _as_maybe,
    "sustained": _as_maybe,
    "next_taken_on": _as_dates,
}


def _pupil_frame(pupils: pd.DataFrame | None) -> pd.DataFrame:
    """Pupil rows (``pupil_rows``) typed, with any missing column present (tolerates hand-made frames)."""
    return _typed(pupils, _PUPIL_TYPES, PUPIL_COLUMNS).reset_index(drop=True)


def _fill_counts(out: pd.DataFrame) -> None:
    for column in ("n_placed", "n_measured", "n_target_known", "n_sustained_known"):
        out[column] = out[column].fillna(0).astype("int64")
    out["ratio_band"] = _as_text(out["ratio_band"])


def _comparison_stats(pupils: pd.DataFrame, comparison: pd.DataFrame | None, thresholds: Thresholds) -> pd.DataFrame:
    """Per intervention: the comparison group's size and mean gain, and g of the group's gains against it."""
    columns = ["n_compared", "n_comparison", "comparison_mean_gain", "g", "g_ci_low", "g_ci_high", "comparison_years"]
    if comparison is None or comparison.empty:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in columns}).rename_axis("intervention_id")
    others = comparison.copy()
    for column in ("intervention_id", "entry_assessment_id", "exit_assessment_id"):
        others[column] = _as_ids(others[column])
    others["gain"] = pd.to_numeric(others["gain"], errors="coerce")
    others = others[others["gain"].notna()]
    control = others.groupby("intervention_id").agg(
        n_comparison=("gain", "size"),
        comparison_mean_gain=("gain", "mean"),
        comparison_sd=("gain", "std"),
        entry_assessment_id=("entry_assessment_id", "first"),
        exit_assessment_id=("exit_assessment_id", "first"),
    )
    years = (
        others.assign(year_group=pd.to_numeric(others["year_group"], errors="coerce"))
        .dropna(subset=["year_group"])[["intervention_id", "year_group"]]
        .drop_duplicates()
        .sort_values(["intervention_id", "year_group"])
    )
    years_of: dict[int, list[int]] = {}
    for intervention_id, year in zip(years["intervention_id"].tolist(), years["year_group"].tolist(), strict=True):
        years_of.setdefault(intervention_id, []).append(int(year))
    control["comparison_years"] = [years_of.get(i, []) for i in control.index.tolist()]
    pair = control[["entry_assessment_id", "exit_assessment_id"]].reset_index()
    treated = pupils[pupils["measured"]].merge(
        pair, on=["intervention_id", "entry_assessment_id", "exit_assessment_id"]
    )
    treated_stats = treated.groupby("intervention_id").agg(
        n_compared=("gain", "size"), treated_mean=("gain", "mean"), treated_sd=("gain", "std")
    )
    control = control.join(treated_stats, how="left")
    control["n_compared"] = control["n_compared"].fillna(0)
    enough = control["n_comparison"] >= max(2, thresholds.min_comparison)
    g, low, high = _hedges(
        control["treated_mean"],
        control["treated_sd"],
        control["n_compared"].astype("float64"),
        control["comparison_mean_gain"],
        control["comparison_sd"],
        control["n_comparison"].astype("float64"),
    )
    control["g"], control["g_ci_low"], control["g_ci_high"] = g.where(enough), low.where(enough), high.where(enough)
    return control[columns]


def _comparison_note(row: Mapping[str, Any], thresholds: Thresholds) -> str:
    """Why a group with measured pupils has no comparison ("" when it has one or nobody was measured)."""
    if row.get("measure") != "before_after":
        return ""
    if not row.get("n_compared") and not row.get("n_comparison"):
        return (
            "No comparison group: the entry and exit results are not linked to the same named assessments, or "
            "no similar pupil without an intervention sat both"
        )
    if row.get("n_comparison", 0) < thresholds.min_comparison:
        return (
            f"No comparison group: only {int(row.get('n_comparison') or 0)} similar pupils without an intervention "
            f"sat both assessments ({thresholds.min_comparison} needed)"
        )
    return "No comparison group: there is no spread in the gains to compare"


# --- The verdict ----------------------------------------------------------------------------------------------


class Judgement(NamedTuple):
    verdict: str  # a key of VERDICTS
    recommendation: str  # a key of RECOMMENDATIONS
    reasons: list[str]


def _num(value: Any) -> float | None:
    """A float, or None for anything missing (None, NaN, NA, NaT)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _fmt(value: float, places: int = 2, sign: bool = False) -> str:
    text = f"{value:+.{places}f}" if sign else f"{value:.{places}f}"
    return text.replace("-", "\u2212")


def _years_text(years: list[int]) -> str:
    labels = ["Reception" if y == 0 else "Nursery" if y < 0 else f"Year {y}" for y in sorted(years)]
    if len(labels) <= 1:
        return labels[0] if labels else ""
    if all(label.startswith("Year ") for label in labels):
        numbers = [label.removeprefix("Year ") for label in labels]
        return "Years " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _pupils(count: int) -> str:
    return f"{count} pupil" if count == 1 else f"{count} pupils"


def _too_wide(low: float, high: float, limit: float) -> bool:
    """The interval includes zero and is wider than ``limit``."""
    return low <= 0 <= high and high - low > limit


def verdict(row: Mapping[str, Any], thresholds: Thresholds = THRESHOLDS) -> Judgement:
    """The verdict, recommendation and reasons for one group or programme (a row of the summaries, or any
    mapping with their column names). The one place the rules live; ``thresholds_text`` says them in words.

    1. *Too little data*: nothing measured, fewer than ``min_pupils`` measured, or a deciding interval that
       includes zero and is too wide (``wide_ci`` on the g scale; ``wide_ci_before_after`` in SDs of the scores).
    2. With a comparison (``measure == "comparison"``), on Hedges' g and its CI: negative if the CI is below zero;
       strong if it is above zero and g >= ``strong_g``; some if it is above zero, or g >= ``some_g``; else none.
    3. Before and after only: on age scales the mean ratio gain (Brooks 2016) with the CI of the mean gain:
       strong at >= ``ratio_strong`` and some at >= ``ratio_some``, each only with the CI above zero. On
       standardised and KS2 scaled scores (0 change = ordinary progress): strong with the CI above zero and a
       mean of at least ``standardised_strong_points``; some with the CI above zero. On other scales ordinary
       teaching raises scores, so at most some (CI above zero). On any scale a CI below zero is negative.
    4. Recommendation: strong -> continue; some -> continue, or modify when attendance is below
       ``low_attendance``; none -> modify when attendance is low (fix dosage first), else review; negative ->
       review; too little -> continue while the group is still planned or running (judge it at the end) or
       when its interval is wholly above zero (promising: judge the programme pooled), else review.
    """
    t = thresholds
    placed = int(_num(row.get("n_placed")) or 0)
    measured = int(_num(row.get("n_measured")) or 0)
    measure = row.get("measure") or "none"
    kind = row.get("scale_kind") or ""
    unit = UNIT_WORDS.get(kind, "points")
    attendance = _num(row.get("attendance_pct"))
    low_attendance = attendance is not None and attendance < t.low_attendance
    reasons: list[str] = []
    decision = "too_little"

    if measure == "none" or measured == 0:
        note = row.get("no_measure_reason") or ""
        if note:
            reasons.append(note)
        elif not kind and _num(row.get("subject_id")) is None:
            reasons.append(
                "No assessed subject and scale, so the impact on attainment cannot be measured; see the pupils' "
                "targets and their own ratings"
            )
        elif placed == 0:
            reasons.append("No pupils have been placed")
        else:
            reasons.append(f"None of the {placed} pupils has both an entry and an exit result yet")
    else:
        reasons.append(f"{measured} of {_pupils(placed)} {'has' if measured == 1 else 'have'} entry and exit results")
        if measured < t.min_pupils:
            reasons.append(f"Fewer than {t.min_pupils} pupils with both results: too few to judge")
        elif measure == "comparison":
            decision = _comparison_decision(row, t, reasons)
        else:
            decision = _before_after_decision(row, t, kind, unit, reasons)

    extra = _context_reasons(row)
    if low_attendance:
        reasons.append(f"Attendance averaged {attendance:.0f}%, below {_n(t.low_attendance)}%")
    if decision == "strong":
        recommendation = "continue"
    elif decision == "some":
        recommendation = "modify" if low_attendance else "continue"
    elif decision == "none" and low_attendance:
        recommendation = "modify"
        reasons.append("Improve attendance (the dosage) before judging the programme")
    elif decision == "too_little" and row.get("status") in ("planned", "running"):
        # Not yet judgeable is not a reason to stop a group part way: finish it and measure it.
        recommendation = "continue"
        reasons.append("Still running: judge it when the exit results are in")
    elif decision == "too_little" and measured and _promising(row, measure):
        # A small group whose whole interval is above zero is no reason to stop: look at the programme pooled.
        recommendation = "continue"
        reasons.append("Promising, but too few pupils to be sure: judge the programme across all its groups")
    else:
        recommendation = "review"
    if decision == "too_little" and measured < placed and not (measure == "none" and not kind):
        reasons.append("Record entry and exit results, from named assessments, for every pupil")
    return Judgement(decision, recommendation, reasons + extra)


def _promising(row: Mapping[str, Any], measure: str) -> bool:
    """The deciding interval (g against the comparison, else the mean gain) lies wholly above zero."""
    low = _num(row.get("g_ci_low")) if measure == "comparison" else _num(row.get("gain_ci_low"))
    return low is not None and low > 0


def _comparison_decision(row: Mapping[str, Any], t: Thresholds, reasons: list[str]) -> str:
    g, low, high = (_num(row.get(name)) for name in ("g", "g_ci_low", "g_ci_high"))
    if g is None or low is None or high is None:
        reasons.append("The comparison could not be computed")
        return "too_little"
    months = _num(row.get("months"))
    months_text = f", about {int(months):+d} months of progress".replace("-", "\u2212") if months is not None else ""
    effect = f"g = {_fmt(g)} (95% CI {_fmt(low)} to {_fmt(high)}){months_text}"
    pooled = int(_num(row.get("n_groups_compared")) or 0)
    n_comparison = int(_num(row.get("n_comparison")) or 0)
    if pooled:
        groups = "group" if pooled == 1 else "groups"
        reasons.append(
            f"Pooled over {pooled} {groups}, each compared with similar pupils who had no intervention in the "
            f"subject ({n_comparison} in all): {effect}"
        )
    else:
        years = _years_text(list(row.get("comparison_years") or []))
        subject = (row.get("subject_name") or "").lower()
        who = f"{n_comparison} similar pupils" + (f" (now in {years})" if years else "")
        what = f"no {subject} intervention" if subject else "no intervention in the subject"
        reasons.append(f"Compared with {who} who had {what}: {effect}")
    if _too_wide(low, high, t.wide_ci):
        reasons.append(
            "The interval is too wide to tell whether the pupils did better or worse than similar pupils"
            + ("" if pooled else ": see the programme across all its groups")
        )
        return "too_little"
    if high < 0:
        reasons.append("The pupils gained less than similar pupils without the intervention")
        return "negative"
    if low > 0 and g >= t.strong_g:
        return "strong"
    if low > 0:
        reasons.append(f"Better than similar pupils, but g is below {_d(t.strong_g)}")
        return "some"
    if g >= t.some_g:
        reasons.append(f"g is {_d(t.some_g)} or more, but the interval includes zero")
        return "some"
    reasons.append("No clear difference from similar pupils without the intervention")
    return "none"


def _before_after_decision(row: Mapping[str, Any], t: Thresholds, kind: str, unit: str, reasons: list[str]) -> str:
    note = row.get("comparison_note") or _comparison_note(row, t)
    if note:
        reasons.append(note)
    mean, low, high = (_num(row.get(name)) for name in ("mean_gain", "gain_ci_low", "gain_ci_high"))
    if mean is None or low is None or high is None:
        reasons.append("The mean gain has no confidence interval")
        return "too_little"
    gain_text = f"Mean gain {_fmt(mean, 1, sign=True)} {unit} (95% CI {_fmt(low, 1)} to {_fmt(high, 1)})"
    spread = t.standardised_sd if kind == STANDARDISED else _num(row.get("score_sd"))
    if not spread:
        spread = _num(row.get("gain_sd"))
    if spread and _too_wide(low / spread, high / spread, t.wide_ci_before_after):
        reasons.append(gain_text)
        reasons.append("The interval is too wide to tell whether the pupils gained or lost ground")
        return "too_little"
    if kind == AGE:
        ratio = _num(row.get("ratio_gain"))
        elapsed = _num(row.get("mean_elapsed"))
        if ratio is not None:
            band = row.get("ratio_band") or ratio_gain_band(ratio)
            over = f" over {elapsed:.1f} months" if elapsed else ""
            reasons.append(f"{gain_text}{over}: ratio gain {ratio:.1f} ({band}; 1.0 is ordinary progress)")
        else:
            reasons.append(gain_text)
        if high < 0:
            return "negative"
        if ratio is not None and low > 0 and ratio >= t.ratio_strong:
            return "strong"
        if ratio is not None and low > 0 and ratio >= t.ratio_some:
            return "some"
        reasons.append(f"A ratio gain below {_d(t.ratio_some)} is not clearly more than ordinary progress")
        return "none"
    if kind in AGE_STANDARDISED:
        reasons.append(f"{gain_text} on an age-standardised scale, where no change is ordinary progress")
        if high < 0:
            return "negative"
        if low > 0 and mean >= t.standardised_strong_points:
            return "strong"
        if low > 0:
            return "some"
        return "none"
    reasons.append(gain_text)
    reasons.append(
        "Without a comparison group, raw progress on this scale cannot show impact: ordinary teaching raises it too"
    )
    if high < 0:
        return "negative"
    return "some" if low > 0 else "none"


def _context_reasons(row: Mapping[str, Any]) -> list[str]:
    """Targets met and gains kept: shown beside the verdict, not deciding it."""
    out = []
    known = int(_num(row.get("n_target_known")) or 0)
    met = _num(row.get("pct_target_met"))
    if known and met is not None:
        out.append(f"{round(known * met / 100)} of {_pupils(known)} with a target met it")
    known = int(_num(row.get("n_sustained_known")) or 0)
    kept = _num(row.get("pct_sustained"))
    if known and kept is not None:
        out.append(f"{round(known * kept / 100)} of {_pupils(known)} kept their gain at the next assessment")
    return out


# --- 4. Each programme ----------------------------------------------------------------------------------------


def programme_summary(
    pupils: pd.DataFrame,
    comparison: pd.DataFrame,
    interventions: pd.DataFrame,
    thresholds: Thresholds = THRESHOLDS,
    *,
    groups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per programme (interventions without one are left out), across all its groups and terms.

    When any of its groups has a comparison g, the programme's g is their fixed-effect inverse-variance average
    (Borenstein, Hedges, Higgins & Rothstein, *Introduction to Meta-Analysis*, Wiley 2009, ch. 11, eqs 11.3-11.5):
    each group's SE is recovered from its CI as (high - low) / (2 x 1.96), its weight is w = 1/SE², the pooled
    g = Σ w·g / Σ w with SE = 1/√Σw and CI g ± 1.96·SE. Otherwise the before-and-after figures are those of all
    the programme's measured pupils together, when every group measured them on the same kind of scale.
    ``groups`` (from ``group_summary``) saves recomputing the groups.
    """
    ivs = _intervention_frame(interventions)
    ivs = ivs[ivs["programme_id"].notna()]
    if ivs.empty:
        return pd.DataFrame(columns=PROGRAMME_COLUMNS)
    if groups is None:
        groups = group_summary(pupils, comparison, interventions, thresholds)
    of_programme = ivs.set_index("intervention_id")["programme_id"]
    rows = _pupil_frame(pupils)
    rows["programme_id"] = rows["intervention_id"].map(of_programme).astype("Int64")
    rows = rows[rows["programme_id"].notna()]

    head = ivs.groupby("programme_id").agg(
        programme_name=("programme_name", "first"), n_groups=("intervention_id", "size")
    )
    stats = _pupil_stats(rows, "programme_id")
    kinds = rows[rows["measured"]].groupby("programme_id")["scale_kind"].agg(lambda k: sorted(set(k)))
    out = head.join(stats, how="left")
    _fill_counts(out)
    out["scale_kinds"] = kinds.reindex(out.index).map(lambda k: k if isinstance(k, list) else [])
    group_kinds = ivs.groupby("programme_id")["scale_kind"].agg(lambda k: sorted(set(k) - {""}))
    out["scale_kind"] = [
        (measured[0] if len(measured) == 1 else "") if measured else (planned[0] if len(planned) == 1 else "")
        for measured, planned in zip(out["scale_kinds"], group_kinds.reindex(out.index), strict=True)
    ]
    mixed = out["scale_kinds"].map(len) > 1
    before_after = ["mean_gain", "gain_ci_low", "gain_ci_high", "gain_sd", "score_sd", "mean_elapsed", "ratio_gain"]
    before_after += ["d_z", "d_av", "total_gain"]
    out.loc[mixed, before_after] = np.nan
    out.loc[mixed, "ratio_band"] = ""

    pooled = _pooled_g(groups, of_programme)
    out = out.join(pooled, how="left")
    out["n_groups_compared"] = out["n_groups_compared"].fillna(0).astype("int64")
    out["n_comparison"] = out["n_comparison"].fillna(0).astype("int64")
    out["n_compared"] = out["n_compared"].fillna(0).astype("int64")
    out["months"] = _months(out["g"])
    group_costs = groups.assign(programme_id=groups["intervention_id"].map(of_programme)).dropna(
        subset=["programme_id"]
    )
    out["cost"] = group_costs.groupby("programme_id")["cost"].sum(min_count=1).reindex(out.index)
    _costs(out)
    has_g = out["g"].notna()
    out["measure"] = np.where(has_g, "comparison", np.where((out["n_measured"] > 0) & ~mixed, "before_after", "none"))
    out["comparison_note"] = np.where(
        out["measure"] == "before_after", "No group of this programme has a comparison group", ""
    )
    out["no_measure_reason"] = np.where(
        mixed & ~has_g,
        "Its groups were measured on different kinds of scale and none has a comparison group, so they cannot "
        "be pooled; see each group",
        "",
    )
    _judge(out, thresholds)
    return out.reset_index()[PROGRAMME_COLUMNS]


def _pooled_g(groups: pd.DataFrame, of_programme: pd.Series) -> pd.DataFrame:
    """Fixed-effect inverse-variance pooling of the groups' g per programme (see ``programme_summary``)."""
    columns = ["g", "g_ci_low", "g_ci_high", "n_groups_compared", "n_comparison", "n_compared", "comparison_mean_gain"]
    frame = groups[groups["g"].notna()].copy()
    frame["programme_id"] = frame["intervention_id"].map(of_programme)
    frame = frame[frame["programme_id"].notna()]
    se = (frame["g_ci_high"] - frame["g_ci_low"]) / (2 * Z_95)
    frame = frame.assign(
        weight=1 / se**2,
        weighted=frame["g"] / se**2,
        comparison_total=frame["comparison_mean_gain"] * frame["n_comparison"],
    )
    frame = frame[np.isfinite(frame["weight"])]
    if frame.empty:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in columns}).rename_axis("programme_id")
    sums = frame.groupby("programme_id").agg(
        weight=("weight", "sum"),
        weighted=("weighted", "sum"),
        n_groups_compared=("intervention_id", "size"),
        n_comparison=("n_comparison", "sum"),
        n_compared=("n_compared", "sum"),
        comparison_total=("comparison_total", "sum"),
    )
    sums["g"] = sums["weighted"] / sums["weight"]
    se_pooled = 1 / np.sqrt(sums["weight"])
    sums["g_ci_low"] = sums["g"] - Z_95 * se_pooled
    sums["g_ci_high"] = sums["g"] + Z_95 * se_pooled
    sums["comparison_mean_gain"] = sums["comparison_total"] / sums["n_comparison"]
    sums.index = sums.index.astype("Int64")
    return sums[columns]


# --- 5. Pupils, not programmes --------------------------------------------------------------------------------


def pupils_to_rethink(pupils: pd.DataFrame, thresholds: Thresholds = THRESHOLDS) -> pd.DataFrame:
    """Pupils who have had ``rethink_min_interventions`` or more finished interventions in one subject and no
    lasting gain from any: none of them met its target, reached a ratio gain of ``rethink_ratio_gain``, or (on
    standardised and KS2 scaled scores) rose by ``rethink_standardised_gain`` points, with the gain still there
    at the next assessment (or no next assessment yet). Their support needs rethinking, perhaps an assessment
    of SEN, rather than another group. Sorted by the number of interventions, most first."""
    rows = _pupil_frame(pupils)
    t = thresholds
    finished = rows[rows["exit_date"].notna() & rows["subject_id"].notna()]
    if finished.empty:
        return pd.DataFrame(columns=RETHINK_COLUMNS)
    success = (
        finished["target_met"].fillna(False).astype(bool)
        | (finished["ratio_gain"] >= t.rethink_ratio_gain)
        | (finished["scale_kind"].isin(AGE_STANDARDISED) & (finished["gain"] >= t.rethink_standardised_gain))
    )
    lasting = success & ~(finished["sustained"] == False).fillna(False).astype(bool)  # noqa: E712 (NA-aware)
    finished = finished.assign(_lasting=lasting.to_numpy())
    keys = ["pupil_id", "subject_id"]
    per = finished.groupby(keys).agg(
        interventions=("intervention_id", "nunique"),
        lasting=("_lasting", "any"),
        total_gain=("gain", "sum"),
        gains=("gain", "count"),
        last_exit_date=("exit_date", "max"),
        scale_kind=("scale_kind", "first"),
    )
    per = per[(per["interventions"] >= t.rethink_min_interventions) & ~per["lasting"]].copy()
    per["total_gain"] = per["total_gain"].where(per["gains"] > 0)
    if per.empty:
        return pd.DataFrame(columns=RETHINK_COLUMNS)
    chosen = finished.merge(per.reset_index()[keys], on=keys)[keys + ["intervention_id"]].drop_duplicates()
    ids: dict[tuple[int, int], list[int]] = {}
    for pupil_id, subject_id, intervention_id in chosen.itertuples(index=False, name=None):
        ids.setdefault((pupil_id, subject_id), []).append(int(intervention_id))
    per["intervention_ids"] = [sorted(ids[key]) for key in per.index.tolist()]
    per["reason"] = [
        _rethink_reason(count, gain, kind, t)
        for count, gain, kind in zip(per["interventions"], per["total_gain"], per["scale_kind"], strict=True)
    ]
    out = per.reset_index()
    out["pupil_id"] = out["pupil_id"].astype("int64")
    out["subject_id"] = out["subject_id"].astype("int64")
    out = out.sort_values(["interventions", "last_exit_date", "pupil_id"], ascending=[False, False, True])
    return out[RETHINK_COLUMNS].reset_index(drop=True)


def _rethink_reason(count: int, total_gain: float, kind: str, t: Thresholds) -> str:
    gained = (
        f"; {_fmt(total_gain, 1, sign=True)} {UNIT_WORDS.get(kind, 'points')} gained across them"
        if pd.notna(total_gain)
        else "; no entry and exit results to show a gain"
    )
    return (
        f"{count} interventions in this subject without a gain that lasted: no target met, no ratio gain of "
        f"{_d(t.rethink_ratio_gain)} or more and no rise of {_n(t.rethink_standardised_gain)} standardised points "
        f"that held{gained}. Rethink the support (and consider an assessment of SEN) rather than another group."
    )


# --- Everything -----------------------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """The result of ``evaluate``: pupils (``pupil_rows``), comparison (``comparison_gains``), groups
    (``group_summary``), programmes (``programme_summary``) and rethink (``pupils_to_rethink``)."""

    pupils: pd.DataFrame
    comparison: pd.DataFrame
    groups: pd.DataFrame
    programmes: pd.DataFrame
    rethink: pd.DataFrame


def evaluate(
    placements: pd.DataFrame,
    interventions: pd.DataFrame,
    results: pd.DataFrame,
    all_placements: pd.DataFrame | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> Evaluation:
    """Evaluate every intervention in ``interventions`` from its ``placements``, the school's ``results`` and
    (to keep pupils who had other support in the subject out of the comparison groups) ``all_placements``, every
    placement of the school; it defaults to ``placements``."""
    pupils = pupil_rows(placements, results, thresholds)
    comparison = comparison_gains(placements, results, all_placements, thresholds)
    groups = group_summary(pupils, comparison, interventions, thresholds)
    programmes = programme_summary(pupils, comparison, interventions, thresholds, groups=groups)
    rethink = pupils_to_rethink(pupils, thresholds)
    return Evaluation(pupils=pupils, comparison=comparison, groups=groups, programmes=programmes, rethink=rethink)
