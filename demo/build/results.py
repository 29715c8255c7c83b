"""The pupils' results as groups see them: a baseline before a group (``entry``), exit data after it
(``exit_result``), and the later results a group designed to work (or to harm) moves (``raise_results``,
written back by ``save_results`` as a teacher would have typed them)."""

from __future__ import annotations

import datetime as dt
import math

from demo.build.calendar import monday
from demo.build.designs import EFFECT_UNITS, STEP_CHANCE
from demo.build.state import Entry, Provision
from demo.data.sittings import KS2, READING_AGE, SPELLING_AGE, STANDARDISED, TEACHER
from pupils import reference, scales
from pupils.models import Pupil, Result

UPDATE_BATCH_SIZE = 500
ENTRY_WINDOW_DAYS = 200  # an entry result older than this is no baseline
EXIT_WINDOW_DAYS = 70  # nor is an exit result this long after the pupil left the group


def entry(prov: Provision, pupil_id: int, subject: str, scale: str, before: dt.date) -> Entry | None:
    """The pupil's latest result in ``subject`` on ``scale`` before ``before`` (recent enough to be a
    baseline), with a need score; a fall since the comparable result before it lowers the score."""
    found = previous = None
    for taken_on, assessment_id in reversed(prov.assessments.get((subject, scale), [])):
        if taken_on >= before:
            continue
        row = prov.results.get((pupil_id, assessment_id))
        if row is None:
            continue
        if found is None:
            if (before - taken_on).days > ENTRY_WINDOW_DAYS:
                return None
            found = (taken_on, row)
        else:
            previous = (taken_on, row)
            break
    if found is None:
        return None
    taken_on, (result_id, value) = found
    score = _score(scale, value, prov.pupil_by_id[pupil_id], taken_on)
    if previous is not None:
        before_on, (_, before_value) = previous
        if scale in (READING_AGE, SPELLING_AGE):
            if value - before_value < (taken_on - before_on).days / 30.44:
                score -= 0.2
        elif value - before_value <= -5 if scale in (STANDARDISED, KS2) else value < before_value:
            score -= 0.3
    return Entry(result_id=result_id, value=value, taken_on=taken_on, score=score)


def _score(scale: str, value: float, pupil: Pupil, taken_on: dt.date) -> float:
    if scale == STANDARDISED:
        return (value - 85) / 15
    if scale == KS2:
        return (value - 100) / 6.5
    if scale in (READING_AGE, SPELLING_AGE):
        return (value - (reference.age_in_months(pupil.date_of_birth, taken_on) - 12)) / 12
    if scale == TEACHER:
        return value - 2
    return (value - 4) / 1.6  # GCSE


def exit_result(prov: Provision, pupil_id: int, subject: str, scale: str, after: dt.date) -> tuple[int, float] | None:
    """The pupil's first result in ``subject`` on ``scale`` after ``after``, if soon enough to be exit data."""
    for taken_on, assessment_id in prov.assessments.get((subject, scale), []):
        if taken_on <= after:
            continue
        if (taken_on - after).days > EXIT_WINDOW_DAYS:
            return None
        row = prov.results.get((pupil_id, assessment_id))
        if row is not None:
            return row[0], row[1]
    return None


def raise_results(
    prov: Provision, pupil_id: int, subject: str, after: dt.date, effect: float, *, sustained: bool
) -> None:
    """Move the pupil's results in ``subject`` after ``after`` by ``effect`` (in ``EFFECT_UNITS``; negative
    lowers them) on each scale (only the first test week's when the gain is not ``sustained``), keeping them
    whole and inside the scale. A step on a band or grade scale is drawn once per scale, so a later result
    keeps the exit result's step."""
    steps: dict[str, float] = {}
    first_week: dt.date | None = None
    for (subject_key, scale_key), dates in prov.assessments.items():
        if subject_key != subject:
            continue
        for taken_on, assessment_id in dates:
            row = prov.results.get((pupil_id, assessment_id)) if taken_on > after else None
            if row is None:
                continue
            if not sustained:
                first_week = first_week or monday(taken_on)
                if monday(taken_on) != first_week:
                    continue
            if scale_key not in steps:
                steps[scale_key] = _gain(prov, scale_key, effect)
            value = _inside(prov.specs[scale_key], scale_key, row[1] + steps[scale_key])
            if value != row[1]:
                row[1] = float(value)
                prov.changed_results.add(row[0])


def _inside(spec: scales.ScaleSpec, scale_key: str, value: float) -> float:
    if spec.min_value is not None:
        value = max(spec.min_value, value)
    if spec.max_value is not None:
        value = min(spec.max_value, value)
    if scale_key == TEACHER:
        value = min(float(len(spec.bands)), value)
    return value


def _gain(prov: Provision, scale: str, effect: float) -> float:
    """``effect`` on one scale: whole points or months, or a step up (down) with a chance in proportion."""
    if scale in EFFECT_UNITS:
        return float(round(effect * EFFECT_UNITS[scale]))
    chance = min(0.95, STEP_CHANCE.get(scale, 0.45) * abs(effect))
    return math.copysign(1.0, effect) if prov.rng.random() < chance else 0.0


def save_results(prov: Provision) -> None:
    """Write back the results raised for the effective groups, ``typed`` as a teacher would enter the value."""
    changed = [
        Result(pk=result_id, value=value, typed=scales.display(prov.spec_of[assessment_id], value))
        for (_, assessment_id), (result_id, value) in prov.results.items()
        if result_id in prov.changed_results
    ]
    changed.sort(key=lambda result: result.pk)
    Result.objects.bulk_update(changed, ["value", "typed"], batch_size=UPDATE_BATCH_SIZE)
    prov.summary.raised_results += len(changed)
