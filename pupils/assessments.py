"""Assessment data: the reads behind the results grid and tracking pages, and saving typed results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from provision import audit
from provision.figures import figures_changed
from provision.models import Role, School

from . import scales
from .models import Absence, Assessment, Pupil, Result, Scale, ScaleBand, ScaleKind, TeachingGroup


def groups_for_results(*, school: School, user, role: str) -> QuerySet[TeachingGroup]:
    """Classes whose results this user may enter: a teacher's own classes; the whole school for SENCO/leaders."""
    groups = TeachingGroup.objects.filter(school=school).order_by("year_group", "name")
    if role == Role.TEACHER:
        groups = groups.filter(teachers=user)
    return groups


def assessments_for_year(*, school: School, year_group: int | None) -> list[Assessment]:
    """The school's assessments that this year group sits, newest first, with scale and bands (two queries)."""
    assessments = (
        Assessment.objects.filter(school=school)
        .select_related("subject", "scale")
        .prefetch_related("scale__bands")
        .order_by("-taken_on", "subject__name", "name")
    )
    today = timezone.localdate()
    return [a for a in assessments if year_group is None or a.covers_current_year(year_group, today)]


@dataclass(frozen=True)
class Conflict:
    """A cell someone else changed after the grid was opened: what it holds now and what was typed over it."""

    theirs: str  # what is saved now ("" when they cleared it)
    yours: str
    by: str  # who saved it, as named on screen ("" when not known)
    at: dt.datetime | None


@dataclass
class GridOutcome:
    """What happened to a posted grid: counts, the cells refused with the reason, and the cells not saved
    because someone else had changed them since the grid was opened."""

    saved: int = 0
    absent: int = 0  # cells saved as absent
    deleted: int = 0
    unchanged: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    conflicts: dict[tuple[int, int], Conflict] = field(default_factory=dict)
    typed: dict[tuple[int, int], str] = field(default_factory=dict)


@transaction.atomic
def results_save(
    *,
    pupils: list[Pupil],
    assessments: list[Assessment],
    entries: dict[tuple[int, int], str],
    by,
    originals: dict[tuple[int, int], str] | None = None,
) -> GridOutcome:
    """Save the typed cells of a results grid: valid cells are written, bad ones are returned with their reason.

    ``entries`` maps (pupil_id, assessment_id) to what was typed. A cell is a result when the assessment's scale
    reads it, or an absence when it is one of the marks for "did not sit" (``scales.ABSENCE_MARKERS``, the same
    the file import skips): stored as an :class:`Absence`, never as a score, and replacing any result the cell
    held (and the other way round). ``originals`` maps the same cells to what they held when the grid was
    opened (a result or an absence, as typed); with it, only the cells the user changed are saved, and a changed
    cell that someone else changed meanwhile is not saved but returned as a conflict with both values (typing
    the same as they saved is no conflict). A blank cell removes a result or absence only if it held one when
    the grid was opened; a cell with no original (a script) may add or change one but never removes one.
    Without ``originals`` (callers with no grid) every cell is saved as typed and a blank removes what it held.
    Cells for pupils or assessments outside the grid are refused, never silently dropped. Existing results and
    absences are read in one query each and written with bulk creates, updates and deletes.
    """
    outcome = GridOutcome(typed=dict(entries))
    pupil_ids = {p.pk for p in pupils}
    by_id = {a.pk: a for a in assessments}
    specs = {a.pk: a.scale.spec() for a in assessments}
    # Lock the grid's existing results and absences: two teachers saving the same class at once must not both
    # insert.
    existing = {
        (r.pupil_id, r.assessment_id): r
        for r in Result.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(pupil_id__in=pupil_ids, assessment_id__in=by_id)
    }
    absences = {
        (a.pupil_id, a.assessment_id): a
        for a in Absence.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(pupil_id__in=pupil_ids, assessment_id__in=by_id)
    }
    pupils_by_id = {p.pk: p for p in pupils}
    previous = {key: (r.typed, r.value) for key, r in existing.items()}
    previous_absent = {key: a.typed for key, a in absences.items()}
    to_create, to_update, to_delete = [], [], []
    absent_create, absent_update, absent_delete = [], [], []
    now = timezone.now()
    today = timezone.localdate()
    for (pupil_id, assessment_id), raw in entries.items():
        key = (pupil_id, assessment_id)
        typed = (raw or "").strip()
        current, away = existing.get(key), absences.get(key)
        held_row = current if current is not None else away
        if pupil_id not in pupil_ids or assessment_id not in by_id:
            outcome.errors[key] = "This pupil or assessment is not part of this grid"
            continue
        if originals is not None:
            original = originals.get(key)
            held = held_row.typed if held_row is not None else ""
            if original is None:
                if not typed:
                    continue  # a script's blank: it cannot know what it would remove
            elif typed == original.strip():
                outcome.unchanged += 1
                continue  # not touched by this user: whatever is saved now stays
            elif held != original.strip():
                if held == typed:
                    outcome.unchanged += 1
                else:
                    outcome.conflicts[key] = _conflict(held_row, typed)
                continue
        if not typed:
            if current is not None:
                to_delete.append(current.pk)
            if away is not None:
                absent_delete.append(away)
            outcome.deleted += held_row is not None
            continue
        if held_row is not None and held_row.typed == typed:
            outcome.unchanged += 1
            continue
        assessment = by_id[assessment_id]
        if not assessment.covers_pupil(pupils_by_id[pupil_id], today):
            outcome.errors[key] = "This assessment is not for this pupil's year group"
            continue
        try:
            value = scales.parse(specs[assessment_id], typed)
        except scales.ScaleError as exc:
            if typed.upper() not in scales.ABSENCE_MARKERS:
                outcome.errors[key] = str(exc)
                continue
            # Absent: recorded as such, and any result the cell held goes (it is not a score).
            if current is not None:
                to_delete.append(current.pk)
            if away is None:
                absent_create.append(
                    Absence(pupil_id=pupil_id, assessment_id=assessment_id, typed=typed, entered_by=by)
                )
            else:
                away.typed, away.entered_by, away.updated_at = typed, by, now
                absent_update.append(away)
            continue
        if away is not None:
            absent_delete.append(away)
        if current is None:
            to_create.append(
                Result(pupil_id=pupil_id, assessment_id=assessment_id, value=value, typed=typed, entered_by=by)
            )
        else:
            current.value, current.typed, current.entered_by = value, typed, by
            current.updated_at = now  # bulk_update skips auto_now
            to_update.append(current)
    Result.objects.bulk_create(to_create)
    Result.objects.bulk_update(to_update, ["value", "typed", "entered_by", "updated_at"])
    Absence.objects.bulk_create(absent_create)
    Absence.objects.bulk_update(absent_update, ["typed", "entered_by", "updated_at"])
    with disable_auditlog():  # logged below with the rest of the grid, in one insert
        if to_delete:
            Result.objects.filter(pk__in=to_delete).delete()
        if absent_delete:
            Absence.objects.filter(pk__in=[a.pk for a in absent_delete]).delete()
    from .services import sqlite_real_parameter_limit  # services imports this module

    with sqlite_real_parameter_limit():  # one insert for the log, however big the class
        _audit_grid(to_create, to_update, [r for r in existing.values() if r.pk in set(to_delete)], previous, by_id, by)
        _audit_absences(absent_create, absent_update, absent_delete, previous_absent, by_id, by)
    if to_create or to_update or to_delete:
        figures_changed(assessments[0].school_id)  # bulk writes send no signals (reports.invalidation)
    outcome.saved = len(to_create) + len(to_update)
    outcome.absent = len(absent_create) + len(absent_update)
    return outcome


def _conflict(current: Result | Absence | None, typed: str) -> Conflict:
    if current is None:
        return Conflict(theirs="", yours=typed, by="", at=None)
    who = current.entered_by
    name = (who.get_full_name() or who.get_username()) if who is not None else ""
    return Conflict(theirs=current.typed, yours=typed, by=name, at=current.updated_at)


def _audit_grid(created, updated, deleted, previous, assessments, by) -> None:
    """One audit entry per result added, changed or removed from the grid, written in one insert."""
    entries = []
    for result, action in [(r, audit.Action.CREATE) for r in created] + [(r, audit.Action.UPDATE) for r in updated]:
        old_typed, old_value = previous.get((result.pupil_id, result.assessment_id), (None, None))
        entries.append(
            audit.entry(
                action=action,
                obj=result,
                object_repr=str(assessments[result.assessment_id]),
                school_id=assessments[result.assessment_id].school_id,
                pupil_id=result.pupil_id,
                changes={"typed": [old_typed, result.typed], "value": [old_value, result.value]},
                actor=by,
            )
        )
    for result in deleted:
        entries.append(
            audit.entry(
                action=audit.Action.DELETE,
                model=Result,
                object_id=result.pk,
                object_repr=str(assessments[result.assessment_id]),
                school_id=assessments[result.assessment_id].school_id,
                pupil_id=result.pupil_id,
                changes={"typed": [result.typed, None], "value": [result.value, None]},
                actor=by,
            )
        )
    audit.write(entries)


def _audit_absences(created, updated, deleted, previous, assessments, by) -> None:
    """One audit entry per absence marked, changed or removed from the grid, written in one insert."""
    entries = []
    for row, action in [(a, audit.Action.CREATE) for a in created] + [(a, audit.Action.UPDATE) for a in updated]:
        entries.append(
            audit.entry(
                action=action,
                obj=row,
                object_repr=str(assessments[row.assessment_id]),
                school_id=assessments[row.assessment_id].school_id,
                pupil_id=row.pupil_id,
                changes={"typed": [previous.get((row.pupil_id, row.assessment_id)), row.typed]},
                actor=by,
            )
        )
    for row in deleted:
        entries.append(
            audit.entry(
                action=audit.Action.DELETE,
                model=Absence,
                object_id=row.pk,
                object_repr=str(assessments[row.assessment_id]),
                school_id=assessments[row.assessment_id].school_id,
                pupil_id=row.pupil_id,
                changes={"typed": [row.typed, None]},
                actor=by,
            )
        )
    if entries:
        audit.write(entries)


@transaction.atomic
def scale_save(*, scale: Scale, bands: list[tuple[str, str]]) -> Scale:
    """Save a scale and, for band scales, its bands in order (rank 1 = the first, lowest band)."""
    scale.full_clean()
    scale.save()
    if scale.kind == ScaleKind.BANDS:
        scale.bands.all().delete()
        ScaleBand.objects.bulk_create(
            [ScaleBand(scale=scale, rank=rank, label=label, code=code) for rank, (label, code) in enumerate(bands, 1)]
        )
    return scale
