"""Erasing a pupil whose retention period has passed, keeping the school's anonymous figures.

The school sets how long records are kept (``School.retention_years`` from the date of birth or the leaving
date). Once that has passed for a pupil who has left, ``pupil_erase`` removes everything that identifies them or
speaks about them in words: names, UPN, exact date of birth, class, parents and carers (and their accounts, when
no other child is linked), support plans and reviews (with their outcome ratings), the one-page profile, the targets, notes and own words on their places in
interventions and on the changes recorded after their progress checks, and the audit log's copies of all of that.
What remains is a row of figures: year group, gender, the SEN status and need type, the flags, results as numbers,
places in interventions with their dates, entry and exit values, attendance and progress check scores. So the school's impact evaluation, provision maps of past terms and the dashboard
keep the same counts and gains, with nobody named.
"""

from __future__ import annotations

import datetime as dt

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from interventions.models import CheckReview, Placement, SupportPlan
from provision import audit
from provision.models import School
from pupils.models import Guardian, Pupil, PupilPassport
from pupils.services import guardians_release

ERASED_NAME = "Erased"


class NotDue(Exception):
    """The pupil is on roll, or their retention period has not passed yet."""


def retention_end(pupil: Pupil, school: School) -> dt.date | None:
    return school.retention_ends(date_of_birth=pupil.date_of_birth, left_on=pupil.left_on)


def pupils_due(school: School, today: dt.date) -> list[Pupil]:
    """Pupils of ``school`` who have left and whose records have been kept for the school's retention period,
    oldest first (one query)."""
    left = Pupil.objects.filter(school=school, left_on__isnull=False, erased_on__isnull=True).order_by("left_on")
    return [p for p in left if (end := retention_end(p, school)) is not None and end <= today]


@transaction.atomic
def pupil_erase(*, pupil: Pupil, by, today: dt.date) -> None:
    """Anonymise ``pupil`` (see the module's docstring); raises ``NotDue`` before their retention ends."""
    pupil = Pupil.objects.select_for_update().select_related("school").get(pk=pupil.pk)
    end = retention_end(pupil, pupil.school)
    if pupil.erased_on is not None or end is None or end > today:
        raise NotDue(f"{pupil} is on roll or their records are kept until {end:%d/%m/%Y}." if end else "On roll.")
    guardian_ids = list(pupil.guardian_links.values_list("guardian_id", flat=True))
    with disable_auditlog():
        pupil.guardian_links.all().delete()
        SupportPlan.objects.filter(pupil=pupil).delete()  # with its reviews and their outcome ratings
        PupilPassport.objects.filter(pupil=pupil).delete()  # the pupil's own words
        Placement.objects.filter(pupil=pupil).update(target="", pupil_target="", notes="")
        CheckReview.objects.filter(placement__pupil=pupil).update(note="")  # what was changed, in words
        pupil.legal_first_name, pupil.legal_last_name = ERASED_NAME, f"pupil {pupil.pk}"
        pupil.preferred_first_name = pupil.preferred_last_name = ""
        pupil.upn = f"X{pupil.pk:012d}"[:13]
        pupil.date_of_birth = pupil.date_of_birth.replace(day=1)  # the month stays: ages in months still work
        pupil.registration_group = None
        pupil.sen_identified_on = pupil.sen_review_due = pupil.admitted_on = None
        pupil.erased_on = today
        pupil.save()
    _scrub_log(pupil, guardian_ids)
    guardians_release(guardian_ids=guardian_ids, by=by)
    audit.record(
        action=audit.Action.DELETE,
        model=Pupil,
        object_id=pupil.pk,
        object_repr=f"Pupil record {pupil.pk}",
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        actor=by,
        event=audit.EVENT_ERASE,
        note=f"retention period ended {end:%d/%m/%Y}; anonymous figures kept",
    )


def _scrub_log(pupil: Pupil, guardian_ids: list[int]) -> None:
    """The audit log keeps that things happened, and when, but not the erased pupil's details."""
    guardian_type = ContentType.objects.get_for_model(Guardian)
    LogEntry.objects.filter(
        Q(additional_data__pupil=pupil.pk) | Q(content_type=guardian_type, object_id__in=guardian_ids)
    ).update(changes={}, changes_text="", serialized_data=None, object_repr=f"Erased pupil {pupil.pk}")


def erase_due(*, school: School, by, today: dt.date) -> int:
    """Erase every pupil of ``school`` whose retention period has passed; how many."""
    due = pupils_due(school, today)
    for pupil in due:
        pupil_erase(pupil=pupil, by=by, today=today)
    return len(due)
