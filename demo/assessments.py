"""The demo trust's assessment history: subjects, scales, a test week each term, and correlated results.

Built on the frame from ``demo.school`` and the pupils from ``demo.pupils``. Every school gets its subjects
and scales, and an assessment week three to four weeks before the end of each term: the last four test weeks
that are over by the demo's "today" (never later), so always at least last year's three. Every pupil on roll
has a result in every assessment their year group sits, except for about 3% of absences.

How results are made, so that the tracking and identification pages have something to find:

* **Ability**: each pupil has a general ability on a standard-normal scale, lower on average with SEN support
  (more so with an EHC plan, most with severe or profound learning difficulties) and slightly lower with pupil
  premium. A literacy factor loads strongly on it; reading, spelling, writing and grammar load strongly on
  literacy (reading and spelling correlate at about 0.8), maths and science more loosely (about 0.55 with
  reading). Pupils with a specific learning difficulty (dyslexia) are behind in literacy in particular.
* **EAL**: pupils learning English start further behind in the literacy subjects (a little in maths and science)
  and close most of that gap over the two years, so many of them show as improving.
* **Trajectory**: most pupils are steady; about 15% improve and about 12% stall or fall over the last one or
  two terms (a drop of five or more standardised points, reading-age gains below the months elapsed, a band or
  a grade lower); a few of the high attainers slip below the high standard (115) at the latest test.
* **Scales**: a standardised score is 100 + 15 x ability (one point of test noise), and each school's pupils
  are put on a scale a little above the national average (mean ability 0.4); a KS2 scaled score is
  104 + 6.5 x ability; an age-equivalent is chronological age plus ability x 9% of age in months (twice that
  below average, so pupils with SEN are typically one to two and a half years behind), growing a little faster
  than the calendar for steady pupils and much slower for those who stall; teacher assessment bands cut ability
  so that about one pupil in seven is working towards and one in six at greater depth; predicted GCSE grades
  centre on grade 5. Teacher judgements (bands and grades) carry no test noise.

Values are stored exactly as ``scales.parse`` would store what was typed, and ``typed`` is
``scales.display`` of the value, so a result reads back the same way a teacher would have entered it.

Two simplifications: the history is of the pupils on roll today, so last year's assessments stand in for the
records that came with pupils who joined since (Reception's nursery records, Year 7's primary records); and
``Assessment.year_groups`` names the year groups the pupils were in when they sat it (as everywhere else), so
last year's tests for today's Year 4 say Year 3. Year 7's KS2 results are dated in last May's test week, at
their primaries, in Year 6.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from demo.data.sittings import (
    GPS,
    KS2,
    KS2_SITTINGS,
    LITERACY,
    MATHS,
    READING,
    READING_AGE,
    SCALES,
    SCHOOL_SCALES,
    SCHOOL_SUBJECTS,
    SCIENCE,
    SPELLING,
    SPELLING_AGE,
    STANDARDISED,
    SUBJECT_NAMES,
    TEACHER,
    TEACHER_BANDS,
    TERMLY,
    WRITING,
    Sitting,
)
from demo.data.trust import PRIMARY, SECONDARY
from demo.roll import RollSummary
from demo.school import DemoFrame, demo_rng
from provision.models import School, Term, TermName
from pupils import reference, scales
from pupils.models import Assessment, Pupil, Result, Scale, ScaleBand, ScaleKind, SenStatus, Subject

RESULT_BATCH_SIZE = 5000
ABSENCE_RATE = 0.03
# The most recent test weeks kept: a year and a term of history at most. Last year's three are always over, so
# there are never fewer than three; the cap keeps a 20,000-pupil seed in July to about 400,000 results.
HISTORY_WEEKS = 4

# --- How results are drawn ----------------------------------------------------------------------------

# Shifts of general ability (standard deviations) before each subject is put on the school's scale: mean
# SCHOOL_MEAN (a school a little above the national average), standard deviation 1.
SCHOOL_MEAN = 0.4
SEN_SHIFT = {SenStatus.NONE: 0.0, SenStatus.SUPPORT: -1.8, SenStatus.EHC_PLAN: -2.6}
NEED_SHIFT = {"SLD": -1.2, "PMLD": -1.8, "MLD": -0.5, "SEMH": 0.4, "PD": 0.6, "HI": 0.4, "VI": 0.5}
DYSLEXIA_LITERACY_SHIFT = -0.7  # SPLD: literacy behind general ability
PUPIL_PREMIUM_SHIFT = -0.25
LOOKED_AFTER_SHIFT = -0.3
EAL_GAP = (0.3, 1.1)  # literacy gap at the first assessment, closing over CATCH_UP_MONTHS
EAL_OTHER_SUBJECTS = 0.4  # share of the gap in maths and science
CATCH_UP_MONTHS = 24

# Loadings: literacy on general ability, then each subject on literacy or general ability (variance ~1).
LITERACY_LOADING = 0.8
SUBJECT_LOADINGS = {READING: 0.92, SPELLING: 0.88, WRITING: 0.85, GPS: 0.9, MATHS: 0.75}
SCIENCE_LOADINGS = (0.6, 0.35)  # on general ability and on literacy

IMPROVING, STALLING, SLIPPING, STEADY = "improving", "stalling", "slipping", "steady"
TRAJECTORY_LABELS = {
    STEADY: "steady",
    IMPROVING: "improving",
    STALLING: "stalling or falling",
    SLIPPING: "high attainers slipping",
}
IMPROVING_RATE, IMPROVING_RATE_EAL = 0.14, 0.2
STALLING_RATE, STALLING_RATE_SEN = 0.11, 0.16
SLIPPING_FROM = (1.07, 1.6)  # high attainers who may slip: 116 to 124 on a standardised test
SLIPPING_RATE = 0.12
IMPROVE_PER_TERM = (0.25, 0.45)  # ability gained per term once improving (4-7 standardised points)
FALL_PER_TERM = (0.36, 0.6)  # ability lost per term once stalling (5-9 standardised points)
SLIP = (0.35, 0.6)

STANDARDISED_NOISE = 1.0  # points
KS2_NOISE = 1.2
AGE_SPREAD = 0.09  # SD of an age-equivalent around chronological age, as a share of age
AGE_BEHIND_STRETCH = 2.0
AGE_NOISE = 0.5  # months
STEADY_AGE_RATIO = 1.3  # months of reading age a month for an average steady pupil
BAND_CUTS = (-0.9, 1.2)  # working towards below the first, greater depth from the second
# The median predicted grade sits mid-way through grade 5, so it does not flip between grades from term to
# term (which would widen every lower pupil's gap to the median at once).
GCSE_CENTRE, GCSE_SLOPE = 4.55, 1.6


@dataclass(frozen=True)
class AssessmentWeek:
    """One term's assessment week: Monday to Friday, three to four weeks before the term ends."""

    term: Term
    monday: dt.date
    label: str

    def day(self, weekday: int) -> dt.date:
        return self.monday + dt.timedelta(days=weekday)

    @property
    def friday(self) -> dt.date:
        return self.day(4)


def assessment_week_monday(term_end: dt.date) -> dt.date:
    """The Monday of the week three weeks before the term's last day."""
    day = term_end - dt.timedelta(days=21)
    return day - dt.timedelta(days=day.weekday())


def ks2_monday(year: int) -> dt.date:
    """The Monday of the KS2 test week: the second Monday in May."""
    first = dt.date(year, 5, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7)


def assessment_weeks(terms: list[Term], today: dt.date) -> list[AssessmentWeek]:
    """The last ``HISTORY_WEEKS`` test weeks of these terms that were over by ``today``, oldest first."""
    weeks = []
    for term in sorted(terms, key=lambda t: t.start_date):
        monday = assessment_week_monday(term.end_date)
        week = AssessmentWeek(term=term, monday=monday, label=f"{TermName(term.name).label} {monday.year}")
        if week.friday <= today:
            weeks.append(week)
    return weeks[-HISTORY_WEEKS:]


def _months(earlier: dt.date, later: dt.date) -> float:
    return (later - earlier).days / (365.25 / 12)


# --- Pupils as learners -------------------------------------------------------------------------------


@dataclass
class Learner:
    """One pupil as the demo sees them: ability in each subject at the first test week and at each test week
    (standard-normal units), the trajectory, and age-equivalent paths in months for the age scales they sit."""

    pupil: Pupil
    start: dict[str, float]
    eal_gap: float
    trajectory: str = STEADY
    ability: dict[str, list[float]] = field(default_factory=dict)
    ages: dict[str, list[float]] = field(default_factory=dict)


def _start_abilities(rng: random.Random, pupil: Pupil, subjects: tuple[str, ...]) -> dict[str, float]:
    """General ability (shifted for SEN, need, pupil premium and care), a literacy factor loading on it, and each
    subject loading on one or both."""
    shift = SEN_SHIFT[pupil.sen_status] + NEED_SHIFT.get(pupil.primary_need, 0.0)
    if pupil.pupil_premium:
        shift += PUPIL_PREMIUM_SHIFT
    if pupil.looked_after:
        shift += LOOKED_AFTER_SHIFT
    general = rng.gauss(shift, 1.0)
    literacy = LITERACY_LOADING * general + math.sqrt(1 - LITERACY_LOADING**2) * rng.gauss(0, 1)
    if "SPLD" in (pupil.primary_need, pupil.secondary_need):
        literacy += DYSLEXIA_LITERACY_SHIFT
    start: dict[str, float] = {}
    for subject in subjects:
        if subject == SCIENCE:
            on_general, on_literacy = SCIENCE_LOADINGS
            rest = 1 - on_general**2 - on_literacy**2 - 2 * on_general * on_literacy * LITERACY_LOADING
            start[subject] = on_general * general + on_literacy * literacy + math.sqrt(rest) * rng.gauss(0, 1)
        else:
            loading = SUBJECT_LOADINGS[subject]
            base = general if subject == MATHS else literacy
            start[subject] = loading * base + math.sqrt(1 - loading**2) * rng.gauss(0, 1)
    return start


class _Drawer:
    """Draws a school's learners and their results from one random stream."""

    def __init__(self, *, rng: random.Random, subjects: tuple[str, ...], weeks: list[AssessmentWeek]) -> None:
        self.rng = rng
        self.subjects = subjects
        self.weeks = weeks
        self.first = weeks[0].monday

    def draw(self, pupil: Pupil) -> Learner:
        """Abilities at the start (before ``settle`` puts them on the school's scale) and a first trajectory."""
        rng = self.rng
        start = _start_abilities(rng, pupil, self.subjects)
        learner = Learner(pupil=pupil, start=start, eal_gap=rng.uniform(*EAL_GAP) if pupil.eal else 0.0)
        improving = IMPROVING_RATE_EAL if pupil.eal else IMPROVING_RATE
        stalling = STALLING_RATE_SEN if pupil.sen_status != SenStatus.NONE else STALLING_RATE
        roll = rng.random()
        if roll < improving:
            learner.trajectory = IMPROVING
        elif roll < improving + stalling:
            learner.trajectory = STALLING
        return learner

    def settle(self, learners: list[Learner]) -> None:
        """Put every subject's starting abilities on the school's scale (mean ``SCHOOL_MEAN``, SD 1, keeping
        who is ahead of whom), choose the slipping high attainers and draw each pupil's path."""
        for subject in self.subjects:
            values = [learner.start[subject] for learner in learners]
            if len(values) < 2:
                continue
            mean = sum(values) / len(values)
            sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) or 1.0
            for learner in learners:
                learner.start[subject] = SCHOOL_MEAN + (learner.start[subject] - mean) / sd
        for learner in learners:
            self._path(learner)

    def _path(self, learner: Learner) -> None:
        rng = self.rng
        high = {s for s in self.subjects if SLIPPING_FROM[0] <= learner.start[s] < SLIPPING_FROM[1]}
        if learner.trajectory == STEADY and high and rng.random() < SLIPPING_RATE:
            learner.trajectory = SLIPPING
        trajectory = learner.trajectory
        # The change starts at one of the last two intervals between test weeks (the last, for slipping).
        n = len(self.weeks)
        change_from = n - 1 if trajectory == SLIPPING else rng.randint(max(1, n - 2), n - 1)
        for subject in self.subjects:
            if trajectory == IMPROVING:
                step = rng.uniform(*IMPROVE_PER_TERM) * rng.uniform(0.7, 1.1)
            elif trajectory == STALLING:
                step = -rng.uniform(*FALL_PER_TERM) * rng.uniform(0.75, 1.1)
            elif trajectory == SLIPPING and subject in high:
                step = -rng.uniform(*SLIP)
            else:
                step = 0.0
            gap = learner.eal_gap * (1.0 if subject in LITERACY else EAL_OTHER_SUBJECTS)
            path = []
            for index, week in enumerate(self.weeks):
                closing = max(0.1, 1 - _months(self.first, week.monday) / CATCH_UP_MONTHS)
                path.append(learner.start[subject] - gap * closing + max(0, index - change_from + 1) * step)
            learner.ability[subject] = path

    def age_path(self, learner: Learner, subject: str, dates: list[dt.date]) -> list[float]:
        """Age-equivalents in months at each test week: from an offset of ability x 9% of age (twice that below
        average), growing at a steady pupil's rate, faster once improving (or while an EAL pupil catches up),
        slower once stalling."""
        rng = self.rng
        pupil = learner.pupil
        ability = learner.ability[subject]
        chronological = reference.age_in_months(pupil.date_of_birth, dates[0])
        # The lower tail stretches further: pupils who struggle fall years, not months, behind.
        spread = AGE_SPREAD * (AGE_BEHIND_STRETCH if ability[0] < 0 else 1.0)
        level = chronological * (1 + spread * ability[0])
        steady = STEADY_AGE_RATIO + 0.05 * ability[0]
        path = [level]
        for index in range(1, len(dates)):
            elapsed = _months(dates[index - 1], dates[index])
            rising = ability[index] - ability[index - 1]
            if learner.trajectory == STALLING and rising < 0:
                ratio = rng.uniform(0.0, 0.6)
            elif learner.trajectory == IMPROVING and rising > 0 or pupil.eal and rising > 0:
                ratio = steady + rng.uniform(0.4, 1.2)
            else:
                ratio = steady
            level += max(0.0, ratio) * elapsed
            path.append(level)
        return path


def _clip(value: float, spec: scales.ScaleSpec) -> float:
    if spec.min_value is not None:
        value = max(spec.min_value, value)
    if spec.max_value is not None:
        value = min(spec.max_value, value)
    return value


def _value(drawer: _Drawer, learner: Learner, sitting: Sitting, spec: scales.ScaleSpec, index: int) -> float:
    """The number stored for this pupil in this sitting: a whole number inside the scale, as ``parse`` gives."""
    rng = drawer.rng
    ability = learner.ability[sitting.subject][index]
    if sitting.scale == STANDARDISED:
        raw = 100 + 15 * ability + rng.gauss(0, STANDARDISED_NOISE)
    elif sitting.scale == KS2:
        raw = 104 + 6.5 * ability + rng.gauss(0, KS2_NOISE)
    elif sitting.scale in (READING_AGE, SPELLING_AGE):
        raw = learner.ages[sitting.subject][index] + rng.gauss(0, AGE_NOISE)
    elif sitting.scale == TEACHER:
        raw = 1 if ability < BAND_CUTS[0] else 3 if ability >= BAND_CUTS[1] else 2
    else:  # a predicted GCSE grade, U below 0.5
        raw = GCSE_CENTRE + GCSE_SLOPE * ability
        raw = 0 if raw < 0.5 else raw
    return float(_clip(float(round(raw)), spec))


# --- Creating it ------------------------------------------------------------------------------------


@dataclass
class AssessmentSummary:
    """What ``assessments_create`` made, for the seed's summary and the tests."""

    terms: list[str]
    subjects: int = 0
    scales: int = 0
    assessments: int = 0
    results: int = 0
    absences: int = 0
    trajectories: Counter = field(default_factory=Counter)

    @property
    def pupils(self) -> int:
        return sum(self.trajectories.values())

    def share(self, trajectory: str) -> float:
        return self.trajectories[trajectory] / self.pupils if self.pupils else 0.0

    def describe(self) -> str:
        span = f"{self.terms[0]} to {self.terms[-1]}" if self.terms else "no terms"
        mix = ", ".join(
            f"{100 * self.share(kind):.0f}% {label}" for kind, label in TRAJECTORY_LABELS.items() if self.pupils
        )
        return (
            f"{self.results:,} results in {self.assessments:,} assessments over {len(self.terms)} terms "
            f"({span}), {self.absences:,} absent; pupils {mix}."
        )


def _create_scales(school: School, keys: tuple[str, ...]) -> dict[str, Scale]:
    made = {}
    for key in keys:
        name, fields = SCALES[key]
        scale = Scale(school=school, name=name, **fields)
        scale.full_clean()
        scale.save()
        made[key] = scale
    teacher = made.get(TEACHER)
    if teacher is not None:
        problems = scales.validate_bands([label for label, _ in TEACHER_BANDS], list(range(1, len(TEACHER_BANDS) + 1)))
        assert not problems, problems
        ScaleBand.objects.bulk_create(
            ScaleBand(scale=teacher, rank=rank, label=label, code=code)
            for rank, (label, code) in enumerate(TEACHER_BANDS, start=1)
        )
    return made


# Every assessment of a school as (sitting, the test week whose ability it reflects, its date, the group an absence
# is drawn in).
Plan = list[tuple[Sitting, int, dt.date, int]]


def _school_assessments_create(
    *, key: str, school: School, pupils: list[Pupil], frame: DemoFrame, summary: AssessmentSummary
) -> None:
    terms = list(Term.objects.for_school(school).select_related("academic_year"))
    weeks = assessment_weeks(terms, frame.today)
    summary.terms = [week.label for week in weeks]  # the same dates at both schools
    subjects = {name: Subject(school=school, name=SUBJECT_NAMES[name]) for name in SCHOOL_SUBJECTS[key]}
    Subject.objects.bulk_create(subjects.values())
    made_scales = _create_scales(school, SCHOOL_SCALES[key])
    summary.subjects += len(subjects)
    summary.scales += len(made_scales)
    plan = _plan(key, weeks, frame)
    assessments = [
        _assessment(school, sitting, day, terms, subjects, made_scales, frame.today) for sitting, _, day, _ in plan
    ]
    Assessment.objects.bulk_create(assessments)
    summary.assessments += len(assessments)
    specs = {
        scale_key: scale.spec(bands=list(scale.bands.all()) if scale.kind == ScaleKind.BANDS else [])
        for scale_key, scale in made_scales.items()
    }
    _results_create(key, pupils, frame, weeks, list(zip(plan, assessments, strict=True)), specs, summary)


def _plan(key: str, weeks: list[AssessmentWeek], frame: DemoFrame) -> Plan:
    """The termly sittings in every test week, and the KS2 tests once they are over; a KS2 result reflects the
    ability at the last test week before it and is its own group."""
    plan: Plan = []
    for index, week in enumerate(weeks):
        plan += [(sitting, index, week.day(sitting.weekday), index) for sitting in TERMLY[key]]
    ks2_week = ks2_monday(frame.start_year + (1 if key == PRIMARY else 0))
    if ks2_week + dt.timedelta(days=2) <= frame.today:
        before = max((i for i, week in enumerate(weeks) if week.monday < ks2_week), default=0)
        plan += [(sitting, before, ks2_week + dt.timedelta(days=sitting.weekday), -1) for sitting in KS2_SITTINGS[key]]
    return plan


def _assessment(
    school: School,
    sitting: Sitting,
    day: dt.date,
    terms: list[Term],
    subjects: dict[str, Subject],
    made_scales: dict[str, Scale],
    today: dt.date,
) -> Assessment:
    term = next((term for term in terms if term.contains(day)), None)
    if sitting.scale == KS2 or term is None:
        name = f"{sitting.what[:1].upper()}{sitting.what[1:]} {day.year}"
    else:
        name = f"{TermName(term.name).label} {day.year} {sitting.what}"
    return Assessment(
        school=school,
        name=name,
        subject=subjects[sitting.subject],
        scale=made_scales[sitting.scale],
        taken_on=day,
        term=term,
        # Year groups as they were on the day: today's Year 7 sat last May's KS2 tests in Year 6.
        year_groups=[reference.year_group_on(year, day, today=today) for year in sitting.years],
    )


def _results_create(
    key: str,
    pupils: list[Pupil],
    frame: DemoFrame,
    weeks: list[AssessmentWeek],
    planned: list[tuple[tuple[Sitting, int, dt.date, int], Assessment]],
    specs: dict[str, scales.ScaleSpec],
    summary: AssessmentSummary,
) -> None:
    """Every pupil on roll's results, from the school's own random stream, inserted in batches."""
    drawer = _Drawer(rng=demo_rng(frame.seed, f"assessments:{key}"), subjects=SCHOOL_SUBJECTS[key], weeks=weeks)
    age_sittings = [
        (sitting, [week.day(sitting.weekday) for week in weeks])
        for sitting in TERMLY[key]
        if sitting.scale in (READING_AGE, SPELLING_AGE)
    ]
    # The plan grouped by test week, so that an absence never takes away a pupil's whole week.
    by_group: dict[int, list[tuple[Sitting, int, Assessment]]] = {}
    for (sitting, index, _day, group), assessment in planned:
        by_group.setdefault(group, []).append((sitting, index, assessment))
    learners = [drawer.draw(pupil) for pupil in pupils if pupil.left_on is None]
    drawer.settle(learners)
    batch: list[Result] = []
    for learner in learners:
        summary.trajectories[learner.trajectory] += 1
        for sitting, dates in age_sittings:
            if learner.pupil.year_group in sitting.years:
                learner.ages[sitting.subject] = drawer.age_path(learner, sitting.subject, dates)
        batch += _learner_results(drawer, learner, by_group, specs, summary)
        if len(batch) >= RESULT_BATCH_SIZE:
            Result.objects.bulk_create(batch, batch_size=RESULT_BATCH_SIZE)
            summary.results += len(batch)
            batch = []
    Result.objects.bulk_create(batch, batch_size=RESULT_BATCH_SIZE)
    summary.results += len(batch)


def _learner_results(
    drawer: _Drawer,
    learner: Learner,
    by_group: dict[int, list[tuple[Sitting, int, Assessment]]],
    specs: dict[str, scales.ScaleSpec],
    summary: AssessmentSummary,
) -> list[Result]:
    """One pupil's results in the sittings of their year group, less about 3% absences (never a whole test
    week's)."""
    pupil = learner.pupil
    kept_all: list[Result] = []
    for group, sittings in by_group.items():
        rows = []
        for sitting, index, assessment in sittings:
            if pupil.year_group not in sitting.years:
                continue
            value = _value(drawer, learner, sitting, specs[sitting.scale], index)
            rows.append(
                Result(
                    pupil_id=pupil.pk,
                    assessment_id=assessment.pk,
                    value=value,
                    typed=scales.display(specs[sitting.scale], value),
                )
            )
        kept = [row for row in rows if drawer.rng.random() >= ABSENCE_RATE]
        if rows and not kept and group >= 0:
            kept = rows[:1]
        summary.absences += len(rows) - len(kept)
        kept_all += kept
    return kept_all


@transaction.atomic
def assessments_create(*, frame: DemoFrame, roll: RollSummary) -> AssessmentSummary:
    """Create each demo school's subjects, scales, assessments and results (see the module docstring).

    The same seed and ``frame.today`` (which decides the test weeks) always give the same results; each school
    draws from its own random stream, so the primary's results do not change with the secondary's size. The
    results are bulk inserted in batches of ``RESULT_BATCH_SIZE``: a 20,000-pupil trust takes 15-20 seconds.
    """
    summary = AssessmentSummary(terms=[])
    for key in (PRIMARY, SECONDARY):
        school_roll = roll.schools[key]
        _school_assessments_create(
            key=key, school=school_roll.demo_school.school, pupils=school_roll.pupils, frame=frame, summary=summary
        )
    return summary


def assessments_delete(*, schools: list[School]) -> None:
    """Delete these schools' assessments and results, which ``Assessment``'s protected links to subjects and
    scales would otherwise stop the schools being deleted."""
    Result.objects.filter(assessment__school__in=schools).delete()
    Assessment.objects.filter(school__in=schools).delete()
