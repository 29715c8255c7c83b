"""The pages every kind of import shares: upload a file, preview what it would change, confirm or cancel it.

The upload is held in a ``DataImport`` row (its ``kind`` names the declaration in ``kinds``) until the user
decides. It is read once (``jobs``: in the request when small, else by a background task while the page shows a
progress bar), and the preview it gave is stored and shown on each visit; when the school's data has changed
since, the page says so and offers to check again. Confirming compares the stored rows with the data as it is
then, so what is written is always right. A kind's URLs route here with ``kind=`` (see ``pupils/urls.py`` and
``interventions/progress/urls.py``); what differs between kinds is in its declaration and its two templates.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat

from provision.access import IMPORTERS, role_required

from ..models import DataImport, ImportStage, ImportStatus
from . import jobs
from .kinds import ImportSpec, kind_of
from .records import ImportClosed, import_record_cancel, import_record_create

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


def _import_for_request(request: HttpRequest, pk: int, kind: str | None) -> DataImport:
    """An import of the current school only (and of ``kind`` when given): anyone else's is a 404, so its existence
    is not revealed."""
    found = DataImport.objects.filter(pk=pk, school=request.school)
    if kind is not None:
        found = found.filter(kind=kind)
    record = found.select_related("school", "uploaded_by").first()
    if record is None:
        raise Http404("No such import")
    return record


def _labelled(form: ImportUploadForm, spec: ImportSpec) -> ImportUploadForm:
    """The form with the file named as the kind names it (before validation, which fixes the label it shows)."""
    form.fields["file"].label = spec.file_label
    return form


def _upload(request: HttpRequest, spec: ImportSpec) -> tuple[ImportUploadForm, DataImport | None]:
    """The upload form, bound on POST; and the held import when a valid file was posted."""
    if request.method != "POST":
        return _labelled(ImportUploadForm(), spec), None
    files = request.FILES
    if "file" not in files and len(files) == 1:
        # One file under another field name (a script or an older form): take it rather than refuse it.
        files = {"file": next(iter(files.values()))}
    form = _labelled(ImportUploadForm(request.POST, files), spec)
    if not form.is_valid():
        return form, None
    upload = form.cleaned_data["file"]
    record = import_record_create(
        school=request.school, by=request.user, filename=Path(upload.name).name, content=upload.read(), kind=spec.kind
    )
    jobs.import_record_start(record=record)
    return form, record


@role_required(*IMPORTERS)
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file of ``kind``; the page lists the columns read (and what else the kind's declaration adds)."""
    spec = kind_of(kind)
    form, record = _upload(request, spec)
    if record is not None:
        return redirect(spec.preview_url, pk=record.pk)
    recent = (
        DataImport.objects.filter(school=request.school, kind=kind)
        .defer("content", "parsed", "preview")
        .select_related("uploaded_by")[:10]
    )
    context = {"form": form, "max_size": settings.IMPORT_MAX_BYTES, "recent": recent, "spec": spec}
    return render(request, spec.upload_template, context | spec.upload_context(request))


def _confirm(request: HttpRequest, record: DataImport, spec: ImportSpec) -> None:
    """Apply the held import (or queue it), saying what happened."""
    if spec.all_or_nothing:
        preview = jobs.stored_preview(record)
        if preview is None or preview.result.errors or preview.result.file_errors:
            messages.error(request, f"{record.filename} has rejected rows: nothing was changed. Fix them first.")
            return
    try:
        result = jobs.import_record_confirm(record=record, by=request.user)
    except (ImportClosed, jobs.NotReady) as exc:
        messages.error(request, f"{exc} Nothing was changed.")
        return
    if result is jobs.QUEUED:
        messages.info(request, f"{record.filename} is being applied: this page shows when it is done.")
    elif result is None:
        record.refresh_from_db()
        messages.error(request, record.failure or f"{record.filename} could not be applied: nothing was changed.")
    elif result.file_errors and spec.all_or_nothing:
        # Rows the preview passed are no longer good (the register or a place changed): show them.
        jobs.import_record_recheck(record=record)
        messages.error(request, f"{record.filename} was not imported: nothing was changed. Fix the rows below.")
    elif result.file_errors:
        messages.error(request, f"{record.filename} cannot be imported: nothing was changed.")
    else:
        rejected = f" {result.rejected_count} rejected {spec.noun} were not imported." if result.rejected_count else ""
        messages.success(request, f"{record.filename} imported: {result.summary()}.{rejected}")
        if result.changed_since_preview:
            messages.warning(
                request,
                f"{result.changed_since_preview} {spec.noun} changed by someone else since the preview were not "
                "overwritten: they are listed below.",
            )


def _decide(request: HttpRequest, record: DataImport, spec: ImportSpec) -> HttpResponse:
    """The preview page's buttons: apply (``confirm``), drop (``cancel``), work the preview out again from the
    stored rows (``recheck``), or read the file again after a failure (``retry``). After applying, the record's
    own page shows what was done and the rows to fix."""
    action = request.POST.get("action")
    here = redirect(spec.preview_url, pk=record.pk)
    if action == "confirm":
        _confirm(request, record, spec)
        return here
    if action == "cancel":
        try:
            import_record_cancel(record=record)
        except ImportClosed as exc:
            messages.error(request, str(exc))
            return here
        messages.info(request, f"Import of {record.filename} cancelled: nothing was changed.")
        return redirect(spec.upload_url)
    if action in ("recheck", "retry") and record.status == ImportStatus.PREVIEW:
        busy = record.stage in (ImportStage.READING, ImportStage.APPLYING) and not jobs.is_stalled(record)
        if busy:
            messages.info(request, f"{record.filename} is still being worked on.")
        elif action == "recheck" and record.stage == ImportStage.READY:
            jobs.import_record_recheck(record=record)
        else:
            jobs.import_record_retry(record=record)
        return here
    return HttpResponseBadRequest("Choose confirm or cancel.")


def _preview_context(record: DataImport, spec: ImportSpec, preview: jobs.Preview | None) -> dict:
    """What a preview template needs: the stored preview, or where the work on the file has got to."""
    result = preview.result if preview and record.stage == ImportStage.READY else None
    working = record.status == ImportStatus.PREVIEW and record.stage in (ImportStage.READING, ImportStage.APPLYING)
    stalled = jobs.is_stalled(record)
    can_apply = result is not None and not result.file_errors
    if spec.all_or_nothing:
        can_apply = can_apply and not result.errors and bool(result.row_count)
    return {
        "record": record,
        "result": result,
        "preview": preview,
        "working": working and not stalled,
        "stalled": stalled,
        "failed": record.status == ImportStatus.PREVIEW and record.stage == ImportStage.FAILED,
        "rejected_shown": REJECTED_SHOWN,
        "can_apply": can_apply,
        "spec": spec,
        "columns_found": [(spec.labels[name], header) for name, header in result.columns.items()] if result else [],
    }


@role_required(*IMPORTERS)
def preview(request: HttpRequest, pk: int, kind: str | None = None) -> HttpResponse:
    """What a held file would do (the stored preview, or how far reading it has got); confirm writes it, cancel
    drops it. Without ``kind`` the URL serves any kind whose preview it is, and sends the others to theirs."""
    record = _import_for_request(request, pk, kind)
    spec = kind_of(record.kind)
    if request.resolver_match and request.resolver_match.view_name != spec.preview_url:
        return redirect(spec.preview_url, pk=record.pk)
    if request.method == "POST":
        return _decide(request, record, spec)
    stored = jobs.stored_preview(record) if record.status == ImportStatus.PREVIEW else None
    if record.status == ImportStatus.PREVIEW and record.stage == ImportStage.READY and stored is None:
        # Held but never read (made outside the upload page), or stored by an older version: read it once now.
        jobs.import_prepare(record.pk)
        record.refresh_from_db()
        stored = jobs.stored_preview(record)
    return render(request, spec.preview_template, _preview_context(record, spec, stored))
