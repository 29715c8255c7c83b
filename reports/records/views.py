"""Data-protection pages: everything held about a pupil as a zip, and erasing records past their retention."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.erasure import NotDue, pupil_erase, pupils_due, retention_end
from provision.access import PUPIL_DATA_EXPORTERS, PUPIL_ERASERS, SCHOOL_SETTINGS_EDITORS, role_required
from pupils.models import Pupil
from pupils.selectors import get_pupil_for_user
from reports.records.pupil_data import pupil_export_zip


@role_required(*PUPIL_DATA_EXPORTERS)
def pupil_data_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A zip of everything held about the pupil (a subject access request); the export is in the audit log."""
    pupil = get_pupil_for_user(request, pk, PUPIL_DATA_EXPORTERS, school=request.school)
    content = pupil_export_zip(pupil, school=request.school, by=request)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="pupil-{pupil.upn}-{stamp}.zip"'
    return response


@role_required(*PUPIL_ERASERS)
def retention(request: HttpRequest) -> HttpResponse:
    """Pupils who have left and whose records have been kept for the school's retention period."""
    today = timezone.localdate()
    due = pupils_due(request.school, today)
    for pupil in due:
        pupil.retention_end = retention_end(pupil, request.school)
    return render(
        request,
        "reports/retention.html",
        {"due": due, "school": request.school, "can_change": request.role in SCHOOL_SETTINGS_EDITORS},
    )


@require_POST
@role_required(*PUPIL_ERASERS)
def retention_erase(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_object_or_404(Pupil, pk=pk, school=request.school, erased_on__isnull=True)
    try:
        pupil_erase(pupil=pupil, by=request.user, today=timezone.localdate())
    except NotDue as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The record was anonymised: its figures stay in the school's impact evaluation.")
    return redirect("reports:retention")
