"""Importing assessment results from a file: compare with what is stored, write the difference.

The file is read and checked by the pure ``results_parsing`` against the school's assessments and
pupils, which this module loads (three queries). :func:`results_import` then reads the stored results and
absences of the assessments the file is for (two queries) and writes the new and changed ones in bulk, in one
transaction. The same function gives the preview (``dry_run=True``, nothing written) and the real thing, so
the preview shows exactly what confirm does; a re-import of the same file creates and updates nothing.

Absence marks ("Abs", "A", "-"... the grid's ``scales.ABSENCE_MARKERS``) are stored as ``Absence`` rows, as the
results grid stores them: an absence replaces a result the cell held and a score replaces an absence.

Writing: on PostgreSQL the rows are streamed with COPY into a temporary table and merged with one
``INSERT ... ON CONFLICT (pupil_id, assessment_id) DO UPDATE`` (the ``result_one_per_pupil_assessment``
constraint), which takes 100,000 results in about a second. Elsewhere (SQLite) the same upsert is made by
``bulk_create(update_conflicts=True)`` in large batches; absences, a few per class, by ``bulk_create`` always.

Between the preview and the confirm someone may change a cell in the grid, or another import may land. The
preview records what each cell held (``seen``); confirm reads the cells again under ``select_for_update`` (the
locks the grid takes too) and refuses, as a rejected row naming who changed it when, a row whose cell changed
since: the file's value never silently overwrites it. (Row locks cannot hold a cell that is still empty: one
first filled in the instant between that read and the upsert is the one case left to the upsert.)

Rows are not ``full_clean()``-ed one by one: the parser has already applied every rule the Result's fields
carry (the pupil and the assessment are the school's, the value fits the scale, the text fits the column),
and a per-row clean would cost a query or two per result.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from provision import audit
from provision.figures import figures_changed
from provision.models import School, person_name

from ..models import Absence, Assessment, DataImport, ImportKind, Pupil, Result
from ..reference import normalise_upn
from ..services import sqlite_real_parameter_limit
from .kinds import ImportOutcome
from .reader import RowError
from .records import ImportClosed, import_record_close, import_record_lock
from .results_parsing import (
    LAYOUTS,
    AssessmentRef,
    ParsedResults,
    PupilRef,
    ResultRow,
    parse_results_file,
)

__all__ = [
    "ImportClosed",
    "ResultsImportResult",
    "results_import",
    "results_import_file",
    "results_parse",
    "results_record_apply",
    "results_record_preview",
]

# What a cell holds: (what was typed, the number on the scale; None for an absence).
Held = tuple[str, float | None]

# How many new and changed results the preview lists (the counts cover them all).
SAMPLE_SIZE = 100
BATCH_SIZE = 5000


@dataclass(frozen=True)
class ResultChange:
    """One result the import creates or changes, as the preview shows it."""

    line: int
    column: str
    upn: str
    pupil_name: str
    assessment: str
    old: str  # what was typed before ("" for a new result)
    new: str


@dataclass
class ResultsImportResult(ImportOutcome):
    """What a results import did (or would do). Counts are of results: one per row of a one-result-per-row
    file, one per non-blank cell of a one-row-per-pupil file."""

    layout: str | None = None
    assessment_columns: dict[str, str] = field(default_factory=dict)  # header -> the assessment it is for
    blank_count: int = 0
    created_count: int = 0
    updated_count: int = 0
    unchanged_count: int = 0
    rejected_count: int = 0
    absent_count: int = 0  # absences recorded: new, replacing a result, or another mark
    created_sample: list[ResultChange] = field(default_factory=list)
    updated_sample: list[ResultChange] = field(default_factory=list)
    absent_sample: list[ResultChange] = field(default_factory=list)
    # What each of the file's cells held when compared ((typed, value), None for an absence; cells that held
    # nothing are left out): the preview's record, which confirm checks again (``previewed``).
    seen: dict[tuple[int, int], Held] = field(default_factory=dict)

    def summary(self) -> str:
        counts = super().summary()
        if not self.absent_count:
            return counts
        return f"{counts}, {self.absent_count} absence{'' if self.absent_count == 1 else 's'} recorded"

    @property
    def layout_label(self) -> str:
        return LAYOUTS.get(self.layout or "", "")


# --- Reading ------------------------------------------------------------------------------------------


def school_assessments(school: School) -> list[AssessmentRef]:
    """The school's assessments as plain values, with their scales and bands (two queries)."""
    assessments = (
        Assessment.objects.filter(school=school).select_related("subject", "scale").prefetch_related("scale__bands")
    )
    return [
        AssessmentRef(
            id=a.pk,
            name=a.name,
            subject=a.subject.name,
            taken_on=a.taken_on,
            spec=a.scale.spec(),
            year_groups=tuple(a.year_groups or ()),
        )
        for a in assessments
    ]


def school_pupils(school: School) -> dict[str, PupilRef]:
    """The school's pupils, on roll or left, by UPN (one query)."""
    rows = Pupil.objects.filter(school=school).values_list("pk", "upn", "year_group", "left_on")
    return {normalise_upn(upn): PupilRef(id=pk, year_group=year, left_on=left_on) for pk, upn, year, left_on in rows}


def results_parse(*, school: School, content: bytes, filename: str, today: dt.date | None = None, **reading):
    """Read a results file for ``school``: its assessments and pupils are loaded here (three queries); ``reading``
    is the reader's ``limits`` and ``progress``."""
    known = {"assessments": school_assessments(school), "pupils": school_pupils(school)}
    return parse_results_file(content, filename, **known, today=today or timezone.localdate(), **reading)


# --- Comparing and writing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stored:
    """A stored result or absence, and who last saved it when."""

    pk: int
    typed: str
    value: float | None  # None: an Absence
    by_id: int | None
    at: dt.datetime

    @property
    def held(self) -> Held:
        return self.typed, self.value


def _stored_cells(parsed: ParsedResults, *, lock: bool) -> dict[tuple[int, int], _Stored]:
    """The stored results and absences of the file's assessments (two queries), locked when ``lock``: what the
    grid's ``results_save`` locks too, so that a grid save and a confirm cannot interleave."""
    cells: dict[tuple[int, int], _Stored] = {}
    fields = ("pk", "pupil_id", "assessment_id", "typed", "entered_by_id", "updated_at")
    for model in (Result, Absence):
        rows = model.objects.filter(assessment_id__in=list(parsed.assessments))
        if lock:
            rows = rows.select_for_update()
        scored = model is Result
        for pk, pupil_id, assessment_id, typed, by_id, at, *value in rows.values_list(
            *fields, *(["value"] if scored else [])
        ):
            cells[(pupil_id, assessment_id)] = _Stored(pk, typed, value[0] if scored else None, by_id, at)
    return cells


@dataclass
class _Plan:
    """What confirm writes: results to upsert, absences to upsert, and the rows they replace."""

    scores: list[ResultRow] = field(default_factory=list)
    absences: list[ResultRow] = field(default_factory=list)
    results_replaced: list[int] = field(default_factory=list)  # Result pks a new absence replaces
    absences_replaced: list[int] = field(default_factory=list)  # Absence pks a new score replaces
    conflicts: list[tuple[ResultRow, _Stored | None]] = field(default_factory=list)


@transaction.atomic
def results_import(
    *, school: School, parsed: ParsedResults, dry_run: bool, by=None, previewed=None
) -> ResultsImportResult:
    """Create and update ``school``'s results and absences from a parsed file, matching on (pupil, assessment).

    A result is unchanged when both the number and the text typed are as stored; otherwise it is updated
    (and its ``entered_by`` becomes ``by``, the member of staff importing, or nobody for the command). An absence
    mark is stored as an ``Absence``, as the grid stores it: it replaces a result the cell held, and a score
    replaces an absence (counted as updated). Stored results the file does not mention are left alone: a blank
    cell never deletes a result.

    ``previewed`` is the stored preview (a dry run's result) of a held file being confirmed: a row whose cell
    holds something else now than when that preview was made (the grid, or another import, changed it since) is
    not written but rejected, naming the pupil, the assessment and who changed it when; the other rows are
    written, as with any rejected row of this import. The stored cells are read under ``select_for_update``.
    Queries: two for the stored results and absences of the file's assessments, one for the names in the
    preview's sample, and a fixed handful to write, whatever the size of the file.
    """
    result = ResultsImportResult.of(
        parsed,
        dry_run=dry_run,
        layout=parsed.layout,
        assessment_columns={header: a.label for header, a in parsed.assessment_columns.items()},
        blank_count=parsed.blank_count,
        rejected_count=parsed.rejected_count,
    )
    if parsed.file_errors or not parsed.rows:
        return result
    stored = _stored_cells(parsed, lock=not dry_run)
    plan = _compare(result, parsed, stored, seen=getattr(previewed, "seen", None))
    _fill_samples(result, parsed)
    _refuse_changed(result, parsed, plan.conflicts)
    if not dry_run:
        _apply(plan, school=school, by=by)
        # One entry for the whole import (a file may hold 100,000 results): its counts, not each result.
        audit.record(
            action=audit.Action.CREATE,
            model=DataImport,
            object_repr=parsed.filename,
            school_id=school.pk,
            actor=by,
            event=audit.EVENT_IMPORT,
            kind="results",
            counts={
                "created": result.created_count,
                "updated": result.updated_count,
                "unchanged": result.unchanged_count,
                "rejected": result.rejected_count,
                "absent": result.absent_count,
                "changed_since_preview": result.changed_since_preview,
            },
        )
    return result


def _compare(
    result: ResultsImportResult,
    parsed: ParsedResults,
    stored: dict[tuple[int, int], _Stored],
    *,
    seen: dict[tuple[int, int], Held] | None,
) -> _Plan:
    """Count each row as created, updated, unchanged or an absence (the first ``SAMPLE_SIZE`` of each kept for
    the preview), record what its cell held (``result.seen``), and plan the writes. With ``seen`` (what the
    preview saw), a row whose cell changed since is a conflict instead, unless it now holds what the file says."""
    plan = _Plan()
    for row in parsed.rows:
        key = (row.pupil_id, row.assessment_id)
        before = stored.get(key)
        held = before.held if before is not None else None
        if held is not None:
            result.seen[key] = held
        if held == (row.typed, row.value):
            result.unchanged_count += 1
            continue
        if seen is not None and held != seen.get(key):
            plan.conflicts.append((row, before))
            continue
        if row.absent:
            result.absent_count += 1
            sample = result.absent_sample
            plan.absences.append(row)
            if before is not None and before.value is not None:
                plan.results_replaced.append(before.pk)
        else:
            if before is None:
                result.created_count += 1
                sample = result.created_sample
            else:
                result.updated_count += 1
                sample = result.updated_sample
                if before.value is None:
                    plan.absences_replaced.append(before.pk)
            plan.scores.append(row)
        if len(sample) < SAMPLE_SIZE:
            sample.append((row, held[0] if held else ""))
    return plan


def _refuse_changed(
    result: ResultsImportResult, parsed: ParsedResults, conflicts: list[tuple[ResultRow, _Stored | None]]
) -> None:
    """The rows whose cell someone changed since the preview, as rejected rows naming the pupil, the assessment,
    who changed it and when (two queries)."""
    if not conflicts:
        return
    pupils = Pupil.objects.in_bulk({row.pupil_id for row, _ in conflicts})
    users = get_user_model().objects.in_bulk({now.by_id for _, now in conflicts if now and now.by_id})
    for row, now in conflicts:
        pupil = pupils[row.pupil_id]
        cell = f"{pupil.sorting_name} ({pupil.upn}), {parsed.assessments[row.assessment_id].label}"
        if now is None:
            change = "cleared since this file was previewed"
        else:
            who = users.get(now.by_id)
            name = person_name(who, "an import")
            at = timezone.localtime(now.at).strftime("%d/%m/%Y %H:%M")
            change = f"changed by {name} at {at} since this file was previewed (now '{now.typed}')"
        reason = f"{cell}: {change}. Not overwritten: import the file again to replace it"
        result.errors.append(RowError(row.line, row.column, row.typed, reason))
    result.errors.sort(key=lambda error: error.line)
    result.rejected_count += len(conflicts)
    result.changed_since_preview = len(conflicts)


def _apply(plan: _Plan, *, school: School, by) -> None:
    by_id = getattr(by, "pk", None)
    if plan.scores:
        _write(plan.scores, by_id=by_id)
    if plan.absences:
        _write_absences(plan.absences, by_id=by_id)
    with disable_auditlog():  # the import's one audit entry counts them
        if plan.results_replaced:
            Result.objects.filter(pk__in=plan.results_replaced).delete()
        if plan.absences_replaced:
            Absence.objects.filter(pk__in=plan.absences_replaced).delete()
    if plan.scores or plan.results_replaced:
        figures_changed(school.pk)  # bulk writes send no signals (reports.invalidation)


def _fill_samples(result: ResultsImportResult, parsed: ParsedResults) -> None:
    """The preview's first new, changed and absent results, with the pupil's name (one query). ``_compare`` left
    (row, what the cell held) in the samples."""
    samples = (result.created_sample, result.updated_sample, result.absent_sample)
    ids = {row.pupil_id for sample in samples for row, _ in sample}
    if not ids:
        return
    pupils = Pupil.objects.in_bulk(ids)

    def change(row: ResultRow, old: str) -> ResultChange:
        pupil = pupils[row.pupil_id]
        return ResultChange(
            line=row.line,
            column=row.column,
            upn=pupil.upn,
            pupil_name=pupil.sorting_name,
            assessment=parsed.assessments[row.assessment_id].label,
            old=old,
            new=row.typed,
        )

    for sample in samples:
        sample[:] = [change(row, old) for row, old in sample]


def _write(rows: list[ResultRow], *, by_id: int | None) -> None:
    now = timezone.now()
    if connection.vendor == "postgresql":
        _copy_and_merge(rows, by_id=by_id, now=now)
        return
    results = [
        Result(
            pupil_id=row.pupil_id,
            assessment_id=row.assessment_id,
            value=row.value,
            typed=row.typed,
            entered_by_id=by_id,
            updated_at=now,
        )
        for row in rows
    ]
    with sqlite_real_parameter_limit():
        Result.objects.bulk_create(
            results,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["pupil", "assessment"],
            update_fields=["value", "typed", "entered_by", "updated_at"],
        )


def _write_absences(rows: list[ResultRow], *, by_id: int | None) -> None:
    """Upsert the file's absence marks (a few per class: no COPY needed)."""
    now = timezone.now()
    absences = [
        Absence(pupil_id=row.pupil_id, assessment_id=row.assessment_id, typed=row.typed, entered_by_id=by_id)
        for row in rows
    ]
    for absence in absences:
        absence.updated_at = now
    with sqlite_real_parameter_limit():
        Absence.objects.bulk_create(
            absences,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["pupil", "assessment"],
            update_fields=["typed", "entered_by", "updated_at"],
        )


def _copy_and_merge(rows: list[ResultRow], *, by_id: int | None, now: dt.datetime) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then upsert them into the results in one statement.

    Building 100,000 model instances and INSERT statements costs seconds of Python; COPY streams plain CSV
    text. The temporary table is dropped at once (and in any case at commit), so that a second import in the
    same transaction (the tests, or a script) can make it again.
    """
    table = Result._meta.db_table
    column = {name: Result._meta.get_field(name).column for name in ("pupil", "assessment", "entered_by")}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows((row.pupil_id, row.assessment_id, repr(row.value), row.typed) for row in rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE results_import_rows "
            "(pupil_id bigint, assessment_id bigint, value double precision, typed text) ON COMMIT DROP"
        )
        copy_sql = "COPY results_import_rows (pupil_id, assessment_id, value, typed) FROM STDIN WITH (FORMAT csv)"
        driver_cursor = cursor.cursor
        if hasattr(driver_cursor, "copy_expert"):  # psycopg2
            driver_cursor.copy_expert(copy_sql, buffer)
        else:  # psycopg 3
            with driver_cursor.copy(copy_sql) as copy:
                copy.write(buffer.getvalue())
        cursor.execute(
            f'INSERT INTO "{table}" ("{column["pupil"]}", "{column["assessment"]}", "value", "typed", '
            f'"{column["entered_by"]}", "updated_at") '
            "SELECT pupil_id, assessment_id, value, typed, %s, %s FROM results_import_rows "
            f'ON CONFLICT ("{column["pupil"]}", "{column["assessment"]}") DO UPDATE SET '
            '"value" = EXCLUDED."value", "typed" = EXCLUDED."typed", '
            f'"{column["entered_by"]}" = EXCLUDED."{column["entered_by"]}", "updated_at" = EXCLUDED."updated_at"',
            [by_id, now],
        )
        cursor.execute("DROP TABLE results_import_rows")


def results_import_file(
    *, school: School, content: bytes, filename: str, dry_run: bool, by=None, today: dt.date | None = None
) -> ResultsImportResult:
    """Read a results file and import it: what ``manage.py import_results`` and the confirm button run."""
    parsed = results_parse(school=school, content=content, filename=filename, today=today)
    return results_import(school=school, parsed=parsed, dry_run=dry_run, by=by)


# --- Uploaded files held between preview and confirm ----------------------------------------------------


def results_record_preview(*, record: DataImport) -> ResultsImportResult:
    """What applying a held results file would do now (read again: results may have been entered since)."""
    return results_import_file(
        school=record.school, content=bytes(record.content), filename=record.filename, dry_run=True
    )


@transaction.atomic
def results_record_apply(*, record: DataImport, by=None) -> ResultsImportResult:
    """Apply a held results file: valid results are written, the counts kept and the file dropped.

    Raises ImportClosed if it was already applied or cancelled. A file that cannot be read is left as it was.
    """
    if record.kind != ImportKind.RESULTS:
        raise ValueError(f"{record} is not a results import")
    from .jobs import stored_parsed, stored_preview

    locked = import_record_lock(record=record)
    previewed = stored_preview(locked)
    result = results_import(
        school=locked.school,
        parsed=stored_parsed(locked),
        dry_run=False,
        by=by,
        previewed=previewed.result if previewed else None,
    )
    if not result.file_errors:
        import_record_close(record=record, locked=locked, result=result)
    return result
