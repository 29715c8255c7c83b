"""The demo trust's pupils: classes, pupils with their flags and SEN, families and guardians.

Built on the frame from ``demo.school``. The mix aims at England's national picture (DfE school census):
about a quarter pupil premium, a fifth EAL, 13% on SEN support and 2.5-4% with an EHC plan, boys about
twice as likely as girls to be on the SEN register, and the need types in roughly the census proportions.
The flags are dealt out by weighted lottery to exact targets, so even the 210-pupil primary has its share.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from demo.data.census import (
    BOYS_SHARE_OF_SEN,
    EHC_NEEDS,
    RATES,
    SECOND_NEED_CHANCE,
    SECOND_NEEDS,
    SUPPORT_NEEDS,
    YEAR_SEN_WEIGHT,
)
from demo.data.names import ENGLISH_NAME_POOLS, NAME_POOLS, NICKNAMES, OTHER_LA_CODES
from demo.data.passports import PASSPORT_ABOUT, PASSPORT_HELPS, PASSPORT_NOT_HELPS, PASSPORT_STRENGTHS, PASSPORT_WRITERS
from demo.data.trust import PARENT_USERNAME, PRIMARY, SECONDARY
from demo.school import (
    BATCH_SIZE,
    DemoFrame,
    DemoSchool,
    Origin,
    ascii_slug,
    build_user,
    demo_rng,
    draw_origin,
    term_dates,
)
from provision.models import TermName
from pupils import reference
from pupils.invitations import invitation_create
from pupils.models import (
    Guardian,
    PastClass,
    Pupil,
    PupilGuardian,
    PupilPassport,
    Relationship,
    SenStatus,
    TeachingGroup,
)

# --- How big the schools are --------------------------------------------------------------------------

# A one-form-entry primary. Infant classes (Reception to Year 2) may not exceed 30 by law.
PRIMARY_YEAR_SIZES = {0: 30, 1: 30, 2: 30, 3: 31, 4: 30, 5: 29, 6: 30}
PRIMARY_PUPILS = sum(PRIMARY_YEAR_SIZES.values())
PRIMARY_CLASS_NAMES = {0: "Acorns", 1: "Hazel", 2: "Rowan", 3: "Willow", 4: "Oak", 5: "Ash", 6: "Cedar"}
TEACHER_CLASS_YEAR = 4  # the ``teacher`` login teaches the Year 4 class
DEFAULT_SECONDARY_PUPILS = 1000
MIN_SECONDARY_PUPILS = 50
MIN_TOTAL_PUPILS = PRIMARY_PUPILS + MIN_SECONDARY_PUPILS
SECONDARY_YEARS = range(7, 12)
FORM_SIZE = 28  # forms hold 25-28 pupils


@dataclass(frozen=True)
class RollPlan:
    """How many pupils each school has in each year group, and in how many classes."""

    year_sizes: dict[str, dict[int, int]]
    class_counts: dict[str, dict[int, int]]

    @property
    def total(self) -> int:
        return sum(sum(sizes.values()) for sizes in self.year_sizes.values())

    def pupils_at(self, key: str) -> int:
        return sum(self.year_sizes[key].values())

    def classes_at(self, key: str) -> int:
        return sum(self.class_counts[key].values())

    @property
    def class_teachers_needed(self) -> dict[str, int]:
        """Class teachers and form tutors to generate, per school: one a class, less the ``teacher`` login."""
        return {PRIMARY: self.classes_at(PRIMARY) - 1, SECONDARY: self.classes_at(SECONDARY)}


def roll_plan(*, total_pupils: int | None) -> RollPlan:
    """The primary always has its 210 pupils; the secondary has the rest of ``total_pupils`` (1,000 if None),
    spread evenly over Years 7-11 in forms of at most 28."""
    if total_pupils is None:
        secondary = DEFAULT_SECONDARY_PUPILS
    else:
        if total_pupils < MIN_TOTAL_PUPILS:
            raise ValueError(
                f"The demo needs at least {MIN_TOTAL_PUPILS} pupils: the primary's {PRIMARY_PUPILS} "
                f"and at least {MIN_SECONDARY_PUPILS} at the secondary."
            )
        secondary = total_pupils - PRIMARY_PUPILS
    per_year, extra = divmod(secondary, len(SECONDARY_YEARS))
    secondary_sizes = {year: per_year + (1 if index < extra else 0) for index, year in enumerate(SECONDARY_YEARS)}
    return RollPlan(
        year_sizes={PRIMARY: dict(PRIMARY_YEAR_SIZES), SECONDARY: secondary_sizes},
        class_counts={
            PRIMARY: dict.fromkeys(PRIMARY_YEAR_SIZES, 1),
            SECONDARY: {year: max(1, math.ceil(size / FORM_SIZE)) for year, size in secondary_sizes.items()},
        },
    )


def form_name(year_group: int, index: int) -> str:
    """Secondary form names: 7A, 7B, ... 7Z, then 7AA, 7AB, ... for very large schools."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"{year_group}{letters}"


# --- Generation ---------------------------------------------------------------------------------------


@dataclass
class _Family:
    origin: Origin
    children: list[Pupil] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    looked_after: bool = False


class _UpnAllocator:
    """Hands out unique UPNs: LA code, establishment number, two-digit year of allocation, serial.

    A UPN is issued by the school a child first joins, so a secondary pupil's UPN carries the number of the
    primary that admitted them to Reception (a feeder school, or a school in another local authority).
    A serial runs from 001 to 999 in each (LA, establishment, year); when a feeder runs out we move on.
    """

    def __init__(self) -> None:
        self._issued: dict[tuple[str, str, int], int] = {}
        self._feeders: dict[str, list[str]] = {}

    def issue(self, *, la_code: str, establishment: str, year: int) -> str:
        key = (la_code, establishment, year % 100)
        serial = self._issued.get(key, 0) + 1
        if serial > 999:
            raise OverflowError(key)
        self._issued[key] = serial
        return reference.make_upn(f"{la_code}{establishment}{year % 100:02d}{serial:03d}")

    def issue_from_feeder(self, *, rng: random.Random, la_code: str, home: str, year: int) -> str:
        """A UPN from one of the local primaries (the demo primary ``home`` among them)."""
        feeders = self._feeders.setdefault(la_code, [home] + [f"{2000 + rng.randrange(1, 999):04d}" for _ in range(7)])
        start = rng.randrange(len(feeders))
        for offset in range(len(feeders)):
            establishment = feeders[(start + offset) % len(feeders)]
            if self._issued.get((la_code, establishment, year % 100), 0) < 999:
                return self.issue(la_code=la_code, establishment=establishment, year=year)
        # Every feeder has issued 999 UPNs that year: a very large demo. Open another feeder.
        establishment = f"{3000 + len(feeders):04d}"
        feeders.append(establishment)
        return self.issue(la_code=la_code, establishment=establishment, year=year)


def _school_day(rng: random.Random, start_year: int) -> dt.date:
    """A random weekday in a random term of the academic year starting in ``start_year``."""
    start, end = rng.choice(list(term_dates(start_year=start_year).values()))
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return max(day, start)


def _lottery(rng: random.Random, weights: list[float]) -> list[int]:
    """Indices in the order of a weighted draw without replacement (each index gets key u ** (1 / w),
    highest first: Efraimidis and Spirakis, 2006). Zero weights are never drawn."""
    keyed = [(rng.random() ** (1.0 / weight), index) for index, weight in enumerate(weights) if weight > 0]
    keyed.sort(reverse=True)
    return [index for _, index in keyed]


def _choose_families(rng: random.Random, families: list[_Family], weights: list[float], target: int) -> list[_Family]:
    """Whole families (siblings share FSM, EAL and pupil premium) until ``target`` pupils are covered."""
    chosen, covered = [], 0
    for index in _lottery(rng, weights):
        if covered >= target:
            break
        chosen.append(families[index])
        covered += len(families[index].children)
    return chosen


def _weighted_choice(rng: random.Random, weights: dict[str, float], exclude: str = "") -> str:
    codes = [code for code in weights if code != exclude]
    return rng.choices(codes, weights=[weights[code] for code in codes])[0]


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass
class SchoolRoll:
    """What was made for one school, kept for the summary and for later parts of the demo."""

    demo_school: DemoSchool
    groups: list[TeachingGroup]
    pupils: list[Pupil]
    families: list[_Family]
    guardians: int = 0


@dataclass
class RollSummary:
    schools: dict[str, SchoolRoll]
    parent: AbstractBaseUser
    parent_children: list[Pupil]


class _SchoolBuilder:
    """Makes one school's classes, pupils and families in memory, then saves them in bulk."""

    def __init__(self, *, frame: DemoFrame, key: str, plan: RollPlan, upns: _UpnAllocator) -> None:
        self.frame = frame
        self.key = key
        self.demo_school = frame.schools[key]
        self.spec = self.demo_school.spec
        self.plan = plan
        self.upns = upns
        self.rng = demo_rng(frame.seed, f"pupils:{key}")
        self.rates = RATES[key]
        self.start_year = frame.start_year
        self.families: list[_Family] = []
        self.pupils: list[Pupil] = []
        self.family_of: dict[int, _Family] = {}  # id(pupil) -> family

    # Classes

    def create_groups(self) -> dict[int, list[TeachingGroup]]:
        school = self.demo_school.school
        by_year: dict[int, list[TeachingGroup]] = {}
        for year, count in self.plan.class_counts[self.key].items():
            if self.key == PRIMARY:
                names = [PRIMARY_CLASS_NAMES.get(year, f"Class {year}")]
            else:
                names = [form_name(year, index) for index in range(count)]
            by_year[year] = [
                TeachingGroup(school=school, name=name, kind=TeachingGroup.Kind.REGISTRATION, year_group=year)
                for name in names
            ]
        groups = [group for year_groups in by_year.values() for group in year_groups]
        TeachingGroup.objects.bulk_create(groups, batch_size=BATCH_SIZE)

        teachers = iter(self.demo_school.class_teachers)
        links = []
        for year, year_groups in by_year.items():
            for group in year_groups:
                if self.key == PRIMARY and year == TEACHER_CLASS_YEAR:
                    teacher = self.frame.logins["teacher"]
                else:
                    teacher = next(teachers, None)
                if teacher is not None:
                    links.append(TeachingGroup.teachers.through(teachinggroup_id=group.pk, user_id=teacher.pk))
        TeachingGroup.teachers.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        self.groups = groups
        return by_year

    # Pupils

    def _entry_year(self, year_group: int) -> int:
        """The academic year the pupil joined this school in the usual way (Reception or Year 7)."""
        return self.start_year - (year_group - self.spec.lowest_year)

    def _upn(self, year_group: int, admitted_in: int | None) -> str:
        reception_year = self.start_year - year_group
        if admitted_in is not None and self.rng.random() < 0.5:
            # New to English schools: this school issued the UPN when it admitted them.
            try:
                return self.upns.issue(
                    la_code=self.spec.la_code, establishment=self.spec.establishment, year=admitted_in
                )
            except OverflowError:  # only in a gigantic demo: came from elsewhere instead
                pass
        if self.key == PRIMARY:
            if admitted_in is None:
                return self.upns.issue(
                    la_code=self.spec.la_code, establishment=self.spec.establishment, year=reception_year
                )
            return self.upns.issue_from_feeder(
                rng=self.rng, la_code=self.rng.choice(OTHER_LA_CODES), home="2001", year=reception_year
            )
        la_code = self.spec.la_code if self.rng.random() < 0.92 else self.rng.choice(OTHER_LA_CODES)
        home = self.frame.schools[PRIMARY].spec.establishment if la_code == self.spec.la_code else "2001"
        return self.upns.issue_from_feeder(rng=self.rng, la_code=la_code, home=home, year=reception_year)

    def _family_for(self, year_group: int, open_families: list[_Family]) -> _Family:
        """A new family, or (about one pupil in five) a brother or sister of a pupil in another year."""
        rng = self.rng
        if open_families and rng.random() < 0.2:
            index = rng.randrange(len(open_families))
            family = open_families[index]
            if year_group not in family.years:
                if len(family.children) >= 2:
                    open_families[index] = open_families[-1]
                    open_families.pop()
                return family
        family = _Family(origin=draw_origin(rng))
        self.families.append(family)
        open_families.append(family)
        return family

    def _first_names(self, family: _Family, gender: str) -> tuple[str, str]:
        rng = self.rng
        legal = family.origin.first_name(rng, gender)
        preferred = ""
        if legal in NICKNAMES and rng.random() < 0.5:
            preferred = NICKNAMES[legal]
        else:
            chance = max((ENGLISH_NAME_POOLS.get(pool, 0.0) for pool in family.origin.pools), default=0.0)
            if chance and rng.random() < chance:
                british = NAME_POOLS["british"]
                preferred = rng.choice(british.girls if gender == "F" else british.boys)
        return legal, preferred

    def build_pupils(self, groups_by_year: dict[int, list[TeachingGroup]]) -> None:
        rng = self.rng
        school = self.demo_school.school
        open_families: list[_Family] = []
        for year_group, size in self.plan.year_sizes[self.key].items():
            cohort = self.start_year - year_group - 5  # born between 1 Sept of this year and 31 Aug of the next
            cohort_start = dt.date(cohort, 9, 1)
            cohort_days = (dt.date(cohort + 1, 9, 1) - cohort_start).days
            entry_year = self._entry_year(year_group)
            usual_start = term_dates(start_year=entry_year)[TermName.AUTUMN][0]
            forms = groups_by_year[year_group]
            for index in range(size):
                family = self._family_for(year_group, open_families)
                gender = "F" if rng.random() < 0.49 else "M"
                legal_first, preferred_first = self._first_names(family, gender)
                preferred_last = ""
                if rng.random() < 0.01:
                    preferred_last = draw_origin(rng).last_name(gender)
                admitted_in = None
                admitted_on = usual_start
                if entry_year < self.start_year and rng.random() < 0.07:
                    admitted_in = rng.randrange(entry_year, self.start_year)
                    admitted_on = max(_school_day(rng, admitted_in), usual_start)
                pupil = Pupil(
                    school=school,
                    upn=self._upn(year_group, admitted_in),
                    legal_first_name=legal_first,
                    legal_last_name=family.origin.last_name(gender),
                    preferred_first_name=preferred_first,
                    preferred_last_name=preferred_last,
                    date_of_birth=cohort_start + dt.timedelta(days=rng.randrange(cohort_days)),
                    gender=gender,
                    year_group=year_group,
                    registration_group=forms[index % len(forms)],
                    admitted_on=admitted_on,
                )
                family.children.append(pupil)
                family.years.add(year_group)
                self.family_of[id(pupil)] = family
                self.pupils.append(pupil)

    def past_classes(self, groups_by_year: dict[int, list[TeachingGroup]]) -> list[PastClass]:
        """Last year's class of every pupil who was here last year, as an MIS import would have recorded when the
        classes moved up on 1 September: the class of the year below with the same place in the list (form 8C
        was 7C), from the start of last year (or the day they joined) to 31 August. Call after saving pupils."""
        last_start = dt.date(self.start_year - 1, 9, 1)
        last_end = dt.date(self.start_year, 8, 31)
        records = []
        for pupil in self.pupils:
            if pupil.admitted_on is None or pupil.admitted_on > last_end:
                continue
            below = groups_by_year.get(pupil.year_group - 1)
            current = groups_by_year.get(pupil.year_group, [])
            if not below or pupil.registration_group not in current:
                continue
            group = below[current.index(pupil.registration_group) % len(below)]
            records.append(
                PastClass(
                    pupil=pupil,
                    group=group,
                    name=group.name,
                    year_group=group.year_group,
                    since=max(pupil.admitted_on, last_start),
                    until=last_end,
                )
            )
        return records

    # Flags and SEN

    def assign_flags(self) -> None:
        rng = self.rng
        rates = self.rates
        pupils = self.pupils
        n = len(pupils)

        # Looked-after children: only children with no sibling here, so the family can be their carers.
        lac_target = round(n * rates.looked_after)
        weights = [1.0 if len(self.family_of[id(p)].children) == 1 else 0.0 for p in pupils]
        for index in _lottery(rng, weights)[:lac_target]:
            pupils[index].looked_after = True
            pupils[index].pupil_premium = True
            self.family_of[id(pupils[index])].looked_after = True

        others = [family for family in self.families if not family.looked_after]
        for family in _choose_families(rng, others, [1.0] * len(others), round(n * rates.fsm)):
            for pupil in family.children:
                pupil.fsm = True
                pupil.pupil_premium = True
        # The rest of pupil premium: FSM at some point in the last six years, or service children.
        pp_now = sum(1 for pupil in pupils if pupil.pupil_premium)
        rest = [family for family in others if not family.children[0].fsm]
        for family in _choose_families(rng, rest, [1.0] * len(rest), round(n * rates.pupil_premium) - pp_now):
            for pupil in family.children:
                pupil.pupil_premium = True

        eal_weights = [family.origin.eal_rate + 0.005 for family in self.families]
        for family in _choose_families(rng, self.families, eal_weights, round(n * rates.eal)):
            for pupil in family.children:
                pupil.eal = True

        # SEN: boys are about two thirds of pupils on SEN support and nearly three quarters of those with
        # EHC plans, so each sex gets its own quota; within it, disadvantaged and looked-after pupils are
        # more likely to be chosen.
        def sen_weight(pupil: Pupil) -> float:
            weight = YEAR_SEN_WEIGHT.get(pupil.year_group, 1.0)
            if pupil.fsm:
                weight *= 1.7
            if pupil.looked_after:
                weight *= 3.0
            if pupil.eal:
                weight *= 0.85
            return weight

        weights = [sen_weight(pupil) for pupil in pupils]
        taken: set[int] = set()
        for status, rate in ((SenStatus.EHC_PLAN, rates.ehc_plan), (SenStatus.SUPPORT, rates.sen_support)):
            target = round(n * rate)
            boys = round(target * BOYS_SHARE_OF_SEN[status])
            for gender, quota in (("M", boys), ("F", target - boys)):
                eligible = [
                    0.0 if index in taken or pupil.gender != gender else weights[index]
                    for index, pupil in enumerate(pupils)
                ]
                for index in _lottery(rng, eligible)[:quota]:
                    taken.add(index)
                    self._give_sen(pupils[index], status)

    def _give_sen(self, pupil: Pupil, status: str) -> None:
        rng = self.rng
        needs = EHC_NEEDS[self.key] if status == SenStatus.EHC_PLAN else SUPPORT_NEEDS[self.key]
        pupil.sen_status = status
        pupil.primary_need = _weighted_choice(rng, needs)
        pupil.secondary_need = ""
        if pupil.primary_need != "NSA" and rng.random() < SECOND_NEED_CHANCE[status]:
            pupil.secondary_need = _weighted_choice(rng, SECOND_NEEDS, exclude=pupil.primary_need)
        # Identified between age two (EHC plans, often from the early years) or three and a half and the
        # start of this school year: always in the past.
        earliest = pupil.date_of_birth + dt.timedelta(days=730 if status == SenStatus.EHC_PLAN else 1280)
        latest = dt.date(self.start_year, 9, 1) - dt.timedelta(days=1)
        pupil.sen_identified_on = earliest + dt.timedelta(days=rng.randrange(max(1, (latest - earliest).days)))
        # Reviews: SEN support plans termly, EHC plans annually; about one in twelve is overdue.
        if rng.random() < 0.08:
            offset = -rng.randint(1, 45)
        else:
            offset = rng.randint(1, 330 if status == SenStatus.EHC_PLAN else 120)
        due = self.frame.today + dt.timedelta(days=offset)
        pupil.sen_review_due = _next_weekday(due) if offset > 0 else due - dt.timedelta(days=max(0, due.weekday() - 4))

    # The family of the ``parent`` login

    def make_parent_family(self) -> _Family:
        """Two brothers or sisters at the primary for the ``parent`` login: one in the Year 4 class (on SEN
        support where possible, so the parent has support to see) and one in Year 1."""
        only_child = [p for p in self.pupils if len(self.family_of[id(p)].children) == 1 and not p.looked_after]

        def pick(year_group: int, status: str) -> Pupil:
            in_year = [p for p in only_child if p.year_group == year_group]
            return next((p for p in in_year if p.sen_status == status), in_year[0])

        elder = pick(TEACHER_CLASS_YEAR, SenStatus.SUPPORT)
        younger = pick(1, SenStatus.NONE)
        family = self.family_of[id(elder)]
        self.families.remove(self.family_of[id(younger)])
        younger.legal_first_name, younger.preferred_first_name = self._first_names(family, younger.gender)
        younger.legal_last_name = family.origin.last_name(younger.gender)
        younger.preferred_last_name = ""
        younger.fsm, younger.pupil_premium, younger.eal = elder.fsm, elder.pupil_premium, elder.eal
        family.children.append(younger)
        family.years.add(younger.year_group)
        self.family_of[id(younger)] = family
        return family

    # Guardians

    def build_guardians(
        self, parent_family: _Family | None
    ) -> tuple[list[Guardian], list[tuple[Guardian, Pupil, str, bool, int]]]:
        rng = self.rng
        school = self.demo_school.school
        guardians: list[Guardian] = []
        links: list[tuple[Guardian, Pupil, str, bool, int]] = []
        for family in self.families:
            if family.looked_after:
                carers = [(draw_origin(rng), "F", Relationship.FOSTER_CARER, False)]
                if rng.random() < 0.6:
                    carers.append((carers[0][0], "M", Relationship.FOSTER_CARER, False))
                carers.append((draw_origin(rng), "F" if rng.random() < 0.8 else "M", Relationship.SOCIAL_WORKER, False))
            else:
                carers = self._parents(family)
            for priority, (origin, gender, relationship, responsibility) in enumerate(carers, start=1):
                guardian = self._guardian(origin, gender, relationship)
                guardian.school = school
                guardians.append(guardian)
                if family is parent_family and priority == 1:
                    self.parent_guardian = guardian
                for pupil in family.children:
                    links.append((guardian, pupil, relationship, responsibility, priority))
        return guardians, links

    def _parents(self, family: _Family) -> list[tuple[Origin, str, str, bool]]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.68:
            mother_origin = family.origin if rng.random() < 0.75 else draw_origin(rng)
            return [
                (mother_origin, "F", Relationship.MOTHER, True),
                (family.origin, "M", Relationship.FATHER, True),
            ]
        if roll < 0.90:
            return [(family.origin, "F", Relationship.MOTHER, True)]
        if roll < 0.95:
            return [(family.origin, "M", Relationship.FATHER, True)]
        if roll < 0.98:
            return [(family.origin, "F" if rng.random() < 0.7 else "M", Relationship.GRANDPARENT, True)]
        return [(draw_origin(rng), "F", Relationship.CARER, True)]

    def _guardian(self, origin: Origin, gender: str, relationship: str) -> Guardian:
        rng = self.rng
        first = origin.first_name(rng, gender, adult=True)
        last = origin.last_name(gender)
        if relationship == Relationship.SOCIAL_WORKER:
            title = "Ms" if gender == "F" else "Mr"
            email = f"{ascii_slug(first)}.{ascii_slug(last)}@childrens-services.invalid"
        else:
            if rng.random() < 0.02:
                title = "Dr"
            elif gender == "M":
                title = "Mr"
            else:
                title = rng.choice(("Mrs", "Mrs", "Ms", "Miss"))
            suffix = str(rng.randint(1, 99)) if rng.random() < 0.4 else ""
            email = "" if rng.random() < 0.08 else f"{ascii_slug(first)}.{ascii_slug(last)}{suffix}@example.org"
        return Guardian(
            title=title,
            first_name=first,
            last_name=last,
            email=email,
            phone=f"07700 900{rng.randrange(1000):03d}",  # Ofcom's range for drama: never a real number
        )


@transaction.atomic
def pupils_create(*, frame: DemoFrame, plan: RollPlan) -> RollSummary:
    """Create the classes, pupils, families and guardians of the demo schools, and the ``parent`` login.

    Everything is inserted with ``bulk_create`` in batches; a 20,000-pupil trust takes a few seconds.
    """
    upns = _UpnAllocator()
    rolls: dict[str, SchoolRoll] = {}
    parent_family: _Family | None = None
    parent_builder: _SchoolBuilder | None = None
    all_guardians: list[Guardian] = []
    all_links: list[tuple[Guardian, Pupil, str, bool, int]] = []
    for key in (PRIMARY, SECONDARY):
        builder = _SchoolBuilder(frame=frame, key=key, plan=plan, upns=upns)
        groups_by_year = builder.create_groups()
        builder.build_pupils(groups_by_year)
        builder.assign_flags()
        family = builder.make_parent_family() if key == PRIMARY else None
        if family is not None:
            parent_family, parent_builder = family, builder
        Pupil.objects.bulk_create(builder.pupils, batch_size=BATCH_SIZE)
        PastClass.objects.bulk_create(builder.past_classes(groups_by_year), batch_size=BATCH_SIZE)
        guardians, links = builder.build_guardians(family)
        all_guardians += guardians
        all_links += links
        rolls[key] = SchoolRoll(
            demo_school=frame.schools[key],
            groups=builder.groups,
            pupils=builder.pupils,
            families=builder.families,
            guardians=len(guardians),
        )

    assert parent_family is not None and parent_builder is not None
    parent_guardian = parent_builder.parent_guardian
    if not parent_guardian.email:
        parent_guardian.email = (
            f"{ascii_slug(parent_guardian.first_name)}.{ascii_slug(parent_guardian.last_name)}@example.org"
        )
    parent = build_user(
        username=PARENT_USERNAME,
        first_name=parent_guardian.first_name,
        last_name=parent_guardian.last_name,
        email=parent_guardian.email,
        password_hash=frame.password_hash,
        joined_at=frame.joined_at,
    )
    parent.save()
    parent_guardian.user = parent

    Guardian.objects.bulk_create(all_guardians, batch_size=BATCH_SIZE)
    PupilGuardian.objects.bulk_create(
        (
            PupilGuardian(
                guardian_id=guardian.pk,
                pupil_id=pupil.pk,
                relationship=relationship,
                parental_responsibility=responsibility,
                contact_priority=priority,
            )
            for guardian, pupil, relationship, responsibility, priority in all_links
        ),
        batch_size=BATCH_SIZE,
    )
    _pending_invitation(frame=frame, links=all_links, parent_guardian=parent_guardian, family=parent_family)
    _passports(frame=frame, pupils=rolls[PRIMARY].pupils, always=parent_family.children[0])
    return RollSummary(schools=rolls, parent=parent, parent_children=list(parent_family.children))


def _pending_invitation(
    *,
    frame: DemoFrame,
    links: list[tuple[Guardian, Pupil, str, bool, int]],
    parent_guardian: Guardian,
    family: _Family,
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


def _passports(*, frame: DemoFrame, pupils: list[Pupil], always: Pupil) -> None:
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
