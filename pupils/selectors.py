"""Scoped reads of pupils: every view fetches pupils through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404, HttpRequest

from provision.access import schools_for
from provision.models import School

from .models import Pupil, Result


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
