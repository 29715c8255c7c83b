"""Permission rows for parents' pages and for inviting parents.

A child's page is reachable only by that child's own parent: everyone else, staff included, gets a 404, which says
nothing about whether the child exists. An invitation link works for whoever holds it (signed in or not: the
token is the key). Only the SENCO and the school admin invite or withdraw invitations, for their own school's
pupils; another school's SENCO gets a 404.
"""

from __future__ import annotations

from pupils.invitations import invitation_create
from pupils.models import Guardian, PupilGuardian
from tests.factories import GuardianFactory

from . import ACTORS, Case, only

CROSS_SCHOOL = {"other_senco": 404}


def _guardian_to_invite(world) -> Guardian:
    """A guardian of the world's first pupil without an account yet."""
    guardian = GuardianFactory(school=world.school, first_name="Jordan")
    PupilGuardian.objects.create(pupil=world.pupils[0], guardian=guardian, relationship="father")
    return guardian


def _invitation_token(world) -> list:
    _, token = invitation_create(guardian=_guardian_to_invite(world), email="jordan@example.org", by=None)
    return [token]


def _pupil_invitation(world) -> list:
    invitation, _ = invitation_create(guardian=_guardian_to_invite(world), email="jordan@example.org", by=None)
    return [world.pupils[0].pk, invitation.pk]


CASES: dict[str, Case] = {
    "family:home": Case(allowed=only("parent")),
    "family:child": Case(allowed=only("parent"), denied=404, args="own_child"),
    # The accept page is reached from an email; the token is what grants it.
    "family:accept": Case(allowed=ACTORS, anonymous=200, args="invitation_token"),
    "pupils:invitation_new": Case(allowed=only("senco", "admin"), args="pupil_guardian", overrides=CROSS_SCHOOL),
    "pupils:invitation_withdraw": Case(
        allowed=only("senco", "admin"), ok=302, method="post", args="pupil_invitation", overrides=CROSS_SCHOOL
    ),
}

ARGS = {
    "own_child": lambda world: [world.pupils[0].pk],
    "invitation_token": _invitation_token,
    "pupil_guardian": lambda world: [world.pupils[0].pk, _guardian_to_invite(world).pk],
    "pupil_invitation": _pupil_invitation,
}
