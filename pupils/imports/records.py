"""Uploaded files held between preview and confirm (a ``DataImport`` of any kind): keeping one, locking it to
apply it, closing it with its counts once applied, and cancelling it. Writes the ``DataImport`` rows only."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from provision.models import School

from ..models import DataImport, ImportKind, ImportStage, ImportStatus


class ImportClosed(Exception):
    """The import was already applied or cancelled: it cannot be applied again."""


def import_record_create(
    *, school: School, by, filename: str, content: bytes, kind: str = ImportKind.PUPILS
) -> DataImport:
    """Keep an uploaded file (of pupils, or of results) until it is confirmed or cancelled."""
    record = DataImport(school=school, kind=kind, uploaded_by=by, filename=filename[:255], content=content)
    record.full_clean(exclude=["content"])
    record.save()
    return record


def import_record_lock(*, record: DataImport) -> DataImport:
    """The held import, locked for the rest of the transaction, with its school.

    Raises ImportClosed if it was already applied or cancelled: the lock is what stops a double click (or
    two staff) applying the same file twice. Call inside ``transaction.atomic``.
    """
    locked = DataImport.objects.select_for_update().select_related("school").get(pk=record.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise ImportClosed(f"{locked.filename} was already {locked.get_status_display().lower()}.")
    return locked


def import_record_close(*, record: DataImport, locked: DataImport, result) -> None:
    """Mark a locked import applied: keep its counts and rejected rows, drop the file (children's data).

    ``result`` is a pupil or results import result: anything with the four counts and ``errors``.
    """
    locked.status = ImportStatus.APPLIED
    locked.applied_at = timezone.now()
    locked.created_count = result.created_count
    locked.updated_count = result.updated_count
    locked.unchanged_count = result.unchanged_count
    locked.rejected_count = result.rejected_count
    locked.rejected_rows = [
        {"line": e.line, "column": e.column, "value": e.value, "reason": e.reason} for e in result.errors
    ]
    locked.content = locked.parsed = locked.preview = b""  # the file and what was read from it: children's data
    locked.stage = ImportStage.READY
    locked.save()
    record.refresh_from_db()


@transaction.atomic
def import_record_cancel(*, record: DataImport) -> DataImport:
    """Drop a held file without applying it. Raises ImportClosed if it was already applied or cancelled."""
    locked = DataImport.objects.select_for_update().get(pk=record.pk)
    if locked.status != ImportStatus.PREVIEW:
        raise ImportClosed(f"{locked.filename} was already {locked.get_status_display().lower()}.")
    locked.status = ImportStatus.CANCELLED
    locked.content = locked.parsed = locked.preview = b""
    locked.stage = ImportStage.READY
    locked.save(update_fields=["status", "content", "parsed", "preview", "stage"])
    record.refresh_from_db()
    return locked
