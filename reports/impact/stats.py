"""The statistics core of impact evaluation: pure functions, plain numbers in and out. No Django imports.

Every function accepts plain sequences (lists, tuples), numpy arrays or pandas Series and returns plain Python
numbers (``ancova_from_sums`` takes and returns numpy arrays, to judge hundreds of groups at once). Missing values (``None`` or NaN) are refused with a ``ValueError`` rather than silently dropped: a pupil
with no exit result is not a pupil with a gain of zero, so callers must drop incomplete pairs themselves (and say
how many they dropped) before calling.

Standard deviations are always *sample* SDs (divisor n - 1), as in every source cited below.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

Z_95 = 1.959963984540054

# --- Ratio gain (Brooks) --------------------------------------------------------------------------------------

RATIO_GAIN_BANDS: tuple[tuple[float, str], ...] = (
    (3.0, "substantial"),
    (2.0, "useful"),
    (1.4, "modest"),
)


def ratio_gain(pre_months: float, post_months: float, elapsed_months: float) -> float:
    """Ratio gain = (post - pre) / elapsed, all in months of age-equivalent and of calendar time.

    Source: Greg Brooks, *What Works for Children and Young People with Literacy Difficulties?* (5th edition,
    Dyslexia-SpLD Trust, 2016), which judges interventions by ratio gain: 1.0 is ordinary progress (a month of
    reading age per month of time). Not rounded. ``ValueError`` when ``elapsed_months`` is not positive.
    """
    for name, value in (("pre_months", pre_months), ("post_months", post_months), ("elapsed_months", elapsed_months)):
        _require_number(value, name)
    if elapsed_months <= 0:
        raise ValueError(f"elapsed_months must be positive to give a ratio gain, not {elapsed_months}")
    return float((post_months - pre_months) / elapsed_months)


def ratio_gain_band(rg: float) -> str:
    """Brooks' bands for a ratio gain, each including its lower edge.

    Below 1.4 "doubtful"; from 1.4 "modest"; from 2.0 "useful"; from 3.0 "substantial" (Brooks 2016, as for
    ``ratio_gain``). A negative ratio gain is "doubtful".
    """
    _require_number(rg, "rg")
    for lower, band in RATIO_GAIN_BANDS:
        if rg >= lower:
            return band
    return "doubtful"


# --- Means and the t distribution -----------------------------------------------------------------------------


def mean_ci(values: Iterable[Any], confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the mean with its t-based confidence interval.

    CI = mean ± t(1 - α/2, n - 1) · s / √n, with s the sample SD and α = 1 - confidence (Student's t interval,
    e.g. Altman et al., *Statistics with Confidence*, 2nd ed., 2000, ch. 4). Needs n ≥ 2 (``ValueError``
    otherwise). When every value is equal the interval has zero width.
    """
    data = _clean(values, "values")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, not {confidence}")
    n = len(data)
    if n < 2:
        raise ValueError(f"a confidence interval needs at least 2 values; got {n} (the SD is undefined)")
    mean = statistics.fmean(data)
    half = t_quantile(1 - (1 - confidence) / 2, n - 1) * statistics.stdev(data) / math.sqrt(n)
    return mean, mean - half, mean + half


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: int) -> float:
    """The p quantile of Student's t distribution with ``df`` (whole) degrees of freedom, for 0.5 ≤ p < 1.

    scipy is not a dependency, so this inverts the exact closed-form CDF for whole degrees of freedom
    (Abramowitz & Stegun, *Handbook of Mathematical Functions*, 1964, 26.7.3-26.7.4: with θ = atan(t/√ν),
    A(t|ν) = P(|T| < t) is a finite series in sin θ and cos θ) by bisection to within 1e-12. Checks: t(0.975, 4) =
    2.776, t(0.975, 9) = 2.262, t(0.975, 29) = 2.045. Cached: hundreds of groups share a few dozen df.
    """
    if int(df) != df or df < 1:
        raise ValueError(f"degrees of freedom must be a whole number ≥ 1, not {df}")
    if not 0.5 <= p < 1:
        raise ValueError(f"p must lie in [0.5, 1), not {p}")
    target = 2 * p - 1  # central probability P(|T| < t)
    low, high = 0.0, 1.0
    while _t_central(high, int(df)) < target:
        high *= 2
    while high - low > 1e-12 * max(1.0, high):
        middle = (low + high) / 2
        if _t_central(middle, int(df)) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _t_central(t: float, df: int) -> float:
    """A(t|ν) = P(|T| < t) for whole ν (Abramowitz & Stegun 26.7.3 for odd ν, 26.7.4 for even ν)."""
    theta = math.atan(t / math.sqrt(df))
    sin, cos2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 1:
        # (2/π)[θ + sin θ (cos θ + (2/3)cos³θ + ... + (2·4···(ν-3))/(1·3···(ν-2)) cos^(ν-2) θ)]
        total, term = 0.0, math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= cos2 * (2 * k) / (2 * k + 1)
        return 2 / math.pi * (theta + sin * total)
    # sin θ [1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + ... + (1·3···(ν-3))/(2·4···(ν-2)) cos^(ν-2) θ]
    total, term = 0.0, 1.0
    for k in range(1, df // 2 + 1):
        total += term
        term *= cos2 * (2 * k - 1) / (2 * k)
    return sin * total


# --- Effect sizes between two groups --------------------------------------------------------------------------


class EffectSize(NamedTuple):
    """Hedges' g with its 95% confidence interval."""

    g: float
    ci_low: float
    ci_high: float


def cohens_d(treatment: Iterable[Any], control: Iterable[Any]) -> float:
    """Cohen's d = (mean_t - mean_c) / s_pooled, with the pooled sample SD

    s_pooled = √(((n_t - 1)s_t² + (n_c - 1)s_c²) / (n_t + n_c - 2)).

    Source: Cohen, *Statistical Power Analysis for the Behavioral Sciences* (2nd ed., 1988); this is d_s in
    Lakens (2013), eq. 1. ``ValueError`` when either group has fewer than 2 values (its SD is undefined) or when
    the pooled variance is zero (every value equal within both groups, so there is no spread to standardise by).
    """
    t, c = _clean(treatment, "treatment"), _clean(control, "control")
    _two_or_more(t, "treatment")
    _two_or_more(c, "control")
    return _d_from_summary(
        statistics.fmean(t), statistics.stdev(t), len(t), statistics.fmean(c), statistics.stdev(c), len(c)
    )


def hedges_g(treatment: Iterable[Any], control: Iterable[Any]) -> EffectSize:
    """Hedges' g and its 95% CI from the raw values of two groups; see ``hedges_g_from_summary``."""
    t, c = _clean(treatment, "treatment"), _clean(control, "control")
    _two_or_more(t, "treatment")
    _two_or_more(c, "control")
    return hedges_g_from_summary(
        statistics.fmean(t), statistics.stdev(t), len(t), statistics.fmean(c), statistics.stdev(c), len(c)
    )


def hedges_g_from_summary(mean_t: float, sd_t: float, n_t: int, mean_c: float, sd_c: float, n_c: int) -> EffectSize:
    """Hedges' g = J · d with its 95% CI, from each group's mean, sample SD and size.

    d is Cohen's d with the pooled sample SD (see ``cohens_d``); the small-sample correction is
    J = 1 - 3 / (4(n_t + n_c) - 9) (Hedges, 1981; Hedges & Olkin, *Statistical Methods for Meta-Analysis*, 1985;
    Lakens 2013, eq. 4). The interval is g ± 1.96 · SE with

    SE = √((n_t + n_c) / (n_t · n_c) + g² / (2(n_t + n_c)))

    the large-sample variance of Hedges & Olkin (1985) as used by the EEF and in Borenstein et al.,
    *Introduction to Meta-Analysis* (2009), eq. 4.20, here evaluated at g as the project's specification states.
    ``ValueError`` for n < 2 in either group, a negative SD, or zero pooled variance.
    """
    d = _d_from_summary(mean_t, sd_t, n_t, mean_c, sd_c, n_c)
    n = n_t + n_c
    g = (1 - 3 / (4 * n - 9)) * d
    se = math.sqrt(n / (n_t * n_c) + g**2 / (2 * n))
    return EffectSize(g, g - 1.96 * se, g + 1.96 * se)


def _d_from_summary(mean_t: float, sd_t: float, n_t: int, mean_c: float, sd_c: float, n_c: int) -> float:
    for name, value in (("mean_t", mean_t), ("sd_t", sd_t), ("mean_c", mean_c), ("sd_c", sd_c)):
        _require_number(value, name)
    for name, size in (("treatment", n_t), ("control", n_c)):
        if int(size) != size or size < 2:
            raise ValueError(f"the {name} group needs at least 2 pupils for an SD; got n = {size}")
    if sd_t < 0 or sd_c < 0:
        raise ValueError("a standard deviation cannot be negative")
    pooled_variance = ((n_t - 1) * sd_t**2 + (n_c - 1) * sd_c**2) / (n_t + n_c - 2)
    if pooled_variance == 0:
        raise ValueError(
            "the pooled variance is zero (every value is the same within both groups), so the difference "
            "cannot be standardised"
        )
    return float((mean_t - mean_c) / math.sqrt(pooled_variance))


# --- The adjusted effect: ANCOVA against a comparison group -----------------------------------------------


class AdjustedDifference(NamedTuple):
    """The difference in exit scores between a group and its comparison pupils, adjusted for entry scores."""

    difference: float  # in the scale's own units (points, months, bands)
    se: float
    df: int  # residual degrees of freedom: n_t + n_c - 3
    ci_low: float
    ci_high: float
    slope: float  # the common within-group slope of exit on entry


def ancova_from_sums(
    n_t: Any, mean_entry_t: Any, mean_exit_t: Any, n_c: Any, mean_entry_c: Any, mean_exit_c: Any,
    sxx: Any, sxy: Any, syy: Any,
) -> dict[str, Any]:  # fmt: skip
    """The ANCOVA estimate for many groups at once, from each side's size and means and the *pooled
    within-group* sums of squares and products (``sxx = Σ_t (x - x̄_t)² + Σ_c (x - x̄_c)²``, likewise ``sxy``
    with y and ``syy``), x the entry and y the exit score. numpy arrays (or scalars) in, arrays out.

    The model is y = a + Δ·treated + b·x + e, fitted by least squares over the group's pupils and its
    comparison pupils (analysis of covariance with one covariate and a common slope; e.g. Snedecor & Cochran,
    *Statistical Methods*, 8th ed., 1989, ch. 18; Maxwell, Delaney & Kelley, *Designing Experiments and
    Analyzing Data*, 3rd ed., 2018, ch. 9). In closed form:

        b  = sxy / sxx                                       (pooled within-group slope)
        Δ  = (ȳ_t - ȳ_c) - b (x̄_t - x̄_c)                    (adjusted difference)
        s² = (syy - b·sxy) / (n_t + n_c - 3)                 (residual variance)
        SE(Δ) = √(s² (1/n_t + 1/n_c + (x̄_t - x̄_c)² / sxx))
        95% CI = Δ ± t(0.975, n_t + n_c - 3) · SE(Δ)

    which is exactly the coefficient of ``treated`` and its standard error from ordinary least squares. Because
    the comparison pupils' exit scores are predicted from their own entry scores, pupils chosen for low entry
    scores are compared with what pupils who *started where they did* went on to score: the rise that
    regression to the mean gives any low scorer is in the prediction, not in Δ. NaN where the model cannot be
    fitted: fewer than 2 pupils on a side, no residual degrees of freedom, no spread in entry scores, or a
    perfect fit (no residual variance to estimate the error from).
    """
    n_t, n_c = np.asarray(n_t, dtype="float64"), np.asarray(n_c, dtype="float64")
    xt, yt, xc, yc = (np.asarray(v, dtype="float64") for v in (mean_entry_t, mean_exit_t, mean_entry_c, mean_exit_c))
    sxx, sxy, syy = (np.asarray(v, dtype="float64") for v in (sxx, sxy, syy))
    df = n_t + n_c - 3
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sxy / sxx
        difference = (yt - yc) - slope * (xt - xc)
        residual = np.maximum(syy - slope * sxy, 0.0)
        variance = residual / df
        se = np.sqrt(variance * (1 / n_t + 1 / n_c + (xt - xc) ** 2 / sxx))
        valid = (n_t >= 2) & (n_c >= 2) & (df >= 1) & (sxx > 0) & (variance > 0)
        t = np.vectorize(lambda d: t_quantile(0.975, int(d)) if d >= 1 else math.nan, otypes=["float64"])(
            np.where(valid, df, 0)
        )
    nan = np.nan
    return {
        "difference": np.where(valid, difference, nan),
        "se": np.where(valid, se, nan),
        "df": np.where(valid, df, nan),
        "ci_low": np.where(valid, difference - t * se, nan),
        "ci_high": np.where(valid, difference + t * se, nan),
        "slope": np.where(valid, slope, nan),
    }


def ancova_difference(
    entry_t: Iterable[Any], exit_t: Iterable[Any], entry_c: Iterable[Any], exit_c: Iterable[Any]
) -> AdjustedDifference:
    """The adjusted difference of one group against its comparison pupils from their raw scores (pairs of entry
    and exit score per pupil, in the same order); see ``ancova_from_sums`` for the model and formulas.
    ``ValueError`` when a side has fewer than 2 pupils, the lengths differ, every entry score within each side is
    the same, or the model fits exactly."""
    xt, yt = _clean(entry_t, "entry_t"), _clean(exit_t, "exit_t")
    xc, yc = _clean(entry_c, "entry_c"), _clean(exit_c, "exit_c")
    if len(xt) != len(yt) or len(xc) != len(yc):
        raise ValueError("each pupil needs both an entry and an exit score")
    _two_or_more(xt, "group")
    _two_or_more(xc, "comparison")
    sums = [0.0, 0.0, 0.0]
    for xs, ys in ((xt, yt), (xc, yc)):
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        sums[0] += sum((x - mx) ** 2 for x in xs)
        sums[1] += sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
        sums[2] += sum((y - my) ** 2 for y in ys)
    out = ancova_from_sums(
        len(xt), statistics.fmean(xt), statistics.fmean(yt), len(xc), statistics.fmean(xc), statistics.fmean(yc),
        *sums,
    )  # fmt: skip
    if not math.isfinite(float(out["difference"])):
        raise ValueError(
            "the adjusted difference cannot be estimated: it needs spread in the entry scores and in the exit "
            "scores left unexplained by them, with at least 2 pupils on each side"
        )
    return AdjustedDifference(*(float(out[key]) for key in AdjustedDifference._fields))


def hedges_j(df: float) -> float:
    """Hedges' small-sample correction J = 1 - 3 / (4·df - 1) for an SD estimated with ``df`` degrees of freedom
    (Hedges 1981, the usual approximation of the exact gamma-function factor; Borenstein et al. 2009, eq. 4.22);
    1 when the SD is a known population value (``df`` infinite)."""
    if math.isinf(df):
        return 1.0
    if df < 1:
        raise ValueError(f"the SD needs at least 1 degree of freedom, not {df}")
    return 1 - 3 / (4 * df - 1)


def standardised_effect(adjusted: AdjustedDifference, sd: float, sd_df: float = math.inf) -> EffectSize:
    """Hedges' g on the attainment scale: the adjusted difference over the SD of attainment ``sd`` (the spread
    of scores across the year group, not of the gains), with Hedges' correction J for the SD's ``sd_df`` degrees
    of freedom: g = J·Δ/SD and CI = J·(Δ ± t·SE(Δ))/SD, the model's interval rescaled (the SD is taken as known;
    with 20 or more pupils behind it its own uncertainty is small beside that of Δ). This is the effect size
    the EEF's Teaching and Learning Toolkit and its evaluation reports use: a difference in attainment in
    standard deviations of attainment (EEF, *Statistical analysis guidance for EEF evaluations*, 2022: effect
    sizes from the adjusted model, over the pooled unconditional SD)."""
    _require_number(sd, "sd")
    if sd <= 0:
        raise ValueError(f"the SD of attainment must be positive, not {sd}")
    j = hedges_j(sd_df)
    return EffectSize(j * adjusted.difference / sd, j * adjusted.ci_low / sd, j * adjusted.ci_high / sd)


# --- Pooling groups: inverse-variance meta-analysis -----------------------------------------------------------


class PooledEffect(NamedTuple):
    """Several groups' effects pooled."""

    g: float
    se: float
    ci_low: float
    ci_high: float
    q: float  # Cochran's Q
    i2: float  # I², per cent of the variation between groups beyond chance (0-100)
    tau2: float  # the between-group variance (DerSimonian-Laird)
    k: int  # the number of estimates pooled


def pool_effects(effects: Iterable[Any], ses: Iterable[Any]) -> PooledEffect:
    """The inverse-variance average of k estimates with standard errors ``ses``, allowing for real differences
    between groups (random effects, DerSimonian & Laird 1986; Borenstein et al., *Introduction to
    Meta-Analysis*, 2009, ch. 12 and 16):

        w_i = 1/SE_i²;  fixed average ḡ = Σ w_i g_i / Σ w_i;  Q = Σ w_i (g_i - ḡ)²;  df = k - 1
        τ² = max(0, (Q - df) / (Σw - Σw² / Σw));  w*_i = 1/(SE_i² + τ²)
        g = Σ w*_i g_i / Σ w*_i;  SE = 1/√Σ w*_i;  95% CI = g ± 1.96 SE
        I² = max(0, (Q - df) / Q) × 100   (Higgins & Thompson 2002)

    When the groups agree (τ² = 0) this is the fixed-effect average; when they disagree the interval widens,
    so one group's luck cannot make a programme look surer than it is. One estimate is returned as it is.
    ``ValueError`` for no estimates, mismatched lengths, or an SE that is not positive.
    """
    g, se = _clean(effects, "effects"), _clean(ses, "ses")
    if len(g) != len(se) or not g:
        raise ValueError("pool_effects needs one SE for each of at least one effect")
    if any(s <= 0 for s in se):
        raise ValueError("every standard error must be positive")
    if len(g) == 1:
        return PooledEffect(g[0], se[0], g[0] - Z_95 * se[0], g[0] + Z_95 * se[0], 0.0, 0.0, 0.0, 1)
    w = [1 / s**2 for s in se]
    total = sum(w)
    fixed = sum(wi * gi for wi, gi in zip(w, g, strict=True)) / total
    q = sum(wi * (gi - fixed) ** 2 for wi, gi in zip(w, g, strict=True))
    df = len(g) - 1
    c = total - sum(wi**2 for wi in w) / total
    tau2 = max(0.0, (q - df) / c) if df > 0 and c > 0 else 0.0
    w_star = [1 / (s**2 + tau2) for s in se]
    pooled = sum(wi * gi for wi, gi in zip(w_star, g, strict=True)) / sum(w_star)
    pooled_se = 1 / math.sqrt(sum(w_star))
    i2 = max(0.0, (q - df) / q) * 100 if q > 1e-12 else 0.0
    return PooledEffect(pooled, pooled_se, pooled - Z_95 * pooled_se, pooled + Z_95 * pooled_se, q, i2, tau2, len(g))


def group_ratio_gain(gains: Iterable[Any], elapsed_months: Iterable[Any]) -> float:
    """Brooks' ratio gain for a group: the mean months of reading (or spelling) age gained over the mean months
    that passed (Brooks 2016, as for ``ratio_gain``): a ratio of means, not the mean of each pupil's ratio, so
    a pupil tested again after two weeks cannot swing the group's figure. ``ValueError`` when the lengths
    differ, nothing is given, or no time passed."""
    gained, elapsed = _clean(gains, "gains"), _clean(elapsed_months, "elapsed_months")
    if len(gained) != len(elapsed) or not gained:
        raise ValueError("group_ratio_gain needs one elapsed time for each of at least one gain")
    months = statistics.fmean(elapsed)
    if months <= 0:
        raise ValueError("no time passed between the entry and exit results, so there is no ratio gain")
    return statistics.fmean(gained) / months


# --- Effect sizes within one group (pre and post) -------------------------------------------------------------


class PairedEffect(NamedTuple):
    """Two standardised mean changes for one group measured twice (Lakens 2013)."""

    d_z: float
    d_av: float


def paired_effect_size(pre: Iterable[Any], post: Iterable[Any]) -> PairedEffect:
    """d_z and d_av for the same pupils measured before and after.

    With change_i = post_i - pre_i:
    d_z = mean(change) / SD(change)                      (Lakens 2013, eq. 6; Cohen 1988)
    d_av = mean(change) / ((SD_pre + SD_post) / 2)      (Lakens 2013, eq. 10; Cumming 2012)

    Source: D. Lakens, "Calculating and reporting effect sizes to facilitate cumulative science: a practical
    primer for t-tests and ANOVAs", *Frontiers in Psychology* 4:863 (2013). d_z reflects how consistent the
    change is; d_av is on the scale of the scores, comparable with a between-groups d.

    ``pre[i]`` and ``post[i]`` must be the same pupil. ``ValueError`` when the lengths differ, when any value is
    missing (None or NaN: drop incomplete pairs first), when there are fewer than 2 pairs (SDs undefined), or
    when every pupil changed by exactly the same amount: SD(change) is then zero and d_z undefined. In that
    last case d_av is not returned either, although its denominator is positive (SD_pre + SD_post is zero only
    when both occasions are constant, which forces constant changes): half a result would be read as a whole
    one, and a uniform change in a small group is a data-entry question before it is an effect size.
    """
    before, after = _clean(pre, "pre"), _clean(post, "post")
    if len(before) != len(after):
        raise ValueError(
            f"pre has {len(before)} values and post has {len(after)}; they must be pairs for the same pupils"
        )
    if len(before) < 2:
        raise ValueError(f"a paired effect size needs at least 2 pupils with both results; got {len(before)}")
    changes = [b - a for a, b in zip(before, after, strict=True)]
    mean_change = statistics.fmean(changes)
    sd_change = statistics.stdev(changes)
    if sd_change == 0:
        raise ValueError(
            f"every pupil changed by exactly {changes[0]:g}, so the SD of the changes is zero and d_z is undefined"
        )
    sd_average = (statistics.stdev(before) + statistics.stdev(after)) / 2
    return PairedEffect(mean_change / sd_change, mean_change / sd_average)


# --- EEF months' progress -------------------------------------------------------------------------------------

# (lowest effect size, months): the EEF Teaching and Learning Toolkit conversion, checked against the EEF's
# "About the Toolkits: attainment" page. Effect sizes between two rows cannot occur at 2 dp.
TOOLKIT_MONTHS: tuple[tuple[Decimal, int], ...] = (
    (Decimal("0.96"), 12),
    (Decimal("0.88"), 11),
    (Decimal("0.79"), 10),
    (Decimal("0.70"), 9),
    (Decimal("0.62"), 8),
    (Decimal("0.53"), 7),
    (Decimal("0.45"), 6),
    (Decimal("0.36"), 5),
    (Decimal("0.27"), 4),
    (Decimal("0.19"), 3),
    (Decimal("0.10"), 2),
    (Decimal("0.02"), 1),
)


def toolkit_months(effect_size: float) -> int:
    """Months of additional progress for an effect size, by the EEF Teaching and Learning Toolkit's table.

    | effect size  | months | effect size  | months |
    |--------------|--------|--------------|--------|
    | -0.01 - 0.01 | 0      | 0.53 - 0.61  | 7      |
    | 0.02 - 0.09  | 1      | 0.62 - 0.69  | 8      |
    | 0.10 - 0.18  | 2      | 0.70 - 0.78  | 9      |
    | 0.19 - 0.26  | 3      | 0.79 - 0.87  | 10     |
    | 0.27 - 0.35  | 4      | 0.88 - 0.95  | 11     |
    | 0.36 - 0.44  | 5      | 0.96 and up  | 12     |

    Source: Education Endowment Foundation, Teaching and Learning Toolkit, "About the Toolkits: attainment"
    (months' progress table; Higgins et al., Toolkit technical appendix). As its notes say, the effect size is
    first rounded to 2 dp (here half away from zero on the decimal value, so 0.015 -> 0.02 -> 1 month), and a
    negative effect converts to the same number of months, negative. Capped at 12. The EEF uses a slightly
    different table for its individual trial reports (0 months there runs from -0.04 to 0.04); this is the
    Toolkit's.
    """
    _require_number(effect_size, "effect_size")
    size = Decimal(repr(abs(float(effect_size)))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    months = next((months for lower, months in TOOLKIT_MONTHS if size >= lower), 0)
    return -months if effect_size < 0 else months


# --- Input checks ---------------------------------------------------------------------------------------------


def _clean(values: Iterable[Any], name: str) -> list[float]:
    """Values as floats, refusing missing ones rather than dropping them (see the module docstring)."""
    if isinstance(values, str | bytes) or values is None:
        raise ValueError(f"{name} must be a sequence of numbers")
    cleaned = []
    for position, value in enumerate(values):
        if value is None or isinstance(value, str | bytes):
            raise ValueError(f"{name}[{position}] is {value!r}; drop pupils with missing results before calling")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{name}[{position}] is {value!r}; drop pupils with missing results before calling")
        cleaned.append(number)
    return cleaned


def _two_or_more(values: list[float], name: str) -> None:
    if len(values) < 2:
        raise ValueError(f"the {name} group needs at least 2 values for an SD; got {len(values)}")


def _require_number(value: Any, name: str) -> None:
    if value is None or isinstance(value, str | bytes) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a number, not {value!r}")
