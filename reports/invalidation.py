"""Every hook that marks a school's cached figures stale, in one place.

The dashboard, the impact pages and "who needs support" are cached per school (``provision.figures``). They are
computed from the rows below; saving or deleting any of them gives its school a new figures token when the
transaction commits. Two kinds of hook:

- Signals (connected here, from ``ReportsConfig.ready``) for rows saved or deleted one at a time: forms, the
  admin, services that call ``save()``.
- Direct calls of ``provision.figures.figures_changed`` where rows are written in bulk (no signals fire), listed
  here so that a new bulk write knows where it belongs:
    ``pupils.services.results_save`` (the results grid), ``pupils.imports.results_apply.results_import`` (results
    imports), ``pupils.imports.pupil_apply.pupils_import`` (MIS imports) and ``interventions.sessions.services.session_delete``.
    Bulk writes next to a ``save()`` of their parent (a session's attendance, a scale's bands, staff lines copied
    forward with their group) are covered by the parent's signal; the demo seed only makes new schools, whose
    tokens are new.

Deletes are hooked only for rows that carry their school and are few (``DELETE_HOOKED``): a delete signal makes
Django load every row a cascade removes, which for a school's results or attendance would be hundreds of
thousands. Results, placements, sessions and attendance are deleted by the services named above, or with
their parent (whose own hook fires).

Rows that shape no figure (guardians, invitations, support plans, published offers, training) have no hook.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from interventions.models import (
    Attendance,
    Intervention,
    InterventionStaff,
    Placement,
    Programme,
    Session,
    StaffRate,
)
from provision.figures import figures_changed
from provision.models import AcademicYear, Closure, School, Term
from pupils.models import Assessment, Pupil, Result, Scale, ScaleBand, Subject, TeachingGroup


def _via(row: Model, relation: str, path: str = "school_id") -> int | None:
    """The school id reached through ``row``'s foreign key ``relation``: from the related row when it is already
    loaded (no query), else one query; None when it is gone."""
    field = row._meta.get_field(relation)
    if field.is_cached(row):
        value = getattr(row, relation)
        for part in path.split("__"):
            value = getattr(value, part, None)
        return value
    pk = getattr(row, field.attname)
    if pk is None:
        return None
    return field.related_model.objects.filter(pk=pk).values_list(path, flat=True).first()


# model -> how to find the school of one of its rows (attributes first: most cost no query).
SCHOOL_OF: dict[type[Model], Callable[[Model], int | None]] = {
    School: lambda row: row.pk,
    AcademicYear: lambda row: row.school_id,
    Term: lambda row: _via(row, "academic_year"),
    Closure: lambda row: _via(row, "term", "academic_year__school_id"),  # planned sessions, costs, dosage
    TeachingGroup: lambda row: row.school_id,
    Pupil: lambda row: row.school_id,
    Subject: lambda row: row.school_id,
    Scale: lambda row: row.school_id,
    ScaleBand: lambda row: _via(row, "scale"),
    Assessment: lambda row: row.school_id,
    Result: lambda row: _via(row, "assessment"),
    Programme: lambda row: row.school_id,  # the shared catalogue (no school) is named, never counted
    StaffRate: lambda row: row.school_id,
    Intervention: lambda row: row.school_id,
    InterventionStaff: lambda row: _via(row, "intervention"),
    Placement: lambda row: _via(row, "intervention"),
    Session: lambda row: _via(row, "intervention"),
    Attendance: lambda row: _via(row, "session", "intervention__school_id"),
}


def _changed(sender: type[Model], instance: Model, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the fixture's schools get tokens when first read
        return
    figures_changed(SCHOOL_OF[sender](instance))


DELETE_HOOKED = (
    School,
    AcademicYear,
    Term,
    Closure,
    TeachingGroup,
    Subject,
    Scale,
    Assessment,
    Programme,
    StaffRate,
    Intervention,
)


def connect() -> None:
    """Connect the signal hooks (once, from ``ReportsConfig.ready``)."""
    for model in SCHOOL_OF:
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-changed:{model._meta.label}:save")
    for model in DELETE_HOOKED:
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-changed:{model._meta.label}:delete")
