"""Writing the pupils a school's MIS export holds: compare the parsed rows with the school's pupils and write the
differences in one transaction.

The file is read and checked by the pure ``pupils.imports.pupil_parsing``; this module writes the database. The
same function gives the preview (``dry_run=True``, nothing written) and the real thing, so the preview shows
exactly what confirm does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from provision import audit
from provision.figures import figures_changed
from provision.models import School

from ..models import DataImport, Gender, GroupKind, ImportKind, Pupil, SenStatus, TeachingGroup, YearGroup
from ..reference import normalise_upn
from ..services import past_classes_record, sqlite_real_parameter_limit
from .kinds import ImportOutcome
from .pupil_parsing import FIELDS_BY_NAME, ParsedFile, PupilRow, parse_pupil_file
from .reader import RowError
from .records import import_record_close, import_record_lock

IMPORTED_FIELDS: tuple[str, ...] = (
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
    "date_of_birth",
    "year_group",
    "registration_group",
    "gender",
    "pupil_premium",
    "fsm",
    "eal",
    "looked_after",
    "sen_status",
    "primary_need",
    "secondary_need",
)
NEED_FIELDS = ("primary_need", "secondary_need")
BATCH_SIZE = 500


@dataclass(frozen=True)
class FieldChange:
    """One field of one pupil, before and after, as the preview shows it."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class ImportedRow:
    """A row of the file that was (or, on a dry run, would be) created, updated or left unchanged."""

    line: int
    pupil: Pupil
    class_name: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    previous_class: TeachingGroup | None = None  # the class before this import, when the import changes it

    @property
    def class_changed(self) -> bool:
        return any(change.field == "registration_group" for change in self.changes)


@dataclass
class ImportResult(ImportOutcome):
    """What an import did (or would do). Rejected rows are those with at least one error."""

    created: list[ImportedRow] = field(default_factory=list)
    updated: list[ImportedRow] = field(default_factory=list)
    unchanged: list[ImportedRow] = field(default_factory=list)
    classes_created: list[str] = field(default_factory=list)
    not_in_file: int = 0  # pupils on roll at the school whose UPN is nowhere in the file

    @property
    def created_count(self) -> int:
        return len(self.created)

    @property
    def updated_count(self) -> int:
        return len(self.updated)

    @property
    def unchanged_count(self) -> int:
        return len(self.unchanged)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected_lines)


def shown_value(field_name: str, value: object) -> str:
    """A field's value in the words of the preview: dates dd/mm/yyyy, Yes/No, year and status labels."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if field_name == "year_group":
        return YearGroup(value).label
    if field_name == "sen_status":
        return f"{value} ({SenStatus(value).label})"
    if field_name == "gender":
        return Gender(value).label
    if isinstance(value, TeachingGroup):
        return value.name
    return str(value)


def _label(field_name: str) -> str:
    spec = FIELDS_BY_NAME.get(field_name)
    if spec is not None:
        return spec.label
    return str(Pupil._meta.get_field(field_name).verbose_name)


class _Classes:
    """The school's registration classes by name, and the ones this import has to create.

    Names match ignoring case ("3b" is class 3B) so that a re-import does not create near-duplicates.
    A new class takes its pupils' year group, or none when they are a mixed-age class.
    """

    def __init__(self, school: School) -> None:
        self.school = school
        self.existing: dict[str, TeachingGroup] = {}
        for group in TeachingGroup.objects.filter(school=school, kind=GroupKind.REGISTRATION).order_by("pk"):
            self.existing.setdefault(group.name, group)
            self.existing.setdefault(group.name.casefold(), group)
        self.new: dict[str, TeachingGroup] = {}

    def get(self, name: str) -> TeachingGroup | None:
        if not name:
            return None
        group = self.existing.get(name) or self.existing.get(name.casefold())
        if group is not None:
            return group
        key = name.casefold()
        if key not in self.new:
            self.new[key] = TeachingGroup(school=self.school, name=name, kind=GroupKind.REGISTRATION)
        return self.new[key]

    def used_new(self, accepted: list[ImportedRow]) -> list[TeachingGroup]:
        """The new classes that accepted rows use, with their year group set from those rows."""
        years: dict[str, set[int]] = {}
        for row in accepted:
            group = row.pupil.registration_group
            if group is not None and group.pk is None:
                years.setdefault(group.name.casefold(), set()).add(row.pupil.year_group)
        groups = []
        for key, group_years in years.items():
            group = self.new[key]
            group.year_group = group_years.pop() if len(group_years) == 1 else None
            groups.append(group)
        return groups


def _row_problems(pupil: Pupil, row: PupilRow, columns: dict[str, str]) -> list[RowError]:
    """Why ``pupil`` (after applying ``row``) may not be saved: the database's rules in the school's words.

    The parser has checked every value; what is left are rules that involve the pupil's existing record
    (a need type sent for a pupil the file does not say is on the SEN register), then the model's own
    validation, which also catches anything the parser missed before the database would refuse it.
    """

    def error(field_name: str, reason: str) -> RowError:
        column = columns.get(field_name) or f"{_label(field_name)} (not in the file)"
        return RowError(row.line, column, shown_value(field_name, getattr(pupil, field_name, "")), reason)

    problems = []
    if pupil.sen_status == SenStatus.NONE:
        for need_field in NEED_FIELDS:
            if getattr(pupil, need_field):
                problems.append(error(need_field, "A need type is given but the pupil's SEN status is N (no SEN)"))
    elif pupil.secondary_need and pupil.secondary_need == pupil.primary_need:
        problems.append(error("secondary_need", "The secondary need is the same as the primary need"))
    elif pupil.secondary_need and not pupil.primary_need:
        problems.append(error("secondary_need", "A secondary need is given without a primary need"))
    if problems:
        return problems
    try:
        # The class is checked by the import itself (and may not be saved yet); uniqueness and the check
        # constraints would each cost a query per row, and are mirrored above or by the parser.
        pupil.full_clean(exclude=["school", "registration_group"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            # A rule about the whole row (no field) is reported against the UPN that names the pupil.
            target = field_name if field_name in IMPORTED_FIELDS else "upn"
            problems.extend(error(target, message) for message in messages)
    return problems


def _comparable(value: object) -> object:
    """Classes compare by id; a class this import is about to create is new to every pupil."""
    if isinstance(value, TeachingGroup):
        return value.pk if value.pk is not None else ("new", value.name.casefold())
    return value


def _apply_row(pupil: Pupil, row: PupilRow, classes: _Classes) -> list[FieldChange]:
    """Copy the row's values onto ``pupil``; return what changed. Columns absent from the file are left alone."""
    before = {name: getattr(pupil, name) for name in IMPORTED_FIELDS}
    for name, value in row.fields.items():
        if name == "upn":
            continue
        if name == "registration_group":
            pupil.registration_group = classes.get(str(value))
        else:
            setattr(pupil, name, value)
    # A pupil the MIS says is not on the SEN register has no need type (the census rule, and a database
    # constraint): when the file sends the status but not the needs, the old needs go with the status.
    if row.fields.get("sen_status") == SenStatus.NONE:
        for need_field in NEED_FIELDS:
            if need_field not in row.fields:
                setattr(pupil, need_field, "")
    changes = []
    for name in IMPORTED_FIELDS:
        old, new = before[name], getattr(pupil, name)
        if _comparable(old) != _comparable(new):
            changes.append(FieldChange(name, _label(name), shown_value(name, old), shown_value(name, new)))
    return changes


@transaction.atomic
def pupils_import(*, school: School, parsed: ParsedFile, dry_run: bool, by=None) -> ImportResult:
    """Create and update ``school``'s pupils from a parsed MIS export, matching on UPN.

    Returns what was (``dry_run``: would be) created, updated with which changes, left unchanged and
    rejected. Valid rows are written together in one transaction with a handful of queries whatever the
    file's size; a row the database still refuses is rejected on its own, never half-applied. Pupils who
    are on roll but absent from the file are counted, not marked as left: an export filtered to one year
    group must not take the rest of the school off roll. ``by`` is the member of staff importing.
    """
    result = ImportResult.of(parsed, dry_run=dry_run)
    if parsed.file_errors:
        return result

    pupils = Pupil.objects.filter(school=school).select_related("registration_group")
    if not dry_run:
        # Two imports into one school at once would race to create the same pupils and classes, and an
        # edit saved between our read and our write would be lost: lock the school row and its pupils.
        list(School.objects.select_for_update().filter(pk=school.pk).values_list("pk", flat=True))
        pupils = pupils.select_for_update(of=("self",))
    existing = {normalise_upn(pupil.upn): pupil for pupil in pupils}
    classes = _Classes(school)

    accepted: list[ImportedRow] = []
    for row in parsed.rows:
        pupil = existing.get(row.upn)
        creating = pupil is None
        if creating:
            pupil = Pupil(school=school, upn=row.upn)
        previous_class = pupil.registration_group
        changes = _apply_row(pupil, row, classes)
        problems = _row_problems(pupil, row, parsed.columns)
        if problems:
            result.errors.extend(problems)
            continue
        group = pupil.registration_group
        imported = ImportedRow(
            line=row.line,
            pupil=pupil,
            class_name=group.name if group else "",
            changes=[] if creating else changes,
            previous_class=None if creating else previous_class,
        )
        accepted.append(imported)
        if creating:
            result.created.append(imported)
        elif changes:
            result.updated.append(imported)
        else:
            result.unchanged.append(imported)

    new_classes = classes.used_new(accepted)
    result.classes_created = sorted(group.name for group in new_classes)
    result.not_in_file = sum(
        1 for upn, pupil in existing.items() if pupil.left_on is None and upn not in parsed.seen_upns
    )
    if not dry_run:
        _write(result, new_classes)
        past_classes_record(
            changes=[(row.pupil, row.previous_class) for row in result.updated if row.class_changed],
            on=timezone.localdate(),
        )
        with sqlite_real_parameter_limit():  # one insert for the log, however long the file
            _audit_import(school=school, result=result, by=by)
        figures_changed(school.pk)  # bulk writes send no signals (reports.invalidation)
    result.errors.sort(key=lambda error: error.line)  # stable: a row's errors stay in column order
    return result


def _audit_import(*, school: School, result: ImportResult, by) -> None:
    """One entry for the import with its counts, and one per pupil it created or changed (old -> new), in one
    insert: the pupil's history shows what the MIS changed, the school's log shows the import."""
    entries = [
        audit.entry(
            action=audit.Action.CREATE,
            model=DataImport,
            object_repr=result.filename,
            school_id=school.pk,
            actor=by,
            event=audit.EVENT_IMPORT,
            kind="pupils",
            counts={
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
                "rejected": len(result.rejected_lines),
            },
        )
    ]
    for action, rows in ((audit.Action.CREATE, result.created), (audit.Action.UPDATE, result.updated)):
        for row in rows:
            entries.append(
                audit.entry(
                    action=action,
                    obj=row.pupil,
                    school_id=school.pk,
                    pupil_id=row.pupil.pk,
                    changes={change.field: [change.old, change.new] for change in row.changes},
                    actor=by,
                    note=f"from the MIS import {result.filename}",
                )
            )
    audit.write(entries)


def _write(result: ImportResult, new_classes: list[TeachingGroup]) -> None:
    """Save the result's new classes, new pupils and changed pupils in bulk.

    If the database refuses the batch (a rule the checks above do not know about), the batch is rolled
    back to its savepoint and written row by row, so that only the offending rows are rejected.
    """
    now = timezone.now()
    for row in result.updated:
        row.pupil.updated_at = now
    changed = {change.field for row in result.updated for change in row.changes}
    update_fields = [name for name in IMPORTED_FIELDS if name in changed] + ["updated_at"]
    try:
        with transaction.atomic(), sqlite_real_parameter_limit():
            TeachingGroup.objects.bulk_create(new_classes, batch_size=BATCH_SIZE)
            _point_at_saved_classes(result, new_classes)
            Pupil.objects.bulk_create([row.pupil for row in result.created], batch_size=BATCH_SIZE)
            if result.updated:
                Pupil.objects.bulk_update([row.pupil for row in result.updated], update_fields, batch_size=BATCH_SIZE)
    except DatabaseError:
        with disable_auditlog():  # the import logs each pupil it wrote itself (_audit_import)
            _write_row_by_row(result, new_classes, update_fields)


def _point_at_saved_classes(result: ImportResult, new_classes: list[TeachingGroup]) -> None:
    """Make sure every new class has its id (older SQLite does not return ids from a bulk insert)."""
    if any(group.pk is None for group in new_classes):
        saved = {
            group.name: group
            for group in TeachingGroup.objects.filter(
                school_id=new_classes[0].school_id,
                kind=GroupKind.REGISTRATION,
                name__in=[group.name for group in new_classes],
            )
        }
        for group in new_classes:
            group.pk = saved[group.name].pk
            group._state.adding = False
    for row in result.created + result.updated:
        if row.pupil.registration_group is not None:
            row.pupil.registration_group = row.pupil.registration_group  # copies the now-known id


def _write_row_by_row(result: ImportResult, new_classes: list[TeachingGroup], update_fields: list[str]) -> None:
    # The failed batch may have handed out ids that the rollback took back: forget them.
    for group in new_classes:
        group.pk = None
        group._state.adding = True
    for row in result.created:
        row.pupil.pk = None
        row.pupil._state.adding = True
    refused_classes = set()
    for group in new_classes:
        try:
            with transaction.atomic():
                group.save(force_insert=True)
        except DatabaseError:
            refused_classes.add(group.name)
    for bucket, creating in ((result.created, True), (result.updated, False)):
        kept = []
        for row in bucket:
            group = row.pupil.registration_group
            if group is not None and group.name in refused_classes:
                column = result.columns.get("registration_group", "class")
                result.errors.append(
                    RowError(row.line, column, group.name, "The database refused to create this class")
                )
                continue
            if group is not None:
                row.pupil.registration_group = group
            try:
                with transaction.atomic():
                    if creating:
                        row.pupil.save(force_insert=True)
                    else:
                        row.pupil.save(update_fields=update_fields)
            except DatabaseError as exc:
                reason = f"The database refused this row: {str(exc).strip().splitlines()[0]}"
                result.errors.append(RowError(row.line, result.columns.get("upn", "UPN"), row.pupil.upn, reason))
                continue
            kept.append(row)
        bucket[:] = kept
    result.classes_created = sorted(group.name for group in new_classes if group.name not in refused_classes)


def import_parse(
    *, school: School, content: bytes, filename: str, today: dt.date | None = None, **reading
) -> ParsedFile:
    """Read an MIS export for ``school`` (its year groups, today's date for the age checks); ``reading`` is the
    reader's ``limits`` and ``progress``."""
    years = {"lowest_year": school.lowest_year, "highest_year": school.highest_year}
    return parse_pupil_file(content, filename, **years, today=today or timezone.localdate(), **reading)


def import_record_preview(*, record: DataImport) -> ImportResult:
    """What applying the held file would do now (it is read again: the school's pupils may have changed)."""
    parsed = import_parse(school=record.school, content=bytes(record.content), filename=record.filename)
    return pupils_import(school=record.school, parsed=parsed, dry_run=True)


@transaction.atomic
def import_record_apply(*, record: DataImport, by=None) -> ImportResult:
    """Apply a held file: valid rows are written, the counts kept and the file dropped.

    Raises ImportClosed if it was already applied or cancelled. The row is locked first so that a double
    click (or two staff) cannot apply the same file twice. A file that cannot be read is left as it was.
    """
    if record.kind != ImportKind.PUPILS:
        raise ValueError(f"{record} is not a pupil import")
    from .jobs import stored_parsed

    locked = import_record_lock(record=record)
    result = pupils_import(school=locked.school, parsed=stored_parsed(locked), dry_run=False, by=by)
    if not result.file_errors:
        import_record_close(record=record, locked=locked, result=result)
    return result
