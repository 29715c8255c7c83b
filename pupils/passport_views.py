"""A pupil's one-page profile: the printable page, and its form (pupils.passport says who may do what)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from provision.access import PUPIL_VIEWERS, role_required

from . import passport as passports
from .forms import PassportForm
from .models import PupilPassport
from .selectors import get_pupil_for_user


@role_required(*PUPIL_VIEWERS)
def passport_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-page profile on a page of its own, laid out to print on one sheet."""
    pupil = get_pupil_for_user(request, pk, PUPIL_VIEWERS, school=request.school)
    passport = passports.passport_of(pupil, request.user)
    return render(
        request,
        "pupils/passport.html",
        {
            "pupil": pupil,
            "passport": passport,
            "sections": passports.sections(passport),
            "can_edit": passports.can_edit(request, pupil),
        },
    )


@role_required(*PUPIL_VIEWERS)
def passport_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_pupil_for_user(request, pk, PUPIL_VIEWERS, school=request.school)
    if not passports.can_edit(request, pupil):
        raise PermissionDenied("The SENCO and the pupil's class teachers write the one-page profile.")
    with transaction.atomic():
        if request.method == "POST":
            # Locked and read afresh: the form checks it was opened on the profile as saved now.
            PupilPassport.objects.select_for_update().filter(pupil=pupil).exists()
        passport = passports.passport_of(pupil, request.user)
        form = PassportForm(request.POST or None, pupil=pupil, passport=passport)
        if request.method == "POST" and form.is_valid():
            passports.passport_save(pupil=pupil, values=form.cleaned_data, by=request.user)
            messages.success(request, f"{pupil.first_name}'s one-page profile saved.")
            return redirect("pupils:passport", pupil.pk)
    return render(request, "pupils/passport_form.html", {"form": form, "pupil": pupil, "passport": passport})
