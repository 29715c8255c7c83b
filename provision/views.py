"""The school frame's pages: choosing a school, and the school year."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import audit
from . import calendar as school_calendar
from .access import (
    ALL_STAFF,
    AUDIT_LOG_EXPORTERS,
    CALENDAR_EDITORS,
    CLOSURE_EDITORS,
    PUPIL_ERASERS,
    SCHOOL_SETTINGS_EDITORS,
    role_required,
)
from .forms import AcademicYearForm, AuditLogForm, ClosureForm, SchoolSettingsForm, TermForm
from .middleware import SESSION_SCHOOL_KEY
from .models import AcademicYear, Closure, Term, TermName
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
    """The school's years and terms, each term with its closures, its school days and what can be added with one
    click (the bank holidays inside it, a half-term week)."""
    years = AcademicYear.objects.filter(school=request.school).prefetch_related("terms__closures")
    today = timezone.localdate()
    current = Term.objects.current_for(request.school, today)
    days = school_calendar.school_calendar(request.school)
    for year in years:
        for term in year.terms.all():
            closures = list(term.closures.all())
            term.school_day_count = days.count_between(term.start_date, term.end_date)
            term.free_bank_holidays = school_calendar.free_bank_holidays(term, closures)
            term.half_term = school_calendar.half_term_suggestion(term, closures)
    return render(
        request,
        "provision/calendar.html",
        {
            "years": years,
            "current": current,
            "today": today,
            "can_edit": request.role in CALENDAR_EDITORS,
            "can_edit_closures": request.role in CLOSURE_EDITORS,
        },
    )


def _term(request: HttpRequest, pk: int) -> Term:
    return get_object_or_404(Term.objects.select_related("academic_year"), pk=pk, academic_year__school=request.school)


def _closure(request: HttpRequest, pk: int, *, lock: bool = False) -> Closure:
    closures = Closure.objects.for_school(request.school).select_related("term__academic_year")
    return get_object_or_404(closures.select_for_update(of=("self",)) if lock else closures, pk=pk)


@role_required(*CLOSURE_EDITORS)
def closure_new(request: HttpRequest, pk: int) -> HttpResponse:
    term = _term(request, pk)
    form = ClosureForm(request.POST or None, term=term)
    if request.method == "POST" and form.is_valid():
        closure = form.save()
        messages.success(request, f"{closure} added to {term}.")
        return redirect("provision:calendar")
    return render(request, "provision/closure_form.html", {"form": form, "term": term, "closure": None})


@role_required(*CLOSURE_EDITORS)
def closure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        # Locked and read afresh: the form compares what it was opened with against the closure as saved now.
        closure = _closure(request, pk, lock=request.method == "POST")
        form = ClosureForm(request.POST or None, instance=closure, term=closure.term)
        if request.method == "POST" and form.is_valid():
            closure = form.save()
            messages.success(request, f"{closure} saved.")
            return redirect("provision:calendar")
    return render(request, "provision/closure_form.html", {"form": form, "term": closure.term, "closure": closure})


@role_required(*CLOSURE_EDITORS)
@require_POST
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    closure = _closure(request, pk)
    closure.delete()
    messages.success(request, f"{closure} removed: those days count as school days again.")
    return redirect("provision:calendar")


@role_required(*CLOSURE_EDITORS)
@require_POST
def bank_holidays_add(request: HttpRequest, pk: int) -> HttpResponse:
    term = _term(request, pk)
    added = school_calendar.bank_holidays_add(term=term)
    if added:
        messages.success(request, f"{term}: {', '.join(str(c) for c in added)} added.")
    else:
        messages.info(request, f"{term} has no bank holiday left to add.")
    return redirect("provision:calendar")


@role_required(*CLOSURE_EDITORS)
@require_POST
def half_term_add(request: HttpRequest, pk: int) -> HttpResponse:
    term = _term(request, pk)
    closure = school_calendar.half_term_add(term=term)
    if closure:
        messages.success(request, f"{closure} added. Edit its dates if your school's half-term differs.")
    else:
        messages.info(request, f"{term} already has a half-term, or no week is free for one.")
    return redirect("provision:calendar")


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
    term = _term(request, pk)
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
