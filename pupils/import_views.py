"""Upload an MIS export of pupils, or a file of assessment results; preview what it would change; confirm or
cancel it.

The upload is held in a ``DataImport`` row (its ``kind`` says pupils or results) until the user decides. It is
read once (``pupils.import_jobs``: in the request when small, else by a background task while the page shows a
progress bar), and the preview it gave is stored and shown on each visit; when the school's data has changed
since, the page says so and offers to check again. Confirming compares the stored rows with the data as it is
then, so what is written is always right. One preview URL serves both kinds.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat

from provision.access import IMPORTERS, role_required

from . import import_jobs, results_importing
from .importing import FIELDS_BY_NAME, recognised_columns
from .models import Assessment, DataImport, ImportKind, ImportStage, ImportStatus
from .services import ImportClosed, import_record_cancel, import_record_create

# How many rejected rows a preview lists (the count covers them all).
REJECTED_SHOWN = 1000

ALLOWED_EXTENSIONS = (".csv", ".xlsx", ".txt")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="MIS export",
        widget=forms.FileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower()
        if extension not in ALLOWED_EXTENSIONS:
            kind = f"a {extension} file" if extension else "a file without an extension"
            raise forms.ValidationError(
                f"{upload.name} is {kind}: upload the export as CSV (.csv or .txt) or Excel (.xlsx)."
            )
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"{upload.name} is {filesizeformat(upload.size)}; the largest file accepted is "
                f"{filesizeformat(settings.IMPORT_MAX_BYTES)}."
            )
        if upload.size == 0:
            raise forms.ValidationError(f"{upload.name} is empty.")
        return upload


def _import_for_request(request: HttpRequest, pk: int) -> DataImport:
    """An import of the current school only: anyone else's is a 404, so its existence is not revealed."""
    record = DataImport.objects.filter(pk=pk, school=request.school).select_related("school", "uploaded_by").first()
    if record is None:
        raise Http404("No such import")
    return record


def _upload(request: HttpRequest, kind: str) -> tuple[ImportUploadForm, DataImport | None]:
    """The upload form, bound on POST; and the held import when a valid file was posted."""
    if request.method != "POST":
        return ImportUploadForm(), None
    files = request.FILES
    if "file" not in files and len(files) == 1:
        # One file under another field name (a script or an older form): take it rather than refuse it.
        files = {"file": next(iter(files.values()))}
    form = ImportUploadForm(request.POST, files)
    if not form.is_valid():
        return form, None
    upload = form.cleaned_data["file"]
    record = import_record_create(
        school=request.school, by=request.user, filename=Path(upload.name).name, content=upload.read(), kind=kind
    )
    import_jobs.import_record_start(record=record)
    return form, record


def _recent(request: HttpRequest, kind: str):
    return (
        DataImport.objects.filter(school=request.school, kind=kind)
        .defer("content", "parsed", "preview")
        .select_related("uploaded_by")[:10]
    )


@role_required(*IMPORTERS)
def import_upload(request: HttpRequest) -> HttpResponse:
    form, record = _upload(request, ImportKind.PUPILS)
    if record is not None:
        return redirect("pupils:import_preview", pk=record.pk)
    return render(
        request,
        "pupils/import_upload.html",
        {
            "form": form,
            "columns": recognised_columns(),
            "max_size": settings.IMPORT_MAX_BYTES,
            "recent": _recent(request, ImportKind.PUPILS),
        },
    )


@role_required(*IMPORTERS)
def results_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file of assessment results; the page lists the columns read and the school's assessments."""
    form, record = _upload(request, ImportKind.RESULTS)
    if record is not None:
        return redirect("pupils:import_preview", pk=record.pk)
    form.fields["file"].label = "Results file"
    assessments = list(
        Assessment.objects.filter(school=request.school)
        .select_related("subject", "scale")
        .prefetch_related("scale__bands")
        .order_by("-taken_on", "subject__name", "name")
    )
    name_counts = Counter(results_importing.name_key(a.name) for a in assessments)
    listed = [
        {
            "assessment": a,
            # The header for a one-column-per-assessment file: the name, with the date when the name is shared.
            "header": a.name if name_counts[results_importing.name_key(a.name)] == 1 else str(a),
            "accepts": results_importing.accepted_values(a.scale.spec()),
        }
        for a in assessments
    ]
    return render(
        request,
        "pupils/results_import_upload.html",
        {
            "form": form,
            "columns": results_importing.recognised_columns(),
            "not_sat": results_importing.NOT_SAT_EXAMPLES,
            "assessments": listed,
            "max_size": settings.IMPORT_MAX_BYTES,
            "recent": _recent(request, ImportKind.RESULTS),
        },
    )


def _decide(request: HttpRequest, record: DataImport, *, noun: str, upload: str) -> HttpResponse:
    """The preview page's buttons: apply (``confirm``), drop (``cancel``), work the preview out again from the
    stored rows (``recheck``), or read the file again after a failure (``retry``). After applying, the record's
    own page shows what was done and the rows to fix."""
    action = request.POST.get("action")
    here = redirect("pupils:import_preview", pk=record.pk)
    if action == "confirm":
        try:
            result = import_jobs.import_record_confirm(record=record, by=request.user)
        except (ImportClosed, import_jobs.NotReady) as exc:
            messages.error(request, f"{exc} Nothing was changed.")
            return here
        if result is import_jobs.QUEUED:
            messages.info(request, f"{record.filename} is being applied: this page shows when it is done.")
            return here
        if result is None:
            record.refresh_from_db()
            messages.error(request, record.failure or f"{record.filename} could not be applied: nothing was changed.")
            return here
        if result.file_errors:
            messages.error(request, f"{record.filename} cannot be imported: nothing was changed.")
            return here
        rejected = f" {result.rejected_count} rejected {noun} were not imported." if result.rejected_count else ""
        messages.success(request, f"{record.filename} imported: {result.summary()}.{rejected}")
        return here
    if action == "cancel":
        try:
            import_record_cancel(record=record)
        except ImportClosed as exc:
            messages.error(request, str(exc))
            return here
        messages.info(request, f"Import of {record.filename} cancelled: nothing was changed.")
        return redirect(upload)
    if action in ("recheck", "retry") and record.status == ImportStatus.PREVIEW:
        busy = record.stage in (ImportStage.READING, ImportStage.APPLYING) and not import_jobs.is_stalled(record)
        if busy:
            messages.info(request, f"{record.filename} is still being worked on.")
        elif action == "recheck" and record.stage == ImportStage.READY:
            import_jobs.import_record_recheck(record=record)
        else:
            import_jobs.import_record_retry(record=record)
        return here
    return HttpResponseBadRequest("Choose confirm or cancel.")


def _preview_context(record: DataImport, fields: dict) -> dict:
    """What both preview templates need: the stored preview, or where the work on the file has got to."""
    preview = import_jobs.stored_preview(record) if record.status == ImportStatus.PREVIEW else None
    result = preview.result if preview and record.stage == ImportStage.READY else None
    working = record.status == ImportStatus.PREVIEW and record.stage in (ImportStage.READING, ImportStage.APPLYING)
    stalled = import_jobs.is_stalled(record)
    return {
        "record": record,
        "result": result,
        "preview": preview,
        "working": working and not stalled,
        "stalled": stalled,
        "failed": record.status == ImportStatus.PREVIEW and record.stage == ImportStage.FAILED,
        "rejected_shown": REJECTED_SHOWN,
        "can_apply": result is not None and not result.file_errors,
        "columns_found": [(fields[name].label, header) for name, header in result.columns.items()] if result else [],
    }


@role_required(*IMPORTERS)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import_for_request(request, pk)
    if record.kind == ImportKind.CHECKS:
        # Files of progress check scores are read by the interventions app, which has their own preview.
        return redirect("interventions:checks_import_preview", pk=record.pk)
    if record.kind == ImportKind.RESULTS:
        if request.method == "POST":
            return _decide(request, record, noun="results", upload="pupils:results_import_upload")
        template, fields = "pupils/results_import_preview.html", results_importing.FIELDS_BY_NAME
    else:
        if request.method == "POST":
            return _decide(request, record, noun="rows", upload="pupils:import_upload")
        template, fields = "pupils/import_preview.html", FIELDS_BY_NAME
    if record.status == ImportStatus.PREVIEW and record.stage == ImportStage.READY and not record.preview:
        import_jobs.import_prepare(record.pk)  # held before previews were stored: read it once now
        record.refresh_from_db()
    return render(request, template, _preview_context(record, fields))
