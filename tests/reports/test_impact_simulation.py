"""Does the impact engine recover a known truth? Seeded simulations of whole year groups, run through
``reports.impact.evaluation.evaluate`` exactly as the pages run it.

Each simulated year group has a few hundred pupils with a true attainment; each test score is that attainment plus
measurement error, for a test reliability drawn between 0.85 and 0.95 (the range published standardised reading
and maths tests report). Scores are put on a standardised scale (mean 100, SD 15) and rounded to whole points, as a
school records them. The school picks the pupils for an intervention as schools do, from its lowest scorers on the
entry test (a handful at random from the lowest 15%), so every group rises on the exit test by regression to the
mean alone. A true effect of ``effect`` standard deviations of attainment is added to the group's exit scores.

What must hold (the issue's acceptance figures):
* a programme with no effect is called "Some impact" or "Strong evidence" in at most 5% of simulated groups and of
  simulated programmes;
* a true effect of 0.3 SD is recovered on average within ±0.05, and its 95% intervals cover 0.3 between 92% and
  98% of the time;
* with no comparison possible (before and after only) a no-effect group is never "Strong" and "Some" at most 5%.

Everything is generated with numpy in one go (no loop over pupils), and all the groups of a run are evaluated in
one call, so the whole module takes a few seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reports.impact import evaluation as ev

ENTRY_ON, EXIT_ON = pd.Timestamp("2025-09-22"), pd.Timestamp("2026-01-12")
GROUP_START, GROUP_END = pd.Timestamp("2025-09-29"), pd.Timestamp("2026-01-09")
BORN = pd.Timestamp("2016-01-15")


def simulate(
    seed: int,
    groups: int,
    *,
    effect: float = 0.0,
    linked: bool = True,
    per_programme: int = 1,
    chosen_on: str = "entry",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``groups`` year groups, each with one intervention group, as (placements, interventions, results).

    ``per_programme`` groups in a row share a programme (each in its own year group, so their estimates are
    independent, as a programme's groups in different years are). ``linked=False`` types the group's entry and
    exit values in rather than linking them to the assessments: no comparison is possible. ``chosen_on`` is the
    score the school picks the lowest pupils on: "entry" (the entry assessment itself) or "screening" (another
    test taken before it)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(150, 301, groups)
    reliability = rng.uniform(0.85, 0.95, groups)
    year_of = np.repeat(np.arange(groups), sizes)
    n = len(year_of)
    noise = np.sqrt((1 - reliability) / reliability)[year_of]  # error SD for a true-score SD of 1
    observed_sd = np.sqrt(1 + noise**2)
    truth = rng.normal(0, 1, n)
    entry = 100 + 15 * (truth + rng.normal(0, 1, n) * noise) / observed_sd
    exit_ = 100 + 15 * (truth + rng.normal(0, 1, n) * noise) / observed_sd
    screening = 100 + 15 * (truth + rng.normal(0, 1, n) * noise) / observed_sd
    picked_on = entry if chosen_on == "entry" else screening

    # The school's choice: 5 to 9 pupils at random from the lowest 15% of each year group.
    frame = pd.DataFrame({"year": year_of, "score": picked_on, "draw": rng.random(n)})
    frame["rank"] = frame.groupby("year")["score"].rank(method="first")
    frame["size"] = sizes[year_of]
    pool = frame[frame["rank"] <= np.ceil(0.15 * frame["size"])]
    wanted = pd.Series(rng.integers(5, 10, groups))
    pool = pool.assign(order=pool.groupby("year")["draw"].rank(method="first"))
    chosen = pool[pool["order"] <= pool["year"].map(wanted)].index.to_numpy()
    exit_[chosen] += effect * 15
    entry, exit_ = np.round(entry), np.round(exit_)

    pupil_ids = np.arange(1, n + 1)
    results = pd.DataFrame(
        {
            "pupil_id": np.tile(pupil_ids, 2),
            "year_group": 4,
            "date_of_birth": BORN,
            "subject_id": 1,
            "assessment_id": np.r_[2 * year_of + 1, 2 * year_of + 2],
            "taken_on": np.r_[np.full(n, ENTRY_ON), np.full(n, EXIT_ON)],
            "value": np.r_[entry, exit_],
            "scale_id": 1,
            "scale_kind": "standardised",
            "expected": 85,
            "high": 115,
            "drop_concern": 5,
            "age_tolerance_months": 12,
        }
    )
    intervention_of = year_of[chosen] + 1
    programme = (np.arange(groups) // per_programme + 1) if per_programme > 1 else np.full(groups, np.nan)
    placements = pd.DataFrame(
        {
            "placement_id": np.arange(1, len(chosen) + 1),
            "intervention_id": intervention_of,
            "programme_id": programme[year_of[chosen]],
            "pupil_id": pupil_ids[chosen],
            "year_group": 4,
            "pupil_premium": False,
            "subject_id": 1,
            "scale_kind": "standardised",
            "entry_date": GROUP_START,
            "exit_date": GROUP_END,
            "entry_value": entry[chosen],
            "exit_value": exit_[chosen],
            "entry_assessment_id": (2 * year_of[chosen] + 1) if linked else np.nan,
            "exit_assessment_id": (2 * year_of[chosen] + 2) if linked else np.nan,
            "entry_taken_on": ENTRY_ON if linked else pd.NaT,
            "exit_taken_on": EXIT_ON if linked else pd.NaT,
            "target_value": np.nan,
            "outcome": "",
            "entry_rating": np.nan,
            "exit_rating": np.nan,
            "sessions_attended": 20,
            "sessions_held": 20,
            "date_of_birth": BORN,
        }
    )
    interventions = pd.DataFrame(
        {
            "intervention_id": np.arange(1, groups + 1),
            "school_id": 1,
            "programme_id": programme,
            "programme_name": [f"Programme {p:g}" if p == p else "" for p in programme],
            "name": [f"Group {i}" for i in range(1, groups + 1)],
            "subject_id": 1,
            "subject_name": "Reading",
            "scale_kind": "standardised",
            "scale_steps": np.nan,
            "wave": 2,
            "status": "completed",
            "start_date": GROUP_START,
            "end_date": GROUP_END,
            "cost": 900.0,
        }
    )
    return placements, interventions, results


def run(*args, **kwargs) -> ev.Evaluation:
    return ev.evaluate(*simulate(*args, **kwargs))


def covers(frame: pd.DataFrame, truth: float) -> float:
    return float(((frame["g_ci_low"] <= truth) & (frame["g_ci_high"] >= truth)).mean())


def called_effective(frame: pd.DataFrame) -> float:
    return float(frame["verdict"].isin(["some", "strong"]).mean())


def test_a_programme_with_no_effect_drawn_from_the_lowest_scorers_is_rarely_called_effective():
    groups = run(11, 400).groups
    assert (groups["measure"] == "comparison").all()
    # Regression to the mean: the groups rose by several points on average with no effect at all...
    assert (groups["exit_mean_group"] - groups["entry_mean_group"]).mean() > 2
    # ... which the adjusted comparison removes.
    assert abs(groups["g"].mean()) < 0.05
    assert called_effective(groups) <= 0.05
    assert 0.92 <= covers(groups, 0.0) <= 0.98


def test_a_true_effect_of_point_three_sd_is_recovered_with_honest_intervals():
    groups = run(12, 400, effect=0.3).groups
    assert groups["g"].mean() == pytest.approx(0.3, abs=0.05)
    assert 0.92 <= covers(groups, 0.3) <= 0.98
    # The old engine's figure, the gains' own spread, would have put this at well over twice the truth.
    assert groups["sd_attainment"].mean() == pytest.approx(15, abs=0.5)


def test_programmes_pooled_over_their_groups_keep_both_properties():
    null = run(13, 600, per_programme=3).programmes
    assert len(null) == 200 and (null["n_groups_compared"] == 3).all()
    assert called_effective(null) <= 0.05
    real = run(14, 600, effect=0.3, per_programme=3).programmes
    assert real["g"].mean() == pytest.approx(0.3, abs=0.05)
    assert 0.92 <= covers(real, 0.3) <= 0.98
    # Pooling three groups tells more than one group does.
    assert called_effective(real) > called_effective(run(12, 400, effect=0.3).groups)


def test_before_and_after_only_a_no_effect_group_is_never_strong_and_rarely_some():
    groups = run(15, 400, linked=False).groups
    assert (groups["measure"] == "before_after").all()
    assert groups["mean_gain"].mean() > 2  # they rose, with no effect
    assert not (groups["verdict"] == "strong").any()
    assert (groups["verdict"] == "some").mean() <= 0.05
    assert groups["months"].isna().all() and groups["g"].isna().all()


def test_when_pupils_were_chosen_on_another_test_the_estimate_understates_rather_than_overstates():
    # Chosen on an earlier screening test: the entry score then under-adjusts for how far behind they are, so the
    # comparison errs against the intervention (the limit the "How impact is judged" page states).
    groups = run(16, 400, effect=0.3, chosen_on="screening").groups
    assert groups["g"].mean() < 0.3
    assert called_effective(run(17, 400, chosen_on="screening").groups) <= 0.05
