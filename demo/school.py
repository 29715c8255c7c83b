"""The demo trust's frame: the trust, its two schools, their school years and terms, and their staff.

Used by the ``seed_demo`` command and the benchmark. Everything is drawn from ``random.Random`` streams
seeded from the demo seed, so one seed always gives the same trust; the only input besides the seed is
today's date, which decides the current academic year. The pupils, classes and families of the demo are
made by ``demo.pupils`` on top of the frame returned here.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from demo.data.names import HOME_POOLS, MIXED_WEIGHT, NAME_POOLS
from demo.data.trust import (
    DEMO_LOGINS,
    DEMO_SCHOOLS,
    DEMO_TRUST_NAME,
    DEMO_USERNAMES,
    SCHOOL_SPECS,
    SECONDARY_SUBJECTS,
    SchoolSpec,
)
from provision.calendar import HALF_TERM_NAMES
from provision.models import AcademicYear, Closure, ClosureKind, Membership, Phase, Role, School, Term, TermName, Trust
from provision.school_days import bank_holidays_between, suggested_half_term

BATCH_SIZE = 2000


class DemoError(Exception):
    """The demo cannot be created as asked (it exists already, or a name it needs is taken)."""


# --- Names --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """A family's naming background: the pools its first names come from, and its surname."""

    pools: tuple[str, ...]
    surname: str
    eal_rate: float

    def first_name(self, rng: random.Random, gender: str, *, adult: bool = False) -> str:
        pool = NAME_POOLS[rng.choice(self.pools)]
        if adult:
            names = (pool.women if gender == "F" else pool.men) or (pool.girls if gender == "F" else pool.boys)
            # Parents and staff were named in the 1970s-2000s, but many names never go out of use.
            if rng.random() < 0.3:
                names = pool.girls if gender == "F" else pool.boys
        else:
            names = pool.girls if gender == "F" else pool.boys
        return rng.choice(names)

    def last_name(self, gender: str) -> str:
        return surname_form(self.surname, gender)


def surname_form(surname: str, gender: str) -> str:
    """The form of ``surname`` for ``gender``: "Kowalski|Kowalska" gives Kowalska for a girl."""
    male, _, female = surname.partition("|")
    return female if gender == "F" and female else male


_POOL_KEYS = tuple(NAME_POOLS)
_POOL_WEIGHTS = tuple(NAME_POOLS[key].weight for key in _POOL_KEYS)


def draw_origin(rng: random.Random) -> Origin:
    """A family background, in roughly the mix of England's school population."""
    if rng.random() < MIXED_WEIGHT:
        home = rng.choice(HOME_POOLS)
        other = rng.choices(_POOL_KEYS[2:], weights=_POOL_WEIGHTS[2:])[0]
        home_surname = surname_form(rng.choice(NAME_POOLS[home].surnames), "M")
        other_surname = rng.choice(NAME_POOLS[other].surnames)
        roll = rng.random()
        if roll < 0.3:
            surname = f"{surname_form(other_surname, 'M')}-{home_surname}"
        elif roll < 0.65:
            surname = other_surname
        else:
            surname = home_surname
        return Origin(pools=(home, other), surname=surname, eal_rate=NAME_POOLS[other].eal_rate / 3)
    key = rng.choices(_POOL_KEYS, weights=_POOL_WEIGHTS)[0]
    pool = NAME_POOLS[key]
    return Origin(pools=(key,), surname=rng.choice(pool.surnames), eal_rate=pool.eal_rate)


_ASCII_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, for usernames and email addresses (Siân -> sian)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return "".join(char for char in decomposed if char.isascii() and char.isalnum()).lower()


# --- The school year ----------------------------------------------------------------------------------


def academic_year_start(day: dt.date) -> int:
    """The calendar year in which the academic year containing ``day`` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _previous_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _friday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def term_dates(*, start_year: int) -> dict[str, tuple[dt.date, dt.date]]:
    """Typical English term dates for the academic year starting in September of ``start_year``.

    Autumn from the first weekday on or after 3 September to the last Friday on or before 20 December;
    spring from the first Monday on or after 4 January to the last Friday on or before 1 April; summer
    after a two-week Easter break until the last weekday on or before 22 July.
    """
    autumn = (_next_weekday(dt.date(start_year, 9, 3)), _friday_on_or_before(dt.date(start_year, 12, 20)))
    spring_end = _friday_on_or_before(dt.date(start_year + 1, 4, 1))
    spring = (_monday_on_or_after(dt.date(start_year + 1, 1, 4)), spring_end)
    summer = (spring_end + dt.timedelta(days=17), _previous_weekday(dt.date(start_year + 1, 7, 22)))
    return {TermName.AUTUMN: autumn, TermName.SPRING: spring, TermName.SUMMER: summer}


def term_closures(name: str, start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """The demo's closures in one term, as (kind, name, first day, last day): the suggested half-term week, an
    INSET day on the first day of the autumn and spring terms and on the Friday before the summer half-term,
    and the England and Wales bank holidays on weekdays the others leave open."""
    closures: list[tuple[str, str, dt.date, dt.date]] = []
    week = suggested_half_term(start, end)
    if week:
        closures.append((ClosureKind.HALF_TERM, HALF_TERM_NAMES[name], week[0], week[1]))
    if name in (TermName.AUTUMN, TermName.SPRING):
        closures.append((ClosureKind.INSET, "Staff training day", start, start))
    elif week:
        friday = week[0] - dt.timedelta(days=3)
        closures.append((ClosureKind.INSET, "Staff training day", friday, friday))
    for holiday in bank_holidays_between(start, end):
        covered = any(first <= holiday.date <= last for _kind, _name, first, last in closures)
        if holiday.date.weekday() < 5 and not covered:
            closures.append((ClosureKind.BANK_HOLIDAY, holiday.name, holiday.date, holiday.date))
    return sorted(closures, key=lambda closure: closure[2])


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
    login (``demo.pupils.RollPlan.class_teachers_needed``). Raises ``DemoError`` if the demo exists already.
    """
    _check_free()
    rng = demo_rng(seed, "staff")
    start_year = academic_year_start(today)
    joined_at = timezone.make_aware(dt.datetime(start_year - 1, 8, 28, 9, 0))
    trust = Trust.objects.create(name=DEMO_TRUST_NAME)

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

    years = [
        AcademicYear(
            school=demo_school.school,
            start_year=year,
            start_date=dt.date(year, 9, 1),
            end_date=dt.date(year + 1, 8, 31),
        )
        for demo_school in schools.values()
        for year in (start_year - 1, start_year)
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

    users: list[AbstractBaseUser] = []
    memberships: list[tuple[AbstractBaseUser, str, str, str]] = []
    logins: dict[str, AbstractBaseUser] = {}
    for login in DEMO_LOGINS:
        home = SCHOOL_SPECS[login.posts[0][0]]
        user = build_user(
            username=login.username,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{ascii_slug(login.first_name)}.{ascii_slug(login.last_name)}@{home.email_domain}",
            password_hash=password_hash,
            joined_at=joined_at,
        )
        logins[login.username] = user
        users.append(user)
        memberships.extend((user, key, role, title) for key, role, title in login.posts)

    taken = set(DEMO_USERNAMES)
    for key, demo_school in schools.items():
        plan = _staff_plan(demo_school.spec, class_teachers.get(key, 0), rng)
        posts = (
            [(Role.TEACHER, title, demo_school.class_teachers) for title in plan.class_teachers]
            + [(Role.TEACHER, title, None) for title in plan.teachers]
            + [(Role.TA, title, demo_school.teaching_assistants) for title in plan.teaching_assistants]
            + [(Role.LEADER, title, None) for title in plan.leaders]
            + [(Role.SENCO, title, None) for title in plan.sencos]
            + [(Role.ADMIN, title, None) for title in plan.admins]
        )
        for role, title, bucket in posts:
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
            user = build_user(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@{demo_school.spec.email_domain}",
                password_hash=password_hash,
                joined_at=joined_at,
            )
            users.append(user)
            memberships.append((user, key, role, title))
            if bucket is not None:
                bucket.append(user)
        demo_school.staff_count = sum(1 for _, school_key, _, _ in memberships if school_key == key)

    _avoid_existing_usernames(users, taken)
    get_user_model().objects.bulk_create(users, batch_size=BATCH_SIZE)
    Membership.objects.bulk_create(
        (
            Membership(user=user, school=schools[key].school, role=role, job_title=title)
            for user, key, role, title in memberships
        ),
        batch_size=BATCH_SIZE,
    )
    return DemoFrame(
        trust=trust,
        schools=schools,
        logins=logins,
        today=today,
        start_year=start_year,
        password_hash=password_hash,
        joined_at=joined_at,
        seed=seed,
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
