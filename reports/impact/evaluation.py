"""Impact evaluation: is each intervention working, for whom, at what cost. Pure pandas and numpy over the
frames ``reports.impact.school_figures`` builds; no Django imports, so every rule can be tested with hand-made rows.

The method, in plain words, for a future maintainer (the "How impact is judged" page says it for schools):

1. **Each pupil** (``pupil_rows``): a pupil is *measured* when the placement has both an entry and an exit value
   on the intervention's scale. The gain is exit minus entry (months on age scales). Whether the pupil met their
   target, attended, rated their own progress, and kept their gain at the next assessment. Also the gain a pupil
   who *started where they did* would be expected to make without the intervention (``expected_gain``: ordinary
   progress plus the rise that regression to the mean gives a pupil chosen for a low score), used only when no
   comparison is possible.
2. **A comparison group** (``comparison_gains``): the pair of named assessments most of the group's pupils were
   measured on, and every other pupil of the same year group(s) who sat both, started near the group (within the
   group's range of entry scores widened by ``comparison_window_sd`` standard deviations of the entry scores), was
   never placed in the same programme, and was in no intervention in the same subject while the two assessments
   were taken.
3. **The effect** (``group_summary``): analysis of covariance, exit score on group membership and entry score over
   the group's pupils and its comparison pupils (``reports.impact.stats.ancova_from_sums``), so each side is compared
   with what pupils *starting at the same score* went on to get: regression to the mean is in both. The adjusted
   difference is divided by the SD of attainment (the spread of the exit assessment's scores across the year
   group(s), or the scale's published SD when fewer than ``min_sd_pupils`` sat it) for Hedges' g, the scale of
   the EEF Toolkit's months and of our thresholds. Without a comparison: the mean gain, Brooks' group ratio gain
   and d_av, judged against the expected gain, never "Strong" and never with EEF months.
4. **Each programme** (``programme_summary``): its groups measured on the same pair of assessments are analysed
   together (they share comparison pupils), then these estimates are pooled by inverse variance, random effects,
   with I² to show when the groups disagree.
5. **Pupils, not programmes** (``pupils_to_rethink``): pupils who have had several interventions in a subject and
   no gain that lasted.

Every threshold lives in ``Thresholds``; ``thresholds_text`` states the rules in words for the pages. Nothing here
loops over results or placements in Python: merges and group-bys do the work, and only the group and programme
summaries are walked (for the verdict's reasons).

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
from pupils.scales import months_to_age
from reports.impact.stats import TOOLKIT_MONTHS, ancova_from_sums, hedges_j, pool_effects, ratio_gain_band, t_quantile

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
    "date_of_birth",  # for the chronological age that reading and spelling ages are read against
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
    "scale_steps",  # how many values the scale can take when it is coarse (bands, grades); NaN otherwise
    "wave",
    "status",
    "start_date",
    "end_date",
    "cost",  # £, the whole planned cost of the intervention; NaN if unknown
]
ALL_PLACEMENT_COLUMNS = [
    "placement_id",
    "intervention_id",
    "pupil_id",
    "subject_id",
    "programme_id",
    "entry_date",
    "exit_date",
]
__all__ = [
    "ALL_PLACEMENT_COLUMNS",
    "COMPARISON_COLUMNS",
    "GROUP_COLUMNS",
    "INTERVENTION_COLUMNS",
    "METHODS",
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

AGE, STANDARDISED, KS2_SCALED, GCSE, BANDS = "age", "standardised", "ks2_scaled", "gcse", "bands"
AGE_STANDARDISED = (STANDARDISED, KS2_SCALED)  # no change is ordinary progress on these
CENTRED = {STANDARDISED: 100.0, KS2_SCALED: 100.0}  # the score of a typical pupil nationally

# The verdicts, strongest evidence of benefit first: the order of every table and legend.
VERDICTS = {
    "strong": "Strong evidence of impact",
    "some": "Some impact",
    "promising": "Promising, not yet clear",
    "inconclusive": "Inconclusive",
    "none": "No clear impact",
    "negative": "Negative",
    "too_little": "Too little data",
}
VERDICT_ORDER = list(VERDICTS)
RECOMMENDATIONS = {
    "continue": "Continue",
    "measure": "Continue and keep measuring",
    "modify": "Modify",
    "review": "Review: change or stop",
}
METHODS = {
    "comparison": "Compared with similar pupils",
    "before_after": "Before and after only",
    "none": "Not measured",
}
MEASURES = METHODS  # the name the templates used before

PUPIL_COLUMNS = PLACEMENT_COLUMNS + [
    "measured",
    "gain",
    "elapsed_months",
    "ratio_gain",
    "expected_gain",
    "excess_gain",
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
    # Before and after
    "mean_gain",
    "gain_ci_low",
    "gain_ci_high",
    "gain_sd",
    "score_sd",
    "mean_elapsed",
    "ratio_gain",
    "ratio_band",
    "d_av",
    "expected_gain",
    "excess_mean",
    "excess_ci_low",
    "excess_ci_high",
    "n_target_known",
    "pct_target_met",
    "attendance_pct",
    "n_sustained_known",
    "pct_sustained",
    # Against similar pupils
    "n_compared",
    "n_comparison",
    "entry_assessment_id",
    "exit_assessment_id",
    "entry_mean_group",
    "entry_mean_comparison",
    "exit_mean_group",
    "exit_mean_comparison",
    "comparison_mean_gain",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "sd_attainment",
    "sd_source",  # "year_group" (the spread of the exit assessment's scores), "scale" (published) or ""
    "sd_n",
    "too_coarse",
    "g",
    "g_se",
    "g_ci_low",
    "g_ci_high",
    "months",
    # Money
    "cost",
    "cost_per_pupil",
    "cost_per_month",
    # The judgement
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
PROGRAMME_COLUMNS = [
    "programme_id",
    "programme_name",
    "n_groups",
    "n_groups_compared",
    "i2",
    *SUMMARY_COLUMNS,
]
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

    Effect sizes (``strong_g``, ``some_g``) are in standard deviations of attainment, the scale of the EEF
    Toolkit: 0.2 is about 3 months' additional progress, 0.4 about 5.
    """

    min_pupils: int = 5  # group pupils in the effect estimate (or measured, before and after)
    min_comparison: int = 5  # distinct similar pupils without the intervention
    strong_g: float = 0.4
    some_g: float = 0.2  # the smallest effect worth paying for: a verdict of "no clear impact" must rule it out
    ratio_some: float = 1.4  # Brooks: "modest" (before and after, on reading and spelling ages)
    # The SD of attainment: the exit assessment's scores across the year group(s), when at least this many sat
    # it; otherwise the scale's published SD where one is defined.
    min_sd_pupils: int = 20
    population_sd: Mapping[str, float] = field(default_factory=lambda: _frozen({STANDARDISED: 15.0}))
    # Comparison pupils started within the group's range of entry scores widened by this many SDs of the entry
    # assessment's scores (so that the comparison is local, while leaving enough pupils to estimate the slope).
    comparison_window_sd: float = 1.0
    # Before and after only: the test reliability assumed when allowing for regression to the mean. Published
    # standardised tests report 0.85-0.95; assuming less allows for more, so a chance rise is not called impact.
    assumed_reliability: float = 0.8
    # A scale with fewer steps than this (bands, GCSE grades) is too coarse for an effect size when fewer than
    # coarse_moved_share of the comparison pupils' scores changed at all.
    coarse_steps: int = 10
    coarse_moved_share: float = 0.5
    low_attendance: float = 80.0  # per cent
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
    """The rules behind every verdict, as plain sentences for the pages (the "How impact is judged" page explains
    them at more length)."""
    sds = ", ".join(f"{_n(v)} for {KIND_WORDS.get(k, k)}" for k, v in t.population_sd.items())
    return [
        "Where the entry and exit results are from named assessments, the group's pupils are compared with similar "
        "pupils who sat the same two assessments: the same year group, a similar starting point (within "
        f"{_d(t.comparison_window_sd)} standard deviation of the group's range of entry scores), never in the same "
        "programme, and in no intervention in the subject between the two assessments.",
        "The effect is the difference in exit scores adjusted for where each pupil started (analysis of "
        "covariance), divided by the spread of attainment: the standard deviation of the exit assessment's scores "
        f"across the year group (or, when fewer than {t.min_sd_pupils} pupils sat it, the scale's published "
        f"spread: {sds}). This is Hedges' g, with a 95% confidence interval and the EEF Toolkit's months.",
        f"A verdict needs at least {t.min_pupils} of the group's pupils in the estimate and at least "
        f"{t.min_comparison} similar pupils to compare them with; with fewer it is 'Too little data'.",
        f"'Strong evidence of impact': the whole interval is above zero and g is {_d(t.strong_g)} or more. "
        "'Some impact': the whole interval is above zero. "
        f"'Promising, not yet clear': g is {_d(t.some_g)} or more but the interval includes zero. "
        f"'No clear impact': the interval rules out an effect of {_d(t.some_g)} or more. "
        "'Negative': the whole interval is below zero. Anything else is 'Inconclusive': the data cannot tell yet.",
        "Without a comparison (before and after only), pupils chosen for low scores tend to score higher next "
        "time anyway, so the gain is judged against what they would be expected to gain without help: ordinary "
        "progress (a month of reading age a month; no change in a standardised score) plus that rise, worked out "
        f"for a test reliability of {_d(t.assumed_reliability)}. 'Some impact' when the whole interval of the gain "
        "is above that; never 'Strong', and no EEF months. Raw scores, bands and grades rise with ordinary "
        "teaching by amounts nobody knows, so before and after they cannot show impact.",
        f"On a coarse scale (GCSE grades, or fewer than {t.coarse_steps} bands), when fewer than "
        f"{_n(100 * t.coarse_moved_share)}% of the comparison pupils' scores changed at all, the measure is too "
        "coarse for an effect size.",
        "Recommendation: 'Continue' for strong evidence or some impact; 'Modify' when attendance is below "
        f"{_n(t.low_attendance)}% (fix the dosage before judging the programme); 'Continue and keep measuring' "
        "when the evidence is promising, inconclusive or too little (too little data is never a reason to stop); "
        "'Review: change or stop' only when the interval rules out a useful effect or shows harm.",
        "A programme analyses its groups on the same two assessments together, then pools these estimates by "
        "inverse variance, allowing for real differences between groups (random effects); I² says how much the "
        "groups disagree beyond chance.",
        "A gain has lasted when the pupil's next assessment in the subject after the exit result is no lower "
        "than the exit result"
        + (
            " (allowing "
            + ", ".join(f"{_n(v)} points on {KIND_WORDS.get(k, k)}" for k, v in t.sustained_tolerance.items())
            + " for test noise)."
            if t.sustained_tolerance
            else "."
        ),
        f"Pupils to rethink: {t.rethink_min_interventions} or more finished interventions in one subject, none of "
        f"which gave a gain that lasted (a target met, a ratio gain of {_d(t.rethink_ratio_gain)} or more, or a "
        f"rise of {_n(t.rethink_standardised_gain)} points or more on a standardised score).",
    ]


KIND_WORDS = {
    AGE: "reading and spelling ages",
    STANDARDISED: "standardised scores",
    KS2_SCALED: "KS2 scaled scores",
    "raw": "raw scores",
    BANDS: "teacher assessment bands",
    GCSE: "GCSE grades",
}
UNIT_WORDS = {AGE: "months", BANDS: "bands", GCSE: "grades"}


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
_DATES = ("entry_date", "exit_date", "entry_taken_on", "exit_taken_on", "date_of_birth")


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
    "date_of_birth": _as_dates,
    "value": _as_floats,
    "scale_kind": _as_text,
}
_INTERVENTION_TYPES = {
    **dict.fromkeys(("intervention_id", "school_id", "programme_id", "subject_id", "wave"), _as_ids),
    **dict.fromkeys(("programme_name", "name", "subject_name", "scale_kind", "status"), _as_text),
    "cost": _as_floats,
    "scale_steps": _as_floats,
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


def _all_placement_frame(placements: pd.DataFrame) -> pd.DataFrame:
    """Every placement of the school (for keeping pupils with other support out of comparisons), typed."""
    return _typed(placements[[c for c in ALL_PLACEMENT_COLUMNS if c in placements.columns]], _PLACEMENT_TYPES,
                  ALL_PLACEMENT_COLUMNS)  # fmt: skip


def _as_maybe(series: pd.Series) -> pd.Series:
    """Yes, no or unknown (pandas' nullable boolean)."""
    if str(series.dtype) == "boolean":
        return series
    return series.astype(object).where(series.notna(), None).astype("boolean")


_PUPIL_TYPES = {
    **_PLACEMENT_TYPES,
    **dict.fromkeys(
        (
            "gain",
            "elapsed_months",
            "ratio_gain",
            "expected_gain",
            "excess_gain",
            "attendance_pct",
            "next_value",
            "sustained_change",
            "rating_change",
        ),
        _as_floats,
    ),  # fmt: skip
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


def _unknown_bool(length: int) -> pd.Series:
    return pd.Series(pd.array([pd.NA] * length, dtype="boolean"))


# --- 1. Each pupil --------------------------------------------------------------------------------------------


def pupil_rows(placements: pd.DataFrame, results: pd.DataFrame, thresholds: Thresholds = THRESHOLDS) -> pd.DataFrame:
    """One row per placement: the placement's columns (and any others it came with) and what each pupil gained.

    * ``measured``: both an entry and an exit value. ``gain`` = exit - entry (months on age scales).
    * ``elapsed_months``: between the entry and exit assessments when both results are linked, else between
      joining and leaving the group; days / 30.4375.
    * ``ratio_gain`` (age scales): gain / elapsed months (Brooks 2016, see ``reports.impact.stats.ratio_gain``); NaN
      on other scales and when no time has passed.
    * ``expected_gain``: what the pupil would be expected to gain without the intervention, for judging before
      and after when no comparison is possible (``_expected_gain``); ``excess_gain`` = gain - expected_gain.
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
    scores = _result_frame(results)
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
    frame["expected_gain"] = _expected_gain(frame, scores, thresholds).where(frame["measured"])
    frame["excess_gain"] = frame["gain"] - frame["expected_gain"]

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

    following = _next_results(frame, scores).reindex(frame["placement_id"].to_numpy())
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


def _expected_gain(frame: pd.DataFrame, scores: pd.DataFrame, t: Thresholds) -> pd.Series:
    """What each pupil would be expected to gain with no intervention at all, for before-and-after judgements:

        expected = ordinary progress + (1 - r) · max(0, centre - entry)

    Ordinary progress is the months that passed on age scales (a month of reading age a month) and 0 on
    age-standardised scores; other scales have no known ordinary progress (NaN). The second term is regression to
    the mean: a pupil chosen for a low score is, on average, expected to score (1 - r) of the way back towards
    the centre next time, r being the test's reliability (Campbell & Kenny, *A Primer on Regression Artifacts*,
    1999, ch. 2; here ``Thresholds.assumed_reliability``, set low so as to allow for more rather than less).
    The centre is the typical score: 100 on standardised and KS2 scaled scores, the pupil's chronological age on
    age scales, moved by how far the pupil's year group sat from it on the same entry assessment when at least
    ``min_sd_pupils`` of them sat it. Pupils above the centre are allowed nothing (regression would pull them
    down, which would only make the intervention look worse).
    """
    kind = frame["scale_kind"]
    taken = frame["entry_taken_on"].fillna(frame["entry_date"])
    norm = pd.Series(np.nan, index=frame.index, dtype="float64")
    is_age = kind == AGE
    norm[is_age] = months_between(frame.loc[is_age, "date_of_birth"], taken[is_age]).astype("float64")
    for centred, value in CENTRED.items():
        norm[kind == centred] = value

    # How far the year group sat from the norm on the same entry assessment (0 when too few sat it, or unlinked).
    offset = pd.Series(0.0, index=frame.index)
    if not scores.empty and frame["entry_assessment_id"].notna().any():
        sat = scores[scores["assessment_id"].isin(frame["entry_assessment_id"].dropna().unique())].copy()
        sat_norm = sat["scale_kind"].map(CENTRED).astype("float64")
        ages = sat["scale_kind"] == AGE
        sat_norm[ages] = months_between(sat.loc[ages, "date_of_birth"], sat.loc[ages, "taken_on"]).astype("float64")
        sat = sat.assign(_from_norm=sat["value"] - sat_norm).dropna(subset=["_from_norm"])
        per = sat.groupby(["assessment_id", "year_group"])["_from_norm"].agg(["mean", "size"])
        per = per[per["size"] >= t.min_sd_pupils]
        if not per.empty:
            keys = pd.MultiIndex.from_arrays([frame["entry_assessment_id"], frame["year_group"]])
            offset = pd.Series(per["mean"].reindex(keys).to_numpy(), index=frame.index).fillna(0.0)

    centre = norm + offset
    regression = (1 - t.assumed_reliability) * (centre - frame["entry_value"]).clip(lower=0)
    ordinary = pd.Series(np.nan, index=frame.index, dtype="float64")
    ordinary[is_age] = frame.loc[is_age, "elapsed_months"]
    ordinary[kind.isin(AGE_STANDARDISED)] = 0.0
    return (ordinary + regression).astype("float64")


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


def _pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Per intervention, the pair of named assessments most of its measured pupils were measured on (ties: the
    lowest ids), with its subject, scale, dates, the range of entry scores and programme; only pairs whose exit
    assessment came after the entry one. Indexed by intervention."""
    linked = frame[
        frame["entry_value"].notna()
        & frame["exit_value"].notna()
        & frame["entry_assessment_id"].notna()
        & frame["exit_assessment_id"].notna()
        & frame["subject_id"].notna()
    ]
    columns = ["entry_assessment_id", "exit_assessment_id", "subject_id", "programme_id", "scale_kind"]
    if linked.empty:
        return pd.DataFrame(columns=columns).rename_axis("intervention_id")
    pair_keys = ["intervention_id", "entry_assessment_id", "exit_assessment_id"]
    counts = linked.groupby(pair_keys).size().rename("pupils").reset_index()
    pairs = counts.sort_values(
        ["intervention_id", "pupils", "entry_assessment_id", "exit_assessment_id"], ascending=[True, False, True, True]
    ).drop_duplicates("intervention_id")[pair_keys]
    members = linked.merge(pairs, on=pair_keys)
    out = members.groupby("intervention_id").agg(
        entry_assessment_id=("entry_assessment_id", "first"),
        exit_assessment_id=("exit_assessment_id", "first"),
        subject_id=("subject_id", "first"),
        programme_id=("programme_id", "first"),
        scale_kind=("scale_kind", "first"),
        entry_taken_on=("entry_taken_on", "first"),
        exit_taken_on=("exit_taken_on", "first"),
        low=("entry_value", "min"),
        high=("entry_value", "max"),
    )
    years = members[["intervention_id", "year_group"]].dropna().drop_duplicates()
    out["year_groups"] = years.groupby("intervention_id")["year_group"].agg(lambda y: sorted(set(y)))
    out["year_groups"] = out["year_groups"].map(lambda y: y if isinstance(y, list) else [])
    return out[out["exit_taken_on"] > out["entry_taken_on"]]


def _spread(keys: pd.DataFrame, scores: pd.DataFrame, assessment: str) -> pd.DataFrame:
    """The SD of the scores in ``keys[assessment]`` of the pupils in each key's year groups, *within* year
    groups: with one year group its sample SD (divisor n - 1); with several, the pooled within-year SD
    √(Σ (n_y - 1) s_y² / Σ (n_y - 1)), so that a test sat by Years 2 and 4 is not made to look more spread by the
    two years between them (reading ages grow with age). ``keys`` has a ``key`` column, the assessment column and
    ``year_group`` (one row per year group). Indexed by key: ``sd``, ``n`` (pupils) and ``df`` (Σ (n_y - 1))."""
    sat = keys[["key", assessment, "year_group"]].merge(
        scores[["assessment_id", "year_group", "pupil_id", "value"]].rename(columns={"assessment_id": assessment}),
        on=[assessment, "year_group"],
    )
    sat = sat.drop_duplicates(["key", "pupil_id"])
    years = sat.groupby(["key", "year_group"])["value"].agg(variance="var", n="size")
    years = years.assign(df=years["n"] - 1, squares=(years["n"] - 1) * years["variance"].fillna(0.0))
    out = years.groupby("key").agg(n=("n", "sum"), df=("df", "sum"), squares=("squares", "sum"))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["sd"] = np.sqrt(out["squares"] / out["df"]).where(out["df"] > 0)
    return out[["sd", "n", "df"]]


def comparison_gains(
    placements: pd.DataFrame,
    results: pd.DataFrame,
    all_placements: pd.DataFrame | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> pd.DataFrame:
    """Similar pupils who had no intervention, one row per (intervention, comparison pupil), with their scores.

    For each intervention, the assessment pair is the most common (entry assessment, exit assessment) among its
    pupils with both results linked (ties: the lowest ids). A comparison pupil

    * has results in both assessments of the pair (so the same subject, scale and dates);
    * is in one of the year groups of the group's pupils measured on that pair (current year groups: a year
      group moves up together, so this is also the same year group at the time);
    * started within the group's range of entry scores on the pair, widened on each side by
      ``comparison_window_sd`` times the SD of the entry assessment's scores in those year groups;
    * was never a member of the group, never placed in any group of the same programme (at any time), and in no
      placement in the same subject (from ``all_placements``, every placement of the school) that overlapped the
      days from the entry to the exit assessment.

    ``gain`` = exit value - entry value (``baseline``). ``evaluate`` compares these pupils with the group by
    analysis of covariance, so how near they started matters less than it would for a difference in gains.
    """
    frame = _placement_frame(placements)
    others = _all_placement_frame(frame if all_placements is None else all_placements)
    scores = _result_frame(results)
    empty = pd.DataFrame({column: pd.Series(dtype="float64") for column in COMPARISON_COLUMNS})
    groups = _pairs(frame)
    if groups.empty or scores.empty:
        return empty
    groups = groups.reset_index()
    scores = scores[
        scores["assessment_id"].isin(pd.concat([groups["entry_assessment_id"], groups["exit_assessment_id"]]))
    ]
    years = groups[["intervention_id", "entry_assessment_id", "year_groups"]].explode("year_groups")
    years = years.rename(columns={"year_groups": "year_group"}).dropna(subset=["year_group"])
    years["year_group"] = years["year_group"].astype("float64")
    spread = _spread(years.rename(columns={"intervention_id": "key"}), scores, "entry_assessment_id")
    margin = (thresholds.comparison_window_sd * spread["sd"]).reindex(groups["intervention_id"]).fillna(0.0)
    groups["margin"] = margin.to_numpy()

    entry_scores = scores[["pupil_id", "assessment_id", "year_group", "value"]].rename(
        columns={"assessment_id": "entry_assessment_id", "value": "baseline"}
    )
    candidates = groups.drop(columns=["year_groups"]).merge(entry_scores, on="entry_assessment_id")
    candidates = candidates.merge(years[["intervention_id", "year_group"]], on=["intervention_id", "year_group"])
    near = (candidates["baseline"] >= candidates["low"] - candidates["margin"]) & (
        candidates["baseline"] <= candidates["high"] + candidates["margin"]
    )
    candidates = candidates[near]
    exit_scores = scores[["pupil_id", "assessment_id", "value"]].rename(
        columns={"assessment_id": "exit_assessment_id", "value": "exit_value"}
    )
    candidates = candidates.merge(exit_scores, on=["pupil_id", "exit_assessment_id"])

    # Never a member of the group (whether or not they were measured).
    in_group = frame[["intervention_id", "pupil_id"]].drop_duplicates().assign(_member=True)
    candidates = candidates.merge(in_group, on=["intervention_id", "pupil_id"], how="left")
    candidates = candidates[candidates["_member"].isna()]
    # Never in the same programme: its effect would be on both sides of the comparison.
    programme_pupils = others.loc[others["programme_id"].notna(), ["programme_id", "pupil_id"]].drop_duplicates()
    same = candidates[["intervention_id", "pupil_id", "programme_id"]].dropna(subset=["programme_id"])
    same = same.merge(programme_pupils, on=["programme_id", "pupil_id"])[["intervention_id", "pupil_id"]]
    candidates = candidates.merge(
        same.drop_duplicates().assign(_programme=True), on=["intervention_id", "pupil_id"], how="left"
    )
    candidates = candidates[candidates["_programme"].isna()]
    # Not in any intervention in the subject while the two assessments were taken.
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
    ordered = candidates.drop_duplicates(["intervention_id", "pupil_id"]).sort_values(
        ["intervention_id", "pupil_id"], kind="stable"
    )
    return ordered[COMPARISON_COLUMNS].reset_index(drop=True)


# --- 3. The effect: ANCOVA on the attainment scale ------------------------------------------------------------

_ANCOVA_COLUMNS = [
    "n_compared",
    "n_comparison",
    "entry_mean_group",
    "exit_mean_group",
    "entry_mean_comparison",
    "exit_mean_comparison",
    "comparison_mean_gain",
    "moved_share",
    "difference",
    "difference_se",
    "difference_df",
    "difference_ci_low",
    "difference_ci_high",
]


def _ancova(treated: pd.DataFrame, control: pd.DataFrame) -> pd.DataFrame:
    """The adjusted difference for every ``key`` at once. Both frames have columns ``key``, ``entry`` and
    ``exit`` (one row per pupil); the sums go to ``reports.impact.stats.ancova_from_sums``. Indexed by key."""
    sides = []
    for frame in (treated, control):
        grouped = frame.groupby("key")
        x_mean = grouped["entry"].transform("mean")
        y_mean = grouped["exit"].transform("mean")
        dx, dy = frame["entry"] - x_mean, frame["exit"] - y_mean
        sums = frame.assign(_xx=dx * dx, _xy=dx * dy, _yy=dy * dy, _moved=frame["exit"] != frame["entry"])
        sides.append(
            sums.groupby("key").agg(
                n=("entry", "size"),
                x=("entry", "mean"),
                y=("exit", "mean"),
                xx=("_xx", "sum"),
                xy=("_xy", "sum"),
                yy=("_yy", "sum"),
                moved=("_moved", "mean"),
            )
        )
    t, c = sides[0].add_suffix("_t"), sides[1].add_suffix("_c")
    both = t.join(c, how="inner")
    if both.empty:
        return pd.DataFrame(columns=_ANCOVA_COLUMNS).rename_axis("key")
    fit = ancova_from_sums(
        both["n_t"], both["x_t"], both["y_t"], both["n_c"], both["x_c"], both["y_c"],
        both["xx_t"] + both["xx_c"], both["xy_t"] + both["xy_c"], both["yy_t"] + both["yy_c"],
    )  # fmt: skip
    out = pd.DataFrame(
        {
            "n_compared": both["n_t"].astype("int64"),
            "n_comparison": both["n_c"].astype("int64"),
            "entry_mean_group": both["x_t"],
            "exit_mean_group": both["y_t"],
            "entry_mean_comparison": both["x_c"],
            "exit_mean_comparison": both["y_c"],
            "comparison_mean_gain": both["y_c"] - both["x_c"],
            "moved_share": both["moved_c"].astype("float64"),
            "difference": fit["difference"],
            "difference_se": fit["se"],
            "difference_df": fit["df"],
            "difference_ci_low": fit["ci_low"],
            "difference_ci_high": fit["ci_high"],
        },
        index=both.index,
    )
    return out


def _attainment_sd(keys: pd.DataFrame, scores: pd.DataFrame, t: Thresholds) -> pd.DataFrame:
    """The SD of attainment per key: the SD of the exit assessment's scores over every pupil of the key's year
    groups who sat it (within year groups, ``_spread``), when at least ``min_sd_pupils`` did (source
    "year_group", with its degrees of freedom);
    otherwise the scale's published SD (``Thresholds.population_sd``; source "scale", taken as known); otherwise
    none. ``keys``: columns ``key``, ``exit_assessment_id``, ``year_group`` and ``scale_kind``. Indexed by key,
    columns ``sd_attainment``, ``sd_df``, ``sd_source``, ``sd_n``."""
    columns = ["sd_attainment", "sd_df", "sd_source", "sd_n"]
    if keys.empty:
        return pd.DataFrame(columns=columns).rename_axis("key")
    kinds = keys.groupby("key")["scale_kind"].first()
    spread = _spread(keys, scores, "exit_assessment_id").reindex(kinds.index)
    enough = spread["n"] >= t.min_sd_pupils
    published = kinds.map(dict(t.population_sd)).astype("float64")
    out = pd.DataFrame(index=kinds.index)
    out["sd_attainment"] = spread["sd"].where(enough, published)
    out["sd_df"] = spread["df"].where(enough, np.where(published.notna(), np.inf, np.nan))
    out["sd_source"] = np.where(enough, "year_group", np.where(published.notna(), "scale", ""))
    out["sd_n"] = spread["n"].fillna(0).astype("int64")
    out.loc[~(out["sd_attainment"] > 0), ["sd_attainment", "sd_df"]] = np.nan
    out.loc[out["sd_attainment"].isna(), "sd_source"] = ""
    return out[columns]


def _standardise(table: pd.DataFrame) -> None:
    """Hedges' g and its CI from the adjusted difference and the SD of attainment, in place (see
    ``reports.impact.stats.standardised_effect``: g = J·Δ/SD, J = 1 - 3/(4·df_SD - 1))."""
    j = table["sd_df"].map(lambda df: hedges_j(df) if pd.notna(df) and df >= 1 else np.nan).astype("float64")
    sd = table["sd_attainment"]
    table["g"] = j * table["difference"] / sd
    table["g_se"] = j * table["difference_se"] / sd
    table["g_ci_low"] = j * table["difference_ci_low"] / sd
    table["g_ci_high"] = j * table["difference_ci_high"] / sd


def _coarse(kind: pd.Series, steps: pd.Series, moved: pd.Series, t: Thresholds) -> pd.Series:
    """A coarse scale on which the comparison pupils barely moved: too coarse for an effect size."""
    coarse = (kind == GCSE) | (pd.to_numeric(steps, errors="coerce") < t.coarse_steps)
    return (coarse & (moved < t.coarse_moved_share)).fillna(False).astype(bool)


# --- Shared statistics ----------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _t975_of(degrees: int) -> float:
    return t_quantile(0.975, degrees)


def _t975(degrees: pd.Series) -> pd.Series:
    """t(0.975, df) for each df (NaN where df < 1); each distinct df is computed once per process."""
    return degrees.map(lambda df: _t975_of(int(df)) if pd.notna(df) and df >= 1 else np.nan).astype("float64")


def _mean_ci(mean: pd.Series, sd: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The t-based 95% CI of a mean, as ``reports.impact.stats.mean_ci``: mean ± t(0.975, n-1)·s/√n (Altman et al.,
    *Statistics with Confidence*, 2000); NaN for fewer than 2 values."""
    n = n.astype("float64")
    half = _t975(n - 1) * sd / np.sqrt(n)
    return (mean - half).where(n >= 2), (mean + half).where(n >= 2)


def _pupil_stats(pupils: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per ``key`` (intervention or programme): counts, the mean gain with its 95% CI, d_av (mean change over the
    mean of the entry and exit SDs, Lakens 2013, eq. 10), Brooks' group ratio gain (mean months gained over mean
    months elapsed, ``reports.impact.stats.group_ratio_gain``), the gain beyond what was expected without help
    (``pupil_rows``' ``excess_gain``) with its CI, and the shares meeting targets, attending and keeping their
    gain."""
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
    timed = measured["ratio_gain"].notna()
    measured = measured.assign(
        _ratio_gain=measured["gain"].where(timed),
        _ratio_elapsed=measured["elapsed_months"].where(timed),
        _beyond_ordinary=measured["gain"] - (measured["expected_gain"] - _regression_part(measured)),
    )
    stats = measured.groupby(key).agg(
        n_measured=("gain", "size"),
        mean_gain=("gain", "mean"),
        gain_sd=("gain", "std"),
        entry_sd=("entry_value", "std"),
        exit_sd=("exit_value", "std"),
        mean_elapsed=("elapsed_months", "mean"),
        ratio_gains=("_ratio_gain", "mean"),
        ratio_elapsed=("_ratio_elapsed", "mean"),
        total_gain=("gain", "sum"),
        expected_gain=("expected_gain", "mean"),
        excess_mean=("excess_gain", "mean"),
        excess_sd=("excess_gain", "std"),
        excess_n=("excess_gain", "count"),
        beyond_mean=("_beyond_ordinary", "mean"),
        beyond_sd=("_beyond_ordinary", "std"),
        beyond_n=("_beyond_ordinary", "count"),
    )
    out = everyone.join(stats, how="left")
    out["n_measured"] = out["n_measured"].fillna(0).astype("int64")
    for column in ("n_placed", "n_target_known", "n_sustained_known"):
        out[column] = out[column].astype("int64")
    out["gain_ci_low"], out["gain_ci_high"] = _mean_ci(out["mean_gain"], out["gain_sd"], out["n_measured"])
    out["excess_ci_low"], out["excess_ci_high"] = _mean_ci(out["excess_mean"], out["excess_sd"], out["excess_n"])
    _low, out["beyond_ci_high"] = _mean_ci(out["beyond_mean"], out["beyond_sd"], out["beyond_n"])
    out["score_sd"] = (out["entry_sd"] + out["exit_sd"]) / 2
    n = out["n_measured"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["d_av"] = (out["mean_gain"] / out["score_sd"]).where((n >= 2) & (out["score_sd"] > 0))
        out["ratio_gain"] = (out["ratio_gains"] / out["ratio_elapsed"]).where(out["ratio_elapsed"] > 0)
        out["pct_target_met"] = (100 * out["n_target_met"] / out["n_target_known"]).where(out["n_target_known"] > 0)
        out["pct_sustained"] = (100 * out["n_sustained"] / out["n_sustained_known"]).where(out["n_sustained_known"] > 0)
    out["ratio_band"] = out["ratio_gain"].map(lambda rg: ratio_gain_band(rg) if pd.notna(rg) else "")
    return out


def _regression_part(rows: pd.DataFrame) -> pd.Series:
    """The regression-to-the-mean part of each pupil's expected gain (the expected gain less ordinary progress)."""
    ordinary = pd.Series(np.nan, index=rows.index, dtype="float64")
    ordinary[rows["scale_kind"] == AGE] = rows.loc[rows["scale_kind"] == AGE, "elapsed_months"]
    ordinary[rows["scale_kind"].isin(AGE_STANDARDISED)] = 0.0
    return rows["expected_gain"] - ordinary


_MONTH_EDGES = np.array([int(lower * 100) for lower, _months in reversed(TOOLKIT_MONTHS)])  # 2, 10, 19, ... 96


def _months(g: pd.Series) -> pd.Series:
    """``reports.impact.stats.toolkit_months`` for a whole column at once: |g| rounded half up to 2 dp (in hundredths,
    rounded first at 8 dp so that 0.015 stored as 0.01499... still rounds up), looked up in the EEF table, with
    g's sign. NaN stays NaN."""
    values = g.to_numpy(dtype="float64", na_value=np.nan)
    hundredths = np.floor(np.round(np.abs(values) * 100, 8) + 0.5)
    months = np.searchsorted(_MONTH_EDGES, hundredths, side="right").astype("float64")
    return pd.Series(np.where(np.isnan(values), np.nan, np.copysign(months, values) + 0.0), index=g.index)


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
    *,
    results: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per intervention (every row of ``interventions``, even those with nobody placed yet).

    The group's own figures come from ``pupil_rows``; the comparison from ``comparison_gains``. The effect is the
    ANCOVA-adjusted difference between the group's pupils measured on the comparison's pair of assessments
    (``n_compared``) and the comparison pupils (``n_comparison``), over the SD of attainment from ``results``
    (``_attainment_sd``; the scale's published SD when ``results`` is None): Hedges' g with its 95% CI and the
    EEF months. ``measure`` is "comparison" when at least ``min_comparison`` similar pupils gave an adjusted
    difference, "before_after" when some pupils were measured, else "none". ``comparison_years`` lists the year
    groups compared (for the reasons).
    """
    ivs = _intervention_frame(interventions)
    rows = _pupil_frame(pupils)
    stats = _pupil_stats(rows, "intervention_id")
    out = ivs.set_index("intervention_id").join(stats, how="left")
    _fill_counts(out)

    pairs = _pairs(rows)
    compared = _comparison_stats(
        rows,
        pairs,
        comparison,
        _result_frame(results),
        thresholds,
        steps=ivs.set_index("intervention_id")["scale_steps"],
    )
    out = out.join(compared, how="left")
    out["entry_assessment_id"] = pairs["entry_assessment_id"].reindex(out.index).astype("Int64")
    out["exit_assessment_id"] = pairs["exit_assessment_id"].reindex(out.index).astype("Int64")
    for column in ("n_compared", "n_comparison", "sd_n"):
        out[column] = out[column].fillna(0).astype("int64")
    out["sd_source"] = _as_text(out["sd_source"])
    out["too_coarse"] = _as_flags(out["too_coarse"])
    out["comparison_years"] = out["comparison_years"].map(lambda years: years if isinstance(years, list) else [])
    compared_ok = out["difference"].notna() & (out["n_comparison"] >= thresholds.min_comparison)
    _blank_comparison(out, ~compared_ok)
    out["months"] = _months(out["g"])
    _costs(out)
    out["measure"] = np.where(compared_ok, "comparison", np.where(out["n_measured"] > 0, "before_after", "none"))
    out["comparison_note"] = [_comparison_note(row, thresholds) for row in out.to_dict("records")]
    _judge(out, thresholds)
    out = out.reset_index()
    return out[GROUP_COLUMNS]


_EFFECT_COLUMNS = ["difference", "difference_ci_low", "difference_ci_high", "g", "g_se", "g_ci_low", "g_ci_high"]


def _blank_comparison(out: pd.DataFrame, rows: pd.Series) -> None:
    """No effect where there is no usable comparison, and no g where the scale is too coarse for one."""
    out.loc[rows, _EFFECT_COLUMNS] = np.nan
    out.loc[out["too_coarse"], ["g", "g_se", "g_ci_low", "g_ci_high"]] = np.nan


def _comparison_stats(
    pupils: pd.DataFrame,
    pairs: pd.DataFrame,
    comparison: pd.DataFrame | None,
    scores: pd.DataFrame,
    thresholds: Thresholds,
    *,
    steps: pd.Series,
) -> pd.DataFrame:
    """Per intervention: the ANCOVA of its pupils on the pair against its comparison pupils (``_ancova``), the SD
    of attainment and g, whether the scale is too coarse, and the comparison's year groups."""
    columns = [*_ANCOVA_COLUMNS, "sd_attainment", "sd_df", "sd_source", "sd_n", "too_coarse", *_EFFECT_COLUMNS[3:]]
    columns += ["comparison_years"]
    others = _comparison_frame(comparison)
    if others.empty or pairs.empty:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in columns}).rename_axis("intervention_id")
    pair = pairs[["entry_assessment_id", "exit_assessment_id"]].reset_index()
    treated = pupils[pupils["measured"]].merge(
        pair, on=["intervention_id", "entry_assessment_id", "exit_assessment_id"]
    )
    table = _ancova(
        treated.rename(columns={"intervention_id": "key", "entry_value": "entry", "exit_value": "exit"}),
        others.rename(columns={"intervention_id": "key", "baseline": "entry", "exit_value": "exit"}),
    )
    keys = pairs[["exit_assessment_id", "year_groups", "scale_kind"]].explode("year_groups").reset_index()
    keys = keys.rename(columns={"intervention_id": "key", "year_groups": "year_group"}).dropna(subset=["year_group"])
    keys["year_group"] = keys["year_group"].astype("float64")
    table = table.join(_attainment_sd(keys, scores, thresholds), how="left")
    _standardise(table)
    kinds = pairs["scale_kind"].reindex(table.index)
    steps = steps.reindex(table.index)
    table["too_coarse"] = _coarse(kinds, steps, table["moved_share"], thresholds)
    years = others[["intervention_id", "year_group"]].dropna().drop_duplicates()
    years_of = years.groupby("intervention_id")["year_group"].agg(lambda y: sorted(int(v) for v in set(y)))
    table["comparison_years"] = years_of.reindex(table.index).map(lambda y: y if isinstance(y, list) else [])
    table.index = table.index.astype("Int64")
    return table.rename_axis("intervention_id")[columns]


def _comparison_frame(comparison: pd.DataFrame | None) -> pd.DataFrame:
    if comparison is None or comparison.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    others = comparison.copy()
    for column in ("intervention_id", "pupil_id", "entry_assessment_id", "exit_assessment_id"):
        others[column] = _as_ids(others[column])
    for column in ("baseline", "exit_value", "gain", "year_group"):
        others[column] = pd.to_numeric(others[column], errors="coerce").astype("float64")
    return others[others["baseline"].notna() & others["exit_value"].notna()]


def _comparison_note(row: Mapping[str, Any], thresholds: Thresholds) -> str:
    """Why a group with measured pupils has no comparison ("" when it has one or nobody was measured)."""
    if row.get("measure") != "before_after":
        return ""
    if _num(row.get("entry_assessment_id")) is None:
        return (
            "No comparison: the entry and exit results are not both linked to named assessments that other "
            "pupils sat too"
        )
    found = int(_num(row.get("n_comparison")) or 0)
    if found < thresholds.min_comparison:
        return (
            f"No comparison: {_count(found, 'similar pupil')} without an intervention sat both assessments "
            f"({thresholds.min_comparison} needed)"
        )
    return "No comparison: the entry scores have no spread to adjust for"


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


def _score(value: float, kind: str) -> str:
    """A score as a school writes it: reading ages in years:months, others to one decimal."""
    if kind == AGE:
        return months_to_age(value)
    return _fmt(value, 1)


def _years_text(years: list[int]) -> str:
    labels = ["Reception" if y == 0 else "Nursery" if y < 0 else f"Year {y}" for y in sorted(years)]
    if len(labels) <= 1:
        return labels[0] if labels else ""
    if all(label.startswith("Year ") for label in labels):
        numbers = [label.removeprefix("Year ") for label in labels]
        return "Years " + ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _pupils(count: int) -> str:
    return _count(count, "pupil")


def _how_many(part: int, whole: int, who: str, verbs: tuple[str, str, str]) -> str:
    """A sentence about ``part`` of ``whole`` pupils in plain English, with no "1 of 1" or "None of the 1 pupils":
    ``who`` follows "pupils" ("with a target"), ``verbs`` are (one did, several did, did not) ("met it", "met it",
    "did not meet it"). "The pupil with a target met it", "Both pupils ...", "All 6 pupils ...", "Neither pupil
    ...", "None of the 4 pupils ...", "3 of the 5 pupils ...". Wording only: the counts are the caller's."""
    one, many, not_one = verbs
    tail = f" {who}" if who else ""
    if whole == 1:
        return f"The pupil{tail} {one if part else not_one}"
    if part == whole:
        return f"{'Both' if whole == 2 else f'All {whole}'} pupils{tail} {many}"
    if part == 0:
        return f"Neither pupil{tail} {one}" if whole == 2 else f"None of the {whole} pupils{tail} {one}"
    return f"{part} of the {whole} pupils{tail} {one if part == 1 else many}"


def verdict(row: Mapping[str, Any], thresholds: Thresholds = THRESHOLDS) -> Judgement:
    """The verdict, recommendation and reasons for one group or programme (a row of the summaries, or any
    mapping with their column names). The one place the rules live; ``thresholds_text`` says them in words.

    1. *Too little data*: nothing measured; or, with a comparison, fewer than ``min_pupils`` of the group's pupils
       in the estimate; or, before and after, fewer than ``min_pupils`` measured.
    2. With a comparison (``measure == "comparison"``), on Hedges' g and its 95% CI: negative when the CI is
       wholly below zero; strong when it is wholly above zero and g >= ``strong_g``; some when it is wholly above
       zero; promising when g >= ``some_g`` but the CI includes zero; none when the CI's upper end is below
       ``some_g`` (a useful effect is ruled out); otherwise inconclusive. With no SD of attainment the adjusted
       difference's CI decides between some, negative and inconclusive. On a coarse scale whose comparison
       pupils barely moved: inconclusive, "too coarse".
    3. Before and after only: negative when the CI of the mean gain is wholly below zero; on reading and spelling
       ages and age-standardised scores, some when the CI of the gain beyond the expected gain (ordinary
       progress and regression to the mean, ``pupil_rows``) is wholly above zero, promising when that gain's mean
       reaches a useful size, none when even the gain beyond ordinary progress alone is below a useful size;
       otherwise (and on every other scale) inconclusive. Never strong.
    4. Recommendation: strong -> continue; some -> continue, or modify when attendance is below
       ``low_attendance``; none -> modify when attendance is low (fix dosage first), else review; negative ->
       review; promising, inconclusive and too little -> continue and keep measuring (a group still planned or
       running with too little data: continue, and judge it when its exit results are in).
    """
    t = thresholds
    placed = int(_num(row.get("n_placed")) or 0)
    measured = int(_num(row.get("n_measured")) or 0)
    measure = row.get("measure") or "none"
    kind = row.get("scale_kind") or ""
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
            reasons.append(
                _how_many(0, placed, "", ("has both an entry and an exit result yet", "", "has no exit result yet"))
                if placed > 1
                else "The pupil does not have both an entry and an exit result yet"
            )
    else:
        reasons.append(
            _how_many(measured, placed, "", ("has entry and exit results", "have entry and exit results", ""))
        )
        if measure == "comparison":
            decision = _comparison_decision(row, t, kind, reasons)
        elif measured < t.min_pupils:
            reasons.append(f"Fewer than {t.min_pupils} pupils with both results: too few to judge")
        else:
            decision = _before_after_decision(row, t, kind, reasons)

    extra = _context_reasons(row)
    if low_attendance:
        reasons.append(f"Attendance averaged {attendance:.0f}%, below {_n(t.low_attendance)}%")
    if decision == "strong":
        recommendation = "continue"
    elif decision in ("some", "none") and low_attendance:
        recommendation = "modify"
        reasons.append("Improve attendance (the dosage) before judging the programme")
    elif decision == "some":
        recommendation = "continue"
    elif decision in ("none", "negative"):
        recommendation = "review"
    elif decision == "too_little" and row.get("status") in ("planned", "running"):
        # Not yet judgeable is not a reason to stop a group part way: finish it and measure it.
        recommendation = "continue"
        reasons.append("Still running: judge it when the exit results are in")
    else:
        # Promising, inconclusive or too little: absence of evidence is not evidence of absence.
        recommendation = "measure"
    if decision == "too_little" and measured < placed and not (measure == "none" and not kind):
        reasons.append("Record entry and exit results, from named assessments, for every pupil")
    return Judgement(decision, recommendation, reasons + extra)


def _sd_text(row: Mapping[str, Any], kind: str) -> str:
    sd = _num(row.get("sd_attainment"))
    unit = UNIT_WORDS.get(kind, "points")
    if sd is None:
        return ""
    if row.get("sd_source") == "year_group":
        return f"{_fmt(sd, 1)} {unit}, the spread of the {int(_num(row.get('sd_n')) or 0)} pupils who sat the exit assessment"
    return f"{_fmt(sd, 1)} {unit}, the scale's published spread"


def _comparison_decision(row: Mapping[str, Any], t: Thresholds, kind: str, reasons: list[str]) -> str:
    unit = UNIT_WORDS.get(kind, "points")
    compared = int(_num(row.get("n_compared")) or 0)
    others = int(_num(row.get("n_comparison")) or 0)
    pooled = int(_num(row.get("n_groups_compared")) or 0)
    entry_g, entry_c = _num(row.get("entry_mean_group")), _num(row.get("entry_mean_comparison"))
    start = (
        f"; at the start they averaged {_score(entry_g, kind)} and the similar pupils {_score(entry_c, kind)}"
        if entry_g is not None and entry_c is not None
        else ""
    )
    if pooled:
        reasons.append(
            f"{_pupils(compared)} in {_count(pooled, 'group')} compared with {others} distinct similar pupils who sat "
            f"the same assessments and had no intervention in the subject{start}"
        )
    else:
        years = _years_text(list(row.get("comparison_years") or []))
        subject = (row.get("subject_name") or "").lower()
        what = f"no {subject} intervention" if subject else "no intervention in the subject"
        who = f"{_count(others, 'similar pupil')}" + (f" (now in {years})" if years else "")
        reasons.append(f"{compared} of them sat the same two assessments as {who} who had {what}{start}")
    if compared < t.min_pupils:
        reasons.append(
            f"Only {_pupils(compared)} of the group in the comparison ({t.min_pupils} needed): too few to judge"
        )
        return "too_little"
    if row.get("too_coarse"):
        reasons.append(
            "The scale is too coarse for an effect size: most of the similar pupils' scores did not change at all "
            "between the two assessments. Measure entry and exit on a finer scale, such as a standardised test"
        )
        return "inconclusive"
    difference = _num(row.get("difference"))
    d_low, d_high = _num(row.get("difference_ci_low")), _num(row.get("difference_ci_high"))
    if difference is not None and d_low is not None and d_high is not None:
        reasons.append(
            f"Adjusted for where they started, the group scored {_fmt(difference, 1, sign=True)} {unit} "
            f"(95% CI {_fmt(d_low, 1)} to {_fmt(d_high, 1)}) against the similar pupils"
        )
    i2 = _num(row.get("i2"))
    if i2 is not None and pooled > 1:
        agree = "they broadly agree" if i2 < 50 else "they disagree more than chance would explain: see each group"
        reasons.append(f"I² = {i2:.0f}% across the groups: {agree}")
    g, low, high = (_num(row.get(name)) for name in ("g", "g_ci_low", "g_ci_high"))
    if g is None or low is None or high is None:
        reasons.append(
            f"No spread of attainment to put this on: fewer than {t.min_sd_pupils} pupils sat the exit assessment "
            "and the scale has no published spread, so there is no effect size or EEF months"
        )
        if d_low is None or d_high is None:
            return "inconclusive"
        if d_low > 0:
            return "some"
        if d_high < 0:
            reasons.append("The pupils scored lower than similar pupils without the intervention")
            return "negative"
        return "inconclusive"
    months = _num(row.get("months"))
    months_text = f", about {int(months):+d} months of progress".replace("-", "\u2212") if months is not None else ""
    sd_text = _sd_text(row, kind)
    reasons.append(
        f"Effect size g = {_fmt(g)} (95% CI {_fmt(low)} to {_fmt(high)}){months_text}"
        + (f"; standard deviation of attainment {sd_text}" if sd_text and not pooled else "")
    )
    if high < 0:
        reasons.append("The pupils did worse than similar pupils without the intervention")
        return "negative"
    if low > 0 and g >= t.strong_g:
        return "strong"
    if low > 0:
        reasons.append(f"Better than similar pupils, but g is below {_d(t.strong_g)}")
        return "some"
    if g >= t.some_g:
        reasons.append(
            f"g is {_d(t.some_g)} or more, but the interval includes zero: promising, not yet clear"
            + ("" if pooled else "; see the programme across all its groups")
        )
        return "promising"
    if high < t.some_g:
        reasons.append(f"The interval rules out an effect of {_d(t.some_g)} or more")
        return "none"
    reasons.append(
        f"The interval includes both zero and effects of {_d(t.some_g)} or more: the data cannot tell yet"
        + ("" if pooled else "; see the programme across all its groups")
    )
    return "inconclusive"


def _before_after_decision(row: Mapping[str, Any], t: Thresholds, kind: str, reasons: list[str]) -> str:
    unit = UNIT_WORDS.get(kind, "points")
    note = row.get("comparison_note") or ""
    if note:
        reasons.append(note)
    reasons.append(
        "Before and after only: pupils chosen for low scores tend to score higher on the next test anyway, so a "
        "rise alone does not show impact. A comparison needs results for similar pupils without the "
        "intervention on the same two named assessments (for example a whole year group's termly test)"
    )
    mean, low, high = (_num(row.get(name)) for name in ("mean_gain", "gain_ci_low", "gain_ci_high"))
    if mean is None or low is None or high is None:
        reasons.append("The mean gain has no confidence interval")
        return "inconclusive"
    gain_text = f"Mean gain {_fmt(mean, 1, sign=True)} {unit} (95% CI {_fmt(low, 1)} to {_fmt(high, 1)})"
    if kind == AGE:
        ratio = _num(row.get("ratio_gain"))
        elapsed = _num(row.get("mean_elapsed"))
        if ratio is not None:
            band = row.get("ratio_band") or ratio_gain_band(ratio)
            over = f" over {elapsed:.1f} months" if elapsed else ""
            gain_text += f"{over}: group ratio gain {ratio:.1f} ({band}; 1.0 is ordinary progress)"
    reasons.append(gain_text)
    if high < 0:
        reasons.append("The pupils' scores fell")
        return "negative"
    if kind not in (AGE, *AGE_STANDARDISED):
        reasons.append(
            "On raw scores, bands and grades ordinary teaching raises scores by an amount nobody knows, so before "
            "and after alone cannot show impact"
        )
        return "inconclusive"
    expected = _num(row.get("expected_gain"))
    excess, e_low, e_high = (_num(row.get(name)) for name in ("excess_mean", "excess_ci_low", "excess_ci_high"))
    if expected is None or excess is None or e_low is None or e_high is None:
        reasons.append("The gain expected without help cannot be worked out (a date of birth or a date is missing)")
        return "inconclusive"
    reasons.append(
        f"Expected without help: about {_fmt(expected, 1, sign=True)} {unit} (ordinary progress and the rise a low "
        f"scorer makes anyway); beyond that {_fmt(excess, 1, sign=True)} {unit} (95% CI {_fmt(e_low, 1)} to "
        f"{_fmt(e_high, 1)})"
    )
    if e_low > 0:
        reasons.append("More than expected without help, but without a comparison this cannot be called strong")
        return "some"
    if kind == AGE:
        elapsed = _num(row.get("mean_elapsed"))
        useful = (t.ratio_some - 1) * elapsed if elapsed else None
    else:
        spread = _num(row.get("sd_attainment")) or t.population_sd.get(kind)
        useful = t.some_g * spread if spread else None
    beyond_high = _num(row.get("beyond_ci_high"))
    if useful is not None and excess >= useful:
        reasons.append("Promising, not yet clear: the interval includes what pupils would gain without help")
        return "promising"
    if useful is not None and beyond_high is not None and beyond_high < useful:
        reasons.append(
            "Even before allowing for the rise a low scorer makes anyway, the gain is too small to be useful"
        )
        return "none"
    reasons.append("The data cannot tell yet whether the pupils gained more than they would have without help")
    return "inconclusive"


def _context_reasons(row: Mapping[str, Any]) -> list[str]:
    """Targets met and gains kept: shown beside the verdict, not deciding it."""
    out = []
    known = int(_num(row.get("n_target_known")) or 0)
    met = _num(row.get("pct_target_met"))
    if known and met is not None:
        out.append(_how_many(round(known * met / 100), known, "with a target", ("met it", "met it", "did not meet it")))
    known = int(_num(row.get("n_sustained_known")) or 0)
    kept = _num(row.get("pct_sustained"))
    if known and kept is not None:
        out.append(
            _how_many(
                round(known * kept / 100),
                known,
                "assessed again",
                (
                    "kept their gain at the next assessment",
                    "kept their gain at the next assessment",
                    "did not keep their gain at the next assessment",
                ),
            )  # fmt: skip
        )
    return out


# --- 4. Each programme ----------------------------------------------------------------------------------------


def programme_summary(
    pupils: pd.DataFrame,
    comparison: pd.DataFrame,
    interventions: pd.DataFrame,
    thresholds: Thresholds = THRESHOLDS,
    *,
    groups: pd.DataFrame | None = None,
    results: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per programme (interventions without one are left out), across all its groups and terms.

    The programme's groups measured on the same pair of assessments share their comparison pupils, so they are
    analysed together: one ANCOVA over all their pupils on that pair against the distinct comparison pupils of
    any of them (each comparison pupil once). The estimates of the different pairs (different terms or year
    groups: independent pupils) are then pooled by inverse variance with random effects
    (``reports.impact.stats.pool_effects``: DerSimonian & Laird 1986; Borenstein et al. 2009), on g when they have it,
    else on the adjusted difference when every pair is on the same kind of scale. I² says how far the
    estimates disagree beyond chance. ``n_comparison`` counts distinct comparison pupils, ``n_compared``
    distinct pupils of the programme in the estimate.

    Without any comparison, the before-and-after figures are those of all the programme's measured pupils
    together, when every group measured them on the same kind of scale. ``groups`` (from ``group_summary``)
    saves recomputing the groups.
    """
    t = thresholds
    ivs = _intervention_frame(interventions)
    ivs = ivs[ivs["programme_id"].notna()]
    if ivs.empty:
        return pd.DataFrame(columns=PROGRAMME_COLUMNS)
    if groups is None:
        groups = group_summary(pupils, comparison, interventions, thresholds, results=results)
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
    before_after += ["d_av", "total_gain", "expected_gain", "excess_mean", "excess_ci_low", "excess_ci_high"]
    before_after += ["beyond_ci_high"]
    out.loc[mixed, before_after] = np.nan
    out.loc[mixed, "ratio_band"] = ""

    units = _programme_units(rows, comparison, ivs, _result_frame(results), t)
    out = out.join(_pooled(units, t), how="left")
    for column in ("entry_assessment_id", "exit_assessment_id"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    for column in ("n_groups_compared", "n_comparison", "n_compared", "sd_n"):
        out[column] = out[column].fillna(0).astype("int64")
    out["sd_source"] = _as_text(out["sd_source"])
    out["too_coarse"] = _as_flags(out["too_coarse"])
    out["months"] = _months(out["g"])
    group_costs = groups.assign(programme_id=groups["intervention_id"].map(of_programme)).dropna(
        subset=["programme_id"]
    )
    out["cost"] = group_costs.groupby("programme_id")["cost"].sum(min_count=1).reindex(out.index)
    _costs(out)
    has_effect = out["difference"].notna() | out["g"].notna()
    out["measure"] = np.where(
        has_effect, "comparison", np.where((out["n_measured"] > 0) & ~mixed, "before_after", "none")
    )
    # The SD for judging a pooled before-and-after gain: the scale's published one, else the groups' own.
    group_sd = (
        groups.assign(programme_id=groups["intervention_id"].map(of_programme))
        .groupby("programme_id")["sd_attainment"]
        .mean()
    )
    before_only = out["measure"] == "before_after"
    out.loc[before_only, "sd_attainment"] = group_sd.reindex(out.index)[before_only]
    out["comparison_note"] = np.where(before_only, "No group of this programme has a comparison", "")
    out["no_measure_reason"] = np.where(
        mixed & ~has_effect,
        "Its groups were measured on different kinds of scale and none has a comparison, so they cannot "
        "be pooled; see each group",
        "",
    )
    _judge(out, t)
    return out.reset_index()[PROGRAMME_COLUMNS]


def _programme_units(
    rows: pd.DataFrame, comparison: pd.DataFrame | None, ivs: pd.DataFrame, scores: pd.DataFrame, t: Thresholds
) -> pd.DataFrame:
    """One row per (programme, pair of assessments): the programme's groups on that pair analysed together
    against the distinct comparison pupils of any of them, with g on the SD of attainment of their year groups.
    Columns: the ANCOVA's, the SD's, g, ``too_coarse``, ``programme_id``, ``scale_kind``, ``interventions``
    (how many groups) and ``comparison_ids`` (the comparison pupils, for counting distinct ones)."""
    pairs = _pairs(rows)
    others = _comparison_frame(comparison)
    if pairs.empty or others.empty:
        return pd.DataFrame()
    pairs = pairs[pairs["programme_id"].notna()].reset_index()
    pairs["key"] = (
        pairs["programme_id"].astype(str)
        + ":"
        + pairs["entry_assessment_id"].astype(str)
        + ":"
        + pairs["exit_assessment_id"].astype(str)
    )
    link = pairs[["intervention_id", "key", "entry_assessment_id", "exit_assessment_id"]]
    treated = rows[rows["measured"]].merge(link, on=["intervention_id", "entry_assessment_id", "exit_assessment_id"])
    treated = treated.drop_duplicates(["key", "pupil_id"])
    control = others.merge(link[["intervention_id", "key"]], on="intervention_id").drop_duplicates(["key", "pupil_id"])
    # A pupil in one group of the programme is never a comparison pupil for it (comparison_gains sees to that
    # group by group; here, across the programme's groups on the same pair).
    control = control.merge(treated[["key", "pupil_id"]].assign(_treated=True), on=["key", "pupil_id"], how="left")
    control = control[control["_treated"].isna()]
    table = _ancova(
        treated[["key", "entry_value", "exit_value"]].rename(columns={"entry_value": "entry", "exit_value": "exit"}),
        control[["key", "baseline", "exit_value"]].rename(columns={"baseline": "entry", "exit_value": "exit"}),
    )
    if table.empty:
        return pd.DataFrame()
    keys = pairs[["key", "exit_assessment_id", "year_groups", "scale_kind"]].explode("year_groups")
    keys = keys.rename(columns={"year_groups": "year_group"}).dropna(subset=["year_group"])
    keys["year_group"] = keys["year_group"].astype("float64")
    table = table.join(_attainment_sd(keys.drop_duplicates(), scores, t), how="left")
    _standardise(table)
    first = pairs.groupby("key").agg(
        programme_id=("programme_id", "first"),
        entry_assessment_id=("entry_assessment_id", "first"),
        exit_assessment_id=("exit_assessment_id", "first"),
        scale_kind=("scale_kind", "first"),
        interventions=("intervention_id", "size"),
    )
    table = table.join(first, how="left")
    steps = ivs.set_index("intervention_id")["scale_steps"]
    unit_steps = pairs.assign(steps=pairs["intervention_id"].map(steps)).groupby("key")["steps"].min()
    table["too_coarse"] = _coarse(table["scale_kind"], unit_steps.reindex(table.index), table["moved_share"], t)
    table["comparison_ids"] = control.groupby("key")["pupil_id"].agg(lambda ids: {int(i) for i in ids})
    table["treated_ids"] = treated.groupby("key")["pupil_id"].agg(lambda ids: {int(i) for i in ids})
    return table


def _pooled(units: pd.DataFrame, t: Thresholds) -> pd.DataFrame:
    """Per programme, its units (``_programme_units``) pooled: on g where any unit has one (``pool_effects``;
    one unit is taken as it is, with its t-based interval), else on the adjusted difference when every unit is
    on the same kind of scale. Units with fewer than ``min_comparison`` comparison pupils, or too coarse, are
    left out of the pooling."""
    columns = [
        "n_groups_compared", "n_compared", "n_comparison", "entry_mean_group", "entry_mean_comparison",
        "exit_mean_group", "exit_mean_comparison", "comparison_mean_gain", "difference", "difference_ci_low",
        "difference_ci_high", "sd_attainment", "sd_source", "sd_n", "too_coarse", "g", "g_se", "g_ci_low",
        "g_ci_high", "i2", "entry_assessment_id", "exit_assessment_id",
    ]  # fmt: skip
    if units.empty:
        return pd.DataFrame(columns=columns).rename_axis("programme_id")
    usable = units[(units["n_comparison"] >= t.min_comparison) & units["difference"].notna()]
    records = {}
    for programme_id, unit in usable.groupby("programme_id"):
        fine = unit[~unit["too_coarse"]]
        record: dict[str, Any] = dict.fromkeys(columns, np.nan)
        record["too_coarse"] = fine.empty
        chosen = fine if not fine.empty else unit
        with_g = chosen[chosen["g"].notna() & (chosen["g_se"] > 0)]
        on = "g" if not with_g.empty else "difference"
        pool = with_g if on == "g" else chosen[chosen["difference_se"] > 0]
        if on == "difference" and pool["scale_kind"].nunique() > 1:
            pool = pool.iloc[0:0]
        if pool.empty:
            records[programme_id] = record
            continue
        weights = pool["n_compared"] + pool["n_comparison"]
        for side in ("entry_mean_group", "exit_mean_group", "entry_mean_comparison", "exit_mean_comparison"):
            record[side] = (
                float(np.average(pool[side], weights=weights)) if pool["scale_kind"].nunique() == 1 else np.nan
            )
        record["comparison_mean_gain"] = record["exit_mean_comparison"] - record["entry_mean_comparison"]
        record["n_groups_compared"] = int(pool["interventions"].sum())
        record["n_compared"] = len(set().union(*pool["treated_ids"]))
        record["n_comparison"] = len(set().union(*pool["comparison_ids"]))
        if len(pool) == 1:
            one = pool.iloc[0]
            for column in (
                "difference",
                "difference_ci_low",
                "difference_ci_high",
                "sd_attainment",
                "sd_source",
                "sd_n",
                "entry_assessment_id",
                "exit_assessment_id",
            ):
                record[column] = one[column]
            for column in ("g", "g_se", "g_ci_low", "g_ci_high"):
                record[column] = one[column] if on == "g" else np.nan
        else:
            se_column = "g_se" if on == "g" else "difference_se"
            pooled = pool_effects(pool[on].tolist(), pool[se_column].tolist())
            record["i2"] = pooled.i2
            if on == "g":
                record.update(g=pooled.g, g_se=pooled.se, g_ci_low=pooled.ci_low, g_ci_high=pooled.ci_high)
            else:
                record.update(difference=pooled.g, difference_ci_low=pooled.ci_low, difference_ci_high=pooled.ci_high)
        if record["too_coarse"]:
            # As for a group: no effect size on a scale its comparison pupils barely moved on.
            record.update(dict.fromkeys(("g", "g_se", "g_ci_low", "g_ci_high", "i2"), np.nan))
        records[programme_id] = record
    out = pd.DataFrame.from_dict(records, orient="index", columns=columns)
    out.index = pd.Index(out.index, dtype="Int64", name="programme_id")
    return out


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
    """Evaluate every intervention in ``interventions`` from its ``placements``, the school's ``results`` (every
    pupil's, for the comparison pupils and the SD of attainment) and ``all_placements``, every placement of the
    school (to keep pupils who had other support in the subject, or the same programme, out of comparison
    groups); it defaults to ``placements``."""
    pupils = pupil_rows(placements, results, thresholds)
    comparison = comparison_gains(placements, results, all_placements, thresholds)
    groups = group_summary(pupils, comparison, interventions, thresholds, results=results)
    programmes = programme_summary(pupils, comparison, interventions, thresholds, groups=groups, results=results)
    rethink = pupils_to_rethink(pupils, thresholds)
    return Evaluation(pupils=pupils, comparison=comparison, groups=groups, programmes=programmes, rethink=rethink)
