"""The pupil's current provision on their profile page (registered with ``pupils.profile`` in ``apps.py``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Exists, OuterRef, Value
from django.http import HttpRequest

from interventions.models import InterventionStaff, Placement, Status
from interventions.selectors import dosage_for, placements_with_dosage, term_ranges
from provision.access import INTERVENTION_VIEWERS
from provision.models import Role
from pupils.models import Pupil
from pupils.profile import ProfilePanel


def current_places(pupil: Pupil, *, role: str, user, today: dt.date) -> list[tuple[Placement, object]]:
    """The groups the pupil is in now (not left; the group planned or running), each with the dosage so far and
    ``can_open``: whether this user may open the group's page (a TA only the groups they run). Two queries."""
    if role == Role.TA:
        on_staff = InterventionStaff.objects.filter(intervention=OuterRef("intervention"), user=user)
        can_open = Exists(on_staff) | Exists(Placement.objects.filter(pk=OuterRef("pk"), intervention__lead=user))
    else:
        can_open = Value(True, output_field=BooleanField())
    placements = list(
        placements_with_dosage(
            Placement.objects.filter(
                pupil=pupil, exit_date__isnull=True, intervention__status__in=[Status.PLANNED, Status.RUNNING]
            )
        )
        .annotate(can_open=can_open)
        .select_related("intervention__programme", "intervention__subject")
        .order_by("intervention__start_date", "intervention__name", "pk")
    )
    terms = term_ranges(pupil.school) if placements else []
    return [(placement, dosage_for(placement, terms=terms, today=today)) for placement in placements]


def current_provision_panel(request: HttpRequest, pupil: Pupil, *, today: dt.date) -> ProfilePanel | None:
    role = next((m.role for m in request.memberships if m.school_id == pupil.school_id), None)
    if role not in INTERVENTION_VIEWERS:
        return None
    places = current_places(pupil, role=role, user=request.user, today=today)
    return ProfilePanel("interventions/_profile_provision.html", {"places": places, "today": today})
