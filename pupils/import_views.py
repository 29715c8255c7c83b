"""Upload an MIS export of pupils, or a file of assessment results; preview what it would change; confirm or
cancel it.

The upload is held in a ``DataImport`` row (its ``kind`` says pupils or results) until the user decides; the
preview reads it again each time (the school's pupils and results may have changed since) and runs the
import as a dry run, so what it shows is what confirm does. One preview URL serves both kinds.
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

from . import results_importing
from .importing import FIELDS_BY_NAME, recognised_columns
from .models import Assessment, DataImport, ImportKind, ImportStatus
from .results_import import results_record_apply, results_record_preview
from .services import (
    ImportClosed,
    import_record_apply,
    import_record_cancel,
    import_record_create,
    import_record_preview,
)

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
    return form, record


def _recent(request: HttpRequest, kind: str):
    return (
        DataImport.objects.filter(school=request.school, kind=kind).defer("content").select_related("uploaded_by")[:10]
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


def _confirm_or_cancel(request: HttpRequest, record: DataImport, *, apply, noun: str, upload: str) -> HttpResponse:
    """Apply (``action=confirm``) or drop (``action=cancel``) a held file. After applying, the record's own page
    shows what was done and the rows to fix."""
    action = request.POST.get("action")
    if action == "confirm":
        try:
            result = apply(record=record, by=request.user)
        except ImportClosed as exc:
            messages.error(request, f"{exc} Nothing was changed.")
            return redirect("pupils:import_preview", pk=record.pk)
        if result.file_errors:
            messages.error(request, f"{record.filename} cannot be imported: nothing was changed.")
            return redirect("pupils:import_preview", pk=record.pk)
        rejected = f" {result.rejected_count} rejected {noun} were not imported." if result.rejected_count else ""
        messages.success(request, f"{record.filename} imported: {result.summary()}.{rejected}")
        return redirect("pupils:import_preview", pk=record.pk)
    if action == "cancel":
        try:
            import_record_cancel(record=record)
        except ImportClosed as exc:
            messages.error(request, str(exc))
            return redirect("pupils:import_preview", pk=record.pk)
        messages.info(request, f"Import of {record.filename} cancelled: nothing was changed.")
        return redirect(upload)
    return HttpResponseBadRequest("Choose confirm or cancel.")


@role_required(*IMPORTERS)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import_for_request(request, pk)
    if record.kind == ImportKind.RESULTS:
        return _results_preview(request, record)
    if record.kind == ImportKind.CHECKS:
        # Files of progress check scores are read by the interventions app, which has their own preview.
        return redirect("interventions:checks_import_preview", pk=record.pk)
    if request.method == "POST":
        return _confirm_or_cancel(
            request, record, apply=import_record_apply, noun="rows", upload="pupils:import_upload"
        )
    result = import_record_preview(record=record) if record.status == ImportStatus.PREVIEW else None
    return render(
        request,
        "pupils/import_preview.html",
        {
            "record": record,
            "result": result,
            "can_apply": result is not None and not result.file_errors,
            "columns_found": [(FIELDS_BY_NAME[name].label, header) for name, header in result.columns.items()]
            if result
            else [],
        },
    )


def _results_preview(request: HttpRequest, record: DataImport) -> HttpResponse:
    """Preview, confirm or cancel a held file of results."""
    if request.method == "POST":
        return _confirm_or_cancel(
            request, record, apply=results_record_apply, noun="results", upload="pupils:results_import_upload"
        )
    result = results_record_preview(record=record) if record.status == ImportStatus.PREVIEW else None
    return render(
        request,
        "pupils/results_import_preview.html",
        {
            "record": record,
            "result": result,
            "can_apply": result is not None and not result.file_errors,
            "columns_found": [
                (results_importing.FIELDS_BY_NAME[name].label, header) for name, header in result.columns.items()
            ]
            if result
            else [],
        },
    )
