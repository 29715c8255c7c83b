"""Reading and applying held imports of every declared kind (``kinds``) as tasks, so that no file can tie up a
web worker.

An upload is kept as a ``DataImport`` (``records.import_record_create``), then:

1. :func:`import_prepare` reads it once, checks every row and works out the preview (a dry run against the
   school's data), and stores both: what was read (``parsed``) and the preview (``preview``). Small files are
   read inside the upload request; larger ones by a background task (``provision.tasks``), which reports its
   progress on the row, so the preview page shows a progress bar and never parses anything itself.
2. The preview page shows the stored preview. When the school's data has changed since (a new figures token),
   it says so and "Check again" works the preview out afresh from the stored rows (no second parse).
3. Confirming runs :func:`import_apply`: the stored rows are compared with the school's data as it is then and
   written in one transaction (so what is written is always right even if the preview has aged). A kind that
   ``rechecks_preview`` is given the stored preview too, and refuses the rows whose data someone changed since. Background
   again when there is a queue. A task that dies (killed, out of time) leaves nothing half-written (one
   transaction) and the row in its stage: when its heartbeat is older than ``STALLED_AFTER`` the page offers to
   try again, and the import can always be cancelled.

What is stored is pickled, compressed and sealed with an HMAC of the secret key: it is only ever unpickled if
this server wrote it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import io
import logging
import pickle
import time
import zlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from provision import tasks
from provision.figures import school_tokens

from ..models import DataImport, ImportStage, ImportStatus
from .kinds import kind_of
from .reader import Limits
from .records import ImportClosed, import_record_close, import_record_lock

logger = logging.getLogger(__name__)

# A task silent for this long (no progress reported) is taken to have died: the page offers to try again.
STALLED_AFTER = dt.timedelta(minutes=3)
_SEAL_SALT = "pupils.import_jobs.sealed"
_MAC_BYTES = 32


# --- Sealed storage -----------------------------------------------------------------------------------------


def seal(value: Any) -> bytes:
    """``value`` pickled, compressed and signed (HMAC-SHA256 of the secret key)."""
    data = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 3)
    return salted_hmac(_SEAL_SALT, data, algorithm="sha256").digest() + data


class SealBroken(Exception):
    """Stored bytes that this server did not write (or that were damaged): they are never unpickled."""


def unseal(blob: bytes | memoryview) -> Any:
    blob = bytes(blob)
    mac, data = blob[:_MAC_BYTES], blob[_MAC_BYTES:]
    if not data or not hmac.compare_digest(mac, salted_hmac(_SEAL_SALT, data, algorithm="sha256").digest()):
        raise SealBroken("The stored import does not carry this server's seal.")
    try:
        return _Unpickler(io.BytesIO(zlib.decompress(data))).load()
    except (AttributeError, ImportError, pickle.UnpicklingError) as exc:
        # Written by an older version whose classes are gone: read the file again rather than fail.
        raise SealBroken(f"The stored import was written by an older version: {exc}") from exc


# Where the classes of imports stored before ``pupils.imports`` existed now live, so that a file held across the
# upgrade keeps its stored rows and preview.
_MOVED_MODULES = {
    "pupils.tabular": "pupils.imports.reader",
    "pupils.importing": "pupils.imports.pupil_parsing",
    "pupils.services": "pupils.imports.pupil_apply",
    "pupils.results_importing": "pupils.imports.results_parsing",
    "pupils.results_import": "pupils.imports.results_apply",
    "interventions.progress.importing": "interventions.progress.checks_parsing",
    "interventions.progress.services": "interventions.progress.checks_apply",
}


class _Unpickler(pickle.Unpickler):  # noqa: S301 (only ever given sealed bytes: written by this server)
    def find_class(self, module: str, name: str) -> Any:
        return super().find_class(_MOVED_MODULES.get(module, module), name)


# --- Limits and progress ------------------------------------------------------------------------------------


def limits() -> Limits:
    """The import limits in force (settings ``IMPORT_MAX_*``)."""
    return Limits(
        max_rows=settings.IMPORT_MAX_ROWS,
        max_columns=settings.IMPORT_MAX_COLUMNS,
        max_cells=settings.IMPORT_MAX_CELLS,
        max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        max_compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
    )


# Share of the bar each stage fills: reading the file, checking its rows, comparing with the school's data.
_STAGE_SPAN = {"reading": (0, 50), "checking": (50, 90), "comparing": (90, 99)}
_STAGE_WORDS = {
    "reading": "Reading the file",
    "checking": "Checking rows",
    "comparing": "Comparing with the school's data",
}


class _Reporter:
    """Writes a task's progress on its import row, at most every half second (each write is one UPDATE)."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        low, high = _STAGE_SPAN.get(stage, (0, 99))
        fraction = min(done / total, 1) if total else 0
        words = _STAGE_WORDS.get(stage, stage)
        text = f"{words}: {done:,} of {total:,} rows" if total else f"{words}: {done:,} rows"
        DataImport.objects.filter(pk=self.pk).update(
            progress=int(low + (high - low) * fraction), progress_text=text[:200], heartbeat_at=timezone.now()
        )


def is_stalled(record: DataImport, now: dt.datetime | None = None) -> bool:
    """Reading or applying, but its task has not reported for ``STALLED_AFTER`` (killed, or the worker is down)."""
    if record.stage not in (ImportStage.READING, ImportStage.APPLYING) or record.status != ImportStatus.PREVIEW:
        return False
    last = record.heartbeat_at or record.uploaded_at
    return (now or timezone.now()) - last > STALLED_AFTER


# --- Reading ------------------------------------------------------------------------------------------------


def import_record_start(*, record: DataImport) -> None:
    """Read a newly held file: at once when it is small (or there is no queue), else in the background."""
    inline = tasks.runs_inline() or len(record.content) <= settings.IMPORT_INLINE_BYTES
    _set_stage(record.pk, ImportStage.READING, text="Waiting for the file to be read")
    if inline:
        import_prepare(record.pk)
    else:
        tasks.enqueue(import_prepare, record.pk, job_id=f"import-prepare-{record.pk}", description=str(record))
    record.refresh_from_db()


def import_record_recheck(*, record: DataImport) -> None:
    """Work the preview out again from the stored rows (the school's data has changed since)."""
    _set_stage(record.pk, ImportStage.READING, text="Comparing with the school's data")
    if tasks.runs_inline() or len(record.content) <= settings.IMPORT_INLINE_BYTES:
        import_prepare(record.pk)
    else:
        tasks.enqueue(import_prepare, record.pk, job_id=f"import-prepare-{record.pk}", description=str(record))
    record.refresh_from_db()


def _set_stage(pk: int, stage: str, *, text: str = "", failure: str = "") -> None:
    DataImport.objects.filter(pk=pk, status=ImportStatus.PREVIEW).update(
        stage=stage, progress=0, progress_text=text, failure=failure, heartbeat_at=timezone.now()
    )


# --- The kind's own reading and applying ---------------------------------------------------------------------


def _parse(record: DataImport, report) -> Any:
    return kind_of(record.kind).parse(
        school=record.school, content=bytes(record.content), filename=record.filename, limits=limits(), progress=report
    )


def _compare(record: DataImport, parsed: Any, *, dry_run: bool, by=None) -> Any:
    spec = kind_of(record.kind)
    if spec.rechecks_preview and not dry_run:
        # What the preview the user confirmed saw: the kind refuses rows whose data changed since.
        previewed = stored_preview(record)
        return spec.apply(
            school=record.school, parsed=parsed, dry_run=False, by=by, previewed=previewed and previewed.result
        )
    return spec.apply(school=record.school, parsed=parsed, dry_run=dry_run, by=by)


def stored_parsed(record: DataImport, report=None) -> Any:
    """What the file holds, as read once and stored; read again only for an import stored before this existed."""
    if record.parsed:
        try:
            return unseal(record.parsed)
        except SealBroken:
            logger.warning("Import %s: stored rows fail their seal (secret key changed?); reading again", record.pk)
    return _parse(record, report or (lambda *args: None))


def import_prepare(import_id: int) -> None:
    """The task: read the held file (unless already read), work out the preview and store both."""
    record = DataImport.objects.select_related("school").filter(pk=import_id).first()
    if record is None or record.status != ImportStatus.PREVIEW:
        return  # cancelled (or applied) meanwhile
    report = _Reporter(record.pk)
    report.last = -1.0
    report("reading", 0, 0)
    try:
        parsed = stored_parsed(record, report)
        report.last = -1.0
        report("comparing", 0, 0)
        token = school_tokens(record.school)[record.school_id]
        preview = _compare(record, parsed, dry_run=True)
    except Exception:
        # Logged, and shown on the import's page (which offers to try again); not raised, so that an upload read
        # in its own request gets that page rather than an error.
        logger.exception("Reading import %s failed", import_id)
        _set_stage(import_id, ImportStage.FAILED, failure="The file could not be read: an unexpected error stopped it.")
        return
    with transaction.atomic():
        locked = DataImport.objects.select_for_update().filter(pk=import_id).first()
        if locked is None or locked.status != ImportStatus.PREVIEW:
            return
        locked.parsed = seal(parsed) if not preview.file_errors else b""
        locked.preview = seal(preview)
        locked.previewed_at = timezone.now()
        locked.previewed_token = token
        locked.stage = ImportStage.READY
        locked.progress, locked.progress_text, locked.failure = 100, "", ""
        locked.heartbeat_at = timezone.now()
        locked.save(
            update_fields=[
                "parsed", "preview", "previewed_at", "previewed_token", "stage", "progress", "progress_text",
                "failure", "heartbeat_at",
            ]
        )  # fmt: skip


@dataclass
class Preview:
    """The stored preview of a held import, and whether the school's data has changed since it was made."""

    result: Any
    made_at: dt.datetime | None
    outdated: bool


def stored_preview(record: DataImport) -> Preview | None:
    """The stored preview (one query for the figures token), or None when there is none to show."""
    if not record.preview:
        return None
    try:
        result = unseal(record.preview)
    except SealBroken:
        return None
    token = school_tokens(record.school_id)[record.school_id]
    return Preview(
        result=result,
        made_at=record.previewed_at,
        outdated=bool(record.previewed_token) and token != record.previewed_token,
    )


# --- Applying -----------------------------------------------------------------------------------------------


def import_record_confirm(*, record: DataImport, by) -> Any:
    """Confirm a held import: applied at once (and its result returned) when tasks run inline or the file is
    small, else queued (None). Raises ImportClosed when it was already applied or cancelled, and
    ``NotReady`` when it has not been read yet or is being applied."""
    with transaction.atomic():
        locked = DataImport.objects.select_for_update().get(pk=record.pk)
        if locked.status != ImportStatus.PREVIEW:
            raise ImportClosed(f"{locked.filename} was already {locked.get_status_display().lower()}.")
        if locked.stage != ImportStage.READY:
            raise NotReady(f"{locked.filename} is not ready to confirm: {locked.get_stage_display().lower()}.")
        if tasks.runs_inline() or len(locked.content) <= settings.IMPORT_INLINE_BYTES:
            inline = True
        else:
            inline = False
            _set_stage(locked.pk, ImportStage.APPLYING, text="Waiting to be applied")
    if inline:
        return import_apply(record.pk, getattr(by, "pk", None))
    tasks.enqueue(import_apply, record.pk, getattr(by, "pk", None), job_id=f"import-apply-{record.pk}")
    return QUEUED


# What import_record_confirm returns when the import was queued rather than applied.
QUEUED = object()


class NotReady(Exception):
    """The import is still being read, or already being applied."""


def import_apply(import_id: int, by_id: int | None) -> Any | None:
    """The task: apply a held import from its stored rows, in one transaction; returns the import's result.

    Raises ImportClosed when it was already applied or cancelled. If anything else fails, nothing is written,
    the import is marked stopped (its page offers to try again or cancel) and None is returned.
    """
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    record = DataImport.objects.select_related("school").get(pk=import_id)
    try:
        with transaction.atomic():
            locked = import_record_lock(record=record)
            parsed = stored_parsed(locked)
            result = _compare(locked, parsed, dry_run=False, by=by)
            if not result.file_errors:
                import_record_close(record=record, locked=locked, result=result)
    except Exception as exc:
        if isinstance(exc, ImportClosed):
            raise
        logger.exception("Applying import %s failed", import_id)
        _set_stage(
            import_id, ImportStage.FAILED, failure="Applying the file stopped with an error: nothing was changed."
        )
        return None
    if result.file_errors:
        _set_stage(import_id, ImportStage.READY)
    return result


def import_record_retry(*, record: DataImport) -> None:
    """Start a stopped (or stalled) import again from the beginning: read, then preview."""
    DataImport.objects.filter(pk=record.pk, status=ImportStatus.PREVIEW).update(parsed=b"", preview=b"")
    import_record_start(record=record)
