"""Progress checks off track (and on track, and ahead): a few of Hazel Grove's groups check their pupils weekly,
so that every decision shows.

Four of the current term's running groups (reading, phonics, maths, spelling) get a check and weekly scores, each
taken on the first session of the week the pupil attended (never on a day the register has them absent). Each
pupil is designed to be on track, off track, well ahead (raise the goal), too new to judge, or without a target; the
scores are drawn with noise and redrawn until ``rules.judge`` reaches the designed decision, so every decision is
on show whatever the seed. One finished group from an earlier term has a pupil who fell off track, for whom the
SENCO recorded a change (daily sessions) that worked: its impact page shows both.

Bulk inserts only; the same seed and ``today`` give the same checks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from demo.build.summary import CheckSummary
from demo.school import demo_rng
from interventions.models import Attendance, Intervention, Placement, Status
from interventions.progress import rules
from interventions.progress.models import CheckChange, CheckGoal, CheckReview, CheckScore, ProgressCheck, ScoreSource
from provision.models import School


@dataclass(frozen=True)
class CheckDesign:
    name: str
    unit: str
    max_value: float
    baseline: tuple[float, float]  # the range first scores are drawn from
    aim: float  # the growth a week the targets ask for
    noise: float  # standard deviation of one check around the pupil's true line


DESIGNS = {
    "reading": CheckDesign("Words read correctly in a minute", "words", 200, (28, 55), 1.6, 2.0),
    "phonics": CheckDesign("Real and made-up words read in a minute", "words", 120, (10, 25), 1.2, 1.5),
    "maths": CheckDesign("Number facts correct in a minute", "facts", 60, (8, 18), 0.9, 1.0),
    "spelling": CheckDesign("Spelling list score", "words", 20, (3, 7), 0.55, 0.6),
}
ON, OFF, RAISE, TOO_FEW, NO_TARGET = "on", "off", "raise", "too_few", "no_target"
# Each group's pupils take these in turn (from a different place in the list for each group).
PATTERN = (ON, OFF, RAISE, ON, TOO_FEW, ON, NO_TARGET, ON)
GROWTH = {ON: 1.0, OFF: 0.1, RAISE: 2.8, TOO_FEW: 1.0, NO_TARGET: 1.0}  # x the aim
WANTED = {ON: rules.Decision.ON_TRACK, OFF: rules.Decision.OFF_TRACK, RAISE: rules.Decision.RAISE_GOAL}
RUNNING_GROUPS = 4
ATTEMPTS = 40


def _weekly_days(present: list[dt.date]) -> list[dt.date]:
    """The first attended day of each week."""
    by_week: dict[tuple[int, int], dt.date] = {}
    for day in sorted(present):
        by_week.setdefault(day.isocalendar()[:2], day)
    return sorted(by_week.values())


def _draw(rng: random.Random, design: CheckDesign, days: list[dt.date], growth: float, baseline: float) -> list[float]:
    start = days[0]
    values = []
    for day in days:
        weeks = (day - start).days / 7
        value = baseline + growth * weeks + rng.gauss(0, design.noise)
        values.append(float(min(max(round(value), 0), design.max_value)))
    return values


def _target(design: CheckDesign, start: dt.date, end: dt.date, baseline: float) -> float:
    return float(min(round(baseline + design.aim * (end - start).days / 7), design.max_value))


def _scores_for(
    rng: random.Random, placement: Placement, design: CheckDesign, days: list[dt.date], plan: str
) -> tuple[list[CheckScore], CheckGoal | None]:
    """One pupil's scores and goal, redrawn until the rules reach the designed decision (or the attempts run out:
    the data then stand as drawn)."""
    end = placement.intervention.end_date
    baseline = float(round(rng.uniform(*design.baseline)))
    if plan == TOO_FEW:
        days = days[-3:]  # joined the checks late: three so far
    target = _target(design, days[0], end, baseline) if plan != NO_TARGET else None
    values: list[float] = []
    for _ in range(ATTEMPTS):
        values = _draw(rng, design, days, GROWTH[plan] * design.aim, baseline)
        if plan not in WANTED:
            break
        goal = rules.Goal(starts=placement.entry_date, ends=end, target=target)
        checks = [rules.Check(day, value) for day, value in zip(days, values, strict=True)]
        if rules.judge(goal, checks).decision == WANTED[plan]:
            break
    scores = [
        CheckScore(placement=placement, date=day, value=value, typed=f"{value:g}", source=ScoreSource.SESSION)
        for day, value in zip(days, values, strict=True)
    ]
    return scores, CheckGoal(placement=placement, target_value=target) if target is not None else None


def _attended(placements: list[Placement]) -> dict[int, list[dt.date]]:
    present: dict[int, list[dt.date]] = defaultdict(list)
    for placement_id, day in Attendance.objects.filter(placement__in=placements, present=True).values_list(
        "placement_id", "session__date"
    ):
        present[placement_id].append(day)
    return present


def _turnaround(
    rng: random.Random, placement: Placement, design: CheckDesign, days: list[dt.date], senco
) -> tuple[list[CheckScore], CheckGoal, CheckReview | None]:
    """A pupil who fell off track, then made good progress after the SENCO recorded a change."""
    end = placement.intervention.end_date
    turn = min(6, len(days) - 3)
    baseline = float(round(rng.uniform(*design.baseline)))
    target = _target(design, days[0], end, baseline)
    goal = rules.Goal(starts=placement.entry_date, ends=end, target=target)
    before, after = days[:turn], days[turn:]
    first: list[float] = []
    for _ in range(ATTEMPTS):
        first = _draw(rng, design, before, 0.1 * design.aim, baseline)
        if rules.judge(goal, [rules.Check(d, v) for d, v in zip(before, first, strict=True)]).decision == (
            rules.Decision.OFF_TRACK
        ):
            break
    level = first[-1] if first else baseline
    second: list[float] = []
    if after:
        # After the change the pupil grows at the pace that still reaches the target by the end.
        needed = (target - level) / max((end - after[0]).days / 7, 1)
        second = _draw(rng, design, after, max(needed, design.aim), level)
    judged = rules.judge(goal, [rules.Check(d, v) for d, v in zip(before, first, strict=True)])
    scores = [
        CheckScore(placement=placement, date=d, value=v, typed=f"{v:g}", source=ScoreSource.SESSION)
        for d, v in zip(before + after, first + second, strict=True)
    ]
    review = (
        _change_recorded(placement, judged, before[-1], senco) if judged.decision == rules.Decision.OFF_TRACK else None
    )
    return scores, CheckGoal(placement=placement, target_value=target), review


def _change_recorded(placement: Placement, judged: rules.Judgement, last: dt.date, senco) -> CheckReview:
    """The SENCO's record of the decision and the change made (daily sessions), with the evidence shown."""
    return CheckReview(
        placement=placement,
        decision=rules.Decision.OFF_TRACK.value,
        change=CheckChange.DOSAGE,
        note="Daily sessions instead of three a week, and ten minutes of paired reading with a Year 6 buddy.",
        changed_on=last,
        evidence={
            "n_checks": judged.n_checks,
            "weeks": round(judged.weeks, 2),
            "slope_per_week": round(judged.slope, 3),
            "interval": [round(judged.low, 3), round(judged.high, 3)],
            "aim_per_week": round(judged.aim_per_week, 3),
            "last_check": last.isoformat(),
            "behind_last": judged.behind_last,
        },
        recorded_by=senco,
    )


def checks_create(*, school: School, seed: int, today: dt.date, senco, favoured: Iterable[int] = ()) -> CheckSummary:
    """Give a few of ``school``'s groups a progress check with weekly scores (see the module docstring). The groups
    of the ``favoured`` pupils (the demo parent's children) are checked too, and those pupils are on track, so that
    the parent's page shows it."""
    favoured = set(favoured)
    rng = demo_rng(seed, "interventions:progress-checks")
    running = _running_groups(school, today, favoured)
    finished = _finished_reading_group(school, today)
    groups = running + ([finished] if finished else [])
    checks, scores, goals, reviews = [], [], [], []
    for position, group in enumerate(groups):
        design = DESIGNS[group.area]
        checks.append(
            ProgressCheck(
                intervention=group, name=design.name, unit=design.unit, min_value=0, max_value=design.max_value
            )
        )
        made = _group_scores(rng, group, position, group is finished, today=today, senco=senco, favoured=favoured)
        scores += made[0]
        goals += made[1]
        reviews += made[2]
    ProgressCheck.objects.bulk_create(checks)
    CheckGoal.objects.bulk_create(goals)
    CheckScore.objects.bulk_create(scores, batch_size=2000)
    CheckReview.objects.bulk_create(reviews)
    return CheckSummary(checks=len(checks), scores=len(scores), reviews=len(reviews))


def _running_groups(school: School, today: dt.date, favoured: set[int]) -> list[Intervention]:
    """One running group per kind of check (at most ``RUNNING_GROUPS``), and the groups of the favoured pupils."""
    running = list(
        Intervention.objects.filter(
            school=school, status=Status.RUNNING, area__in=list(DESIGNS), end_date__gt=today, wave__in=[2, 3]
        ).order_by("start_date", "pk")
    )
    chosen, areas = [], set()
    for group in running:
        if group.area not in areas and len(chosen) < RUNNING_GROUPS:
            chosen.append(group)
            areas.add(group.area)
    with_favoured = set(
        Placement.objects.filter(intervention__in=running, pupil_id__in=favoured).values_list(
            "intervention_id", flat=True
        )
    )
    return chosen + [group for group in running if group.pk in with_favoured and group not in chosen]


def _finished_reading_group(school: School, today: dt.date) -> Intervention | None:
    """The latest finished reading group with pupils: the one with the turnaround."""
    return (
        Intervention.objects.filter(
            school=school, status=Status.COMPLETED, area="reading", end_date__lt=today, wave__in=[2, 3]
        )
        .filter(Exists(Placement.objects.filter(intervention=OuterRef("pk"))))
        .order_by("-end_date", "pk")
        .first()
    )


def _group_scores(
    rng: random.Random, group: Intervention, position: int, finished: bool, *, today: dt.date, senco, favoured: set[int]
) -> tuple[list[CheckScore], list[CheckGoal], list[CheckReview]]:
    """Each pupil's weekly scores and goal: in turn on track, off track, ahead and so on (``PATTERN``), the
    favoured on track; in the finished group, the first pupil's turnaround and the rest on track."""
    design = DESIGNS[group.area]
    placements = list(
        Placement.objects.filter(intervention=group).select_related("intervention").order_by("pupil_id", "pk")
    )
    attended = _attended(placements)
    scores, goals, reviews = [], [], []
    for index, placement in enumerate(placements):
        days = _weekly_days([d for d in attended.get(placement.pk, []) if d <= today])
        if len(days) < 2:
            continue
        if finished and index == 0 and len(days) >= 8:
            place_scores, goal, review = _turnaround(rng, placement, design, days, senco)
            reviews += [review] if review else []
        else:
            plan = PATTERN[(index + 2 * position) % len(PATTERN)] if not finished else ON
            plan = ON if placement.pupil_id in favoured else plan
            place_scores, goal = _scores_for(rng, placement, design, days, plan)
        scores += place_scores
        goals += [goal] if goal else []
    return scores, goals, reviews


def checks_delete(*, schools: list[School]) -> None:
    """Remove the schools' progress checks, leaf tables first."""
    CheckReview.objects.filter(placement__intervention__school__in=schools).delete()
    CheckScore.objects.filter(placement__intervention__school__in=schools).delete()
    CheckGoal.objects.filter(placement__intervention__school__in=schools).delete()
    ProgressCheck.objects.filter(intervention__school__in=schools).delete()
