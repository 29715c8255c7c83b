"""Parents invited: the ``parent`` login is the mother or father of two children at Hazel Grove, one in the Year 4
class (on SEN support where possible) and one in Year 1. The elder child is given precision teaching this term and
a support plan, and their group's progress check has them on track, so the parent's pages show current and
finished support; an invitation the SENCO sent two days ago to the other parent (or a classmate's) is still
waiting, so the child's profile shows one pending.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from demo.data.passports import PASSPORT_ABOUT, PASSPORT_HELPS, PASSPORT_NOT_HELPS, PASSPORT_STRENGTHS, PASSPORT_WRITERS
from demo.data.sizes import TEACHER_CLASS_YEAR
from demo.data.trust import PARENT_USERNAME, PRIMARY
from demo.families import Link, first_names
from demo.names import ascii_slug
from demo.roll import Family, RollState, RollSummary
from demo.school import BATCH_SIZE, DemoFrame, build_user, demo_rng
from pupils import reference
from pupils.invitations import invitation_create
from pupils.models import Guardian, Pupil, PupilPassport, SenStatus


def favoured(roll: RollSummary, key: str) -> set[int]:
    """The demo parent's children on SEN support, given support the parent can see (at the primary only)."""
    return {pupil.pk for pupil in roll.parent_children if pupil.sen_status != SenStatus.NONE and key == PRIMARY}


def parent_family(state: RollState) -> Family:
    """Two brothers or sisters at the primary for the ``parent`` login: one in the Year 4 class (on SEN
    support where possible, so the parent has support to see) and one in Year 1."""
    only_child = [p for p in state.pupils if len(state.family_of[id(p)].children) == 1 and not p.looked_after]

    def pick(year_group: int, status: str) -> Pupil:
        in_year = [p for p in only_child if p.year_group == year_group]
        return next((p for p in in_year if p.sen_status == status), in_year[0])

    elder = pick(TEACHER_CLASS_YEAR, SenStatus.SUPPORT)
    younger = pick(1, SenStatus.NONE)
    family = state.family_of[id(elder)]
    state.families.remove(state.family_of[id(younger)])
    younger.legal_first_name, younger.preferred_first_name = first_names(state, family, younger.gender)
    younger.legal_last_name = family.origin.last_name(younger.gender)
    younger.preferred_last_name = ""
    younger.fsm, younger.pupil_premium, younger.eal = elder.fsm, elder.pupil_premium, elder.eal
    family.children.append(younger)
    family.years.add(younger.year_group)
    state.family_of[id(younger)] = family
    return family


# Guardians


def parent_login(frame: DemoFrame, guardian: Guardian) -> AbstractBaseUser:
    """The ``parent`` login, as the account of the family's first guardian (given an email if they had none)."""
    if not guardian.email:
        guardian.email = f"{ascii_slug(guardian.first_name)}.{ascii_slug(guardian.last_name)}@example.org"
    parent = build_user(
        username=PARENT_USERNAME,
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        email=guardian.email,
        password_hash=frame.password_hash,
        joined_at=frame.joined_at,
    )
    parent.save()
    guardian.user = parent
    return parent


def pending_invitation(
    *,
    frame: DemoFrame,
    links: list[Link],
    parent_guardian: Guardian,
    family: Family,
) -> None:
    """One invitation the SENCO sent two days ago and nobody has accepted yet, so that the profile of the demo
    parent's elder child shows one: to the demo parent's partner when the family has one, else to a parent of
    a classmate. Its token is thrown away (only its hash is stored); the SENCO can send a new link."""
    elder = family.children[0]
    candidates = [
        guardian
        for guardian, pupil, _, responsibility, _ in links
        if pupil is elder and guardian is not parent_guardian and guardian.email and responsibility
    ] or [
        guardian
        for guardian, pupil, _, responsibility, _ in links
        if pupil.registration_group_id == elder.registration_group_id and pupil is not elder
        and guardian.email and responsibility
    ]  # fmt: skip
    if not candidates:
        return
    sent = timezone.make_aware(dt.datetime.combine(frame.today - dt.timedelta(days=2), dt.time(10, 15)))
    guardian = candidates[0]
    invitation_create(guardian=guardian, email=guardian.email, by=frame.logins["senco"], now=sent)


def passports(*, frame: DemoFrame, pupils: list[Pupil], always: Pupil) -> None:
    """One-page profiles for two thirds of the primary's SEN pupils (and always for the demo parent's elder
    child, so the parent sees one), written by the SENCO with the child."""
    rng = demo_rng(frame.seed, "passports")
    senco = frame.logins["senco"]
    chosen = [p for p in pupils if p is always or (p.sen_status != SenStatus.NONE and rng.random() < 0.67)]
    passports = []
    for pupil in chosen:
        area = reference.need_area(pupil.primary_need) if pupil.primary_need else ""
        area = area if area in PASSPORT_ABOUT else ""
        passports.append(
            PupilPassport(
                pupil_id=pupil.pk,
                about_me=rng.choice(PASSPORT_ABOUT[area]),
                strengths=rng.choice(PASSPORT_STRENGTHS),
                what_helps=PASSPORT_HELPS[area],
                what_doesnt_help="\n".join(rng.sample(PASSPORT_NOT_HELPS, 2)),
                written_with=rng.choice(PASSPORT_WRITERS),
                updated_by=senco,
            )
        )
    PupilPassport.objects.bulk_create(passports, batch_size=BATCH_SIZE)
