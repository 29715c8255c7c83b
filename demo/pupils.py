"""The demo trust's pupils: classes, pupils with their flags and SEN, families and guardians.

Built on the frame from ``demo.school``. The mix aims at England's national picture (DfE school census):
about a quarter pupil premium, a fifth EAL, 13% on SEN support and 2.5-4% with an EHC plan, boys about
twice as likely as girls to be on the SEN register, and the need types in roughly the census proportions.
The flags are dealt out by weighted lottery to exact targets, so even the 210-pupil primary has its share.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from demo.data.names import OTHER_LA_CODES
from demo.data.sizes import PRIMARY_CLASS_NAMES, TEACHER_CLASS_YEAR
from demo.data.trust import PRIMARY, SECONDARY
from demo.families import Link, family_for, first_names, guardians
from demo.flags import assign_flags
from demo.names import draw_origin
from demo.roll import Family, RollPlan, RollState, RollSummary, SchoolRoll, UpnAllocator, form_name
from demo.scenarios import parents
from demo.scenarios.calendar import term_dates
from demo.school import BATCH_SIZE, DemoFrame
from provision.models import TermName
from pupils.models import Guardian, PastClass, Pupil, PupilGuardian, TeachingGroup


@transaction.atomic
def pupils_create(*, frame: DemoFrame, plan: RollPlan) -> RollSummary:
    """Create the classes, pupils, families and guardians of the demo schools, and the ``parent`` login.

    Everything is inserted with ``bulk_create`` in batches; a 20,000-pupil trust takes a few seconds.
    """
    upns = UpnAllocator()
    rolls: dict[str, SchoolRoll] = {}
    parent_state: RollState | None = None
    parent_family: Family | None = None
    all_guardians: list[Guardian] = []
    links: list[Link] = []
    for key in (PRIMARY, SECONDARY):
        state = RollState(frame=frame, key=key, plan=plan, upns=upns)
        family = _school_roll(state)
        if family is not None:
            parent_state, parent_family = state, family
        made, school_links = guardians(state, family)
        all_guardians += made
        links += school_links
        rolls[key] = SchoolRoll(
            demo_school=state.demo_school,
            groups=state.groups,
            pupils=state.pupils,
            families=state.families,
            guardians=len(made),
        )
    assert parent_state is not None and parent_family is not None
    parent = parents.parent_login(frame, parent_state.parent_guardian)
    _save_guardians(all_guardians, links)
    parents.pending_invitation(
        frame=frame, links=links, parent_guardian=parent_state.parent_guardian, family=parent_family
    )
    parents.passports(frame=frame, pupils=rolls[PRIMARY].pupils, always=parent_family.children[0])
    return RollSummary(schools=rolls, parent=parent, parent_children=list(parent_family.children))


def _school_roll(state: RollState) -> Family | None:
    """One school's classes, pupils (with their flags) and last year's classes, saved; at the primary, the demo
    parent's family, which is returned."""
    groups_by_year = classes(state)
    add_pupils(state, groups_by_year)
    assign_flags(state)
    family = parents.parent_family(state) if state.key == PRIMARY else None
    Pupil.objects.bulk_create(state.pupils, batch_size=BATCH_SIZE)
    PastClass.objects.bulk_create(past_classes(state, groups_by_year), batch_size=BATCH_SIZE)
    return family


def _save_guardians(made: list[Guardian], links: list[Link]) -> None:
    Guardian.objects.bulk_create(made, batch_size=BATCH_SIZE)
    PupilGuardian.objects.bulk_create(
        (
            PupilGuardian(
                guardian_id=guardian.pk,
                pupil_id=pupil.pk,
                relationship=relationship,
                parental_responsibility=responsibility,
                contact_priority=priority,
            )
            for guardian, pupil, relationship, responsibility, priority in links
        ),
        batch_size=BATCH_SIZE,
    )


# --- Classes ------------------------------------------------------------------------------------------


def classes(state: RollState) -> dict[int, list[TeachingGroup]]:
    """The classes (forms at the secondary), each with its class teacher: the ``teacher`` login has Year 4."""
    school = state.demo_school.school
    by_year: dict[int, list[TeachingGroup]] = {}
    for year, count in state.plan.class_counts[state.key].items():
        if state.key == PRIMARY:
            names = [PRIMARY_CLASS_NAMES.get(year, f"Class {year}")]
        else:
            names = [form_name(year, index) for index in range(count)]
        by_year[year] = [
            TeachingGroup(school=school, name=name, kind=TeachingGroup.Kind.REGISTRATION, year_group=year)
            for name in names
        ]
    groups = [group for year_groups in by_year.values() for group in year_groups]
    TeachingGroup.objects.bulk_create(groups, batch_size=BATCH_SIZE)

    teachers = iter(state.demo_school.class_teachers)
    links = []
    for year, year_groups in by_year.items():
        for group in year_groups:
            if state.key == PRIMARY and year == TEACHER_CLASS_YEAR:
                teacher = state.frame.logins["teacher"]
            else:
                teacher = next(teachers, None)
            if teacher is not None:
                links.append(TeachingGroup.teachers.through(teachinggroup_id=group.pk, user_id=teacher.pk))
    TeachingGroup.teachers.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    state.groups = groups
    return by_year


def past_classes(state: RollState, groups_by_year: dict[int, list[TeachingGroup]]) -> list[PastClass]:
    """Last year's class of every pupil who was here last year, as an MIS import would have recorded when the
    classes moved up on 1 September: the class of the year below with the same place in the list (form 8C
    was 7C), from the start of last year (or the day they joined) to 31 August. Call after saving pupils."""
    last_start = dt.date(state.start_year - 1, 9, 1)
    last_end = dt.date(state.start_year, 8, 31)
    records = []
    for pupil in state.pupils:
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


# --- Pupils -------------------------------------------------------------------------------------------


def add_pupils(state: RollState, groups_by_year: dict[int, list[TeachingGroup]]) -> None:
    """Each year group's pupils, born in its cohort's year, in families (some with brothers or sisters in
    another year), spread over its classes; about one in fourteen joined after the usual start."""
    open_families: list[Family] = []
    for year_group, size in state.plan.year_sizes[state.key].items():
        forms = groups_by_year[year_group]
        for index in range(size):
            family = family_for(state, year_group, open_families)
            pupil = _pupil(state, year_group, family, forms[index % len(forms)])
            family.children.append(pupil)
            family.years.add(year_group)
            state.family_of[id(pupil)] = family
            state.pupils.append(pupil)


def _pupil(state: RollState, year_group: int, family: Family, form: TeachingGroup) -> Pupil:
    rng = state.rng
    cohort = state.start_year - year_group - 5  # born between 1 Sept of this year and 31 Aug of the next
    cohort_start = dt.date(cohort, 9, 1)
    entry_year = _entry_year(state, year_group)
    usual_start = term_dates(start_year=entry_year)[TermName.AUTUMN][0]
    gender = "F" if rng.random() < 0.49 else "M"
    legal_first, preferred_first = first_names(state, family, gender)
    preferred_last = draw_origin(rng).last_name(gender) if rng.random() < 0.01 else ""
    admitted_in = None
    admitted_on = usual_start
    if entry_year < state.start_year and rng.random() < 0.07:
        admitted_in = rng.randrange(entry_year, state.start_year)
        admitted_on = max(_school_day(rng, admitted_in), usual_start)
    return Pupil(
        school=state.demo_school.school,
        upn=_upn(state, year_group, admitted_in),
        legal_first_name=legal_first,
        legal_last_name=family.origin.last_name(gender),
        preferred_first_name=preferred_first,
        preferred_last_name=preferred_last,
        date_of_birth=cohort_start + dt.timedelta(days=rng.randrange((dt.date(cohort + 1, 9, 1) - cohort_start).days)),
        gender=gender,
        year_group=year_group,
        registration_group=form,
        admitted_on=admitted_on,
    )


def _entry_year(state: RollState, year_group: int) -> int:
    """The academic year the pupil joined this school in the usual way (Reception or Year 7)."""
    return state.start_year - (year_group - state.spec.lowest_year)


def _upn(state: RollState, year_group: int, admitted_in: int | None) -> str:
    reception_year = state.start_year - year_group
    if admitted_in is not None and state.rng.random() < 0.5:
        # New to English schools: this school issued the UPN when it admitted them.
        try:
            return state.upns.issue(
                la_code=state.spec.la_code, establishment=state.spec.establishment, year=admitted_in
            )
        except OverflowError:  # only in a gigantic demo: came from elsewhere instead
            pass
    if state.key == PRIMARY:
        if admitted_in is None:
            return state.upns.issue(
                la_code=state.spec.la_code, establishment=state.spec.establishment, year=reception_year
            )
        return state.upns.issue_from_feeder(
            rng=state.rng, la_code=state.rng.choice(OTHER_LA_CODES), home="2001", year=reception_year
        )
    la_code = state.spec.la_code if state.rng.random() < 0.92 else state.rng.choice(OTHER_LA_CODES)
    home = state.frame.schools[PRIMARY].spec.establishment if la_code == state.spec.la_code else "2001"
    return state.upns.issue_from_feeder(rng=state.rng, la_code=la_code, home=home, year=reception_year)


def _school_day(rng: random.Random, start_year: int) -> dt.date:
    """A random weekday in a random term of the academic year starting in ``start_year``."""
    start, end = rng.choice(list(term_dates(start_year=start_year).values()))
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return max(day, start)
