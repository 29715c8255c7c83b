"""Reads for parents' pages, always starting from the signed-in parent: a child is reachable only through a
``Guardian`` row linked to their account and a ``PupilGuardian`` link to the child."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from interventions.models import InterventionStaff, Placement, planned_or_running_q
from interventions.selectors import placements_with_dosage
from provision.models import School
from pupils.models import Pupil, ScaleBand
from reports.models import PublishedOffer

CURRENT = Q(placements__exit_date__isnull=True) & planned_or_running_q("placements__intervention")


def _children(user: AbstractBaseUser) -> QuerySet[Pupil]:
    # Exists rather than a join: a child linked to two of the parent's guardian rows is still listed once.
    return Pupil.objects.children_of(user)


def children_for_home(user: AbstractBaseUser) -> list[Pupil]:
    """The parent's children at every school, each with ``current_support`` (how many pieces of support now).
    One query."""
    if not user.is_authenticated:
        return []
    return list(
        _children(user)
        .select_related("school", "registration_group")
        .annotate(current_support=Count("placements", filter=CURRENT))
        .order_by("-year_group", "legal_first_name", "pk")
    )


def get_child_for_parent(user: AbstractBaseUser, pk: int) -> Pupil:
    """The child ``pk`` if the signed-in user is one of their guardians; otherwise 404, which says nothing about
    whether the pupil exists. One query."""
    child = _children(user).select_related("school", "registration_group").filter(pk=pk).first()
    if child is None:
        raise Http404("No such child")
    return child


def placements_for_child(user: AbstractBaseUser, child: Pupil) -> list[Placement]:
    """Every placement of the child (one of ``user``'s own, from ``get_child_for_parent``) with its intervention,
    programme, subject, scale (and bands), the roles of the staff who deliver it, and the sessions attended and
    held. Read through ``visible_to`` at every school, where a parent or carer sees their own children's places
    (even one who is also on a school's staff). Three queries however many placements."""
    return list(
        placements_with_dosage(Placement.objects.visible_to(user).filter(pupil=child))
        .select_related("intervention__programme", "intervention__subject", "intervention__scale")
        .prefetch_related(
            Prefetch("intervention__staff", queryset=InterventionStaff.objects.only("id", "intervention_id", "role")),
            Prefetch("intervention__scale__bands", queryset=ScaleBand.objects.order_by("rank")),
        )
    )


def latest_offers(schools: list[School]) -> dict[int, PublishedOffer]:
    """Each school's latest published support offer, by school id (one query)."""
    offers: dict[int, PublishedOffer] = {}
    rows = PublishedOffer.objects.filter(school__in=schools).only("id", "school_id", "period_label", "published_at")
    for offer in rows.order_by("school_id", "-published_at"):
        offers.setdefault(offer.school_id, offer)
    return offers
