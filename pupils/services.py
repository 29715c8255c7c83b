"""Writes to pupil data that touch several rows: past classes, the results grid, deleting a pupil, releasing
guardians.

The import of pupils from a school's MIS export is ``pupils.imports`` (``pupil_parsing`` reads the file,
``pupil_apply`` writes it).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from provision import audit
from provision.figures import figures_changed
from provision.models import person_name

from . import scales
from .assessments import Conflict, GridOutcome
from .models import Absence, Assessment, Guardian, PastClass, Pupil, Result, TeachingGroup

BATCH_SIZE = 500


def past_classes_record(*, changes: list[tuple[Pupil, TeachingGroup | None]], on: dt.date) -> list[PastClass]:
    """Record the class each pupil of ``changes`` (pupil, the class they were in) was in until the day before
    ``on``, when their class changed: what lets past maps place them in the class they were in then. The record
    starts the day after the pupil's previous record ended (unknown when there is none). Two queries."""
    if not changes:
        return []
    until = on - dt.timedelta(days=1)
    latest = dict(
        PastClass.objects.filter(pupil__in=[pupil for pupil, _group in changes])
        .values("pupil_id")
        .annotate(last=Max("until"))
        .values_list("pupil_id", "last")
    )
    records = []
    for pupil, group in changes:
        ended = latest.get(pupil.pk)
        if ended is not None and ended >= until:
            continue  # changed twice in a day: the first class of the day was never really attended
        records.append(
            PastClass(
                pupil=pupil,
                group=group,
                name=group.name if group else "",
                year_group=group.year_group if group else None,
                since=ended + dt.timedelta(days=1) if ended else None,
                until=until,
            )
        )
    return PastClass.objects.bulk_create(records, batch_size=BATCH_SIZE)


@contextmanager
def sqlite_real_parameter_limit() -> Iterator[None]:
    """Let bulk writes on SQLite use the parameter limit the library really has.

    Django 5.2 assumes SQLite's historic 999 parameters per statement, which splits an insert of pupils
    (24 columns) into batches of 41 rows: a 2,000-pupil file would take 49 INSERTs. SQLite 3.32+ allows
    32,766 (or more) and Python 3.11 can ask it; Django 6.0 reads the real limit the same way. The
    override is for this connection only, and only for the duration of the write.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    had_own = "max_query_params" in vars(features)
    saved = features.max_query_params
    features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    try:
        yield
    finally:
        if had_own:
            features.max_query_params = saved
        else:
            del features.max_query_params


# --- The results grid ------------------------------------------------------------------------------------------


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
    the file import reads): stored as an :class:`Absence`, never as a score, and replacing any result the cell
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
    previous_absent = {key: (a.typed,) for key, a in absences.items()}
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
    with sqlite_real_parameter_limit():  # one insert for the log, however big the class
        deleted = [r for r in existing.values() if r.pk in set(to_delete)]
        logged = {"assessments": by_id, "by": by}
        _audit_cells(
            to_create, to_update, deleted, model=Result, fields=("typed", "value"), previous=previous, **logged
        )
        _audit_cells(
            absent_create,
            absent_update,
            absent_delete,
            model=Absence,
            fields=("typed",),
            previous=previous_absent,
            **logged,
        )
    if to_create or to_update or to_delete:
        figures_changed(assessments[0].school_id)  # bulk writes send no signals (reports.invalidation)
    outcome.saved = len(to_create) + len(to_update)
    outcome.absent = len(absent_create) + len(absent_update)
    return outcome


def _conflict(current: Result | Absence | None, typed: str) -> Conflict:
    if current is None:
        return Conflict(theirs="", yours=typed, by="", at=None)
    who = current.entered_by
    name = person_name(who)
    return Conflict(theirs=current.typed, yours=typed, by=name, at=current.updated_at)


def _audit_cells(created, updated, deleted, *, model, fields, previous, assessments, by) -> None:
    """One audit entry per row of ``model`` (a result or an absence) added, changed or removed from the grid, with
    the old and new values of ``fields``; ``previous`` maps each cell to its old values. Written in one insert."""
    entries = []
    for row, action in [(r, audit.Action.CREATE) for r in created] + [(r, audit.Action.UPDATE) for r in updated]:
        old = previous.get((row.pupil_id, row.assessment_id), (None,) * len(fields))
        changes = {name: [was, getattr(row, name)] for name, was in zip(fields, old, strict=True)}
        entries.append(audit.entry(action=action, obj=row, changes=changes, actor=by, **_cell(row, assessments)))
    for row in deleted:
        changes = {name: [getattr(row, name), None] for name in fields}
        entries.append(
            audit.entry(
                action=audit.Action.DELETE,
                model=model,
                object_id=row.pk,
                changes=changes,
                actor=by,
                **_cell(row, assessments),
            )
        )
    audit.write(entries)


def _cell(row: Result | Absence, assessments: dict[int, Assessment]) -> dict:
    assessment = assessments[row.assessment_id]
    return {"object_repr": str(assessment), "school_id": assessment.school_id, "pupil_id": row.pupil_id}


# --- Deleting a pupil ------------------------------------------------------------------------------------------


def guardians_release(*, guardian_ids: list[int], by) -> int:
    """Delete the guardians among ``guardian_ids`` who are no longer linked to any pupil, with their invitations,
    and the parent accounts left with no child and no staff role; each removal is in the audit log. Returns how
    many guardians went."""
    orphans = list(Guardian.objects.filter(pk__in=guardian_ids, pupil_links__isnull=True))
    if not orphans:
        return 0
    user_ids = {g.user_id for g in orphans if g.user_id}
    audit.write(
        [
            audit.entry(
                action=audit.Action.DELETE,
                model=Guardian,
                object_id=g.pk,
                object_repr="Parent or carer no longer linked to any pupil",
                school_id=g.school_id,
                actor=by,
            )
            for g in orphans
        ]
    )
    with disable_auditlog():
        Guardian.objects.filter(pk__in=[g.pk for g in orphans]).delete()
        # A parent's account with no child left anywhere and no staff role holds only their email: remove it.
        get_user_model().objects.filter(
            pk__in=user_ids, guardianships__isnull=True, memberships__isnull=True, is_staff=False, is_superuser=False
        ).delete()
    return len(orphans)


@transaction.atomic
def pupil_delete(*, pupil: Pupil, by, reason: str = "") -> None:
    """Delete a pupil and everything recorded about them (results, places in interventions, attendance, plans),
    and the parents and carers linked to no other pupil. For a record made in error or a pupil who never
    joined; a pupil whose retention period has passed is anonymised instead (``interventions.erasure``), which
    keeps the school's impact figures."""
    guardian_ids = list(pupil.guardian_links.values_list("guardian_id", flat=True))
    audit.record(
        action=audit.Action.DELETE,
        obj=pupil,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        actor=by,
        event=audit.EVENT_DELETE,
        note=reason,
    )
    with disable_auditlog():  # one entry for the pupil, not one per result and attendance mark
        pupil.delete()
    guardians_release(guardian_ids=guardian_ids, by=by)
