"""Pupil list, profile, create/edit, and the SEN register."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from provision import audit
from provision.access import (
    GUARDIAN_INVITERS,
    HISTORY_VIEWERS,
    PUPIL_DATA_EXPORTERS,
    PUPIL_EDITORS,
    PUPIL_ERASERS,
    PUPIL_VIEWERS,
    SEN_EDITORS,
    SEN_REGISTER_EXPORTERS,
    SEN_REGISTER_VIEWERS,
    can_see_guardian_contacts,
    can_see_results,
    role_required,
)

from . import passport as passports
from . import profile, reference
from .forms import PupilDeleteForm, PupilFilterForm, PupilForm, SenRegisterFilterForm
from .models import NeedArea, Pupil, TeachingGroup
from .selectors import get_pupil_for_user, guardian_links_of, latest_results, sen_register_figures
from .services import past_classes_record, pupil_delete

PAGE_SIZE = 50


def _sort_links(params, sort: str) -> dict[str, str]:
    """Query strings for the sortable column headers: a second click on a column reverses it."""
    links = {}
    for key in ("name", "year", "class", "sen"):
        linked = params.copy()
        linked["sort"] = f"-{key}" if sort == key else key
        links[key] = "?" + linked.urlencode()
    return links


@role_required(*PUPIL_VIEWERS)
def pupil_list(request: HttpRequest) -> HttpResponse:
    school = request.school
    groups = list(TeachingGroup.objects.filter(school=school, kind=TeachingGroup.Kind.REGISTRATION))
    form = PupilFilterForm(request.GET or None, school=school, groups=groups)
    pupils = form.filter(Pupil.objects.visible_to(request.user, school).for_pupil_list(school))
    page = Paginator(pupils, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort = request.GET.get("sort") or "name"
    params.pop("sort", None)
    return render(
        request,
        "pupils/pupil_list.html",
        {
            "form": form,
            "page": page,
            "query_without_page": params.urlencode(),
            "sort": sort,
            "sort_links": _sort_links(params, sort),
            "can_edit": request.role in PUPIL_EDITORS,
        },
    )


@role_required(*PUPIL_VIEWERS)
def pupil_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_pupil_for_user(request, pk, PUPIL_VIEWERS)
    at_school = pupil.school_id == request.school.pk
    can_invite = request.role in GUARDIAN_INVITERS and at_school
    if pupil.has_sen:
        audit.log_view(request, pupil=pupil, what="Pupil profile (SEN details)")
    today = timezone.localdate()
    passport = passports.passport_of(pupil, request.user)
    see_results = can_see_results(request, pupil)
    return render(
        request,
        "pupils/pupil_detail.html",
        {
            "pupil": pupil,
            "passport": passport,
            "passport_sections": passports.sections(passport),
            "can_edit_passport": passports.can_edit(request, pupil),
            "panels": profile.panels(request, pupil, today=today),
            "latest_results": latest_results(pupil, request.user) if see_results else [],
            "guardian_links": guardian_links_of(pupil, request.user, request.school, with_invitations=can_invite),
            "can_edit": request.role in PUPIL_EDITORS and at_school,
            "can_invite": can_invite,
            "can_see_contacts": can_see_guardian_contacts(request, pupil),
            "can_see_results": see_results,
            "can_see_history": request.role in HISTORY_VIEWERS and at_school,
            "can_export": request.role in PUPIL_DATA_EXPORTERS and at_school,
            "can_delete": request.role in PUPIL_ERASERS and at_school,
            "age": pupil.age_on(today),
        },
    )


@role_required(*PUPIL_EDITORS)
def pupil_new(request: HttpRequest) -> HttpResponse:
    form = PupilForm(request.POST or None, school=request.school, can_edit_sen=request.role in SEN_EDITORS)
    if request.method == "POST" and form.is_valid():
        pupil = form.save()
        messages.success(request, f"{pupil.full_name} added.")
        return redirect(pupil)
    return render(request, "pupils/pupil_form.html", {"form": form, "pupil": None})


@role_required(*PUPIL_EDITORS)
def pupil_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_pupil_for_user(request, pk, PUPIL_EDITORS, school=request.school)
    with transaction.atomic():
        if request.method == "POST":
            # Locked and read afresh: the form compares what it was opened with against the pupil as saved now
            # (provision.concurrency), and nobody can save between that check and this save.
            Pupil.objects.select_for_update().filter(pk=pupil.pk).exists()
            pupil.refresh_from_db()
        previous_class = pupil.registration_group
        form = PupilForm(
            request.POST or None, instance=pupil, school=request.school, can_edit_sen=request.role in SEN_EDITORS
        )
        if request.method == "POST" and form.is_valid():
            form.save()
            if pupil.registration_group_id != (previous_class.pk if previous_class else None):
                past_classes_record(changes=[(pupil, previous_class)], on=timezone.localdate())
            messages.success(request, f"{pupil.full_name}'s details saved.")
            return redirect(pupil)
    return render(request, "pupils/pupil_form.html", {"form": form, "pupil": pupil})


def _register_queryset(request: HttpRequest):
    register = Pupil.objects.visible_to(request.user, request.school).for_sen_register(request.school)
    return SenRegisterFilterForm(request.GET).filter(register)


@role_required(*SEN_REGISTER_VIEWERS)
def sen_register(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pupils/sen_register.html",
        {
            "pupils": _register_queryset(request),
            **sen_register_figures(request.user, request.school),
            "status": request.GET.get("status", ""),
            "area": request.GET.get("area", ""),
            "areas": NeedArea,
            "can_export": request.role in SEN_REGISTER_EXPORTERS,
            "today": timezone.localdate(),
        },
    )


CSV_HEADER = [
    "UPN",
    "Surname",
    "Forename",
    "Date of birth",
    "Year group",
    "Class",
    "SEN status",
    "SEN status description",
    "Primary need",
    "Primary need description",
    "Broad area of need",
    "Secondary need",
    "Date identified",
    "Review due",
    "Pupil premium",
    "EAL",
    "Looked after",
]


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @ is read as text by Excel."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@role_required(*SEN_REGISTER_EXPORTERS)
def sen_register_csv(request: HttpRequest) -> HttpResponse:
    pupils = _register_queryset(request)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sen-register-{request.school.urn}-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 (accented names) correctly only with a BOM
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    pupils = list(pupils)
    audit.log_export(request, school=request.school, what="SEN register (CSV)", rows=len(pupils))
    for pupil in pupils:
        writer.writerow(
            [
                _csv_safe(value)
                for value in (
                    pupil.upn,
                    pupil.legal_last_name,
                    pupil.legal_first_name,
                    pupil.date_of_birth.strftime("%d/%m/%Y"),
                    pupil.get_year_group_display(),
                    pupil.registration_group.name if pupil.registration_group else "",
                    pupil.sen_status,
                    pupil.get_sen_status_display(),
                    pupil.primary_need,
                    reference.NEED_TYPES[pupil.primary_need][0] if pupil.primary_need else "",
                    pupil.primary_need_area,
                    pupil.secondary_need,
                    pupil.sen_identified_on.strftime("%d/%m/%Y") if pupil.sen_identified_on else "",
                    pupil.sen_review_due.strftime("%d/%m/%Y") if pupil.sen_review_due else "",
                    "Yes" if pupil.pupil_premium else "No",
                    "Yes" if pupil.eal else "No",
                    "Yes" if pupil.looked_after else "No",
                )
            ]
        )
    return response


# --- A pupil's records: history and deletion --------------------------------------------------------------------

HISTORY_PAGE_SIZE = 100


@role_required(*HISTORY_VIEWERS)
def pupil_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to the pupil's record and what hangs off it (needs, parents and carers, support plans,
    interventions, attendance, results), and who viewed or exported it: who, their role, when, old -> new."""
    pupil = get_pupil_for_user(request, pk, HISTORY_VIEWERS, school=request.school)
    page = Paginator(audit.pupil_entries(pupil), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pupils/pupil_history.html",
        {"pupil": pupil, "page": page, "lines": audit.describe(page.object_list, request.school)},
    )


@role_required(*PUPIL_ERASERS)
def pupil_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a pupil entered in error (or who never joined), after a confirmation naming what goes with them."""
    pupil = get_pupil_for_user(request, pk, PUPIL_ERASERS, school=request.school)
    form = PupilDeleteForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        name = pupil.full_name
        pupil_delete(pupil=pupil, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"{name} and everything recorded about them has been deleted.")
        return redirect("pupils:list")
    counts = {
        "results": pupil.results.count(),
        "placements": pupil.placements.count(),
        "plans": pupil.support_plans.count(),
        "guardians": pupil.guardian_links.count(),
    }
    return render(request, "pupils/pupil_delete.html", {"pupil": pupil, "form": form, "counts": counts})
