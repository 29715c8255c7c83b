"""Writing a file of progress check scores: compare the rows ``checks_parsing`` read with what is stored and write
the difference, all of it or nothing; and the declaration that puts these files through the shared import flow
(``pupils.imports``: its reader, pages, background tasks and command base).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from interventions.models import Attendance, Intervention, Placement
from interventions.progress import checks_parsing
from interventions.progress.models import CheckScore, ProgressCheck, ScoreSource
from interventions.progress.services import scores_write
from provision import audit
from provision.models import School
from pupils.imports.kinds import ImportOutcome, ImportSpec
from pupils.imports.reader import RowError
from pupils.models import DataImport, ImportKind, Pupil


@dataclass
class ChecksImportResult(ImportOutcome):
    """What an import of scores did, or would do (``dry_run``): the counts the other imports report."""

    created_count: int = 0
    updated_count: int = 0
    unchanged_count: int = 0
    rejected_count: int = 0
    changes: list[dict] = field(default_factory=list)  # the first new and changed scores, for the preview

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors and not self.file_errors

    def summary(self) -> str:
        return (
            f"{self.created_count} created, {self.updated_count} updated, {self.unchanged_count} unchanged, "
            f"{self.rejected_count} rejected"
        )


PREVIEW_ROWS = 50


def import_school(school: School, *, today: dt.date) -> checks_parsing.School:
    """The school's pupils, groups, places and absences as plain values for ``importing`` (four queries)."""
    pupils = dict(Pupil.objects.filter(school=school).values_list("upn", "pk"))
    checks = {c.intervention_id: c for c in ProgressCheck.objects.filter(intervention__school=school)}
    groups = [
        checks_parsing.GroupRef(
            id=pk,
            name=name,
            has_check=pk in checks,
            min_value=checks[pk].min_value if pk in checks else None,
            max_value=checks[pk].max_value if pk in checks else None,
        )
        for pk, name in Intervention.objects.filter(school=school).values_list("pk", "name")
    ]
    places: dict[tuple[int, int], list[checks_parsing.PlaceRef]] = {}
    for pk, group_id, pupil_id, entry, exit_ in Placement.objects.filter(intervention_id__in=list(checks)).values_list(
        "pk", "intervention_id", "pupil_id", "entry_date", "exit_date"
    ):
        places.setdefault((group_id, pupil_id), []).append(
            checks_parsing.PlaceRef(pk, group_id, pupil_id, entry, exit_)
        )
    absent = set(
        Attendance.objects.filter(session__intervention_id__in=list(checks), present=False).values_list(
            "placement_id", "session__date"
        )
    )
    return checks_parsing.School(pupils=pupils, groups=groups, places=places, absent=absent, today=today)


def checks_parse(
    *, school: School, content: bytes, filename: str, today: dt.date | None = None, **reading
) -> checks_parsing.ParsedChecks:
    """Read a file of scores for ``school`` (its pupils, groups, places and absences: four queries); ``reading`` is
    the reader's ``limits`` and ``progress``."""
    school_now = import_school(school, today=today or timezone.localdate())
    return checks_parsing.parse_checks_file(content, filename, school_now, **reading)


def _still_good(school: School, rows: list[checks_parsing.ScoreRow], *, today: dt.date) -> list[RowError]:
    """The rows that are no longer good against the school's data as it is now (a file read a while ago: a place
    ended or was removed, the register changed, the check's range narrowed), each with its reason."""
    places = {
        p.pk: p
        for p in Placement.objects.filter(
            pk__in={r.placement_id for r in rows}, intervention__school=school
        ).select_related("intervention__progress_check")
    }
    absent = set(
        Attendance.objects.filter(
            placement_id__in=list(places), present=False, session__date__in={r.date for r in rows}
        ).values_list("placement_id", "session__date")
    )
    problems = []
    for row in rows:
        place = places.get(row.placement_id)
        check = getattr(place.intervention, "progress_check", None) if place else None
        if place is None or check is None:
            reason = "The pupil's place in the group, or the group's check, has been removed since the file was read"
        elif not place.covers(row.date):
            reason = f"The pupil is no longer recorded in {place.intervention.name} on {row.date:%d/%m/%Y}"
        elif (place.pk, row.date) in absent:
            reason = f"The register now has the pupil absent from the session on {row.date:%d/%m/%Y}"
        elif row.date > today:
            reason = f"{row.date:%d/%m/%Y} is in the future"
        elif problem := check.range_problem(row.value):
            reason = problem
        else:
            continue
        problems.append(RowError(line=row.line, column="Date", value=f"{row.date:%d/%m/%Y}", reason=reason))
    return problems


@transaction.atomic
def checks_import(
    *, school: School, parsed: checks_parsing.ParsedChecks, dry_run: bool, by=None, today: dt.date | None = None
) -> ChecksImportResult:
    """Compare the file's scores with what is stored and, unless ``dry_run`` or any row is rejected, write the
    difference: all of it or nothing. Rows read earlier are checked again against the school's data as it is now.
    A score is unchanged when its number and text are as stored; a file never deletes a score. One audit entry
    per score written, and one for the import with its counts.

    When rows are rejected and this was not a dry run, ``file_errors`` says that nothing was written (so that a
    held import stays held: ``pupils.imports.jobs`` closes only imports without file errors)."""
    today = today or timezone.localdate()
    result = ChecksImportResult.of(parsed, dry_run=dry_run)
    if parsed.file_errors:
        return result
    newly_bad = _still_good(school, parsed.rows, today=today) if parsed.rows else []
    bad_lines = {error.line for error in newly_bad}
    result.errors = sorted(result.errors + newly_bad, key=lambda error: error.line)
    result.rejected_count = len({error.line for error in result.errors})
    rows = [row for row in parsed.rows if row.line not in bad_lines]
    ids = {row.placement_id for row in rows}
    stored = {
        (s.placement_id, s.date): s
        for s in CheckScore.objects.filter(placement_id__in=ids, date__in={row.date for row in rows})
    }
    recorder = by if getattr(by, "is_authenticated", False) else None
    to_create, to_update, before = [], [], {}
    for row in rows:
        current = stored.get((row.placement_id, row.date))
        if current is None:
            result.created_count += 1
            to_create.append(
                CheckScore(
                    placement_id=row.placement_id, date=row.date, value=row.value, typed=row.typed,
                    source=ScoreSource.IMPORT, recorded_by=recorder,
                )
            )  # fmt: skip
            old = ""
        elif (current.value, current.typed) != (row.value, row.typed):
            result.updated_count += 1
            before[current.pk] = copy.copy(current)
            old = current.typed
            current.value, current.typed, current.source = row.value, row.typed, ScoreSource.IMPORT
            current.recorded_by = recorder
            to_update.append(current)
        else:
            result.unchanged_count += 1
            continue
        if len(result.changes) < PREVIEW_ROWS:
            result.changes.append(
                {"line": row.line, "placement_id": row.placement_id, "date": row.date, "old": old, "new": row.typed}
            )
    _name_changes(result)
    if dry_run:
        return result
    if result.errors:
        result.file_errors.append(
            f"{result.rejected_count} row{'s' if result.rejected_count != 1 else ''} rejected, so nothing was "
            "written: fix them and import the file again."
        )
        return result
    by_group: dict[int, tuple[list, list]] = {}
    group_of = {row.placement_id: row.group_id for row in rows}
    for score in to_create:
        by_group.setdefault(group_of[score.placement_id], ([], []))[0].append(score)
    for score in to_update:
        by_group.setdefault(group_of[score.placement_id], ([], []))[1].append(score)
    groups = Intervention.objects.in_bulk(list(by_group))
    for group_id, (created, updated) in by_group.items():
        scores_write(groups[group_id], created, updated, [], before)
    audit.record(
        action=audit.Action.CREATE,
        model=DataImport,
        object_repr=parsed.filename,
        school_id=school.pk,
        actor=by,
        event=audit.EVENT_IMPORT,
        kind="checks",
        counts={"created": result.created_count, "updated": result.updated_count, "unchanged": result.unchanged_count},
    )
    return result


def _name_changes(result: ChecksImportResult) -> None:
    """Add the pupil's name, UPN and group to the preview's rows (one query)."""
    ids = {change["placement_id"] for change in result.changes}
    placements = Placement.objects.filter(pk__in=ids).select_related("pupil", "intervention").in_bulk()
    for change in result.changes:
        placement = placements[change["placement_id"]]
        change.update(pupil=placement.pupil.sorting_name, upn=placement.pupil.upn, group=placement.intervention.name)


def _upload_context(request) -> dict:
    """The groups with a progress check that the user may see, newest first: the ones a file can name."""
    groups = (
        Intervention.objects.visible_to(request.user, request.school)
        .filter(progress_check__isnull=False)
        .select_related("progress_check")
        .order_by("-start_date", "name")[:50]
    )
    return {"columns": checks_parsing.recognised_columns(), "groups": groups}


CHECKS = ImportSpec(
    kind=ImportKind.CHECKS,
    parse=checks_parse,
    apply=checks_import,
    labels=checks_parsing.LABELS,
    noun="scores",
    upload_url="interventions:checks_import",
    preview_url="interventions:checks_import_preview",
    upload_template="interventions/progress/import_upload.html",
    preview_template="interventions/progress/import_preview.html",
    file_label="File of scores",
    upload_context=_upload_context,
    all_or_nothing=True,
)
