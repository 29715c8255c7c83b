"""The school frame's pages: choosing a school, and the school year."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import audit
from .access import (
    ALL_STAFF,
    AUDIT_LOG_EXPORTERS,
    CALENDAR_EDITORS,
    PUPIL_ERASERS,
    SCHOOL_SETTINGS_EDITORS,
    role_required,
)
from .forms import AcademicYearForm, AuditLogForm, SchoolSettingsForm, TermForm
from .middleware import SESSION_SCHOOL_KEY
from .models import AcademicYear, Term, TermName
from .services import academic_year_create


@login_required
@require_POST
def switch_school(request: HttpRequest) -> HttpResponse:
    try:
        school_id = int(request.POST.get("school", ""))
    except ValueError as exc:
        raise Http404("No such school") from exc
    if not any(m.school_id == school_id for m in request.memberships):
        raise Http404("No such school")
    request.session[SESSION_SCHOOL_KEY] = school_id
    target = request.POST.get("next") or "/"
    # A path on this site only: not another site, nor a word redirect() would look up as a view's name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@role_required(*ALL_STAFF)
def calendar(request: HttpRequest) -> HttpResponse:
    years = AcademicYear.objects.filter(school=request.school).prefetch_related("terms")
    today = timezone.localdate()
    current = Term.objects.current_for(request.school, today)
    return render(
        request,
        "provision/calendar.html",
        {
            "years": years,
            "current": current,
            "today": today,
            "can_edit": request.role in CALENDAR_EDITORS,
        },
    )


@role_required(*CALENDAR_EDITORS)
def academic_year_new(request: HttpRequest) -> HttpResponse:
    form = AcademicYearForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year = academic_year_create(
            school=request.school,
            start_year=data["start_year"],
            terms={name.value: (data[f"{name.value}_start"], data[f"{name.value}_end"]) for name in TermName},
        )
        messages.success(request, f"Academic year {year.name} added with its three terms.")
        return redirect("provision:calendar")
    return render(request, "provision/academic_year_form.html", {"form": form})


@role_required(*CALENDAR_EDITORS)
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_object_or_404(Term.objects.select_related("academic_year"), pk=pk, academic_year__school=request.school)
    form = TermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{term} dates saved.")
        return redirect("provision:calendar")
    return render(request, "provision/term_form.html", {"form": form, "term": term})


@role_required(*SCHOOL_SETTINGS_EDITORS)
def school_settings(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in for SENCOs and leaders, and how long pupils' records are kept."""
    form = SchoolSettingsForm(request.POST or None, instance=request.school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "School settings saved.")
        return redirect("provision:school_settings")
    # The list of records past retention is for those who may erase them; a leader sets the period only.
    return render(
        request,
        "provision/school_settings.html",
        {"form": form, "can_see_retention": request.role in PUPIL_ERASERS},
    )


AUDIT_CSV_HEADER = ["When", "Who", "Role", "What", "Action", "Changes", "Note", "Pupil record no.", "Address"]


@role_required(*AUDIT_LOG_EXPORTERS)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The school's audit log for a date range: a form, and the CSV once dates are given."""
    today = timezone.localdate()
    form = AuditLogForm(request.GET or None, initial={"start": today.replace(day=1), "end": today})
    if not request.GET or not form.is_valid():
        return render(request, "provision/audit_log.html", {"form": form})
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    entries = list(audit.school_entries(request.school, start, end))
    lines = audit.describe(entries, request.school)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{request.school.urn}-{start}-to-{end}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(AUDIT_CSV_HEADER)
    for log, line in zip(entries, lines, strict=True):
        changes = "; ".join(f"{label}: {old} -> {new}" for label, old, new in line.changes)
        row = [
            timezone.localtime(line.when).strftime("%d/%m/%Y %H:%M:%S"),
            line.who,
            line.role,
            line.what,
            line.action,
            changes,
            line.note,
            (log.additional_data or {}).get("pupil", ""),
            log.remote_addr or "",
        ]
        writer.writerow([_csv_safe(str(value)) for value in row])
    audit.log_export(
        request, school=request.school, what=f"Audit log {start:%d/%m/%Y} to {end:%d/%m/%Y}", rows=len(lines)
    )
    return response


def _csv_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
