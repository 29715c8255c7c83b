"""The statistics core (reports/impact/stats.py) against published worked examples and hand arithmetic.

Sources used below:
- Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: a practical primer
  for t-tests and ANOVAs. Frontiers in Psychology 4:863. Table 1: ten people rate two movies (1-10).
- Brooks, G. (2016). What Works for Children and Young People with Literacy Difficulties? (5th ed.): ratio gain
  and its bands.
- Education Endowment Foundation, Teaching and Learning Toolkit, "About the Toolkits: attainment": the
  effect size to months' progress table.
- Standard t tables (e.g. any statistics textbook appendix) for the t quantiles.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reports.impact.stats import (
    AdjustedDifference,
    EffectSize,
    PairedEffect,
    PooledEffect,
    ancova_difference,
    cohens_d,
    group_ratio_gain,
    hedges_g,
    hedges_g_from_summary,
    hedges_j,
    mean_ci,
    paired_effect_size,
    pool_effects,
    ratio_gain,
    ratio_gain_band,
    standardised_effect,
    t_quantile,
    toolkit_months,
)

# Lakens (2013), Table 1. The paper reports d_s = 1.13, g_s = 1.08, d_z = 1.50 and d_av = 1.13 for these data;
# the exact values below are our own hand arithmetic, so the tests stand even if a rating were mis-transcribed.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]  # mean 8.7, sum of squared deviations 6.1, var 6.1/9, SD 0.8233
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]  # mean 7.7, sum of squared deviations 8.1, var 8.1/9, SD 0.9487


# --- ratio gain (Brooks 2016) ---------------------------------------------------------------------------------


def test_ratio_gain_twelve_months_in_six_is_useful():
    # Reading age 8:00 -> 9:00 (96 -> 108 months) over 6 months: 12 / 6 = 2.0, Brooks' "useful" threshold.
    rg = ratio_gain(96, 108, 6)
    assert rg == 2.0
    assert ratio_gain_band(rg) == "useful"


def test_ratio_gain_seven_months_in_five_is_modest():
    # 7 / 5 = 1.4, exactly Brooks' "modest" threshold (lower edge inclusive).
    rg = ratio_gain(96, 103, 5)
    assert rg == 1.4
    assert ratio_gain_band(rg) == "modest"


def test_ratio_gain_is_not_rounded_and_can_be_negative():
    assert ratio_gain(100, 110, 3) == pytest.approx(10 / 3, abs=1e-15)
    assert ratio_gain(100, 97, 6) == -0.5


@pytest.mark.parametrize("elapsed", [0, -1, -0.5])
def test_ratio_gain_needs_positive_elapsed_time(elapsed):
    with pytest.raises(ValueError, match="positive"):
        ratio_gain(96, 108, elapsed)


@pytest.mark.parametrize(
    ("rg", "band"),
    [
        (-0.5, "doubtful"),
        (1.0, "doubtful"),
        (1.39999, "doubtful"),
        (1.4, "modest"),
        (1.99999, "modest"),
        (2.0, "useful"),
        (2.99999, "useful"),
        (3.0, "substantial"),
        (6.5, "substantial"),
    ],
)
def test_ratio_gain_band_edges(rg, band):
    assert ratio_gain_band(rg) == band


def test_ratio_gain_band_refuses_missing():
    with pytest.raises(ValueError):
        ratio_gain_band(math.nan)


# --- Cohen's d and Hedges' g ----------------------------------------------------------------------------------


def test_cohens_d_by_hand():
    # treatment 2, 4, 6, 8: mean 5, deviations -3 -1 1 3, SS = 20, s² = 20/3
    # control 1, 2, 3:      mean 2, deviations -1 0 1,    SS = 2,  s² = 1
    # pooled variance = (3 · 20/3 + 2 · 1) / (4 + 3 - 2) = 22 / 5 = 4.4; pooled SD = √4.4 = 2.097618
    # d = (5 - 2) / 2.097618 = 1.430194
    assert cohens_d([2, 4, 6, 8], [1, 2, 3]) == pytest.approx(3 / math.sqrt(4.4), abs=1e-12)
    assert cohens_d([2, 4, 6, 8], [1, 2, 3]) == pytest.approx(1.430194, abs=1e-6)
    assert cohens_d([1, 2, 3], [2, 4, 6, 8]) == pytest.approx(-1.430194, abs=1e-6)


def test_cohens_d_lakens_movies():
    # pooled variance = (6.1 + 8.1) / 18 = 0.788889, SD 0.888194; d_s = 1.0 / 0.888194 = 1.125880 (paper: 1.13)
    assert cohens_d(MOVIE_1, MOVIE_2) == pytest.approx(1 / math.sqrt(14.2 / 18), abs=1e-12)
    assert round(cohens_d(MOVIE_1, MOVIE_2), 2) == 1.13


def test_cohens_d_takes_pandas_series():
    assert cohens_d(pd.Series([2, 4, 6, 8]), pd.Series([1.0, 2.0, 3.0])) == pytest.approx(1.430194, abs=1e-6)


@pytest.mark.parametrize(("treatment", "control"), [([5], [1, 2, 3]), ([1, 2, 3], [5]), ([], [1, 2])])
def test_cohens_d_needs_two_in_each_group(treatment, control):
    with pytest.raises(ValueError, match="at least 2"):
        cohens_d(treatment, control)


def test_cohens_d_zero_pooled_variance():
    with pytest.raises(ValueError, match="pooled variance is zero"):
        cohens_d([4, 4, 4], [3, 3])


@pytest.mark.parametrize("bad", [None, math.nan, float("nan")])
def test_cohens_d_refuses_missing_values(bad):
    with pytest.raises(ValueError, match="missing"):
        cohens_d([1, 2, bad], [1, 2, 3])


def test_hedges_small_sample_correction_and_ci_by_hand():
    # n_t = n_c = 10, means 105 and 100, both SDs 10: d = 5 / 10 = 0.5
    # J = 1 - 3 / (4 · 20 - 9) = 1 - 3/71 = 0.957746; g = 0.5 · 0.957746 = 0.478873
    # SE = √(20 / 100 + 0.478873² / 40) = √(0.2 + 0.229319 / 40) = √0.205733 = 0.453578
    # CI = 0.478873 ± 1.96 · 0.453578 = 0.478873 ± 0.889013 -> (-0.410140, 1.367886)
    result = hedges_g_from_summary(105, 10, 10, 100, 10, 10)
    assert isinstance(result, EffectSize)
    j = 1 - 3 / 71
    assert j == pytest.approx(0.95775, abs=1e-5)
    assert result.g == pytest.approx(0.5 * j, abs=1e-12)
    se = math.sqrt(20 / 100 + (0.5 * j) ** 2 / 40)
    assert se == pytest.approx(0.453578, abs=1e-6)
    assert result.ci_low == pytest.approx(0.5 * j - 1.96 * se, abs=1e-12)
    assert result.ci_high == pytest.approx(0.5 * j + 1.96 * se, abs=1e-12)
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (-0.4101, 1.3679)


def test_hedges_g_from_values_matches_summary_and_lakens():
    # g_s = 1.125880 · (1 - 3/71) = 1.078308 (Lakens 2013 reports 1.08)
    result = hedges_g(MOVIE_1, MOVIE_2)
    assert result.g == pytest.approx(cohens_d(MOVIE_1, MOVIE_2) * (1 - 3 / 71), abs=1e-12)
    assert round(result.g, 2) == 1.08
    summary = hedges_g_from_summary(8.7, math.sqrt(6.1 / 9), 10, 7.7, math.sqrt(8.1 / 9), 10)
    assert summary == pytest.approx(tuple(result), abs=1e-12)


def test_hedges_g_unequal_groups():
    # from test_cohens_d_by_hand: d = 1.430194, N = 7, J = 1 - 3/19 = 0.842105, g = 1.204374
    # SE = √(7/12 + 1.204374²/14) = √(0.583333 + 0.103605) = √0.686938 = 0.828817
    result = hedges_g([2, 4, 6, 8], [1, 2, 3])
    assert result.g == pytest.approx(1.204374, abs=1e-6)
    assert result.ci_high - result.g == pytest.approx(1.96 * 0.828817, abs=1e-5)


def test_hedges_g_edge_cases():
    with pytest.raises(ValueError, match="at least 2"):
        hedges_g_from_summary(105, 10, 1, 100, 10, 10)
    with pytest.raises(ValueError, match="at least 2"):
        hedges_g([7], [1, 2])
    with pytest.raises(ValueError, match="pooled variance is zero"):
        hedges_g_from_summary(105, 0, 5, 100, 0, 5)
    with pytest.raises(ValueError, match="negative"):
        hedges_g_from_summary(105, -1, 5, 100, 10, 5)


# --- paired effect sizes (Lakens 2013) ------------------------------------------------------------------------


def test_paired_effect_size_lakens_movies():
    # changes (movie 1 - movie 2): 0 1 1 1 1 0 1 2 1 2, mean 1.0, deviations -1 0 0 0 0 -1 0 1 0 1, SS = 4,
    # SD = √(4/9) = 0.666667, so d_z = 1.0 / 0.666667 = 1.5 (paper: 1.50)
    # d_av = 1.0 / ((0.823273 + 0.948683) / 2) = 1.0 / 0.885978 = 1.128697 (paper: 1.13)
    result = paired_effect_size(pre=MOVIE_2, post=MOVIE_1)
    assert isinstance(result, PairedEffect)
    assert result.d_z == pytest.approx(1.5, abs=1e-12)
    assert result.d_av == pytest.approx(2 / (math.sqrt(6.1 / 9) + math.sqrt(8.1 / 9)), abs=1e-12)
    assert (round(result.d_z, 2), round(result.d_av, 2)) == (1.5, 1.13)


def test_paired_effect_size_takes_pandas_and_falls_are_negative():
    result = paired_effect_size(pd.Series(MOVIE_1), pd.Series(MOVIE_2))
    assert result.d_z == pytest.approx(-1.5, abs=1e-12)


def test_paired_effect_size_one_pupil():
    with pytest.raises(ValueError, match="at least 2"):
        paired_effect_size([96], [108])


def test_paired_effect_size_zero_variance_of_changes():
    # every pupil gained exactly 6: SD(change) = 0, d_z undefined (and d_av is not returned either)
    with pytest.raises(ValueError, match="SD of the changes is zero"):
        paired_effect_size([90, 96, 100], [96, 102, 106])


def test_paired_effect_size_lengths_must_match():
    with pytest.raises(ValueError, match="pairs for the same pupils"):
        paired_effect_size([90, 96, 100], [96, 102])


@pytest.mark.parametrize("missing", [None, math.nan])
def test_paired_effect_size_refuses_missing_exit_results(missing):
    # Callers must drop pupils without an exit result (and report how many) before calling.
    with pytest.raises(ValueError, match="drop pupils with missing results"):
        paired_effect_size([90, 96, 100], [96, missing, 104])


def test_paired_effect_size_refuses_missing_in_pandas():
    with pytest.raises(ValueError, match="missing"):
        paired_effect_size(pd.Series([90.0, 96.0, 100.0]), pd.Series([96.0, None, 104.0]))


# --- t quantiles and mean CI ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "t"),
    [
        (0.975, 1, 12.706),
        (0.975, 2, 4.303),
        (0.975, 4, 2.776),
        (0.975, 9, 2.262),
        (0.975, 29, 2.045),
        (0.975, 30, 2.042),
        (0.975, 120, 1.980),
        (0.95, 10, 1.812),
        (0.995, 5, 4.032),
    ],
)
def test_t_quantile_matches_tables(p, df, t):
    assert round(t_quantile(p, df), 3) == t


def test_t_quantile_median_and_bad_input():
    assert t_quantile(0.5, 7) == pytest.approx(0, abs=1e-9)
    with pytest.raises(ValueError):
        t_quantile(0.975, 0)
    with pytest.raises(ValueError):
        t_quantile(1.0, 5)


def test_mean_ci_by_hand():
    # 1..5: mean 3, s = √(10/4) = 1.581139, SE = 1.581139 / √5 = 0.707107
    # t(0.975, 4) = 2.776445, half-width = 2.776445 · 0.707107 = 1.963243 -> (1.036757, 4.963243)
    mean, low, high = mean_ci([1, 2, 3, 4, 5])
    assert mean == 3
    assert (low, high) == pytest.approx((1.036757, 4.963243), abs=1e-6)


def test_mean_ci_other_confidence_and_pandas():
    # t(0.95, 4) = 2.131847, half-width = 2.131847 · 0.707107 = 1.507443
    mean, low, high = mean_ci(pd.Series([1, 2, 3, 4, 5]), confidence=0.90)
    assert (low, high) == pytest.approx((3 - 1.507443, 3 + 1.507443), abs=1e-6)


def test_mean_ci_edge_cases():
    with pytest.raises(ValueError, match="at least 2"):
        mean_ci([4])
    with pytest.raises(ValueError, match="at least 2"):
        mean_ci([])
    assert mean_ci([6, 6, 6]) == (6, 6, 6)  # zero variance: zero-width interval
    with pytest.raises(ValueError, match="missing"):
        mean_ci([1, None, 3])
    with pytest.raises(ValueError, match="confidence"):
        mean_ci([1, 2, 3], confidence=95)


# --- EEF Toolkit months ---------------------------------------------------------------------------------------

TOOLKIT_ROWS = [
    (0.00, 0.01, 0),
    (0.02, 0.09, 1),
    (0.10, 0.18, 2),
    (0.19, 0.26, 3),
    (0.27, 0.35, 4),
    (0.36, 0.44, 5),
    (0.45, 0.52, 6),
    (0.53, 0.61, 7),
    (0.62, 0.69, 8),
    (0.70, 0.78, 9),
    (0.79, 0.87, 10),
    (0.88, 0.95, 11),
    (0.96, 1.00, 12),
]


@pytest.mark.parametrize(("low", "high", "months"), TOOLKIT_ROWS)
def test_toolkit_months_each_row_of_the_eef_table(low, high, months):
    assert toolkit_months(low) == months
    assert toolkit_months(high) == months
    assert toolkit_months(-low) == -months  # -0 == 0 for the first row
    assert toolkit_months(-high) == -months


@pytest.mark.parametrize(
    ("effect_size", "months"),
    [
        (0.0149, 0),  # rounds to 0.01
        (0.015, 1),  # rounds half up to 0.02
        (0.094, 1),
        (0.095, 2),  # rounds to 0.10
        (0.185, 3),  # rounds to 0.19
        (-0.185, -3),
        (-0.01, 0),
        (1.5, 12),  # capped
        (-3.0, -12),
    ],
)
def test_toolkit_months_rounds_to_two_places_first(effect_size, months):
    assert toolkit_months(effect_size) == months


def test_toolkit_months_refuses_missing():
    with pytest.raises(ValueError):
        toolkit_months(math.nan)


# --- The adjusted effect (ANCOVA) and Hedges' g on the attainment scale ----------------------------------------


def test_ancova_difference_worked_by_hand():
    # Group: entry 1, 2, 3 -> exit 3, 5, 6. Similar pupils: entry 1, 2, 3, 4 -> exit 1, 2, 4, 5.
    # Within-group sums: Sxx = 2 + 5 = 7, Sxy = 3 + 7 = 10, Syy = 42/9 + 10 = 132/9; slope b = 10/7;
    # adjusted difference = (14/3 - 3) - (10/7)(2 - 2.5) = 50/21; residual SS = 132/9 - 100/7 = 8/21 on 4 df;
    # SE = sqrt((2/21)(1/3 + 1/4 + 0.25/7)) = sqrt(26)/21; CI = 50/21 -/+ t(0.975, 4) x SE, t = 2.776445.
    result = ancova_difference([1, 2, 3], [3, 5, 6], [1, 2, 3, 4], [1, 2, 4, 5])
    assert isinstance(result, AdjustedDifference)
    assert result.difference == pytest.approx(50 / 21)
    assert result.slope == pytest.approx(10 / 7)
    assert result.se == pytest.approx(math.sqrt(26) / 21)
    assert result.df == 4
    assert result.ci_low == pytest.approx(50 / 21 - 2.776445 * math.sqrt(26) / 21, abs=1e-5)
    assert result.ci_high == pytest.approx(50 / 21 + 2.776445 * math.sqrt(26) / 21, abs=1e-5)


def test_ancova_difference_is_the_least_squares_coefficient_of_group_membership():
    rng = np.random.default_rng(20261205)
    entry_t, entry_c = rng.normal(80, 6, 9), rng.normal(92, 9, 35)
    exit_t = 0.8 * entry_t + 23 + rng.normal(0, 5, 9)
    exit_c = 0.8 * entry_c + 20 + rng.normal(0, 5, 35)
    result = ancova_difference(entry_t, exit_t, entry_c, exit_c)
    design = np.column_stack([np.ones(44), np.r_[np.ones(9), np.zeros(35)], np.r_[entry_t, entry_c]])
    exits = np.r_[exit_t, exit_c]
    coefficients, residual, *_ = np.linalg.lstsq(design, exits, rcond=None)
    covariance = residual[0] / (44 - 3) * np.linalg.inv(design.T @ design)
    assert result.difference == pytest.approx(coefficients[1])
    assert result.slope == pytest.approx(coefficients[2])
    assert result.se == pytest.approx(math.sqrt(covariance[1, 1]))


def test_ancova_refuses_what_it_cannot_fit():
    with pytest.raises(ValueError):
        ancova_difference([1], [2], [1, 2], [2, 3])  # one pupil in the group
    with pytest.raises(ValueError, match="spread"):
        ancova_difference([5, 5], [6, 7], [5, 5], [5, 6])  # every entry score the same
    with pytest.raises(ValueError):
        ancova_difference([1, 2], [2], [1, 2], [2, 3])


def test_hedges_j_and_the_standardised_effect():
    assert hedges_j(19) == pytest.approx(1 - 3 / 75)
    assert hedges_j(math.inf) == 1
    with pytest.raises(ValueError):
        hedges_j(0)
    adjusted = AdjustedDifference(difference=3.0, se=1.5, df=30, ci_low=-0.06, ci_high=6.06, slope=0.8)
    effect = standardised_effect(adjusted, 15.0)
    assert effect == (pytest.approx(0.2), pytest.approx(-0.004), pytest.approx(0.404))
    corrected = standardised_effect(adjusted, 15.0, sd_df=59)
    assert corrected.g == pytest.approx(0.2 * (1 - 3 / 235))
    with pytest.raises(ValueError):
        standardised_effect(adjusted, 0)


# --- Pooling groups -------------------------------------------------------------------------------------------


def test_pool_effects_random_effects_worked_by_hand():
    # w = 1/SE^2 = 4 and 16; fixed average (3.2 + 3.2) / 20 = 0.32; Q = 4(0.48)^2 + 16(0.12)^2 = 1.152 on 1 df;
    # C = 20 - (16 + 256)/20 = 6.4; tau^2 = 0.152 / 6.4 = 0.02375; I^2 = 0.152 / 1.152 = 13.19%.
    pooled = pool_effects([0.8, 0.2], [0.5, 0.25])
    weights = [1 / (0.25 + 0.02375), 1 / (0.0625 + 0.02375)]
    g = (weights[0] * 0.8 + weights[1] * 0.2) / sum(weights)
    assert isinstance(pooled, PooledEffect)
    assert pooled.q == pytest.approx(1.152) and pooled.tau2 == pytest.approx(0.02375)
    assert pooled.i2 == pytest.approx(100 * 0.152 / 1.152)
    assert pooled.g == pytest.approx(g) and pooled.se == pytest.approx(1 / math.sqrt(sum(weights)))
    assert pooled.ci_low == pytest.approx(g - 1.959964 / math.sqrt(sum(weights)), abs=1e-6)
    assert pooled.k == 2


def test_pool_effects_is_the_fixed_effect_average_when_groups_agree():
    pooled = pool_effects([0.3, 0.35, 0.25], [0.2, 0.2, 0.2])
    assert pooled.tau2 == 0 and pooled.i2 == 0
    assert pooled.g == pytest.approx(0.3) and pooled.se == pytest.approx(0.2 / math.sqrt(3))
    one = pool_effects([0.4], [0.1])
    assert (one.g, one.se, one.i2) == (0.4, 0.1, 0.0)
    with pytest.raises(ValueError):
        pool_effects([], [])
    with pytest.raises(ValueError):
        pool_effects([0.2], [0])


def test_group_ratio_gain_is_a_ratio_of_means():
    # Brooks: 12 months gained in 3, and 3 in 6: (7.5 / 4.5) = 1.67, not the mean of 4.0 and 0.5.
    assert group_ratio_gain([12, 3], [3, 6]) == pytest.approx(7.5 / 4.5)
    with pytest.raises(ValueError):
        group_ratio_gain([1], [0])
    with pytest.raises(ValueError):
        group_ratio_gain([], [])
