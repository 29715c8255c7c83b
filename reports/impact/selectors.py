"""Read-side selectors of the impact pages: the rows the pages name (interventions, pupils, placements), each read of
pupil data through ``visible_to(user, school)``. The figures themselves are ``reports.impact.school_figures``."""

from __future__ import annotations

from collections.abc import Iterable

from interventions.models import Intervention, Placement, Programme
from provision.models import School
from pupils.models import Assessment, Pupil, Subject


def interventions_by_id(user, school: School, ids: Iterable[int]) -> dict[int, Intervention]:
    """The groups ``ids`` that ``user`` sees, with programme, subject and scale (one query)."""
    interventions = Intervention.objects.visible_to(user, school).select_related("programme", "subject", "scale")
    return {i.pk: i for i in interventions.filter(pk__in=list(ids))}


def pupils_by_id(user, school: School, ids: Iterable[int], *, with_class: bool = False) -> dict[int, Pupil]:
    """The pupils ``ids`` that ``user`` sees (one query), with their class when asked."""
    pupils = Pupil.objects.visible_to(user, school).filter(pk__in=list(ids))
    return {p.pk: p for p in (pupils.select_related("registration_group") if with_class else pupils)}


def interventions_for_impact(user, school: School):
    """The groups ``user`` sees, with what an impact page shows beside each."""
    return (
        Intervention.objects.visible_to(user, school)
        .select_related("programme", "subject", "scale", "school", "progress_check")
        .prefetch_related("scale__bands")
    )


def group_places(user, school: School, intervention: Intervention):
    """The places of one group, by pupil name then entry (for its progress checks)."""
    return (
        Placement.objects.visible_to(user, school)
        .filter(intervention=intervention)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "entry_date")
    )


def programme_groups(user, school: School, programme: Programme) -> list[Intervention]:
    """The groups of ``programme`` at the school that ``user`` sees."""
    return list(
        Intervention.objects.visible_to(user, school).filter(programme=programme).select_related("subject", "scale")
    )


def programme_names(school: School) -> dict[int, str]:
    return dict(Programme.objects.filter(interventions__school=school).values_list("pk", "name"))


def subject_names(school: School) -> dict[int, str]:
    return dict(Subject.objects.filter(school=school).values_list("pk", "name"))


def assessments_named(school: School, ids: set[int]) -> dict[int, Assessment]:
    """The school's assessments ``ids`` (one query; none when there are none)."""
    return {a.pk: a for a in Assessment.objects.filter(school=school, pk__in=ids)} if ids else {}
