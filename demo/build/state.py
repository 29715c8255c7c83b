"""One school's provision while the demo makes it (``Provision``): what the earlier parts of the demo made (terms,
subjects, scales, every result, staff), the school's random stream, and the groups made so far. ``load`` reads it
once; the other ``demo.build`` modules read it and add to it, and ``demo.build.save`` writes it in bulk."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from demo.build.calendar import Slot, slots
from demo.build.designs import Recipe
from demo.build.summary import InterventionSummary
from demo.data.sittings import KS2, SCALES, SUBJECT_NAMES
from demo.school import DemoFrame
from interventions.models import Intervention, InterventionStaff, Placement, Programme
from provision.calendar import school_calendar
from provision.models import Membership, Role, School, Term
from pupils import reference, scales
from pupils.models import Assessment, Pupil, Result, Scale, SenStatus, Subject, TeachingGroup


@dataclass
class Entry:
    """A pupil's baseline result, with how far it is from the expected standard (``score``, in rough standard
    deviations; negative is below)."""

    result_id: int
    value: float
    taken_on: dt.date
    score: float


@dataclass
class Group:
    """An intervention being made, with its staff and placements; ``recipe`` is None for wave 1."""

    recipe: Recipe | None
    intervention: Intervention
    staff: list[InterventionStaff]
    placements: list[Placement]
    last_day: dt.date | None  # the last day a session could have been logged
    effect: float = 0.0  # the group's true effect in EFFECT_UNITS (0 for designs that change nothing)


@dataclass
class Provision:
    key: str
    frame: DemoFrame
    today: dt.date
    school: School
    pupils: list[Pupil]
    recipes: dict[str, Recipe]
    catalogue: list[Programme]
    summary: InterventionSummary
    rng: random.Random
    senco: AbstractBaseUser
    favoured: set[int]  # the demo parent's child on SEN support: given support the parent can see
    tutor: AbstractBaseUser | None  # leads the catch-up groups in ``tutor_leads`` (demo.scenarios.tutors_week)
    tutor_leads: tuple[str, ...] = ()
    pupil_by_id: dict[int, Pupil] = field(default_factory=dict)
    term_ranges: list = field(default_factory=list)  # school days: the terms less their closures
    slots: dict[int, Slot] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    specs: dict[str, scales.ScaleSpec] = field(default_factory=dict)
    # The assessments a group can be measured by, per (subject, scale) in date order, and the pupils' results in
    # them: baselines, exit data, and what the effective groups raise.
    assessments: dict[tuple[str, str], list[tuple[dt.date, int]]] = field(default_factory=dict)
    spec_of: dict[int, scales.ScaleSpec] = field(default_factory=dict)
    results: dict[tuple[int, int], list] = field(default_factory=dict)  # (pupil, assessment) -> [result id, value]
    changed_results: set[int] = field(default_factory=set)
    entry_cache: dict[tuple[int, str, str], dict[int, Entry | None]] = field(default_factory=dict)
    # Who is where at the start of each slot's groups: a pupil's year group then, if they were on roll.
    in_year: dict[tuple[int, int], list[Pupil]] = field(default_factory=dict)
    sen_in_year: dict[tuple[int, int], list[Pupil]] = field(default_factory=dict)
    staff_titles: dict[int, str] = field(default_factory=dict)
    hltas: list[AbstractBaseUser] = field(default_factory=list)
    tas: list[AbstractBaseUser] = field(default_factory=list)
    teachers: list[AbstractBaseUser] = field(default_factory=list)
    year_teacher: dict[int, AbstractBaseUser] = field(default_factory=dict)
    lead_load: Counter = field(default_factory=Counter)
    programme_of: dict[str, Programme] = field(default_factory=dict)
    busy: dict[int, list[tuple[dt.date, dt.date, str]]] = field(default_factory=dict)
    candidate_lists: dict[tuple[int, str, tuple[int, ...]], list[tuple[Pupil, Entry | None]]] = field(
        default_factory=dict
    )
    names: set[str] = field(default_factory=set)
    groups: list[Group] = field(default_factory=list)

    def year_at(self, pupil: Pupil, day: dt.date) -> int:
        return reference.year_group_on(pupil.year_group, day, today=self.today)


def load(prov: Provision) -> Provision:
    """Read what the earlier parts of the demo made for ``prov.school``."""
    prov.pupil_by_id = {pupil.pk: pupil for pupil in prov.pupils}
    terms = list(Term.objects.for_school(prov.school).order_by("start_date"))
    prov.term_ranges = school_calendar(prov.school)
    prov.slots = slots(terms, today=prov.today, start_year=prov.frame.start_year)
    _load_scales(prov)
    _load_results(prov)
    _load_year_groups(prov)
    _load_staff(prov)
    return prov


def _load_scales(prov: Provision) -> None:
    prov.subjects = {subject.name: subject for subject in Subject.objects.filter(school=prov.school)}
    scale_names = {name: key for key, (name, _) in SCALES.items()}
    for scale in Scale.objects.filter(school=prov.school).prefetch_related("bands"):
        scale_key = scale_names.get(scale.name)
        if scale_key:
            prov.scales[scale_key] = scale
            prov.specs[scale_key] = scale.spec(bands=list(scale.bands.all()))


def _load_results(prov: Provision) -> None:
    subject_key = {subject.pk: key for key, name in SUBJECT_NAMES.items() if (subject := prov.subjects.get(name))}
    scale_key_of = {scale.pk: key for key, scale in prov.scales.items()}
    for pk, subject_id, scale_id, taken_on in Assessment.objects.filter(school=prov.school).values_list(
        "pk", "subject_id", "scale_id", "taken_on"
    ):
        key = (subject_key.get(subject_id), scale_key_of.get(scale_id))
        if key[0] and key[1] and key[1] != KS2:
            prov.assessments.setdefault(key, []).append((taken_on, pk))
    for dates in prov.assessments.values():
        dates.sort()
    prov.spec_of = {pk: prov.specs[scale] for (_, scale), dates in prov.assessments.items() for _, pk in dates}
    rows = Result.objects.filter(assessment_id__in=list(prov.spec_of)).values_list(
        "pk", "pupil_id", "assessment_id", "value"
    )
    for pk, pupil_id, assessment_id, value in rows.iterator(chunk_size=20_000):
        prov.results[(pupil_id, assessment_id)] = [pk, value]


def _load_year_groups(prov: Provision) -> None:
    for position, slot in prov.slots.items():
        monday = slot.first_monday
        for pupil in prov.pupils:
            if pupil.admitted_on and pupil.admitted_on > monday:
                continue
            year = prov.year_at(pupil, monday)
            if year >= prov.school.lowest_year:
                prov.in_year.setdefault((position, year), []).append(pupil)
                if pupil.sen_status != SenStatus.NONE:
                    prov.sen_in_year.setdefault((position, year), []).append(pupil)


def _load_staff(prov: Provision) -> None:
    """Teaching assistants lead most groups, HLTAs and tutors some, teachers the GCSE ones; each year group's
    class teacher leads its wave 1 strategies."""
    memberships = list(Membership.objects.filter(school=prov.school).select_related("user").order_by("pk"))
    tutor = prov.frame.logins["tutor"]
    prov.staff_titles = {m.user_id: m.job_title.lower() for m in memberships}
    assistants = [m for m in memberships if m.role == Role.TA and m.user_id != tutor.pk]
    senior = ("higher level", "tutor")
    prov.hltas = [m.user for m in assistants if any(word in m.job_title.lower() for word in senior)]
    prov.tas = [m.user for m in assistants if not any(word in m.job_title.lower() for word in senior)]
    prov.teachers = [m.user for m in memberships if m.role == Role.TEACHER]
    users = {m.user_id: m.user for m in memberships}
    class_of = TeachingGroup.teachers.through.objects.filter(teachinggroup__school=prov.school).values_list(
        "teachinggroup__year_group", "teachinggroup__name", "user_id"
    )
    for year, _, user_id in sorted(class_of):
        if user_id in users:
            prov.year_teacher.setdefault(year, users[user_id])
