"""Progress checks: the aim line, the trend and the decision rules. Pure: numpy and plain values, no Django.

A *progress check* is a short measure repeated while a pupil is in a group (words read correctly in a minute,
number facts in a minute, a spelling list score). For each pupil:

* **The aim line** runs from the baseline at the start to the target at the group's end date. The baseline is the
  entry value on the check's scale when the school gave one (placed on the day the pupil's place began), else the
  first check (on its own day). After the school has acknowledged a decision by changing something, a new *phase*
  begins: only the checks after the day of the change are judged, and the phase's aim line runs from its first
  check to the (possibly raised) target. Its slope, per week, is the growth the pupil needs.
* **The trend** is the Theil-Sen slope (Theil 1950, Sen 1968): the median of the slopes between every pair of
  checks, per week. One wild score moves it little, unlike least squares. Its interval is Sen's, from the
  distribution of Kendall's S with the usual correction for tied values: with N pair slopes sorted, and
  C = z * sqrt(Var S), Var S = [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18 (the sum over groups of tied dates and of
  tied scores), the interval runs from the (N - C)/2-th to the ((N + C)/2 + 1)-th slope (ranks rounded).
  ``tests/interventions/test_progress_rules.py`` checks it against ``scipy.stats.theilslopes``.
* **The decision** (``decide``), with the thresholds in ``Thresholds`` (printed on the pages):

  - fewer than 6 checks, or checks spanning less than 3 weeks: ``too_few`` (decisions from a few points are
    mostly noise);
  - no aim line (no target on the check's scale, no end date, or a target that is no improvement): ``no_aim``,
    saying which, never a guess;
  - ``off_track`` ("change something now"): the trend's 90% interval lies wholly below the aim slope, or the last
    4 checks are all below the aim line and the trend is under 0.75 x the aim slope;
  - ``raise_goal``: the interval lies wholly above 1.5 x the aim slope and the last 4 checks are above the aim line;
  - otherwise ``on_track``.

Where lower scores are better (errors, seconds), every value is turned over (multiplied by -1) before judging, so
"above" always means better; the evidence is reported on the check's own scale.

``decide`` works on many pupils at once (arrays of shape pupils x checks), so the simulation tests run thousands
of pupils in a fraction of a second through exactly the code the pages use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

DAYS_PER_WEEK = 7.0


class Decision(StrEnum):
    TOO_FEW = "too_few"
    NO_AIM = "no_aim"
    OFF_TRACK = "off_track"
    RAISE_GOAL = "raise_goal"
    ON_TRACK = "on_track"


# In the order ``decide`` codes them.
CODES: tuple[Decision, ...] = (
    Decision.TOO_FEW,
    Decision.NO_AIM,
    Decision.OFF_TRACK,
    Decision.RAISE_GOAL,
    Decision.ON_TRACK,
)
TOO_FEW, NO_AIM, OFF_TRACK, RAISE_GOAL, ON_TRACK = range(len(CODES))

LABELS: dict[Decision, str] = {
    Decision.TOO_FEW: "Too few checks yet",
    Decision.NO_AIM: "No aim line",
    Decision.OFF_TRACK: "Off track: change something now",
    Decision.RAISE_GOAL: "Well ahead: raise the goal",
    Decision.ON_TRACK: "On track",
}
SHORT_LABELS: dict[Decision, str] = {
    Decision.TOO_FEW: "Too few checks",
    Decision.NO_AIM: "No aim line",
    Decision.OFF_TRACK: "Off track",
    Decision.RAISE_GOAL: "Raise the goal",
    Decision.ON_TRACK: "On track",
}


@dataclass(frozen=True)
class Thresholds:
    """Every number the decision rules use, in one place."""

    min_checks: int = 6
    min_weeks: float = 3.0
    confidence: float = 0.90  # of the trend's interval
    last_checks: int = 4  # how many of the latest checks the "all below / all above" conditions look at
    off_track_ratio: float = 0.75  # a trend under this x the aim slope (with the last checks below) is off track
    raise_goal_ratio: float = 1.5  # an interval wholly above this x the aim slope (with the last checks above)

    @property
    def confidence_label(self) -> str:
        return f"{self.confidence:.0%}"

    def rules(self) -> list[tuple[Decision, str, str]]:
        """(decision, its short name, the rule in words), in the order the rules are applied (for the pages)."""
        return [(decision, SHORT_LABELS[decision], text) for decision, text in self._rules()]

    def _rules(self) -> list[tuple[Decision, str]]:
        percent = self.confidence_label
        return [
            (
                Decision.TOO_FEW,
                f"Fewer than {self.min_checks} checks, or checks spanning less than {self.min_weeks:g} weeks: "
                "too early to judge, as single scores are mostly noise.",
            ),
            (
                Decision.NO_AIM,
                "No target on the check's scale, no end date for the group, or a target that is no improvement on "
                "the baseline: there is no aim line to judge against, and the page says which.",
            ),
            (
                Decision.OFF_TRACK,
                f"The trend's {percent} interval lies wholly below the aim slope, or the last {self.last_checks} "
                f"checks are all below the aim line and the trend is under {self.off_track_ratio:g} x the aim slope: "
                "change something now (more or longer sessions, another group, another approach).",
            ),
            (
                Decision.RAISE_GOAL,
                f"The trend's {percent} interval lies wholly above {self.raise_goal_ratio:g} x the aim slope and the "
                f"last {self.last_checks} checks are above the aim line: the goal can be raised.",
            ),
            (Decision.ON_TRACK, "Anything else: keep going and keep checking."),
        ]


THRESHOLDS = Thresholds()


# --- The trend ----------------------------------------------------------------------------------------------


class Trend(NamedTuple):
    """Theil-Sen fits, one entry per row: slope, intercept (median y - slope x median x), interval."""

    slope: np.ndarray
    intercept: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _tie_term(values: np.ndarray) -> np.ndarray:
    """Per row, sum over groups of equal values of t(t-1)(2t+5): for each value, c = how many in its row equal
    it; summing (c-1)(2c+5) over the values counts each group of t once per member."""
    equal = (values[:, :, None] == values[:, None, :]).sum(axis=2)
    return ((equal - 1) * (2 * equal + 5)).sum(axis=1)


def theil_sen(x: np.ndarray | Sequence, y: np.ndarray | Sequence, confidence: float = THRESHOLDS.confidence) -> Trend:
    """Theil-Sen slope and Sen's interval for each row of ``x`` and ``y`` (shape rows x points, or one row).

    Pairs with equal x are left out of the slopes. A row with fewer than two distinct x gets NaN throughout.
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    y = np.atleast_2d(np.asarray(y, dtype=float))
    rows, n = y.shape
    nan = np.full(rows, np.nan)
    if n < 2:
        return Trend(nan, nan, nan, nan)
    first, second = np.triu_indices(n, k=1)
    dx = x[:, second] - x[:, first]
    dy = y[:, second] - y[:, first]
    with np.errstate(divide="ignore", invalid="ignore"):
        slopes = np.where(dx != 0, dy / dx, np.nan)
    slopes.sort(axis=1)  # NaN (equal x) last
    count = (~np.isnan(slopes)).sum(axis=1)
    usable = count > 0
    # The median of each row's usable slopes (the NaN are at the end, so positions count from the start).
    lower_mid = np.clip((count - 1) // 2, 0, None)
    upper_mid = np.clip(count // 2, 0, None)
    take = np.take_along_axis
    slope = (take(slopes, lower_mid[:, None], 1)[:, 0] + take(slopes, upper_mid[:, None], 1)[:, 0]) / 2
    intercept = np.median(y, axis=1) - slope * np.median(x, axis=1)
    variance = (n * (n - 1) * (2 * n + 5) - _tie_term(x) - _tie_term(y)) / 18.0
    spread = NormalDist().inv_cdf(0.5 + confidence / 2) * np.sqrt(np.clip(variance, 0, None))
    # Ranks counted from 1, rounded half to even (as numpy and Python round); then made positions, kept in range.
    low_at = np.clip(np.round((count - spread) / 2) - 1, 0, np.clip(count - 1, 0, None)).astype(int)
    high_at = np.clip(np.round((count + spread) / 2), 0, np.clip(count - 1, 0, None)).astype(int)
    low = take(slopes, low_at[:, None], 1)[:, 0]
    high = take(slopes, high_at[:, None], 1)[:, 0]
    return Trend(
        np.where(usable, slope, np.nan),
        np.where(usable, intercept, np.nan),
        np.where(usable, low, np.nan),
        np.where(usable, high, np.nan),
    )


# --- The rules ----------------------------------------------------------------------------------------------


def decide(
    weeks: np.ndarray,
    values: np.ndarray,
    aim_start: np.ndarray,
    aim_slope: np.ndarray,
    thresholds: Thresholds = THRESHOLDS,
) -> tuple[np.ndarray, Trend]:
    """The decision code (``CODES``) for each row, and the trend behind it.

    ``weeks`` (rows x checks, ascending along each row) are weeks since the aim line's start; ``values`` are the
    checks turned so that higher is better; the aim line is ``aim_start + aim_slope * weeks``. A row whose aim
    slope is NaN or not above 0 has no aim. Rows have equal numbers of checks (pad nothing: judge each pupil's
    own checks through ``judge`` when they differ).
    """
    weeks = np.atleast_2d(np.asarray(weeks, dtype=float))
    values = np.atleast_2d(np.asarray(values, dtype=float))
    aim_start = np.asarray(aim_start, dtype=float).reshape(-1)
    aim_slope = np.asarray(aim_slope, dtype=float).reshape(-1)
    rows, n = values.shape
    trend = theil_sen(weeks, values, thresholds.confidence)
    if n == 0:
        return np.full(rows, TOO_FEW), trend
    span = weeks[:, -1] - weeks[:, 0]
    too_few = (n < thresholds.min_checks) | (span < thresholds.min_weeks)
    no_aim = ~(aim_slope > 0)  # NaN compares False, so no slope is no aim
    aim_at = aim_start[:, None] + aim_slope[:, None] * weeks
    last = slice(max(n - thresholds.last_checks, 0), n)
    all_below = (values[:, last] < aim_at[:, last]).all(axis=1)
    all_above = (values[:, last] > aim_at[:, last]).all(axis=1)
    off_track = (trend.high < aim_slope) | (all_below & (trend.slope < thresholds.off_track_ratio * aim_slope))
    raise_goal = (trend.low > thresholds.raise_goal_ratio * aim_slope) & all_above
    codes = np.select(
        [too_few, no_aim, off_track, raise_goal], [TOO_FEW, NO_AIM, OFF_TRACK, RAISE_GOAL], default=ON_TRACK
    )
    return codes, trend


# --- One pupil ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    day: dt.date
    value: float


@dataclass(frozen=True)
class Aim:
    """The aim line: ``baseline`` on ``start`` to ``target`` on ``end``, on the check's own scale."""

    start: dt.date
    baseline: float
    end: dt.date
    target: float
    from_entry: bool = False  # the baseline is the entry value the school gave, not the first check

    @property
    def weeks(self) -> float:
        return (self.end - self.start).days / DAYS_PER_WEEK

    @property
    def slope_per_week(self) -> float:
        return (self.target - self.baseline) / self.weeks

    def value_on(self, day: dt.date) -> float:
        return self.baseline + self.slope_per_week * (day - self.start).days / DAYS_PER_WEEK


@dataclass(frozen=True)
class Goal:
    """What the aim line is built from for one pupil's place (plain values from the database)."""

    starts: dt.date  # the later of joining the group and its start
    ends: dt.date | None  # the group's end date
    target: float | None  # on the check's scale
    entry_value: float | None = None  # the baseline on the check's scale, when the school gave one
    higher_is_better: bool = True


@dataclass(frozen=True)
class Judgement:
    """The decision for one pupil's place, with everything it rests on (in the check's own units)."""

    decision: Decision
    checks: tuple[Check, ...]  # the checks judged: those of the current phase, by date
    all_checks: tuple[Check, ...]  # every check of the place, for the chart
    aim: Aim | None
    missing: str = ""  # why there is no aim line, in words; empty when there is one
    higher_is_better: bool = True
    slope: float | None = None  # the trend per week
    intercept: float | None = None  # the trend's value on the aim line's start (or the first judged check's day)
    low: float | None = None  # the trend's interval
    high: float | None = None
    behind_last: int = 0  # how many of the last checks are behind the aim line (worse than it)
    ahead_last: int = 0
    phase_start: dt.date | None = None  # the day of the change that began the current phase
    thresholds: Thresholds = field(default=THRESHOLDS, repr=False)

    @property
    def label(self) -> str:
        return LABELS[self.decision]

    @property
    def short_label(self) -> str:
        return SHORT_LABELS[self.decision]

    @property
    def n_checks(self) -> int:
        return len(self.checks)

    @property
    def weeks(self) -> float:
        """How many weeks the judged checks span (0 for one check or none)."""
        if len(self.checks) < 2:
            return 0.0
        return (self.checks[-1].day - self.checks[0].day).days / DAYS_PER_WEEK

    @property
    def aim_per_week(self) -> float | None:
        return self.aim.slope_per_week if self.aim is not None else None

    @property
    def origin(self) -> dt.date | None:
        """The day the trend's intercept is on: the aim line's start, or the first judged check's day."""
        if self.aim is not None:
            return self.aim.start
        return self.checks[0].day if self.checks else None

    def trend_on(self, day: dt.date) -> float | None:
        if self.slope is None or self.origin is None:
            return None
        return self.intercept + self.slope * (day - self.origin).days / DAYS_PER_WEEK

    @property
    def interval_short_of_aim(self) -> bool:
        """The whole interval is worse than the aim slope (the first off-track rule)."""
        if self.aim is None or self.slope is None:
            return False
        aim = self.aim.slope_per_week
        return self.high < aim if self.higher_is_better else self.low > aim


def _aim(goal: Goal, checks: Sequence[Check], *, phase: bool) -> tuple[Aim | None, str]:
    """The aim line for ``checks`` (a place's, or a phase's), or None and why not."""
    if goal.target is None:
        return None, "No target is set on the check's scale, so there is no aim line to judge against."
    if goal.ends is None:
        return None, "The group has no end date, so the aim line has nowhere to end."
    if goal.entry_value is not None and not phase:
        start, baseline, from_entry = goal.starts, goal.entry_value, True
    elif checks:
        start, baseline, from_entry = checks[0].day, checks[0].value, False
    else:
        return None, "No baseline yet: the first check will be the baseline."
    if goal.ends <= start:
        return None, f"The group ends on {goal.ends:%d/%m/%Y}, no later than the baseline ({start:%d/%m/%Y})."
    better = goal.target > baseline if goal.higher_is_better else goal.target < baseline
    if not better:
        word = "above" if goal.higher_is_better else "below"
        return None, (
            f"The target ({number(goal.target)}) is not {word} the baseline ({number(baseline)}), so there is no "
            "growth to aim for: set a target that is an improvement."
        )
    return Aim(start=start, baseline=baseline, end=goal.ends, target=goal.target, from_entry=from_entry), ""


def judge(
    goal: Goal,
    checks: Sequence[Check],
    *,
    phase_start: dt.date | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> Judgement:
    """The decision for one place from its checks (any order). With ``phase_start`` (the day of the latest change
    the school made after a decision), only the checks after that day are judged."""
    every = tuple(sorted(checks, key=lambda c: c.day))
    judged = tuple(c for c in every if phase_start is None or c.day > phase_start)
    aim, missing = _aim(goal, judged, phase=phase_start is not None)
    base = {
        "checks": judged,
        "all_checks": every,
        "aim": aim,
        "missing": missing,
        "phase_start": phase_start,
        "higher_is_better": goal.higher_is_better,
        "thresholds": thresholds,
    }
    if len(judged) < 2:
        return Judgement(decision=Decision.TOO_FEW, **base)
    sign = 1.0 if goal.higher_is_better else -1.0
    if aim is not None:
        origin, start_value, slope = aim.start, aim.baseline, aim.slope_per_week
    else:
        origin, start_value, slope = judged[0].day, judged[0].value, float("nan")
    weeks = np.array([(c.day - origin).days / DAYS_PER_WEEK for c in judged])
    values = np.array([c.value for c in judged])
    codes, trend = decide(weeks, sign * values, np.array([sign * start_value]), np.array([sign * slope]), thresholds)
    last = slice(max(len(judged) - thresholds.last_checks, 0), len(judged))
    gap = sign * (values[last] - (start_value + slope * weeks[last]))  # above 0: ahead of the aim line
    # Back on the check's own scale: a turned interval comes back the other way round.
    low, high = (trend.low[0], trend.high[0]) if sign > 0 else (-trend.high[0], -trend.low[0])
    return Judgement(
        decision=CODES[int(codes[0])],
        slope=float(sign * trend.slope[0]),
        intercept=float(sign * trend.intercept[0]),
        low=float(low),
        high=float(high),
        behind_last=int((gap < 0).sum()) if aim is not None else 0,
        ahead_last=int((gap > 0).sum()) if aim is not None else 0,
        **base,
    )


def history(goal: Goal, checks: Sequence[Check], *, changes: Sequence[dt.date] = ()) -> list[tuple[dt.date, Decision]]:
    """The decision as it stood after each check, each judged within its phase: for "off track at some point".

    ``changes`` are the days the school changed something after a decision; each begins a new phase."""
    every = sorted(checks, key=lambda c: c.day)
    ordered = sorted(changes)
    out = []
    for position, check in enumerate(every):
        phase = next((day for day in reversed(ordered) if day < check.day), None)
        out.append((check.day, judge(goal, every[: position + 1], phase_start=phase).decision))
    return out


# --- Words ----------------------------------------------------------------------------------------------------


def number(value: float | None, places: int = 1) -> str:
    """12, 12.5, 0.33 -> "12", "12.5", "0.3": no trailing zeros, a minus sign for negatives."""
    if value is None or not np.isfinite(value):
        return "-"
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("-", "\u2212")


def signed(value: float | None, places: int = 2) -> str:
    """+1.5, \u22120.3, 0."""
    text = number(value, places)
    if text in ("-", "0") or text.startswith("\u2212"):
        return text
    return f"+{text}"


def weeks_words(weeks: float) -> str:
    shown = number(weeks)
    return f"{shown} week{'' if shown == '1' else 's'}"


def evidence(judgement: Judgement, unit: str) -> list[str]:
    """What the decision rests on, in sentences for the pages (``unit`` is the check's: "words")."""
    t = judgement.thresholds
    per_week = f"{unit} a week" if unit else "a week"
    n = judgement.n_checks
    since = f" since the change on {judgement.phase_start:%d/%m/%Y}" if judgement.phase_start else ""
    counted = f"{n} check{'' if n == 1 else 's'} over {weeks_words(judgement.weeks)}{since}"
    lines: list[str] = []
    if judgement.decision == Decision.TOO_FEW:
        lines.append(f"{counted}: the rules need at least {t.min_checks} checks over {t.min_weeks:g} weeks.")
    if judgement.missing:
        lines.append(judgement.missing)
    if judgement.slope is None:
        return lines
    trend = (
        f"trend {signed(judgement.slope)} {per_week} "
        f"({t.confidence:.0%} interval {signed(judgement.low)} to {signed(judgement.high)})"
    )
    aim = judgement.aim
    if aim is None:
        if judgement.decision != Decision.TOO_FEW:
            lines.append(f"{counted}; {trend}.")
        return lines
    aim_words = f"the aim of {signed(aim.slope_per_week)} {per_week}"
    last = min(t.last_checks, n)
    if judgement.decision == Decision.TOO_FEW:
        lines.append(f"So far: {trend} against {aim_words}.")
    elif judgement.decision == Decision.OFF_TRACK and judgement.interval_short_of_aim:
        lines.append(f"{counted}; {trend}: the whole interval falls short of {aim_words}.")
    elif judgement.decision == Decision.OFF_TRACK:
        lines.append(
            f"{counted}. The last {last} checks are all behind the aim line, and the trend "
            f"({signed(judgement.slope)} {per_week}) is under {t.off_track_ratio:g} x {aim_words}."
        )
    elif judgement.decision == Decision.RAISE_GOAL:
        lines.append(
            f"{counted}; {trend}: the whole interval is beyond {t.raise_goal_ratio:g} x {aim_words}, and the last "
            f"{last} checks are all ahead of the aim line."
        )
    else:
        lines.append(
            f"{counted}; {trend} against {aim_words}; {judgement.behind_last} of the last {last} checks behind the line."
        )
    return lines
