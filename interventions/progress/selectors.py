"""Reading progress checks: each place's scores, goal and acknowledged decisions, judged by ``rules``.

Every function here loads what it needs in a fixed number of queries, whatever the number of pupils.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from interventions.models import Attendance, Intervention, Placement, Status
from interventions.progress import rules
from interventions.progress.models import CheckGoal, CheckReview, CheckScore, ProgressCheck
from provision.access import IMPORTERS, INTERVENTION_EDITORS, SESSION_LOGGERS
from provision.models import Role


def goal_of(placement: Placement, check: ProgressCheck, goal: CheckGoal | None) -> rules.Goal:
    """The aim line's ingredients for a place (no query: the intervention is loaded)."""
    intervention = placement.intervention
    return rules.Goal(
        starts=max(placement.entry_date, intervention.start_date),
        ends=intervention.end_date,
        target=goal.target_value if goal else None,
        entry_value=goal.entry_value if goal else None,
        higher_is_better=check.higher_is_better,
    )


@dataclass
class PlaceProgress:
    """One pupil's place in a group with a progress check: the scores, the goal, the reviews and the decision."""

    placement: Placement
    check: ProgressCheck
    goal: CheckGoal | None
    scores: list[CheckScore]
    reviews: list[CheckReview]

    @cached_property
    def judgement(self) -> rules.Judgement:
        phase = self.reviews[-1].changed_on if self.reviews else None
        return rules.judge(self.rules_goal, self.checks, phase_start=phase)

    @property
    def rules_goal(self) -> rules.Goal:
        return goal_of(self.placement, self.check, self.goal)

    @property
    def checks(self) -> list[rules.Check]:
        return [rules.Check(score.date, score.value) for score in self.scores]

    @property
    def decision(self) -> rules.Decision:
        return self.judgement.decision

    @property
    def label(self) -> str:
        return self.judgement.label

    @cached_property
    def evidence(self) -> list[str]:
        return rules.evidence(self.judgement, self.check.unit)

    @property
    def last_review(self) -> CheckReview | None:
        return self.reviews[-1] if self.reviews else None

    @cached_property
    def history(self) -> list[tuple[dt.date, rules.Decision]]:
        return rules.history(self.rules_goal, self.checks, changes=[review.changed_on for review in self.reviews])

    @property
    def was_off_track(self) -> bool:
        """Off track after some check (each judged on the checks up to it), or acknowledged as off track."""
        return any(review.decision == rules.Decision.OFF_TRACK for review in self.reviews) or any(
            decision == rules.Decision.OFF_TRACK for _, decision in self.history
        )

    @property
    def first_off_track(self) -> dt.date | None:
        return next((day for day, decision in self.history if decision == rules.Decision.OFF_TRACK), None)

    @property
    def table(self) -> list[dict]:
        """Every check with the aim line's value on its day and whether it was judged (the chart as a table)."""
        judgement = self.judgement
        judged = {check.day for check in judgement.checks}
        rows = []
        for score in self.scores:
            aim = judgement.aim.value_on(score.date) if judgement.aim is not None and score.date in judged else None
            rows.append(
                {
                    "date": score.date,
                    "score": score.typed,
                    "aim": rules.number(aim) if aim is not None else "",
                    "judged": score.date in judged,
                }
            )
        return rows

    @property
    def is_current(self) -> bool:
        """Still in a group that is still running (or about to): a decision can still be acted on."""
        return self.placement.is_active and self.placement.intervention.is_planned_or_running

    @property
    def can_acknowledge(self) -> bool:
        return self.decision in (rules.Decision.OFF_TRACK, rules.Decision.RAISE_GOAL) and self.is_current


def progress_for(
    placements: Iterable[Placement], *, checks: dict[int, ProgressCheck] | None = None
) -> dict[int, PlaceProgress]:
    """Placement id -> its progress, for the placements (intervention loaded) whose group has a check.

    Four queries whatever the number of placements: the checks (none when ``checks``, intervention id -> check,
    are given), the goals, the scores and the reviews.
    """
    placements = list(placements)
    if not placements:
        return {}
    if checks is None:
        checks = {
            check.intervention_id: check
            for check in ProgressCheck.objects.filter(intervention_id__in={p.intervention_id for p in placements})
        }
    placements = [p for p in placements if p.intervention_id in checks]
    if not placements:
        return {}
    ids = [p.pk for p in placements]
    goals = {goal.placement_id: goal for goal in CheckGoal.objects.filter(placement_id__in=ids)}
    scores: dict[int, list[CheckScore]] = defaultdict(list)
    for score in CheckScore.objects.filter(placement_id__in=ids).order_by("date"):
        scores[score.placement_id].append(score)
    reviews: dict[int, list[CheckReview]] = defaultdict(list)
    for review in (
        CheckReview.objects.filter(placement_id__in=ids).select_related("recorded_by").order_by("changed_on", "pk")
    ):
        reviews[review.placement_id].append(review)
    return {
        p.pk: PlaceProgress(
            placement=p,
            check=checks[p.intervention_id],
            goal=goals.get(p.pk),
            scores=scores.get(p.pk, []),
            reviews=reviews.get(p.pk, []),
        )
        for p in placements
    }


COUNT_ORDER = (
    rules.Decision.OFF_TRACK,
    rules.Decision.ON_TRACK,
    rules.Decision.RAISE_GOAL,
    rules.Decision.TOO_FEW,
    rules.Decision.NO_AIM,
)
COUNT_WORDS = {
    rules.Decision.OFF_TRACK: "off track",
    rules.Decision.ON_TRACK: "on track",
    rules.Decision.RAISE_GOAL: "well ahead (raise the goal)",
    rules.Decision.TOO_FEW: "with too few checks yet",
    rules.Decision.NO_AIM: "without an aim line",
}


@dataclass
class GroupProgress:
    """A group's check and every pupil's progress on it, in the order of the placements given."""

    intervention: Intervention
    check: ProgressCheck | None
    places: list[PlaceProgress] = field(default_factory=list)

    @property
    def off_track(self) -> list[PlaceProgress]:
        """Pupils still in the running group whose checks say "change something now"."""
        return [p for p in self.places if p.decision == rules.Decision.OFF_TRACK and p.is_current]

    @property
    def counts(self) -> Counter:
        return Counter(p.decision for p in self.places)

    @property
    def count_rows(self) -> list[tuple[rules.Decision, int, str]]:
        """(decision, how many pupils, words) in a fixed order, leaving out decisions nobody has."""
        counts = self.counts
        return [(decision, counts[decision], COUNT_WORDS[decision]) for decision in COUNT_ORDER if counts[decision]]

    @property
    def score_count(self) -> int:
        return sum(len(p.scores) for p in self.places)

    @property
    def ever_off_track(self) -> list[PlaceProgress]:
        return [p for p in self.places if p.was_off_track]

    @property
    def reviews(self) -> list[tuple[PlaceProgress, CheckReview]]:
        return [(p, review) for p in self.places for review in p.reviews]


def group_progress(intervention: Intervention, placements: Iterable[Placement]) -> GroupProgress:
    """The group's progress (``placements`` are its placements, pupils loaded). Three queries when the group has
    a check (none more when ``intervention`` was loaded with ``select_related("progress_check")``)."""
    check = check_of(intervention)
    if check is None:
        return GroupProgress(intervention=intervention, check=None)
    placements = list(placements)
    for placement in placements:
        placement.intervention = intervention  # the goal reads the group's dates: no query per pupil
    by_place = progress_for(placements, checks={intervention.pk: check})
    return GroupProgress(
        intervention=intervention, check=check, places=[by_place[p.pk] for p in placements if p.pk in by_place]
    )


def check_of(intervention: Intervention) -> ProgressCheck | None:
    """The group's check, or None: no query when loaded with ``select_related("progress_check")``, else one."""
    try:
        return intervention.progress_check
    except ProgressCheck.DoesNotExist:
        return None


def off_track_at(user, school, *, interventions=None) -> list[PlaceProgress]:
    """Pupils now in a running group of ``school`` that ``user`` may see (a TA: the groups they run) whose latest
    decision is off track, the group's name first. ``interventions`` narrows to a queryset of groups (those a
    user runs, on their home page). Five queries: the places, then ``progress_for``."""
    placements = Placement.objects.visible_to(user, school).filter(
        intervention__status=Status.RUNNING,
        intervention__progress_check__isnull=False,
        exit_date__isnull=True,
    )
    if interventions is not None:
        placements = placements.filter(intervention__in=interventions)
    placements = placements.select_related("pupil", "pupil__registration_group", "intervention").order_by(
        "intervention__name", "pupil__legal_last_name", "pupil__legal_first_name"
    )
    progress = progress_for(placements)
    return [p for p in progress.values() if p.decision == rules.Decision.OFF_TRACK]


def raise_goal_count(places: Iterable[PlaceProgress]) -> int:
    return sum(1 for p in places if p.decision == rules.Decision.RAISE_GOAL)


# --- The pages of a group's check --------------------------------------------------------------------------------

# How many earlier days of checks the grid shows beside the day being recorded.
GRID_DAYS = 6


def group_placements(intervention: Intervention, *, user) -> list[Placement]:
    """The group's placements with their pupils, by name (one query)."""
    placements = list(
        Placement.objects.visible_to(user, intervention.school_id)
        .filter(intervention=intervention)
        .select_related("pupil", "pupil__registration_group")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "entry_date")
    )
    for placement in placements:
        placement.intervention = intervention
    return placements


def box(value: float | None) -> str:
    """A stored number as it goes back into a box: 12, 12.5 (a plain minus sign, which a browser can post back)."""
    return "" if value is None else f"{value:g}"


def check_and_targets(
    intervention: Intervention, placements: Iterable[Placement], *, user
) -> tuple[ProgressCheck | None, dict[int, tuple[str, str]]]:
    """The group's check (or None) and each placement's (baseline, target) as typed in the setup boxes (two
    queries)."""
    school = intervention.school_id
    check = ProgressCheck.objects.visible_to(user, school).filter(intervention=intervention).first()
    goals = {
        g.placement_id: g
        for g in CheckGoal.objects.visible_to(user, school).filter(placement__intervention=intervention)
    }
    boxes = {
        p.pk: (box(goals[p.pk].entry_value), box(goals[p.pk].target_value)) if p.pk in goals else ("", "")
        for p in placements
    }
    return check, boxes


def grid_days(intervention: Intervention, new_day: dt.date, *, user) -> list[dt.date]:
    """The day being recorded and the nearest days with scores before and after it, newest first (two queries)."""
    scored = (
        CheckScore.objects.visible_to(user, intervention.school_id)
        .filter(placement__intervention=intervention)
        .values_list("date", flat=True)
        .distinct()
    )
    earlier = scored.filter(date__lt=new_day).order_by("-date")[:GRID_DAYS]
    later = scored.filter(date__gt=new_day).order_by("date")[:GRID_DAYS]
    return sorted({*earlier, new_day, *later}, reverse=True)


def grid_rows(
    intervention: Intervention,
    days: list[dt.date],
    *,
    user,
    posted: dict[tuple[int, dt.date], str],
    errors: dict[int, str],
) -> list[dict]:
    """The grid of scores: a row for each pupil in the group on any of ``days``, a box for each day (what was
    ``posted``, else what is stored; whether the pupil was in the group, or marked absent, that day) and the
    row's problem (taken out of ``errors``). Three queries."""
    school = intervention.school_id
    stored = {
        (s.placement_id, s.date): s.typed
        for s in CheckScore.objects.visible_to(user, school).filter(placement__intervention=intervention, date__in=days)
    }
    absent = set(
        Attendance.objects.visible_to(user, school)
        .filter(session__intervention=intervention, session__date__in=days, present=False)
        .values_list("placement_id", "session__date")
    )
    rows = []
    for placement in group_placements(intervention, user=user):
        if not any(placement.covers(day) for day in days):
            continue
        cells = [
            {
                "day": day,
                "name": f"score-{placement.pk}-{day.isoformat()}",
                "was_name": f"was-{placement.pk}-{day.isoformat()}",
                "in_group": placement.covers(day),
                "absent": (placement.pk, day) in absent,
                "was": stored.get((placement.pk, day), ""),
                "value": posted.get((placement.pk, day), stored.get((placement.pk, day), "")),
            }
            for day in days
        ]
        rows.append({"placement": placement, "cells": cells, "error": errors.pop(placement.pk, "")})
    return rows


def group_section(user, role: str, intervention: Intervention, placements: list[Placement]) -> dict:
    """What a group's page shows ``user`` (whose role at the group's school is ``role``) about its progress checks
    (four queries): for ``interventions.groups.views.intervention_detail``."""
    progress = group_progress(intervention, placements)
    runs_it = intervention.lead_id == user.pk or any(member.user_id == user.pk for member in intervention.staff.all())
    return {
        "progress": progress,
        "can_setup": role in INTERVENTION_EDITORS,
        "can_record": progress.check is not None and (role == Role.SENCO or (role in SESSION_LOGGERS and runs_it)),
        "can_import": role in IMPORTERS,
        "can_review": role in INTERVENTION_EDITORS,
        "thresholds": rules.THRESHOLDS,
    }
