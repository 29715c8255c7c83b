"""Importing assessment results from a file: compare with what is stored, write the difference.

The file is read and checked by the pure ``results_parsing`` against the school's assessments and
pupils, which this module loads (three queries). :func:`results_import` then reads the stored results of
the assessments the file is for in one query and writes the new and changed ones in bulk, in one
transaction. The same function gives the preview (``dry_run=True``, nothing written) and the real thing, so
the preview shows exactly what confirm does; a re-import of the same file creates and updates nothing.

Writing: on PostgreSQL the rows are streamed with COPY into a temporary table and merged with one
``INSERT ... ON CONFLICT (pupil_id, assessment_id) DO UPDATE`` (the ``result_one_per_pupil_assessment``
constraint), which takes 100,000 results in about a second. Elsewhere (SQLite) the same upsert is made by
``bulk_create(update_conflicts=True)`` in large batches. Either way a result entered in the grid between the
preview and the confirm cannot make the import fail on the unique constraint: the file's value wins.

Rows are not ``full_clean()``-ed one by one: the parser has already applied every rule the Result's fields
carry (the pupil and the assessment are the school's, the value fits the scale, the text fits the column),
and a per-row clean would cost a query or two per result.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from provision import audit
from provision.figures import figures_changed
from provision.models import School

from ..models import Assessment, DataImport, ImportKind, Pupil, Result
from ..reference import normalise_upn
from ..services import sqlite_real_parameter_limit
from .kinds import ImportOutcome
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
    created_sample: list[ResultChange] = field(default_factory=list)
    updated_sample: list[ResultChange] = field(default_factory=list)

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


@transaction.atomic
def results_import(*, school: School, parsed: ParsedResults, dry_run: bool, by=None) -> ResultsImportResult:
    """Create and update ``school``'s results from a parsed file, matching on (pupil, assessment).

    A result is unchanged when both the number and the text typed are as stored; otherwise it is updated
    (and its ``entered_by`` becomes ``by``, the member of staff importing, or nobody for the command).
    Stored results the file does not mention are left alone: a blank cell never deletes a result.
    Queries: one for the stored results of the file's assessments, one for the names in the preview's
    sample, and a fixed handful to write, whatever the size of the file.
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

    stored = {
        (pupil_id, assessment_id): (value, typed)
        for pupil_id, assessment_id, value, typed in Result.objects.filter(
            assessment_id__in=list(parsed.assessments)
        ).values_list("pupil_id", "assessment_id", "value", "typed")
    }
    to_write: list[ResultRow] = []
    created_sample: list[tuple[ResultRow, str]] = []
    updated_sample: list[tuple[ResultRow, str]] = []
    for row in parsed.rows:
        before = stored.get((row.pupil_id, row.assessment_id))
        if before is None:
            result.created_count += 1
            if len(created_sample) < SAMPLE_SIZE:
                created_sample.append((row, ""))
        elif before[0] != row.value or before[1] != row.typed:
            result.updated_count += 1
            if len(updated_sample) < SAMPLE_SIZE:
                updated_sample.append((row, before[1]))
        else:
            result.unchanged_count += 1
            continue
        to_write.append(row)

    _fill_samples(result, parsed, created_sample, updated_sample)
    if to_write and not dry_run:
        _write(to_write, by_id=getattr(by, "pk", None))
        figures_changed(school.pk)  # bulk writes send no signals (reports.invalidation)
    if not dry_run:
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
            },
        )
    return result


def _fill_samples(
    result: ResultsImportResult,
    parsed: ParsedResults,
    created: list[tuple[ResultRow, str]],
    updated: list[tuple[ResultRow, str]],
) -> None:
    """The preview's first new and changed results, with the pupil's name (one query)."""
    if not created and not updated:
        return
    ids = {row.pupil_id for row, _ in created + updated}
    pupils = {pupil.pk: pupil for pupil in Pupil.objects.filter(pk__in=ids)}

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

    result.created_sample = [change(row, old) for row, old in created]
    result.updated_sample = [change(row, old) for row, old in updated]


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
    from .jobs import stored_parsed

    locked = import_record_lock(record=record)
    result = results_import(school=locked.school, parsed=stored_parsed(locked), dry_run=False, by=by)
    if not result.file_errors:
        import_record_close(record=record, locked=locked, result=result)
    return result
