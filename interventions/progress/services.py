"""Writing progress checks: a group's check, each pupil's baseline and target, scores (from the session log, the
group's grid or a file) and acknowledged decisions. Every write is checked in full before anything is saved, and
leaves audit entries (``provision.audit``): single rows through django-auditlog's signals, scores (written in
bulk) as entries of the same shape in one insert.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interventions.models import Attendance, Intervention, Placement
from interventions.progress import checks_parsing, rules
from interventions.progress.models import CheckChange, CheckGoal, CheckReview, CheckScore, ProgressCheck
from interventions.progress.selectors import PlaceProgress
from provision import audit
from pupils.imports.reader import CellProblem

# The key of a pupil's score errors in the ValidationError that ``scores_record`` raises.
SCORE_ERROR = "check-"
SCORE_FIELDS = ["date", "value", "typed", "source"]


def score_key(placement_id: int) -> str:
    return f"{SCORE_ERROR}{placement_id}"


# --- The check ------------------------------------------------------------------------------------------------


@transaction.atomic
def check_define(
    *,
    intervention: Intervention,
    name: str,
    unit: str,
    higher_is_better: bool,
    min_value: float | None,
    max_value: float | None,
    by,
) -> ProgressCheck:
    """Set up (or change) the group's progress check. A range that would leave stored scores outside it is
    refused, naming how many."""
    check = ProgressCheck.objects.select_for_update().filter(intervention=intervention).first()
    check = check or ProgressCheck(intervention=intervention)
    check.name, check.unit = name.strip(), unit.strip()
    check.higher_is_better, check.min_value, check.max_value = higher_is_better, min_value, max_value
    check.full_clean(exclude=["intervention"])
    if check.pk:
        scores = CheckScore.objects.filter(placement__intervention=intervention)
        outside = [s.value for s in scores.only("value") if check.range_problem(s.value)]
        if outside:
            below = min_value is not None and min(outside) < min_value
            raise ValidationError(
                {
                    "min_value" if below else "max_value": (
                        f"{len(outside)} score{'s' if len(outside) != 1 else ''} already recorded would be outside "
                        "that range: correct them first, or widen the range."
                    )
                }
            )
        if check.higher_is_better != ProgressCheck.objects.get(pk=check.pk).higher_is_better and scores.exists():
            raise ValidationError(
                {"higher_is_better": "Scores are already recorded: a check cannot change which way is better."}
            )
    check.save()
    return check


@transaction.atomic
def check_setup_save(
    *,
    intervention: Intervention,
    check: Mapping[str, object],
    goals: Mapping[int, tuple[float | None, float | None]],
    by,
) -> None:
    """The setup page's save: the group's check (``check``: the arguments of :func:`check_define`) and every
    place's baseline and target (:func:`goals_save`) together, or neither."""
    check_define(intervention=intervention, by=by, **check)
    goals_save(intervention=intervention, goals=goals, by=by)


@transaction.atomic
def goals_save(
    *, intervention: Intervention, goals: Mapping[int, tuple[float | None, float | None]], by
) -> list[CheckGoal]:
    """Set each place's baseline and target on the group's check: ``goals`` maps a placement id to (baseline,
    target), either None. Errors are keyed by ``score_key(placement_id)``; nothing is saved unless all is well.
    Returns the goals that changed."""
    check = ProgressCheck.objects.filter(intervention=intervention).first()
    if check is None:
        raise ValidationError("Set up the group's progress check first.")
    placements = {p.pk: p for p in Placement.objects.filter(intervention=intervention, pk__in=list(goals))}
    stored = {g.placement_id: g for g in CheckGoal.objects.filter(placement_id__in=list(placements))}
    errors: dict[str, list[str]] = {}
    changed: list[CheckGoal] = []
    for placement_id, (entry_value, target_value) in goals.items():
        placement = placements.get(placement_id)
        if placement is None:
            errors[score_key(placement_id)] = ["That pupil is not in this group. Reload the page and try again."]
            continue
        problems = [
            f"{label}: {problem}"
            for label, value in (("Baseline", entry_value), ("Target", target_value))
            if value is not None and (problem := check.range_problem(value))
        ]
        if problems:
            errors[score_key(placement_id)] = problems
            continue
        goal = stored.get(placement_id) or CheckGoal(placement=placement)
        if goal.pk and (goal.entry_value, goal.target_value) == (entry_value, target_value):
            continue
        if not goal.pk and entry_value is None and target_value is None:
            continue
        goal.entry_value, goal.target_value = entry_value, target_value
        changed.append(goal)
    if errors:
        raise ValidationError(errors)
    for goal in changed:
        goal.save()  # one row each, logged by django-auditlog (a group has a handful of pupils)
    return changed


# --- Scores -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreEntry:
    """A score typed for one pupil on one day. ``typed`` empty clears the day's score. ``was`` is the score the
    page showed when it was opened ("" for none); None when the page did not know (a new row)."""

    placement_id: int
    date: dt.date
    typed: str
    was: str | None = None


@dataclass
class ScoresSaved:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _shown(score: CheckScore | None) -> str:
    return score.typed if score is not None else ""


@transaction.atomic
def scores_record(
    *,
    intervention: Intervention,
    entries: Iterable[ScoreEntry],
    source: str,
    by,
    today: dt.date | None = None,
) -> ScoresSaved:
    """Record (create, correct or clear) the scores typed for the group's pupils.

    Each entry must be for a pupil in the group on its day, a day not in the future, when the register does not
    have them absent from the group's session; the score must be one the check allows. An entry whose ``was``
    differs from what is stored now was changed by someone else since the page was opened: it is refused with the
    new score, never overwritten. Every problem is raised together, keyed by ``score_key(placement_id)``; nothing
    is written unless all is well.
    """
    today = today or timezone.localdate()
    entries = list(entries)
    # Lock the group: two people saving the same pupils' scores at once queue here, so the second sees the first's.
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    check = ProgressCheck.objects.filter(intervention=intervention).first()
    if check is None:
        raise ValidationError("This group has no progress check set up.")
    placements = {p.pk: p for p in Placement.objects.filter(intervention=intervention).select_related("pupil")}
    days = {entry.date for entry in entries}
    stored = {
        (s.placement_id, s.date): s
        for s in CheckScore.objects.filter(placement__intervention=intervention, date__in=days)
    }
    absent = set(
        Attendance.objects.filter(
            session__intervention=intervention, session__date__in=days, present=False
        ).values_list("placement_id", "session__date")
    )
    errors: dict[str, list[str]] = {}
    to_create, to_update, to_delete = [], [], []
    before: dict[int, CheckScore] = {}
    saved = ScoresSaved()
    for entry in entries:
        key = score_key(entry.placement_id)
        placement = placements.get(entry.placement_id)
        if placement is None:
            errors[key] = ["A pupil who is not in this group was given a score. Reload the page and try again."]
            continue
        pupil = placement.pupil
        current = stored.get((placement.pk, entry.date))
        typed = " ".join(entry.typed.split())
        if entry.was is not None:
            was = " ".join(entry.was.split())
            if typed == was:
                saved.unchanged += 1  # left as the page showed it: whatever is stored now stays
                continue
        if entry.was is not None and was != _shown(current) and typed != _shown(current):
            now = f"now {current.typed}" if current else "now cleared"
            errors[key] = [
                f"{pupil}'s score for {entry.date:%d/%m/%Y} was changed by someone else since this page was opened "
                f"({now}). Check it and save again."
            ]
            continue
        if not typed:
            # A cleared box removes the score the page showed; an empty box the page knew nothing about removes
            # nothing (a score recorded another way for that day stays).
            if current is not None and entry.was is not None:
                to_delete.append(current)
            else:
                saved.unchanged += 1
            continue
        if not placement.covers(entry.date):
            errors[key] = [f"{pupil} was not in the group on {entry.date:%d/%m/%Y}."]
            continue
        if entry.date > today:
            errors[key] = [f"{entry.date:%d/%m/%Y} is in the future: record a check on the day or afterwards."]
            continue
        if (placement.pk, entry.date) in absent:
            errors[key] = [
                f"{pupil} is marked absent from the session on {entry.date:%d/%m/%Y}: a check needs the pupil "
                "there. Clear the score, or correct the register."
            ]
            continue
        try:
            value, kept = checks_parsing.score_value(typed, min_value=check.min_value, max_value=check.max_value)
        except CellProblem as exc:
            errors[key] = [f"{pupil}: {exc}."]
            continue
        if current is None:
            to_create.append(
                CheckScore(placement=placement, date=entry.date, value=value, typed=kept, source=source, recorded_by=by)
            )
        elif (current.value, current.typed) != (value, kept):
            before[current.pk] = copy.copy(current)
            current.value, current.typed, current.source = value, kept, source
            current.recorded_by = by if getattr(by, "is_authenticated", False) else None
            to_update.append(current)
        else:
            saved.unchanged += 1
    if errors:
        raise ValidationError(errors)
    scores_write(intervention, to_create, to_update, to_delete, before)
    saved.created, saved.updated, saved.deleted = len(to_create), len(to_update), len(to_delete)
    return saved


def scores_write(
    intervention: Intervention,
    to_create: list[CheckScore],
    to_update: list[CheckScore],
    to_delete: list[CheckScore],
    before: Mapping[int, CheckScore],
) -> None:
    """Write the scores in bulk (three statements at most) with one audit entry per score, in one insert."""
    now = timezone.now()
    for score in to_create + to_update:
        score.recorded_at = now  # bulk writes skip auto_now
    CheckScore.objects.bulk_create(to_create)
    CheckScore.objects.bulk_update(to_update, ["value", "typed", "source", "recorded_by", "recorded_at"])
    if to_delete:
        with disable_auditlog():  # logged below with the rest, in one insert
            CheckScore.objects.filter(pk__in=[s.pk for s in to_delete]).delete()
    pupils = dict(Placement.objects.filter(intervention=intervention).values_list("pk", "pupil_id"))
    entries = []
    for action, scores in (
        (audit.Action.CREATE, to_create),
        (audit.Action.UPDATE, to_update),
        (audit.Action.DELETE, to_delete),
    ):
        for score in scores:
            old = None if action == audit.Action.CREATE else before.get(score.pk, score)
            new = None if action == audit.Action.DELETE else score
            entries.append(
                audit.entry(
                    action=action,
                    model=CheckScore,
                    object_id=score.pk,
                    object_repr=f"{intervention} on {score.date:%d/%m/%Y}",
                    school_id=intervention.school_id,
                    pupil_id=pupils.get(score.placement_id),
                    changes=audit.changes_of(old, new, SCORE_FIELDS),
                )
            )
    audit.write(entries)


# --- Acknowledging a decision ---------------------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    progress: PlaceProgress,
    change: str,
    note: str,
    changed_on: dt.date,
    new_target: float | None,
    by,
    today: dt.date | None = None,
) -> CheckReview:
    """Acknowledge the place's current decision (off track, or raise the goal) with what the school changed, from
    ``changed_on``: the record keeps the evidence as it stood, and the checks after that day are judged afresh.
    Raising the goal sets the new target on the place's goal (``new_target``, required then)."""
    today = today or timezone.localdate()
    placement = Placement.objects.select_for_update().select_related("intervention").get(pk=progress.placement.pk)
    judgement = progress.judgement
    errors: dict[str, list[str]] = {}
    if judgement.decision not in (rules.Decision.OFF_TRACK, rules.Decision.RAISE_GOAL):
        raise ValidationError(f"There is no decision to act on: the checks say {judgement.label.lower()}.")
    if not progress.is_current:
        raise ValidationError("There is no decision to act on: the pupil has left the group, or it has ended.")
    if change not in CheckChange.values:
        errors["change"] = ["Choose what was changed."]
    if not note.strip():
        errors["note"] = ["Say in a sentence what was changed."]
    if changed_on > today:
        errors["changed_on"] = ["The change cannot start in the future: record it on the day it starts."]
    last_check = judgement.checks[-1].day if judgement.checks else None
    if last_check and changed_on < last_check:
        errors["changed_on"] = [
            f"The decision rests on checks up to {last_check:%d/%m/%Y}: the change starts on that day or later."
        ]
    goal = CheckGoal.objects.filter(placement=placement).first()
    old_target = goal.target_value if goal else None
    if change == CheckChange.GOAL:
        if new_target is None:
            errors["new_target"] = ["Give the new target."]
        elif problem := progress.check.range_problem(new_target):
            errors["new_target"] = [problem]
        elif old_target is not None and (
            new_target <= old_target if progress.check.higher_is_better else new_target >= old_target
        ):
            errors["new_target"] = [f"A raised goal goes beyond the current target ({rules.number(old_target)})."]
    elif new_target is not None:
        errors["new_target"] = ['A new target goes with "Raised the goal".']
    if errors:
        raise ValidationError(errors)
    review = CheckReview(
        placement=placement,
        decision=judgement.decision.value,
        change=change,
        note=note.strip(),
        changed_on=changed_on,
        old_target=old_target,
        new_target=new_target if change == CheckChange.GOAL else None,
        evidence={
            "n_checks": judgement.n_checks,
            "weeks": round(judgement.weeks, 2),
            "slope_per_week": _rounded(judgement.slope),
            "interval": [_rounded(judgement.low), _rounded(judgement.high)],
            "aim_per_week": _rounded(judgement.aim_per_week),
            "last_check": last_check.isoformat() if last_check else None,
            "behind_last": judgement.behind_last,
        },
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    review.full_clean(exclude=["placement", "recorded_by"])
    review.save()
    if change == CheckChange.GOAL:
        goal = goal or CheckGoal(placement=placement)
        goal.target_value = new_target
        goal.save()
    return review


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)
