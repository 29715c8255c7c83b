"""A pupil's place in a group (``place``): the baseline and target on joining, and for a finished group the exit
data, the pupil's own rating and the outcome, after the group's designed effect has moved their later results."""

from __future__ import annotations

import datetime as dt

from demo.build.designs import EFFECTIVE, FADES, HARMFUL, INEFFECTIVE, OPEN, OVERDUE, PUPIL_SPREAD, Recipe
from demo.build.results import exit_result, raise_results
from demo.build.state import Entry, Group, Provision
from demo.data.sittings import GCSE, READING_AGE, SPELLING_AGE, SUBJECT_NAMES, TEACHER, WRITING
from demo.data.words import PUPIL_TARGETS, UNMEASURED_TARGETS
from interventions.models import ExitReason, Outcome, Placement, Status, Wave
from pupils import scales
from pupils.models import Pupil


def place(
    prov: Provision, group: Group, pupil: Pupil, baseline: Entry | None, schedule: list[dt.date], special: str
) -> Placement:
    """A pupil's place in a group: baseline and target; for finished groups the exit, the pupil's rating and
    the outcome, after raising the pupil's later results when the group is designed to work."""
    placement = _joined(prov, group, pupil, baseline, schedule)
    status = group.intervention.status
    if status == Status.STOPPED:
        placement.exit_date = max(placement.entry_date, group.intervention.end_date)
        placement.exit_reason = ExitReason.STOPPED
        return placement
    if status == Status.PLANNED or special in (OVERDUE, OPEN):
        return placement
    held = [day for day in schedule if placement.entry_date <= day < prov.today]
    leaves_early = len(held) > 8 and prov.rng.random() < 0.06
    if status == Status.RUNNING and not leaves_early:
        return placement
    _left(prov, group, placement, held if leaves_early else None)
    _rate(prov, group, placement)
    return placement


def _joined(prov: Provision, group: Group, pupil: Pupil, baseline: Entry | None, schedule: list[dt.date]) -> Placement:
    rng, recipe = prov.rng, group.recipe
    entry_date = group.intervention.start_date
    if rng.random() < 0.08 and len(schedule) > 8:
        entry_date = schedule[rng.choice((3, 6))]  # joined a week or two late
    spec = prov.specs.get(recipe.scale)
    placement = Placement(
        intervention=group.intervention,
        pupil=pupil,
        entry_date=entry_date,
        pupil_target=rng.choice(PUPIL_TARGETS[(recipe.area, prov.key)]),
        entry_rating=rng.choice((1, 2, 2, 3, 3)),
    )
    if baseline is not None and spec is not None:
        placement.entry_result_id = baseline.result_id
        placement.entry_value = baseline.value
        placement.entry_typed = scales.display(spec, baseline.value)
        placement.target, placement.target_value = target(recipe, spec, baseline.value)
    else:
        placement.target = rng.choice(UNMEASURED_TARGETS[recipe.area])
    return placement


def _left(prov: Provision, group: Group, placement: Placement, held: list[dt.date] | None) -> None:
    """When and why the pupil left: at the end, or (``held``: the sessions so far) part-way through."""
    rng = prov.rng
    if held is not None:
        exit_date = held[rng.randint(len(held) // 2, len(held) - 2)]
        if group.recipe.effect == EFFECTIVE:
            reason = ExitReason.TARGET_MET
        else:
            reason = rng.choice((ExitReason.MOVED, ExitReason.NOT_WORKING))
    else:
        exit_date, reason = group.intervention.end_date, ExitReason.COMPLETED
    placement.exit_date = max(placement.entry_date, exit_date)
    placement.exit_reason = reason


def _rate(prov: Provision, group: Group, placement: Placement) -> None:
    """The designed effect first (each pupil's drawn around the group's), then the pupil's rating and the exit
    data, and the outcome they give."""
    rng, recipe = prov.rng, group.recipe
    effect = rng.gauss(group.effect, PUPIL_SPREAD * max(abs(group.effect), 0.2))
    responds = effect >= 0.5 * group.effect if group.effect > 0 else False
    works = placement.exit_reason in (ExitReason.COMPLETED, ExitReason.TARGET_MET) and recipe.effect in (
        EFFECTIVE,
        FADES,
    )
    if (works or recipe.effect in (INEFFECTIVE, HARMFUL)) and recipe.measured and effect:
        sustained = recipe.effect != FADES
        raise_results(prov, placement.pupil.pk, recipe.subject, placement.exit_date, effect, sustained=sustained)
    if works:
        step = rng.choice((1, 2)) if responds else rng.choice((0, 1))
    elif recipe.effect in (INEFFECTIVE, HARMFUL):
        step = rng.choice((0, 0, 0, 1, 1, -1))
    else:
        step = rng.choice((0, 1, 1, 1, 2, 2))
    placement.exit_rating = max(1, min(5, placement.entry_rating + step))
    spec = prov.specs.get(recipe.scale)
    if spec is None:
        gain = placement.exit_rating - placement.entry_rating
        placement.outcome = Outcome.MET if gain >= 2 else Outcome.PARTLY if gain == 1 else Outcome.NOT_MET
        return
    found = exit_result(prov, placement.pupil.pk, recipe.subject, recipe.scale, placement.exit_date)
    if found is not None and placement.entry_value is not None:
        placement.exit_result_id, placement.exit_value = found
        placement.exit_typed = scales.display(spec, placement.exit_value)
        if placement.exit_value >= placement.target_value:
            placement.outcome = Outcome.MET
        elif placement.exit_value > placement.entry_value:
            placement.outcome = Outcome.PARTLY
        else:
            placement.outcome = Outcome.NOT_MET


def target(recipe: Recipe, spec: scales.ScaleSpec, value: float) -> tuple[str, float]:
    """The target on joining, in words and as a value on the group's scale."""
    subject = SUBJECT_NAMES[recipe.subject].lower()
    if recipe.scale in (READING_AGE, SPELLING_AGE):
        months = 6 if recipe.wave == Wave.CATCH_UP else 4
        goal = min(spec.max_value or value + months, value + months)
        what = "Reading" if recipe.scale == READING_AGE else "Spelling"
        return (
            f"{what} age to rise by {months} months (from {scales.display(spec, value)} to {scales.display(spec, goal)})",
            goal,
        )
    if recipe.scale == TEACHER:
        goal = min(float(len(spec.bands)), value + 1)
        return f"To be working at '{scales.display(spec, goal)}' in {subject}", goal
    if recipe.scale == GCSE:
        goal = min(9.0, value + 1)
        what = "English" if recipe.subject == WRITING else subject
        return (
            f"Predicted {what} grade to rise from {scales.display(spec, value)} to {scales.display(spec, goal)}",
            goal,
        )
    goal = min(spec.max_value or value + 5, value + 5)
    return f"Standardised {subject} score to rise by 5 points (from {value:g} to {goal:g})", goal
