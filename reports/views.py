"""The overview each role lands on after signing in."""

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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.school is None:
        if children_of(request.user):
            return redirect("family:home")
        return render(request, "reports/no_access.html", status=403)
    today = timezone.localdate()
    pupils = Pupil.objects.visible_to(request.user, request.school).on_roll()
    totals = pupils.aggregate(
        on_roll=Count("id"),
        support=Count("id", filter=Q(sen_status=SenStatus.SUPPORT)),
        ehcp=Count("id", filter=Q(sen_status=SenStatus.EHC_PLAN)),
        pupil_premium=Count("id", filter=Q(pupil_premium=True)),
        eal=Count("id", filter=Q(eal=True)),
        looked_after=Count("id", filter=Q(looked_after=True)),
        reviews_overdue=Count("id", filter=Q(sen_review_due__lt=today) & ~Q(sen_status=SenStatus.NONE)),
    )
    reviews_due = (
        pupils.with_sen()
        .filter(sen_review_due__isnull=False, sen_review_due__lte=today + timezone.timedelta(days=30))
        .select_related("registration_group")
        .order_by("sen_review_due")[:8]
    )
    # The SENCO's early warning: pupils whose progress checks say "change something now" (interventions.progress).
    off_track = off_track_at(request.school) if request.role == Role.SENCO else []
    return render(
        request,
        "reports/home.html",
        {"totals": totals, "reviews_due": reviews_due, "today": today, "off_track": off_track},
    )
