"""Scoped reads of pupils: every view fetches pupils through here, and the reads behind the pupil pages (their
parents and carers, the SEN register's figures)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from provision.access import schools_for
from provision.models import School

from . import reference
from .models import GuardianInvitation, NeedArea, NeedType, Pupil, PupilGuardian, Result, SenStatus, YearGroup


def get_pupil_for_user(request: HttpRequest, pk: int, roles: Iterable[str], *, school: School | None = None) -> Pupil:
    """The pupil ``pk`` if it belongs to a school where the user holds one of ``roles`` (and to ``school``
    when given); otherwise 404, so that nobody learns whether another school's pupil exists."""
    schools = [s.pk for s in schools_for(request, roles)]
    if school is not None:
        schools = [pk_ for pk_ in schools if pk_ == school.pk]
    try:
        return Pupil.objects.visible_to(request.user, schools).select_related("school", "registration_group").get(pk=pk)
    except Pupil.DoesNotExist as exc:
        raise Http404("No such pupil") from exc


def children_of(user) -> list[Pupil]:
    """A parent's own children, across every school (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        Pupil.objects.children_of(user).select_related("school", "registration_group").order_by("legal_first_name")
    )


def latest_results(pupil: Pupil, user) -> list[Result]:
    """The pupil's latest result in each subject on each scale (a reading age and a standardised score in
    reading are two rows) that ``user`` may see, with the assessment, subject and scale loaded; by subject, then
    scale (one query)."""
    rows = (
        Result.objects.visible_to(user, pupil.school_id)
        .filter(pupil=pupil)
        .select_related("assessment__subject", "assessment__scale")
        .order_by("assessment__subject__name", "assessment__scale__name", "-assessment__taken_on", "-pk")
    )
    latest: dict[tuple[int, int], Result] = {}
    for result in rows:
        latest.setdefault((result.assessment.subject_id, result.assessment.scale_id), result)
    return list(latest.values())


def has_children(user) -> bool:
    """Whether ``user`` is a parent or carer linked to at least one child (one query)."""
    return Pupil.objects.children_of(user).exists()


def guardian_links_of(pupil: Pupil, user, school: School, *, with_invitations: bool) -> list[PupilGuardian]:
    """The pupil's parents and carers in contact order (one query); ``with_invitations`` gives each link without an
    account the guardian's latest invitation and its status as ``invitation`` and ``invitation_status`` (one
    more query)."""
    links = list(pupil.guardian_links.select_related("guardian").order_by("contact_priority"))
    if not with_invitations:
        return links
    now = timezone.now()
    latest: dict[int, GuardianInvitation] = {}
    invitations = (
        GuardianInvitation.objects.visible_to(user, school)
        .filter(guardian__in=[link.guardian_id for link in links if link.guardian.user_id is None])
        .select_related("created_by")
    )
    for invitation in invitations:  # newest first
        latest.setdefault(invitation.guardian_id, invitation)
    for link in links:
        link.invitation = latest.get(link.guardian_id)
        link.invitation_status = link.invitation.status(now) if link.invitation else ""
    return links


def sen_register_figures(user, school: School) -> dict:
    """The SEN register's counts of the pupils on roll ``user`` may see at ``school``: ``totals`` (on roll, K, E,
    reviews overdue), ``sen_total`` and ``sen_percent``, ``need_groups`` (each broad area with its need types and
    counts), ``unrecorded`` (no primary need) and ``year_rows`` (K, E and both by year group). Three queries."""
    register = Pupil.objects.visible_to(user, school).on_roll()
    totals = register.aggregate(
        on_roll=Count("id"),
        support=Count("id", filter=Q(sen_status=SenStatus.SUPPORT)),
        ehcp=Count("id", filter=Q(sen_status=SenStatus.EHC_PLAN)),
        overdue=Count("id", filter=Q(sen_review_due__lt=timezone.localdate()) & ~Q(sen_status=SenStatus.NONE)),
    )
    by_need = {row["primary_need"]: row["n"] for row in register.with_sen().sen_counts()["by_need"]}
    need_groups = []
    for area in NeedArea:
        rows = [
            (need, by_need.get(need.value, 0)) for need in NeedType if reference.need_area(need.value) == area.value
        ]
        need_groups.append((area, rows, sum(n for _, n in rows)))
    years: dict[int, dict[str, int]] = {}
    by_year_status = (
        register.with_sen().values("year_group", "sen_status").annotate(n=Count("id")).order_by("year_group")
    )
    for row in by_year_status:
        years.setdefault(row["year_group"], {"K": 0, "E": 0})[row["sen_status"]] = row["n"]
    sen_total = totals["support"] + totals["ehcp"]
    return {
        "totals": totals,
        "sen_total": sen_total,
        "sen_percent": (100 * sen_total / totals["on_roll"]) if totals["on_roll"] else 0,
        "need_groups": need_groups,
        "unrecorded": by_need.get("", 0),
        "year_rows": [
            (YearGroup(year).label, values["K"], values["E"], values["K"] + values["E"])
            for year, values in sorted(years.items())
        ],
    }
