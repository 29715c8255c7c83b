"""The home each role lands on after signing in: the reads are in ``reports.home``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from interventions.progress.selectors import off_track_at
from provision.models import Role
from pupils.models import Pupil, SenStatus
from pupils.selectors import children_of
from reports import home as homes


def _totals(request: HttpRequest) -> dict[str, int]:
    """The roll as the user may see it at the current school, in six figures (one query)."""
    return (
        Pupil.objects.visible_to(request.user, request.school)
        .on_roll()
        .aggregate(
            on_roll=Count("id"),
            support=Count("id", filter=Q(sen_status=SenStatus.SUPPORT)),
            ehcp=Count("id", filter=Q(sen_status=SenStatus.EHC_PLAN)),
            pupil_premium=Count("id", filter=Q(pupil_premium=True)),
            eal=Count("id", filter=Q(eal=True)),
            looked_after=Count("id", filter=Q(looked_after=True)),
        )
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.school is None:
        if children_of(request.user):
            return redirect("family:home")
        return render(request, "reports/no_access.html", status=403)
    school, role, today = request.school, request.role, timezone.localdate()
    context: dict = {"today": today, "schools": homes.schools_of(request.user)}
    if role == Role.TA:
        context["tutor"] = homes.tutor_home(school, request.user, today)
    elif role == Role.TEACHER:
        context["teacher"] = homes.teacher_home(school, request.user, today)
    elif role == Role.SENCO:
        context["todo"] = homes.senco_todo(school, today)
        # The early warning: pupils whose progress checks say "change something now" (interventions.progress).
        context["off_track"] = off_track_at(request.user, school)
        context["totals"] = _totals(request)
    elif role == Role.LEADER:
        context["headline"] = homes.leader_headline(school, today=today)
        context["todo"] = [item for item in homes.senco_todo(school, today) if item.key in homes.LEADER_TODO]
        context["totals"] = _totals(request)
    elif role == Role.ADMIN:
        context["admin"] = homes.admin_home(school)
        context["totals"] = _totals(request)
    return render(request, "reports/home.html", context)
