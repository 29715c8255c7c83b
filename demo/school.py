"""The demo trust's frame: the trust, its two schools, their school years and terms, and their staff.

Used by the ``seed_demo`` command and the benchmark. Everything is drawn from ``random.Random`` streams
seeded from the demo seed, so one seed always gives the same trust; the only input besides the seed is
today's date, which decides the current academic year. The pupils, classes and families of the demo are
made by ``demo.pupils`` on top of the frame returned here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from demo.data.trust import (
    DEMO_LOGINS,
    DEMO_SCHOOLS,
    DEMO_TRUST_NAME,
    DEMO_USERNAMES,
    SCHOOL_SPECS,
    SECONDARY_SUBJECTS,
    SchoolSpec,
)
from demo.names import ascii_slug, draw_origin
from demo.scenarios.calendar import academic_year_start, term_closures, term_dates
from provision.models import AcademicYear, Closure, Membership, Phase, Role, School, Term, Trust

BATCH_SIZE = 2000


class DemoError(Exception):
    """The demo cannot be created as asked (it exists already, or a name it needs is taken)."""


# --- Building the frame -------------------------------------------------------------------------------


@dataclass
class DemoSchool:
    """One demo school with the staff that ``demo.pupils`` gives classes to."""

    spec: SchoolSpec
    school: School
    class_teachers: list[AbstractBaseUser] = field(default_factory=list)
    teaching_assistants: list[AbstractBaseUser] = field(default_factory=list)
    staff_count: int = 0


@dataclass
class DemoFrame:
    trust: Trust
    schools: dict[str, DemoSchool]
    logins: dict[str, AbstractBaseUser]
    today: dt.date
    start_year: int
    password_hash: str
    joined_at: dt.datetime
    seed: int


def demo_rng(seed: int, part: str) -> random.Random:
    """An independent random stream for one part of the demo, so that (for example) the primary's pupils
    do not change when the secondary is made bigger. String seeds are hashed with SHA-512, not ``hash()``,
    so the stream is the same in every process."""
    return random.Random(f"provision-demo:{seed}:{part}")


def demo_trust_exists() -> bool:
    return Trust.objects.filter(name=DEMO_TRUST_NAME).exists()


def _demo_user_ids(schools) -> set[int]:
    """Accounts the demo made: its named logins, the staff of its schools and the parents who accepted an
    invitation from them, except anyone who is a superuser, also works at a school outside the demo or is also a
    parent at one (those are never deleted)."""
    user_model = get_user_model()
    school_ids = {school.pk for school in schools}
    candidates = set(Membership.objects.filter(school__in=schools).values_list("user_id", flat=True))
    candidates |= set(user_model.objects.filter(username__in=DEMO_USERNAMES).values_list("pk", flat=True))
    # Parents' accounts, through the guardian rows' reverse relation (pupils is to the right of this app).
    candidates |= set(user_model.objects.filter(guardianships__school__in=schools).values_list("pk", flat=True))
    keep = set(
        Membership.objects.filter(user_id__in=candidates).exclude(school__in=schools).values_list("user_id", flat=True)
    )
    keep |= set(user_model.objects.filter(pk__in=candidates, is_superuser=True).values_list("pk", flat=True))
    guardianships = user_model.objects.filter(pk__in=candidates, guardianships__isnull=False)
    keep |= {
        pk for pk, school_id in guardianships.values_list("pk", "guardianships__school") if school_id not in school_ids
    }
    return candidates - keep


@transaction.atomic
def demo_delete() -> int:
    """Delete the demo trust, its schools (and with them everything they own) and the demo's accounts.

    Returns the number of accounts deleted. Does nothing when there is no demo trust and no demo account.
    """
    schools = list(School.objects.filter(trust__name=DEMO_TRUST_NAME))
    user_ids = _demo_user_ids(schools)
    for school in schools:
        # One school at a time keeps the cascade's in-memory collection small.
        school.delete()
    get_user_model().objects.filter(pk__in=user_ids).delete()
    Trust.objects.filter(name=DEMO_TRUST_NAME).delete()
    return len(user_ids)


def _check_free() -> None:
    """Refuse clearly when the demo's trust, URNs or login names are already in use."""
    if demo_trust_exists():
        raise DemoError(
            f"The demo trust '{DEMO_TRUST_NAME}' already exists. Run with --reset to delete and recreate it."
        )
    taken_urns = sorted(School.objects.filter(urn__in=[s.urn for s in DEMO_SCHOOLS]).values_list("urn", flat=True))
    if taken_urns:
        raise DemoError(f"URN {', '.join(taken_urns)} is already used by a school outside the demo.")
    taken = sorted(get_user_model().objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    if taken:
        raise DemoError(
            f"The demo needs the username(s) {', '.join(taken)}, already taken by account(s) outside the demo. "
            "Rename them first (or use --reset if they are left over from an earlier demo)."
        )


def build_user(
    *, username: str, first_name: str, last_name: str, email: str, password_hash: str, joined_at: dt.datetime
) -> AbstractBaseUser:
    """An unsaved user account with an already-hashed password (hashing once per demo keeps it fast)."""
    return get_user_model()(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password_hash,
        is_staff=False,
        is_superuser=False,
        is_active=True,
        date_joined=joined_at,
    )


@dataclass
class _StaffPlan:
    """How many of each kind of generated staff a school gets, with their job titles."""

    class_teachers: list[str]
    teachers: list[str]
    teaching_assistants: list[str]
    leaders: list[str]
    sencos: list[str]
    admins: list[str]


def _staff_plan(spec: SchoolSpec, class_teachers: int, rng: random.Random) -> _StaffPlan:
    if spec.phase == Phase.PRIMARY:
        return _StaffPlan(
            class_teachers=["Class teacher"] * class_teachers,
            teachers=["PE and music teacher", "Teacher (PPA cover)"],
            teaching_assistants=["Teaching assistant"] * 4 + ["Higher level teaching assistant"],
            leaders=["Deputy headteacher"],
            sencos=[],
            admins=["Office manager"],
        )
    subjects = [rng.choice(SECONDARY_SUBJECTS) for _ in range(class_teachers + 6)]
    tas = max(4, class_teachers // 4)
    return _StaffPlan(
        class_teachers=[f"Teacher of {subject}" for subject in subjects[:class_teachers]],
        teachers=[f"Teacher of {subject}" for subject in subjects[class_teachers:]],
        teaching_assistants=["Learning support assistant"] * (tas - 2) + ["Literacy tutor", "Numeracy tutor"],
        leaders=["Headteacher", "Deputy headteacher", "Deputy headteacher"]
        + ["Assistant headteacher"] * max(1, class_teachers // 20),
        sencos=["Assistant SENCO"],
        admins=["Data manager", "Exams officer"],
    )


@transaction.atomic
def frame_create(*, seed: int, today: dt.date, password_hash: str, class_teachers: Mapping[str, int]) -> DemoFrame:
    """Create the demo trust, its schools, this and last academic year with their terms, and the staff.

    ``class_teachers`` is how many class teachers or form tutors each school needs beyond the ``teacher``
    login (``demo.roll.RollPlan.class_teachers_needed``). Raises ``DemoError`` if the demo exists already.
    """
    _check_free()
    start_year = academic_year_start(today)
    trust = Trust.objects.create(name=DEMO_TRUST_NAME)
    frame = DemoFrame(
        trust=trust,
        schools=_schools_create(trust),
        logins={},
        today=today,
        start_year=start_year,
        password_hash=password_hash,
        joined_at=timezone.make_aware(dt.datetime(start_year - 1, 8, 28, 9, 0)),
        seed=seed,
    )
    _years_create(frame)
    users, posts = _logins(frame)
    taken = set(DEMO_USERNAMES)
    rng = demo_rng(seed, "staff")
    for key, demo_school in frame.schools.items():
        _staff(
            frame, demo_school, _staff_plan(demo_school.spec, class_teachers.get(key, 0), rng), rng, taken, users, posts
        )
        demo_school.staff_count = sum(1 for _, school_key, _, _ in posts if school_key == key)
    _avoid_existing_usernames(users, taken)
    get_user_model().objects.bulk_create(users, batch_size=BATCH_SIZE)
    Membership.objects.bulk_create(
        (
            Membership(user=user, school=frame.schools[key].school, role=role, job_title=title)
            for user, key, role, title in posts
        ),
        batch_size=BATCH_SIZE,
    )
    return frame


def _schools_create(trust: Trust) -> dict[str, DemoSchool]:
    senco_of = {post[0]: login for login in DEMO_LOGINS for post in login.posts if post[1] == Role.SENCO}
    schools: dict[str, DemoSchool] = {}
    for spec in DEMO_SCHOOLS:
        senco = senco_of[spec.key]
        school = School(
            urn=spec.urn,
            name=spec.name,
            trust=trust,
            phase=spec.phase,
            lowest_year=spec.lowest_year,
            highest_year=spec.highest_year,
            senco_name=f"{senco.first_name} {senco.last_name}",
            senco_email=f"senco@{spec.email_domain}",
        )
        school.full_clean()
        school.save()
        schools[spec.key] = DemoSchool(spec=spec, school=school)
    return schools


def _years_create(frame: DemoFrame) -> None:
    """Last year and this year at each school, their terms, and each term's closures."""
    years = [
        AcademicYear(
            school=demo_school.school,
            start_year=year,
            start_date=dt.date(year, 9, 1),
            end_date=dt.date(year + 1, 8, 31),
        )
        for demo_school in frame.schools.values()
        for year in (frame.start_year - 1, frame.start_year)
    ]
    AcademicYear.objects.bulk_create(years)
    Term.objects.bulk_create(
        Term(academic_year=year, name=name, start_date=start, end_date=end)
        for year in years
        for name, (start, end) in term_dates(start_year=year.start_year).items()
    )
    Closure.objects.bulk_create(
        Closure(term=term, kind=kind, name=label, start_date=first, end_date=last)
        for term in Term.objects.filter(academic_year__in=years)
        for kind, label, first, last in term_closures(term.name, term.start_date, term.end_date)
    )


# A post: (user, school key, role, job title).
Post = tuple[AbstractBaseUser, str, str, str]


def _logins(frame: DemoFrame) -> tuple[list[AbstractBaseUser], list[Post]]:
    """The named demo logins (unsaved), into ``frame.logins``, with their posts."""
    users: list[AbstractBaseUser] = []
    posts: list[Post] = []
    for login in DEMO_LOGINS:
        home = SCHOOL_SPECS[login.posts[0][0]]
        user = build_user(
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{ascii_slug(login.first_name)}.{ascii_slug(login.last_name)}@{home.email_domain}",
            password_hash=frame.password_hash,
            joined_at=frame.joined_at,
        )
        frame.logins[login.username] = user
        users.append(user)
        posts.extend((user, key, role, title) for key, role, title in login.posts)
    return users, posts


def _staff(
    frame: DemoFrame,
    demo_school: DemoSchool,
    plan: _StaffPlan,
    rng: random.Random,
    taken: set[str],
    users: list[AbstractBaseUser],
    posts: list[Post],
) -> None:
    """The school's generated staff (unsaved) in ``users`` and ``posts``; class teachers and teaching assistants
    also in the school's lists for ``demo.pupils`` and the provision."""
    jobs = (
        [(Role.TEACHER, title, demo_school.class_teachers) for title in plan.class_teachers]
        + [(Role.TEACHER, title, None) for title in plan.teachers]
        + [(Role.TA, title, demo_school.teaching_assistants) for title in plan.teaching_assistants]
        + [(Role.LEADER, title, None) for title in plan.leaders]
        + [(Role.SENCO, title, None) for title in plan.sencos]
        + [(Role.ADMIN, title, None) for title in plan.admins]
    )
    for role, title, bucket in jobs:
        user = _staff_member(frame, demo_school, rng, taken)
        users.append(user)
        posts.append((user, demo_school.spec.key, role, title))
        if bucket is not None:
            bucket.append(user)


def _staff_member(frame: DemoFrame, demo_school: DemoSchool, rng: random.Random, taken: set[str]) -> AbstractBaseUser:
    gender = "F" if rng.random() < 0.7 else "M"  # about seven in ten school staff are women
    origin = draw_origin(rng)
    first_name = origin.first_name(rng, gender, adult=True)
    last_name = origin.last_name(gender)
    base = f"{ascii_slug(first_name)[:1]}{ascii_slug(last_name)}" or "staff"
    username, suffix = base, 1
    while username in taken:
        suffix += 1
        username = f"{base}{suffix}"
    taken.add(username)
    return build_user(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@{demo_school.spec.email_domain}",
        password_hash=frame.password_hash,
        joined_at=frame.joined_at,
    )


def _avoid_existing_usernames(users: list[AbstractBaseUser], taken: set[str]) -> None:
    """Rename generated staff whose username an account outside the demo already has (one query)."""
    fixed = set(DEMO_USERNAMES)
    generated = [user for user in users if user.username not in fixed]
    existing = set(taken)
    while True:
        names = [user.username for user in generated]
        clashes = set(get_user_model().objects.filter(username__in=names).values_list("username", flat=True))
        if not clashes:
            return
        existing |= clashes
        for user in generated:
            if user.username in clashes:
                base, suffix = user.username, 1
                while f"{base}-{suffix}" in existing:
                    suffix += 1
                user.username = f"{base}-{suffix}"
                existing.add(user.username)
        # Only the renamed ones can clash now.
        generated = [user for user in generated if user.username.rsplit("-", 1)[0] in clashes]
