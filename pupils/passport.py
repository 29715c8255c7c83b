"""A pupil's one-page profile ("pupil passport"): what they want staff to know, their strengths, what helps and
what doesn't, in their own words, with who helped write it and when it was last changed.

Who does what (README, "Support plans and one-page profiles"):

* **Read**: every member of staff of the pupil's school (``PUPIL_VIEWERS``): it is written to be handed to
  whoever works with the pupil (class teacher, TA, tutor, supply teacher, office). On the pupil's page and as a
  printable page of its own. The pupil's own parents and carers read it on their child's page: the words are
  their child's, usually written with them.
* **Write**: the SENCO, and the teachers of the pupil's class (they know the pupil best and often write it with
  them). Other teachers, TAs, leaders and the admin read it only.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest

from provision.models import Role

from .models import Pupil, PupilPassport

# The four parts, in the order they are asked and shown, with the headings the pupil reads.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("about_me", "What I want you to know about me"),
    ("strengths", "What I'm good at"),
    ("what_helps", "What helps me"),
    ("what_doesnt_help", "What doesn't help me"),
)
FIELDS = tuple(name for name, _ in SECTIONS) + ("written_with",)


def passport_of(pupil: Pupil, user) -> PupilPassport | None:
    """The pupil's one-page profile, if ``user`` may read it, with who last changed it, or None (one query)."""
    return (
        PupilPassport.objects.visible_to(user, pupil.school_id).select_related("updated_by").filter(pupil=pupil).first()
    )


def sections(passport: PupilPassport | None) -> list[tuple[str, str]]:
    """(heading, the pupil's words) of each part written (no query)."""
    if passport is None:
        return []
    return [(heading, getattr(passport, name)) for name, heading in SECTIONS if getattr(passport, name)]


def can_edit(request: HttpRequest, pupil: Pupil) -> bool:
    """The SENCO of the pupil's school, or a teacher of the pupil's class there (a query for a teacher)."""
    role = next((m.role for m in request.memberships if m.school_id == pupil.school_id), None)
    if role == Role.SENCO:
        return True
    if role == Role.TEACHER and pupil.registration_group_id is not None:
        return pupil.registration_group.teachers.filter(pk=request.user.pk).exists()
    return False


@transaction.atomic
def passport_save(*, pupil: Pupil, values: dict[str, str], by: AbstractBaseUser | None) -> PupilPassport:
    """Create or replace the pupil's one-page profile with ``values`` (the keys of ``FIELDS``; missing ones are
    left as they are). The audit trail logs the change through the model's signals."""
    # Locked: two people saving the profile at once queue up (the form checks it was opened on the latest).
    passport = PupilPassport.objects.select_for_update().filter(pupil=pupil).first() or PupilPassport(pupil=pupil)
    for name in FIELDS:
        if name in values:
            setattr(passport, name, (values[name] or "").strip())
    passport.updated_by = by if getattr(by, "is_authenticated", False) else None
    passport.full_clean()
    passport.save()
    return passport
