"""The demo trust's interventions: staff rates, training, programmes, three terms of interventions with their
placements, session logs and attendance, and SEN support plans with their reviews.

Built on the frame (``demo.school``), the pupils (``demo.pupils``) and the assessment history
(``demo.assessments``). Each school draws from its own random stream (``demo_rng``), so one seed and one
``today`` always give the same provision, and the primary's does not change with the secondary's size.

Which terms: the term in progress on ``today`` (or the last one to start), the two before it, and the next one
(planned groups only). Groups in past terms start in the second or third week of term and end before that term's
test week, so the test week before the start gives the **entry** result and the term's own test week the
**exit** result, both Results of named assessments. Groups in the current term are still running (or planned, if
they have not started). Waves: wave 1 strategies for whole year groups (no placements), wave 2 small groups of
three to six pupils flagged by their results, wave 3 1:1 and pairs for pupils on the SEN register.

What the impact evaluation should find. Designs belong to the school's kinds of group (``Recipe``); each takes a
different programme, so a programme has one design. Named here by recipe, with what today's shared catalogue gives
in brackets (without a catalogue every school uses its own programmes of the recipe's name). The results were
drawn without knowing about interventions; for effective groups the pupils' later results in the group's subject
are raised here, inside the scale, with ``typed`` rewritten as ``scales.display`` shows it:

* **Effective**: reading catch-up (Inference training), phonics catch-up at both schools (the primary's own; Read
  Write Inc. Fresh Start at the secondary), the primary's maths catch-up (Numicon Intervention Programme),
  precision teaching (Precision Teaching; wave 3, reading age) and the secondary's GCSE maths small-group tuition
  (its own). Realistic, not dramatic: each group's true effect is drawn between ``EFFECT_SIZES`` (0.25 to 0.55
  standard deviations of attainment, ``EFFECT_UNITS``: 4 to 8 standardised points, 4 to 8 months of reading age,
  a grade up for about half the pupils), and each pupil's extra gain from a normal distribution around it with a
  standard deviation of ``PUPIL_SPREAD`` of the mean, so some pupils gain nothing. A single group of four to six
  is then often "too little data", "promising" or "inconclusive"; some reach "some" or "strong"; the programme
  pooled over its groups is firmer. The gain lasts: every later result in the subject is raised too.
* **Effective at exit, not sustained**: the primary's Year 5 times-tables booster and the secondary's English
  revision group (both their own): only the exit test week is raised; the next term is back on the old trend.
* **Not effective**: the home-grown spelling boosters and writing booster, the primary's Year 6 arithmetic booster
  and the secondary's form-time maths catch-up. Their pupils' results move only by a true effect near zero
  (``EFFECT_SIZES``), so they gain no more than similar pupils without the intervention, and few meet their
  targets: pooled over its groups, the secondary's maths catch-up shows "no clear impact". The primary runs its spelling booster for the same
  pupils twice, so a few of them are pupils to rethink.
* **Harmful**: the secondary's maths withdrawal group (one group, last term): pupils taken out of maths lessons
  for worksheets with a TA fell further behind than similar pupils ("negative").
* **Too little data**: Toe by Toe (a pupil or a pair a term, one group stopped), the stopped groups (no exit
  data), groups still running or planned, and pupils absent from the exit test.
* **No attainment measure**: ELSA and mentoring, Lego-based therapy, speech and language programmes, Talk Boost,
  NELI, fine motor skills and touch-typing have no assessed subject; the pupils' own ratings mostly rise by one or
  two points, and their outcomes are judged from those ratings.

``InterventionSummary.designs`` gives each wave 2 and 3 intervention's design, for tests and for checking an
evaluation against what was intended.

Also made, so that warnings have something to show: two or three stopped groups with a reason, one or two
groups still "running" after their end date, one wave 3 group with no end date, staff delivering a programme
they were never trained in or whose training has expired. Staff hourly rates are illustrative figures, not pay
advice. Shared catalogue programmes are picked by area (and a few name hints), never by exact name; when the
catalogue has nothing suitable for an area, the school gets its own programme instead.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from demo.assessments import (
    GCSE,
    KS2,
    MATHS,
    READING,
    READING_AGE,
    SCALES,
    SPELLING,
    SPELLING_AGE,
    STANDARDISED,
    SUBJECT_NAMES,
    TEACHER,
    WRITING,
    assessment_week_monday,
)
from demo.data.trust import PRIMARY, SECONDARY
from demo.progress import CheckSummary, checks_create, checks_delete
from demo.pupils import RollSummary
from demo.school import DemoFrame, demo_rng, term_dates
from interventions import costing
from interventions.models import (
    AbsenceReason,
    Area,
    Attendance,
    Delivery,
    EvidenceStrength,
    ExitReason,
    ExternalCosting,
    FundingSource,
    Intervention,
    InterventionStaff,
    Outcome,
    OutcomeRating,
    Placement,
    PlanReview,
    Programme,
    ReviewOutcomeRating,
    ReviewStage,
    Session,
    StaffRate,
    StaffRole,
    Status,
    SupportPlan,
    Training,
    Wave,
)
from interventions.plans.services import split_outcomes
from provision.calendar import school_calendar
from provision.models import Membership, Role, School, Term, TermName
from pupils import reference, scales
from pupils.models import Assessment, Pupil, Result, Scale, SenStatus, Subject, TeachingGroup

BATCH_SIZE = 2000
UPDATE_BATCH_SIZE = 500
FAR_FUTURE = dt.date(9999, 12, 31)

EFFECTIVE = "effective"
FADES = "fades"  # effective at exit, gone by the next assessment
INEFFECTIVE = "ineffective"
HARMFUL = "harmful"  # the pupils fall behind similar pupils: taken out of the lessons they needed
TOO_SMALL = "too_small"
UNMEASURED = "unmeasured"  # no assessed subject: judged by the pupils' own ratings

STOP, OVERDUE, OPEN = "stop", "overdue", "open"
# The secondary's groups per term are capped so that a 20,000-pupil trust stays proportionate.
SECONDARY_GROUPS_CAP = 100
ENTRY_WINDOW_DAYS = 200  # an entry result older than this is no baseline
EXIT_WINDOW_DAYS = 70  # nor is an exit result this long after the pupil left the group

# Designed effects, as a true effect size in standard deviations of attainment (the scale of the EEF Toolkit and of
# reports.impact.evaluation) drawn in each group from the design's range: a programme's groups differ (staff, timetable,
# pupils). Each pupil's extra gain is drawn around the group's effect with a spread of PUPIL_SPREAD times it (at
# least 0.2), so some pupils gain little or nothing and a few lose ground. Not effective is near zero either way,
# harmful clearly below it.
EFFECT_SIZES = {EFFECTIVE: (0.25, 0.55), FADES: (0.2, 0.45), INEFFECTIVE: (0.0, 0.0), HARMFUL: (-0.55, -0.4)}
PUPIL_SPREAD = 0.5
# One unit of effect on each scale: about the SD of attainment across a year group in the demo's results
# (standardised points, KS2 points, months of reading or spelling age).
EFFECT_UNITS = {STANDARDISED: 15.0, KS2: 6.5, READING_AGE: 15.0, SPELLING_AGE: 15.0}
# Teacher bands and predicted grades move in whole steps: one unit of effect (one SD: about half a band, 1.7
# grades) is this chance of a step, capped at 95%.
STEP_CHANCE = {TEACHER: 0.55, GCSE: 1.7}

# Illustrative hourly costs with on-costs (what a school might use for costing, not pay advice).
STAFF_RATES = {
    PRIMARY: {
        StaffRole.TEACHER: Decimal("36.50"),
        StaffRole.TA: Decimal("15.20"),
        StaffRole.HLTA: Decimal("18.40"),
        StaffRole.EXTERNAL: Decimal("45.00"),
    },
    SECONDARY: {
        StaffRole.TEACHER: Decimal("38.00"),
        StaffRole.TA: Decimal("15.80"),
        StaffRole.HLTA: Decimal("19.10"),
        StaffRole.EXTERNAL: Decimal("50.00"),
    },
}


# --- What the schools run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    """A kind of group a school runs. ``title`` names the school's own programme when the shared catalogue has
    nothing for the area (or always, with ``own``); ``hints`` prefer catalogue programmes whose name contains
    one of them. ``subject`` and ``scale`` are keys of ``demo.assessments``; empty for groups with no
    assessed outcome. ``years`` are the year groups it is for, as they were at the time."""

    key: str
    title: str
    area: str
    wave: int
    effect: str
    years: tuple[int, ...]
    size: tuple[int, int]
    days_per_week: int
    minutes: int
    weeks: tuple[int, int]
    role: str = StaffRole.TA
    subject: str = ""
    scale: str = ""
    hints: tuple[str, ...] = ()
    own: bool = False
    needs: tuple[str, ...] = ()
    need_area: str = ""
    delivery: str = Delivery.SMALL_GROUP
    external: str = ""
    resources: tuple[int, int] = (0, 0)
    external_per_session: int = 0
    funding: str = FundingSource.PUPIL_PREMIUM
    criteria: str = ""
    summary: str = ""

    @property
    def measured(self) -> bool:
        return bool(self.scale)


def _recipes(*recipes: Recipe) -> dict[str, Recipe]:
    return {recipe.key: recipe for recipe in recipes}


PRIMARY_RECIPES = _recipes(
    Recipe(
        "reading_catch_up", "Reading catch-up", Area.READING, Wave.CATCH_UP, EFFECTIVE, (2, 3, 4, 5), (4, 6), 3, 30,
        (7, 10), subject=READING, scale=READING_AGE, hints=("reciprocal", "inference"),
        need_area="CL", resources=(60, 160),
        criteria="Reading age six months or more below chronological age at the last test, or slow progress.",
        summary="Daily-style reading lessons in a small group: rereading, a new book, word work and writing.",
    ),
    Recipe(
        "phonics_catch_up", "Phonics catch-up", Area.PHONICS, Wave.CATCH_UP, EFFECTIVE, (1, 2), (4, 6), 4, 20,
        (6, 9), subject=READING, scale=STANDARDISED, hints=("phonic", "sound"), need_area="CL", resources=(20, 80),
        criteria="Below the expected standard in reading; gaps in phase 3 and 4 phonics.",
        summary="Short, pacy sessions revisiting the sounds the class has been taught.",
    ),
    Recipe(
        "maths_catch_up", "Maths catch-up", Area.MATHS, Wave.CATCH_UP, EFFECTIVE, (3, 4, 5), (3, 5), 3, 30, (7, 10),
        subject=MATHS, scale=STANDARDISED, hints=("success@", "1stclass", "numicon"), need_area="CL",
        resources=(30, 90), criteria="Maths standardised score below 92 at the last test.",
        summary="Structured number work on the components the pupil finds difficult.",
    ),
    Recipe(
        "times_tables_booster", "Times-tables booster", Area.MATHS, Wave.CATCH_UP, FADES, (4, 5), (4, 6), 3, 20,
        (6, 8), subject=MATHS, scale=STANDARDISED, own=True, resources=(0, 30),
        criteria="Not secure in multiplication facts; maths score below 95.",
        summary="Rapid recall practice of multiplication facts with games and timed grids.",
    ),
    Recipe(
        "arithmetic_booster", "Year 6 arithmetic booster", Area.MATHS, Wave.CATCH_UP, INEFFECTIVE, (6,), (5, 6), 2,
        40, (8, 10), role=StaffRole.TEACHER, subject=MATHS, scale=STANDARDISED, own=True,
        criteria="Year 6 pupils below the expected standard in maths.",
        summary="Past-paper arithmetic practice before the KS2 tests.",
    ),
    Recipe(
        "spelling_booster", "Spelling booster", Area.SPELLING, Wave.CATCH_UP, INEFFECTIVE, (3, 4, 5, 6), (4, 6), 2,
        20, (6, 8), subject=SPELLING, scale=SPELLING_AGE, own=True, resources=(0, 20),
        criteria="Spelling age a year or more below chronological age.",
        summary="Weekly spelling lists practised with look, say, cover, write, check.",
    ),
    Recipe(
        "writing_booster", "Writing booster", Area.WRITING, Wave.CATCH_UP, INEFFECTIVE, (3, 4, 5), (4, 6), 2, 30,
        (6, 8), subject=WRITING, scale=TEACHER, own=True,
        criteria="Working towards the expected standard in writing.",
        summary="Extra guided writing with sentence frames and word banks.",
    ),
    Recipe(
        "talk_boost", "Talk and listen group", Area.LANGUAGE, Wave.CATCH_UP, UNMEASURED, (1, 2), (4, 6), 3, 30,
        (8, 10), hints=("talk boost", "talk"), need_area="CI", resources=(0, 60),
        criteria="Language delay seen in class; often pupils learning English.",
        summary="Structured language group: listening, vocabulary, building sentences and telling stories.",
    ),
    Recipe(
        "neli", "Early language group", Area.LANGUAGE, Wave.CATCH_UP, UNMEASURED, (0,), (3, 5), 3, 20, (10, 12),
        hints=("neli", "nuffield", "early language"), need_area="CI", resources=(0, 40),
        criteria="Reception children with the weakest oral language on the school's screen.",
        summary="Small-group oral language sessions in Reception: vocabulary, listening and narrative.",
    ),
    Recipe(
        "precision_teaching", "Precision teaching", Area.READING, Wave.PERSONALISED, EFFECTIVE, (2, 3, 4, 5, 6), (1, 1),
        5, 10, (8, 11), subject=READING, scale=READING_AGE, hints=("precision",), delivery=Delivery.ONE_TO_ONE,
        needs=("SPLD", "MLD", "SLCN", "NSA", "OTH"), need_area="CL", funding=FundingSource.SEN_NOTIONAL,
        criteria="SEN support for reading; word reading well below age.",
        summary="Daily one-minute timed probes on a small set of words, charted to show progress.",
    ),
    Recipe(
        "toe_by_toe", "Toe by Toe", Area.READING, Wave.PERSONALISED, TOO_SMALL, (3, 4, 5, 6), (1, 2), 5, 20, (8, 11),
        subject=READING, scale=READING_AGE, hints=("toe by toe",), delivery=Delivery.ONE_TO_ONE,
        needs=("SPLD", "MLD"), need_area="CL", funding=FundingSource.SEN_NOTIONAL, resources=(25, 50),
        criteria="Dyslexic profile; decoding is the barrier.",
        summary="A structured, daily phonics reading manual worked through with an adult.",
    ),
    Recipe(
        "elsa", "ELSA", Area.SEMH, Wave.PERSONALISED, UNMEASURED, (1, 2, 3, 4, 5, 6), (1, 1), 1, 45, (6, 8),
        hints=("elsa", "emotional literacy"), delivery=Delivery.ONE_TO_ONE, needs=("SEMH", "ASD"), need_area="SEMH",
        funding=FundingSource.SEN_NOTIONAL,
        criteria="Anxiety, anger or friendship difficulties affecting learning.",
        summary="Emotional literacy support sessions with a trained ELSA.",
    ),
    Recipe(
        "salt", "Speech and language programme", Area.LANGUAGE, Wave.PERSONALISED, UNMEASURED, (0, 1, 2, 3, 4),
        (1, 2), 2, 20, (10, 12), hints=("speech", "language programme", "salt"), delivery=Delivery.ONE_TO_ONE,
        needs=("SLCN", "ASD", "HI"), need_area="CI", external="Speech and language therapist (NHS)",
        external_per_session=12, funding=FundingSource.SEN_NOTIONAL,
        criteria="Speech and language therapy programme in place.",
        summary="The therapist's programme delivered by a TA, with the therapist reviewing each half-term.",
    ),
    Recipe(
        "lego", "Lego-based therapy", Area.SOCIAL, Wave.PERSONALISED, UNMEASURED, (2, 3, 4, 5, 6), (3, 3), 1, 45,
        (8, 10), hints=("lego",), needs=("ASD", "SLCN", "SEMH"), need_area="CI", funding=FundingSource.SEN_NOTIONAL,
        resources=(80, 150), criteria="Social communication difficulties; finds group work hard.",
        summary="Three pupils build together as engineer, supplier and builder, practising turn-taking and talk.",
    ),
    Recipe(
        "fine_motor", "Fine motor skills group", Area.MOTOR, Wave.PERSONALISED, UNMEASURED, (1, 2, 3), (2, 3), 3, 15,
        (6, 8), hints=("motor", "handwriting", "clever hands"), needs=("PD", "OTH", "ASD", "VI"), need_area="SP",
        funding=FundingSource.SEN_NOTIONAL, resources=(20, 60),
        criteria="Difficulties with pencil grip, scissors and fastenings.",
        summary="Warm-ups, threading, scissor work and letter formation.",
    ),
)  # fmt: skip

SECONDARY_RECIPES = _recipes(
    Recipe(
        "reading_catch_up", "Reading catch-up", Area.READING, Wave.CATCH_UP, EFFECTIVE, (7, 8, 9), (4, 6), 3, 30,
        (7, 10), subject=READING, scale=READING_AGE, hints=("reciprocal", "inference"),
        need_area="CL", resources=(60, 150),
        criteria="Reading age more than a year below chronological age, or slow progress.",
        summary="Guided reading of age-appropriate texts with explicit comprehension strategies.",
    ),
    Recipe(
        "phonics_ks3", "Phonics for older readers", Area.PHONICS, Wave.CATCH_UP, EFFECTIVE, (7, 8), (4, 6), 4, 30,
        (6, 9), subject=READING, scale=STANDARDISED, hints=("fresh start", "phonic"), need_area="CL",
        resources=(40, 120), criteria="Reading score below 85; decoding gaps on the phonics screen.",
        summary="Systematic phonics with age-appropriate texts for pupils who cannot yet decode fluently.",
    ),
    Recipe(
        "maths_catch_up", "Form-time maths catch-up", Area.MATHS, Wave.CATCH_UP, INEFFECTIVE, (7, 8, 9), (4, 6), 2,
        25, (6, 9), subject=MATHS, scale=STANDARDISED, own=True,
        criteria="Maths standardised score below 92 at the last test.",
        summary="Worksheets on number skills in form time.",
    ),
    Recipe(
        "maths_withdrawal", "Maths withdrawal group", Area.MATHS, Wave.CATCH_UP, HARMFUL, (7, 8), (8, 8), 3, 50,
        (8, 10), subject=MATHS, scale=STANDARDISED, own=True,
        criteria="Bottom maths set pupils who find whole-class lessons hard to follow.",
        summary="Taken out of three maths lessons a week to work through number worksheets with a TA.",
    ),
    Recipe(
        "spelling_booster", "Spelling booster", Area.SPELLING, Wave.CATCH_UP, INEFFECTIVE, (7, 8, 9), (4, 6), 2, 25,
        (6, 8), subject=SPELLING, scale=SPELLING_AGE, own=True,
        criteria="Spelling age more than a year below chronological age.",
        summary="Weekly subject spelling lists with tests.",
    ),
    Recipe(
        "gcse_maths", "GCSE maths small-group tuition", Area.MATHS, Wave.CATCH_UP, EFFECTIVE, (10, 11), (3, 4), 1,
        60, (10, 12), role=StaffRole.TEACHER, subject=MATHS, scale=GCSE, hints=("tuition", "tutoring"),
        funding=FundingSource.TUTORING, external="External maths tutor (tuition partner)", external_per_session=35,
        criteria="Predicted grade 3 or 4 in maths.",
        summary="Weekly hour of tuition on the topics the mock showed were weakest.",
    ),
    Recipe(
        "gcse_english", "English revision group", Area.WRITING, Wave.CATCH_UP, FADES, (10, 11), (4, 6), 2, 45,
        (6, 8), role=StaffRole.TEACHER, subject=WRITING, scale=GCSE, own=True,
        criteria="Predicted grade 3 or 4 in English.",
        summary="Exam technique for the language papers: timed answers, model responses.",
    ),
    Recipe(
        "precision_teaching", "Precision teaching", Area.READING, Wave.PERSONALISED, EFFECTIVE, (7, 8, 9), (1, 1), 5,
        10, (8, 11), role=StaffRole.HLTA, subject=READING, scale=READING_AGE, hints=("precision",),
        delivery=Delivery.ONE_TO_ONE, needs=("SPLD", "MLD", "SLCN", "NSA", "OTH"), need_area="CL",
        funding=FundingSource.SEN_NOTIONAL, criteria="SEN support for literacy; word reading well below age.",
        summary="Daily one-minute timed probes on a small set of words, charted to show progress.",
    ),
    Recipe(
        "toe_by_toe", "Toe by Toe", Area.READING, Wave.PERSONALISED, TOO_SMALL, (7, 8, 9), (1, 2), 5, 20, (8, 11),
        subject=READING, scale=READING_AGE, hints=("toe by toe",), delivery=Delivery.ONE_TO_ONE,
        needs=("SPLD", "MLD"), need_area="CL", funding=FundingSource.SEN_NOTIONAL, resources=(25, 50),
        criteria="Dyslexic profile; decoding is the barrier.",
        summary="A structured, daily phonics reading manual worked through with an adult.",
    ),
    Recipe(
        "mentoring", "Mentoring", Area.SEMH, Wave.PERSONALISED, UNMEASURED, (7, 8, 9, 10, 11), (1, 1), 1, 50, (6, 10),
        own=True, delivery=Delivery.ONE_TO_ONE, needs=("SEMH", "ASD"),
        need_area="SEMH", funding=FundingSource.SEN_NOTIONAL,
        criteria="Anxiety, anger or attendance worries affecting learning.",
        summary="Weekly one-to-one sessions with a mentor: goals, feelings, strategies.",
    ),
    Recipe(
        "lego", "Social skills group", Area.SOCIAL, Wave.PERSONALISED, UNMEASURED, (7, 8), (3, 4), 1, 50, (8, 10),
        hints=("lego", "social"), needs=("ASD", "SLCN"), need_area="CI", funding=FundingSource.SEN_NOTIONAL,
        resources=(40, 120), criteria="Autism or social communication needs; isolated at unstructured times.",
        summary="A small group practising conversation, teamwork and problem-solving.",
    ),
    Recipe(
        "salt", "Speech and language programme", Area.LANGUAGE, Wave.PERSONALISED, UNMEASURED, (7, 8, 9), (1, 2), 2,
        25, (10, 12), hints=("speech", "language programme", "salt"), delivery=Delivery.ONE_TO_ONE,
        needs=("SLCN", "ASD", "HI"), need_area="CI", external="Speech and language therapist (NHS)",
        external_per_session=12, funding=FundingSource.SEN_NOTIONAL,
        criteria="Speech and language therapy programme in place.",
        summary="The therapist's programme delivered by a learning support assistant.",
    ),
    Recipe(
        "touch_typing", "Touch-typing", Area.MOTOR, Wave.PERSONALISED, UNMEASURED, (7, 8, 9), (2, 4), 2, 30, (8, 10),
        hints=("typing", "motor"), needs=("PD", "SPLD", "VI", "OTH"), need_area="SP",
        funding=FundingSource.SEN_NOTIONAL, resources=(0, 40),
        criteria="Handwriting is slow or painful; laptop as normal way of working.",
        summary="Learning to touch-type with an online course, practised in lessons.",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Run:
    """Groups of one recipe in one term. ``slot``: 0 and 1 are the two terms before the current one, 2 the
    current term, 3 the next. ``groups`` is a count at the primary and a number per 1,000 pupils at the
    secondary. ``special`` makes the group stopped (with ``reason``), overdue or open-ended."""

    slot: int
    recipe: str
    years: tuple[int, ...] = ()
    groups: float = 1
    special: str = ""
    reason: str = ""


PRIMARY_RUNS = (
    Run(0, "reading_catch_up", years=(3,)),
    Run(0, "phonics_catch_up", years=(1, 2)),
    Run(0, "maths_catch_up", years=(4,)),
    Run(0, "times_tables_booster", years=(5,)),
    Run(0, "spelling_booster", years=(4, 5)),
    Run(0, "neli", years=(0,)),
    Run(0, "precision_teaching", groups=2),
    Run(0, "elsa"),
    Run(0, "salt", special=OVERDUE),
    Run(1, "reading_catch_up", years=(2,)),
    Run(1, "reading_catch_up", years=(4,)),
    Run(1, "maths_catch_up", years=(3,)),
    Run(1, "spelling_booster", years=(3,)),
    Run(1, "spelling_booster", years=(4, 5)),  # the same pupils again: a few become pupils to rethink
    Run(
        1, "writing_booster", years=(4, 5), special=STOP,
        reason="Timetabled against PE: pupils missed too many sessions. Writing support moved into English lessons.",
    ),
    Run(1, "talk_boost", years=(1,)),
    Run(1, "precision_teaching"),
    Run(1, "toe_by_toe"),
    Run(
        1, "lego", special=STOP,
        reason="The only TA trained in Lego-based therapy left at half-term; to restart once another is trained.",
    ),
    Run(1, "elsa", special=OVERDUE),
    Run(1, "fine_motor"),
    Run(2, "reading_catch_up", years=(3,)),
    Run(2, "phonics_catch_up", years=(2,)),
    Run(2, "maths_catch_up", years=(5,)),
    Run(2, "arithmetic_booster", years=(6,)),
    Run(2, "spelling_booster", years=(5, 6)),
    Run(2, "neli", years=(0,)),
    Run(2, "talk_boost", years=(1,)),
    Run(2, "precision_teaching", groups=2),
    Run(
        2, "toe_by_toe", special=STOP,
        reason="The daily sessions were too much for the pupil; moved to precision teaching three times a week.",
    ),
    Run(2, "elsa", special=OPEN),
    Run(2, "salt"),
    Run(2, "lego"),
    Run(3, "maths_catch_up", years=(4,)),
    Run(3, "fine_motor"),
)  # fmt: skip

# Groups per term for every 1,000 pupils at the secondary.
SECONDARY_PER_THOUSAND = {
    "reading_catch_up": 4,
    "phonics_ks3": 1,
    "maths_catch_up": 4,
    "spelling_booster": 3,
    "gcse_maths": 3,
    "gcse_english": 2,
    "precision_teaching": 4,
    "toe_by_toe": 0.7,
    "mentoring": 4,
    "lego": 1.5,
    "salt": 1,
    "touch_typing": 1,
}
SECONDARY_SPECIALS = (
    Run(
        0, "maths_catch_up", special=STOP,
        reason="A timetable change moved form time to the afternoon; the group could not meet. Stopped after "
        "three weeks.",
    ),
    Run(
        1, "spelling_booster", special=STOP,
        reason="Pupils and parents said it was a punishment; attendance fell below half. Stopped to rethink.",
    ),
    Run(1, "maths_withdrawal"),
    Run(1, "mentoring", special=OVERDUE),
    Run(2, "mentoring", special=OPEN),
    Run(3, "reading_catch_up", groups=2),
    Run(3, "gcse_maths"),
)  # fmt: skip


def secondary_runs(pupils: int, rng: random.Random) -> list[Run]:
    """The secondary's groups, in proportion to its size and capped at ``SECONDARY_GROUPS_CAP`` a term.
    Fractions are rounded up or down at random, so a small school still runs some of the rarer groups."""
    total = sum(SECONDARY_PER_THOUSAND.values()) * pupils / 1000
    factor = pupils / 1000 * min(1.0, SECONDARY_GROUPS_CAP / total) if total else 0.0
    runs = []
    for slot in (0, 1, 2):
        for key, per_thousand in SECONDARY_PER_THOUSAND.items():
            wanted = per_thousand * factor
            count = int(wanted) + (1 if rng.random() < wanted - int(wanted) else 0)
            if count:
                runs.append(Run(slot, key, groups=count))
    return runs + list(SECONDARY_SPECIALS)


# Wave 1: strategies in everyday teaching, for a whole year group.
WAVE_1 = {
    PRIMARY: {
        0: [("Visual timetables and now-and-next boards", Area.LANGUAGE, "CI"),
            ("Story time with a vocabulary focus every day", Area.LANGUAGE, "")],
        1: [("Same-day phonics keep-up", Area.PHONICS, "CL")],
        2: [("Pre-teaching vocabulary before topic lessons", Area.LANGUAGE, "CI")],
        3: [("Dyslexia-friendly classroom", Area.READING, "CL")],
        4: [("Concrete maths resources in every lesson", Area.MATHS, "CL"),
            ("Movement breaks and fidget tools", Area.SEMH, "SEMH")],
        5: [("Writing frames and word banks", Area.WRITING, "CL")],
        6: [("Pre-teaching vocabulary", Area.LANGUAGE, "CI")],
    },
    SECONDARY: {
        7: [("Chunked instructions and visual prompts", Area.LANGUAGE, "CI"),
            ("Dyslexia-friendly resources in every subject", Area.READING, "CL")],
        8: [("Pre-teaching key vocabulary in science", Area.LANGUAGE, "CI")],
        9: [("Seating plans for pupils with hearing and visual needs", Area.OTHER, "SP")],
        10: [("Reading-age-appropriate texts in humanities", Area.READING, "CL")],
        11: [("Exam access arrangements practised in mocks", Area.OTHER, "CL"),
             ("Quiet room for pupils who need a break", Area.SEMH, "SEMH")],
    },
}  # fmt: skip
WAVE_1_LAST_YEAR = {
    PRIMARY: [("Coloured overlays trial", Area.READING, "CL", (3, 4))],
    SECONDARY: [("Reading ruler and overlay trial", Area.READING, "CL", (7,))],
}

# --- Words ------------------------------------------------------------------------------------------------

FOCUS = {
    Area.READING: [
        "Reread yesterday's book, then a new book at the next level", "Reading for meaning: who, what, where",
        "Sight words on flashcards, then in a sentence", "Predicting from the cover and title",
        "Cut-up sentence rebuilt and reread", "Fluency: paired reading of a short passage",
        "Summarising a paragraph in one sentence", "Questioning the text: why did the character do that?",
    ],
    Area.PHONICS: [
        "Digraphs sh, ch, th", "Split digraphs a-e and i-e", "Blending words with adjacent consonants",
        "Tricky words: said, have, like, come", "Alternative spellings of the 'ay' sound", "Reading nonsense words",
    ],
    Area.MATHS: [
        "Number bonds with a ten frame", "Place value: partitioning", "Counting on and back in tens",
        "Column addition with an exchange", "Times tables: 3s and 4s", "Fractions of shapes and amounts",
        "Word problems: which operation?", "Negative numbers on a number line", "Percentages of amounts",
        "Solving one-step equations",
    ],
    Area.SPELLING: [
        "Words ending -tion", "Doubling the consonant before -ing", "Homophones: there, their, they're",
        "This week's list: look, say, cover, write, check", "Prefixes un- and dis-", "Silent letters: kn, wr",
    ],
    Area.WRITING: [
        "Sentence openers and full stops", "Extending sentences with because and so",
        "Planning with a story map", "Editing for capital letters", "Expanded noun phrases",
        "Timed answer to a language question",
    ],
    Area.LANGUAGE: [
        "Vocabulary: words about the weather", "Following two-part instructions", "Telling a story from pictures",
        "Barrier game with shapes", "Asking and answering why questions", "Describing objects from a feely bag",
    ],
    Area.SOCIAL: [
        "Turn-taking in a building task", "Roles: engineer, supplier, builder", "Agreeing a plan together",
        "Sorting out a disagreement over pieces", "How did we work together today?",
    ],
    Area.SEMH: [
        "Naming feelings with emotion cards", "Calming strategies: breathing and the calm box",
        "What makes a good friend", "Anger: what happens in my body", "Things I am good at",
        "The worry jar", "Problem-solving a playground situation", "Goals for next week",
    ],
    Area.MOTOR: [
        "Threading and pegboard warm-up", "Cutting along curves", "Pencil grip and letter formation",
        "Buttons and zips", "Touch-typing: home keys", "Touch-typing: top row",
    ],
}  # fmt: skip
STEPS = {
    "literacy": (
        "Reread the words from last session", "Adult models the new sound or word, thinking aloud",
        "Pupils try it with the adult's prompts", "Read it in a short text", "Independent reading, adult listens",
        "Pupils say what they learnt and rate their confidence",
    ),
    "maths": (
        "Quick recall of last session's facts", "Adult models the method with equipment",
        "Pupils try two examples with support", "Use it in a word problem", "Three on their own, then checked",
        "Pupils explain the method back",
    ),
    "other": (
        "Recap of last week's strategy", "Adult models it with a scenario", "Pupils try it in role play",
        "Plan when to use it this week", "Practise it in a game", "Rate how it went on the scale",
    ),
}  # fmt: skip
SESSION_NOTES = [
    "", "", "", "", "", "", "Good focus from everyone.", "Session cut short by a fire drill.",
    "Two pupils tired after PE.", "Used the new word cards.", "Moved to the library: room in use.",
]  # fmt: skip

PUPIL_TARGETS = {
    (Area.READING, PRIMARY): [
        "I want to read chapter books on my own", "I want to read my book to my little brother",
        "I want to read the words on the board without help", "I want to get to the next book band",
    ],
    (Area.READING, SECONDARY): [
        "I want to read the questions in science without asking", "I want to read a whole book this year",
        "I want to read out loud in class without getting stuck",
    ],
    (Area.PHONICS, PRIMARY): ["I want to sound out long words", "I want to know all my sounds"],
    (Area.PHONICS, SECONDARY): ["I want to read new words without guessing", "I want to read menus and signs"],
    (Area.MATHS, PRIMARY): [
        "I want to know my times tables up to 5", "I want to do take-aways without my fingers",
        "I want to be quicker at my number facts",
    ],
    (Area.MATHS, SECONDARY): [
        "I want to get a 4 in maths", "I want to do fractions without panicking", "I want to do my homework on my own",
    ],
    (Area.SPELLING, PRIMARY): [
        "I want to spell words in my writing without asking", "I want to get 8 out of 10 in my spelling test",
    ],
    (Area.SPELLING, SECONDARY): ["I want my spelling to stop losing me marks", "I want to spell science words right"],
    (Area.WRITING, PRIMARY): ["I want to write a whole page for my story", "I want to remember my full stops"],
    (Area.WRITING, SECONDARY): ["I want to finish the essay question in time", "I want to get a 5 in English"],
    (Area.LANGUAGE, PRIMARY): [
        "I want to tell my friends about my weekend", "I want to understand what my teacher says",
        "I want to say what I think in class",
    ],
    (Area.LANGUAGE, SECONDARY): ["I want to explain my answers in class", "I want to understand instructions first time"],
    (Area.SOCIAL, PRIMARY): [
        "I want to play football with the others at break", "I want to work in a group without arguing",
    ],
    (Area.SOCIAL, SECONDARY): ["I want to eat lunch with people", "I want to work with a partner in lessons"],
    (Area.SEMH, PRIMARY): [
        "I want to feel calm at lunchtime", "I want to know what to do when I get angry",
        "I want to feel happy coming to school",
    ],
    (Area.SEMH, SECONDARY): [
        "I want to stop getting sent out of lessons", "I want to talk to someone when I'm stressed",
        "I want to come to school every day",
    ],
    (Area.MOTOR, PRIMARY): ["I want to do my buttons up myself", "I want my writing to be neat so people can read it"],
    (Area.MOTOR, SECONDARY): ["I want to type my work", "I want my hand to stop hurting when I write"],
}  # fmt: skip
UNMEASURED_TARGETS = {
    Area.LANGUAGE: [
        "To follow two-part instructions in class without a visual prompt", "To use five new topic words in talk",
        "To retell a short story in the right order",
    ],
    Area.SOCIAL: [
        "To take turns and share in a group game for ten minutes", "To join a structured game at lunchtime twice a week",
    ],
    Area.SEMH: [
        "To use a calming strategy independently when upset, four times out of five",
        "To name three feelings and say what helps with each", "To attend every lesson with no removals for four weeks",
    ],
    Area.MOTOR: [
        "To fasten buttons and zips independently", "To form all lower-case letters correctly",
        "To type at 20 words a minute",
    ],
}  # fmt: skip

NEED_TEXT = {
    "SLCN": "Understanding of spoken language below age: needs instructions broken down and visual support; "
    "limited vocabulary for topic work.",
    "ASD": "Autism: finds changes of routine and unstructured times hard; takes language literally; sensitive to "
    "noise.",
    "SPLD": "Dyslexic profile: slow, inaccurate word reading and spelling despite good understanding; weak "
    "phonological memory.",
    "MLD": "Learning across the curriculum well below age; needs new ideas in small steps with concrete "
    "resources and plenty of repetition.",
    "SLD": "Severe learning difficulty: working well below age in all areas; needs a personalised curriculum and "
    "adult support through the day.",
    "PMLD": "Profound and multiple learning difficulties: communicates through gesture and objects of reference; "
    "needs full support with personal care.",
    "SEMH": "Anxiety and low mood affect attendance and learning; struggles to manage anger at unstructured times.",
    "HI": "Moderate hearing loss (wears hearing aids): misses spoken information in noisy rooms; needs a radio aid "
    "and to sit near the teacher.",
    "VI": "Visual impairment: needs enlarged print and good lighting; tires quickly with close work.",
    "MSI": "Combined hearing and visual impairment: follows the specialist teacher's advice; tactile resources.",
    "PD": "Physical disability: limited fine motor control and stamina; needs a writing slope, adapted equipment "
    "and help moving around school.",
    "OTH": "Medical needs affect attendance and concentration; needs rest breaks and follows a health care plan.",
    "NSA": "Difficulties with learning and attention not yet assessed by a specialist; referred to the "
    "educational psychologist.",
}
OUTCOMES = {
    "CI": "Will follow classroom instructions with a visual prompt and join in paired talk in lessons.",
    "CL": "Will close the gap in reading and spelling, reading age rising faster than the calendar.",
    "SEMH": "Will recognise when they are becoming upset and use an agreed strategy, with fewer incidents.",
    "SP": "Will take part fully in lessons with the right equipment and record work independently.",
    "OTHER": "Will attend regularly and manage their health needs in school with the agreed support.",
}
STRATEGIES = {
    "CI": "Visual timetable; instructions one step at a time; key vocabulary pre-taught; time to answer.",
    "CL": "Dyslexia-friendly slides; word banks; alternative ways to record; reading age checked before texts.",
    "SEMH": "Calm space and a time-out card; meet-and-greet at the door; warning before changes.",
    "SP": "Seated near the front; enlarged or adapted resources; laptop for longer writing.",
    "OTHER": "Rest breaks; health care plan followed; catch-up work sent home after absence.",
}
PUPIL_VIEWS = {
    PRIMARY: [
        "I like working with Miss in the small room. Reading is getting easier but long words are still hard.",
        "I don't like it when it's noisy. My timetable on my desk helps me know what's next.",
        "I get worried at playtime. Talking about it helps.", "I am good at drawing and Lego. Writing makes my hand hurt.",
        "I like the games in my group. I want to be able to read like my friends.",
    ],
    SECONDARY: [
        "Teachers talk too fast sometimes. Having the slides printed helps.",
        "I don't want to be taken out of lessons I like. Mentoring is OK though.",
        "I'm fine in small groups but big classes stress me out.", "I want to do well in my GCSEs and go to college.",
        "Reading out loud is the worst. Please don't make me.",
    ],
}  # fmt: skip
PARENT_VIEWS = [
    "We have seen more confidence at home; reading at bedtime is less of a battle.",
    "We are worried about the move to the next school and would like a transition plan.",
    "Tired after school; homework often ends in tears.",
    "Please let us know what we can practise at home.",
    "Happy with the support. Would like more notice of changes to staff.",
    "",
]
REVIEW_TEXT = {
    ReviewStage.ASSESS: (
        "Views gathered from the class teacher, parents and the pupil; assessment results and observations reviewed.",
        "",
        "Agree outcomes and provision at a planning meeting.",
    ),
    ReviewStage.PLAN: (
        "Outcomes and provision agreed with parents; adults responsible and the review date named.",
        "",
        "Start the provision; class teacher to use the agreed strategies.",
    ),
    ReviewStage.DO: (
        "Provision in place and sessions logged; class teacher adapting lessons as agreed.",
        "Early signs of progress; the pupil says the sessions help.",
        "Continue; check attendance at sessions.",
    ),
    ReviewStage.REVIEW: (
        "Progress reviewed against the outcomes with parents and the pupil.",
        "",
        "",
    ),
}
REVIEW_PROGRESS = [
    "Good progress towards two of the three outcomes.", "Some progress; still well below age in reading.",
    "Little change so far; attendance at sessions was low.", "Outcome met: strategies used independently.",
]  # fmt: skip
REVIEW_NEXT = [
    "Continue the current provision for another term.", "Refer to the speech and language therapy service.",
    "Reduce support as the outcomes are being met.", "Consider requesting an EHC needs assessment.",
]  # fmt: skip
TRAINING_NOTES = ["Two-day course with the programme's trainer", "Trained in school by the SENCO", "Online modules", ""]
ABSENCE_WEIGHTS = {
    AbsenceReason.ABSENT_FROM_SCHOOL: 50,
    AbsenceReason.CLASH: 20,
    AbsenceReason.UNWELL: 10,
    AbsenceReason.REFUSED: 10,
    AbsenceReason.OTHER: 10,
}
DAY_PATTERNS = {
    1: [(0,), (1,), (2,), (3,), (4,)],
    2: [(0, 3), (1, 4), (1, 3), (0, 2)],
    3: [(0, 2, 4), (1, 2, 3), (0, 1, 3), (1, 3, 4)],
    4: [(0, 1, 2, 3), (0, 1, 3, 4), (1, 2, 3, 4)],
    5: [(0, 1, 2, 3, 4)],
}
START_TIMES = {
    PRIMARY: [dt.time(8, 50), dt.time(9, 10), dt.time(10, 45), dt.time(13, 15), dt.time(14, 20)],
    SECONDARY: [dt.time(8, 40), dt.time(10, 55), dt.time(12, 35), dt.time(14, 5), dt.time(15, 10)],
}


# --- The summary ------------------------------------------------------------------------------------------


@dataclass
class InterventionSummary:
    """What ``interventions_create`` made. ``designs`` maps each wave 2 and 3 intervention's pk to how it was
    designed to turn out (``EFFECTIVE``, ``FADES``, ``INEFFECTIVE``, ``TOO_SMALL`` or ``UNMEASURED``)."""

    interventions: Counter = field(default_factory=Counter)  # (wave, status) -> count
    programmes_created: int = 0
    trainings: int = 0
    placements: int = 0
    sessions: int = 0
    attendance: int = 0
    plans: int = 0
    reviews: int = 0
    ratings: int = 0
    raised_results: int = 0
    designs: dict[int, str] = field(default_factory=dict)
    progress: CheckSummary = field(default_factory=CheckSummary)  # progress checks (demo.progress)

    @property
    def total(self) -> int:
        return sum(self.interventions.values())

    def describe(self) -> str:
        waves = ", ".join(
            f"wave {wave} {sum(n for (w, _), n in self.interventions.items() if w == wave):,}" for wave in (1, 2, 3)
        )
        statuses = ", ".join(
            f"{sum(n for (_, s), n in self.interventions.items() if s == status):,} {Status(status).label.lower()}"
            for status in Status.values
        )
        return (
            f"{self.total:,} interventions ({waves}; {statuses}), {self.placements:,} placements, "
            f"{self.sessions:,} sessions logged with {self.attendance:,} attendance marks, {self.plans:,} support "
            f"plans with {self.reviews:,} reviews and {self.ratings:,} outcome ratings; {self.raised_results:,} later results raised for the groups "
            f"designed to work; {self.progress.checks} groups with a weekly progress check ({self.progress.scores:,} "
            "scores)."
        )


# --- Building one school's provision ---------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One term the demo's groups run in: ``position`` 0 and 1 are the terms before the current one (2),
    3 the next. ``test_monday`` is the Monday of the term's test week."""

    position: int
    label: str
    start: dt.date
    end: dt.date

    @property
    def test_monday(self) -> dt.date:
        return assessment_week_monday(self.end)

    @property
    def first_monday(self) -> dt.date:
        """Groups start in the term's second week at the earliest: the first is for settling in."""
        return _monday(self.start) + dt.timedelta(days=7)


@dataclass
class _Entry:
    result_id: int
    value: float
    taken_on: dt.date
    score: float  # distance from the expected standard, in rough standard deviations (negative = below)


@dataclass
class _Group:
    recipe: Recipe
    intervention: Intervention
    staff: list[InterventionStaff]
    placements: list[Placement]
    last_day: dt.date | None  # the last day a session could have been logged
    effect: float = 0.0  # the group's true effect in EFFECT_UNITS (0 for designs that change nothing)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _on_or_before(day: dt.date, days: Iterable[int]) -> dt.date:
    wanted = set(days)
    while day.weekday() not in wanted:
        day -= dt.timedelta(days=1)
    return day


def _on_or_after(day: dt.date, days: Iterable[int]) -> dt.date:
    wanted = set(days)
    while day.weekday() not in wanted:
        day += dt.timedelta(days=1)
    return day


def _key_stages(years: Iterable[int]) -> set[str]:
    stages = set()
    for year in years:
        stages.add(
            "EYFS" if year <= 0 else "KS1" if year <= 2 else "KS2" if year <= 6 else "KS3" if year <= 9 else "KS4"
        )
    return stages


def _years_label(years: Iterable[int]) -> str:
    ordered = sorted(set(years))
    labels = [reference.YEAR_GROUP_LABELS[year] for year in ordered]
    if len(labels) == 1:
        return labels[0]
    numbers = [label.removeprefix("Year ") for label in labels]
    if all(label.startswith("Year ") for label in labels):
        return "Years " + " and ".join([", ".join(numbers[:-1]), numbers[-1]])
    return " and ".join([", ".join(labels[:-1]), labels[-1]])


class _SchoolProvision:
    """Makes one school's provision in memory, then saves it in bulk."""

    def __init__(
        self,
        *,
        key: str,
        frame: DemoFrame,
        roll: RollSummary,
        today: dt.date,
        catalogue: list[Programme],
        summary: InterventionSummary,
    ) -> None:
        self.key = key
        self.frame = frame
        self.today = today
        self.school_roll = roll.schools[key]
        self.school: School = self.school_roll.demo_school.school
        self.pupils: list[Pupil] = [pupil for pupil in self.school_roll.pupils if pupil.left_on is None]
        self.pupil_by_id = {pupil.pk: pupil for pupil in self.pupils}
        self.catalogue = catalogue
        self.summary = summary
        self.rng = demo_rng(frame.seed, f"interventions:{key}")
        self.recipes = PRIMARY_RECIPES if key == PRIMARY else SECONDARY_RECIPES
        self.senco = frame.logins["senco" if key == PRIMARY else "senco2"]
        # The demo parent's child on SEN support gets support the parent can see.
        self.favoured = {p.pk for p in roll.parent_children if p.sen_status != SenStatus.NONE and key == PRIMARY}
        self.busy: dict[int, list[tuple[dt.date, dt.date, str]]] = {}
        self.groups: list[_Group] = []
        self.changed_results: set[int] = set()

    # Loading what the earlier parts of the demo made

    def load(self) -> None:
        school = self.school
        terms = list(Term.objects.for_school(school).order_by("start_date"))
        self.term_ranges = school_calendar(school)  # school days: the terms less their closures
        current = 0
        for index, term in enumerate(terms):
            if term.start_date <= self.today:
                current = index
        self.slots: dict[int, Slot] = {}
        for position, index in ((0, current - 2), (1, current - 1), (2, current), (3, current + 1)):
            if 0 <= index < len(terms):
                term = terms[index]
                label = f"{TermName(term.name).label} {term.start_date.year}"
                self.slots[position] = Slot(position, label, term.start_date, term.end_date)
        if 3 not in self.slots:
            # The next term is in an academic year the frame did not make: its usual dates will do for plans.
            start, end = term_dates(start_year=self.frame.start_year + 1)[TermName.AUTUMN]
            self.slots[3] = Slot(3, f"Autumn {start.year}", start, end)

        self.subjects = {subject.name: subject for subject in Subject.objects.filter(school=school)}
        subject_key = {subject.pk: key for key, name in SUBJECT_NAMES.items() if (subject := self.subjects.get(name))}
        scale_names = {name: key for key, (name, _) in SCALES.items()}
        self.scales: dict[str, Scale] = {}
        self.specs: dict[str, scales.ScaleSpec] = {}
        for scale in Scale.objects.filter(school=school).prefetch_related("bands"):
            scale_key = scale_names.get(scale.name)
            if scale_key:
                self.scales[scale_key] = scale
                self.specs[scale_key] = scale.spec(bands=list(scale.bands.all()))
        scale_key_of = {scale.pk: key for key, scale in self.scales.items()}

        # The assessments a group can be measured by, per (subject, scale) in date order, and the pupils'
        # results in them: baselines, exit data, and what the effective groups raise.
        self.assessments: dict[tuple[str, str], list[tuple[dt.date, int]]] = {}
        for pk, subject_id, scale_id, taken_on in Assessment.objects.filter(school=school).values_list(
            "pk", "subject_id", "scale_id", "taken_on"
        ):
            key = (subject_key.get(subject_id), scale_key_of.get(scale_id))
            if key[0] and key[1] and key[1] != KS2:
                self.assessments.setdefault(key, []).append((taken_on, pk))
        for dates in self.assessments.values():
            dates.sort()
        self.spec_of = {pk: self.specs[scale] for (_, scale), dates in self.assessments.items() for _, pk in dates}
        self.results: dict[tuple[int, int], list] = {}  # (pupil, assessment) -> [result id, value]
        rows = Result.objects.filter(assessment_id__in=list(self.spec_of)).values_list(
            "pk", "pupil_id", "assessment_id", "value"
        )
        for pk, pupil_id, assessment_id, value in rows.iterator(chunk_size=20_000):
            self.results[(pupil_id, assessment_id)] = [pk, value]
        self.entry_cache: dict[tuple[int, str, str], dict[int, _Entry | None]] = {}

        # Who is where at the start of each slot's groups: a pupil's year group then, if they were on roll.
        self.in_year: dict[tuple[int, int], list[Pupil]] = {}
        self.sen_in_year: dict[tuple[int, int], list[Pupil]] = {}
        for position, slot in self.slots.items():
            monday = slot.first_monday
            for pupil in self.pupils:
                if pupil.admitted_on and pupil.admitted_on > monday:
                    continue
                year = self.year_at(pupil, monday)
                if year >= self.school.lowest_year:
                    self.in_year.setdefault((position, year), []).append(pupil)
                    if pupil.sen_status != SenStatus.NONE:
                        self.sen_in_year.setdefault((position, year), []).append(pupil)

        # Staff: teaching assistants lead most groups, HLTAs and tutors some, teachers the GCSE ones; at the
        # primary the ``tutor`` login runs the reading and phonics groups (so the demo TA has groups to log).
        memberships = list(Membership.objects.filter(school=school).select_related("user").order_by("pk"))
        tutor = self.frame.logins["tutor"]
        self.tutor = tutor if self.key == PRIMARY else None
        self.staff_titles = {m.user_id: m.job_title.lower() for m in memberships}
        assistants = [m for m in memberships if m.role == Role.TA and m.user_id != tutor.pk]
        senior = ("higher level", "tutor")
        self.hltas = [m.user for m in assistants if any(word in m.job_title.lower() for word in senior)]
        self.tas = [m.user for m in assistants if not any(word in m.job_title.lower() for word in senior)]
        self.teachers = [m.user for m in memberships if m.role == Role.TEACHER]
        users = {m.user_id: m.user for m in memberships}
        class_of = TeachingGroup.teachers.through.objects.filter(teachinggroup__school=school).values_list(
            "teachinggroup__year_group", "teachinggroup__name", "user_id"
        )
        self.year_teacher: dict[int, AbstractBaseUser] = {}
        for year, _, user_id in sorted(class_of):
            if user_id in users:
                self.year_teacher.setdefault(year, users[user_id])
        self.lead_load: Counter = Counter()
        self.names: set[str] = set()

    # Results

    def year_at(self, pupil: Pupil, day: dt.date) -> int:
        return reference.year_group_on(pupil.year_group, day, today=self.today)

    def entry(self, pupil_id: int, subject: str, scale: str, before: dt.date) -> _Entry | None:
        """The pupil's latest result in ``subject`` on ``scale`` before ``before`` (recent enough to be a
        baseline), with a need score; a fall since the comparable result before it lowers the score."""
        dates = self.assessments.get((subject, scale), [])
        found = None
        previous = None
        for taken_on, assessment_id in reversed(dates):
            if taken_on >= before:
                continue
            row = self.results.get((pupil_id, assessment_id))
            if row is None:
                continue
            if found is None:
                if (before - taken_on).days > ENTRY_WINDOW_DAYS:
                    return None
                found = (taken_on, row)
            else:
                previous = (taken_on, row)
                break
        if found is None:
            return None
        taken_on, (result_id, value) = found
        pupil = self.pupil_by_id[pupil_id]
        score = self._score(scale, value, pupil, taken_on)
        if previous is not None:
            before_on, (_, before_value) = previous
            if scale in (READING_AGE, SPELLING_AGE):
                if value - before_value < (taken_on - before_on).days / 30.44:
                    score -= 0.2
            elif value - before_value <= -5 if scale in (STANDARDISED, KS2) else value < before_value:
                score -= 0.3
        return _Entry(result_id=result_id, value=value, taken_on=taken_on, score=score)

    def _score(self, scale: str, value: float, pupil: Pupil, taken_on: dt.date) -> float:
        if scale == STANDARDISED:
            return (value - 85) / 15
        if scale == KS2:
            return (value - 100) / 6.5
        if scale in (READING_AGE, SPELLING_AGE):
            return (value - (reference.age_in_months(pupil.date_of_birth, taken_on) - 12)) / 12
        if scale == TEACHER:
            return value - 2
        return (value - 4) / 1.6  # GCSE

    def exit_result(self, pupil_id: int, subject: str, scale: str, after: dt.date) -> tuple[int, float] | None:
        """The pupil's first result in ``subject`` on ``scale`` after ``after``, if soon enough to be exit data."""
        for taken_on, assessment_id in self.assessments.get((subject, scale), []):
            if taken_on <= after:
                continue
            if (taken_on - after).days > EXIT_WINDOW_DAYS:
                return None
            row = self.results.get((pupil_id, assessment_id))
            if row is not None:
                return row[0], row[1]
        return None

    def raise_results(self, pupil_id: int, subject: str, after: dt.date, effect: float, *, sustained: bool) -> None:
        """Move the pupil's results in ``subject`` after ``after`` by ``effect`` (in ``EFFECT_UNITS``; negative
        lowers them) on each scale (only the first test week's when the gain is not ``sustained``), keeping them
        whole and inside the scale. A step on a band or grade scale is drawn once per scale, so a later result
        keeps the exit result's step."""
        steps: dict[str, float] = {}
        first_week: dt.date | None = None
        for (subject_key, scale_key), dates in self.assessments.items():
            if subject_key != subject:
                continue
            for taken_on, assessment_id in dates:
                if taken_on <= after:
                    continue
                row = self.results.get((pupil_id, assessment_id))
                if row is None:
                    continue
                if not sustained:
                    first_week = first_week or _monday(taken_on)
                    if _monday(taken_on) != first_week:
                        continue
                spec = self.specs[scale_key]
                if scale_key not in steps:
                    steps[scale_key] = self._gain(scale_key, effect)
                value = row[1] + steps[scale_key]
                if spec.min_value is not None:
                    value = max(spec.min_value, value)
                if spec.max_value is not None:
                    value = min(spec.max_value, value)
                if scale_key == TEACHER:
                    value = min(float(len(spec.bands)), value)
                if value != row[1]:
                    row[1] = float(value)
                    self.changed_results.add(row[0])

    def _gain(self, scale: str, effect: float) -> float:
        """``effect`` on one scale: whole points or months, or a step up (down) with a chance in proportion."""
        if scale in EFFECT_UNITS:
            return float(round(effect * EFFECT_UNITS[scale]))
        chance = min(0.95, STEP_CHANCE.get(scale, 0.45) * abs(effect))
        return math.copysign(1.0, effect) if self.rng.random() < chance else 0.0

    # Programmes, staff and rates

    def choose_programmes(self) -> None:
        """A programme for each recipe. From the shared catalogue: one whose name has one of the recipe's hints (in
        any area: catalogues file precision teaching and Toe by Toe variously), else one of the recipe's area
        delivered the same way or in the same wave; always suitable for its key stages, never a whole-class
        programme, and not already taken by another recipe here (so that each programme has one design). When
        nothing fits, or the recipe is home-grown, the school's own programme."""
        taken: set[int] = set()
        own: list[Programme] = []
        self.programme_of: dict[str, Programme] = {}
        for recipe in self.recipes.values():
            chosen = None
            if not recipe.own:
                stages = _key_stages(recipe.years)
                best = 0
                for programme in self.catalogue:
                    if programme.pk in taken or programme.delivery == Delivery.WHOLE_CLASS:
                        continue
                    if programme.key_stages and not stages & set(programme.key_stages):
                        continue
                    hinted = any(hint in programme.name.casefold() for hint in recipe.hints)
                    if not hinted and programme.area != recipe.area:
                        continue
                    score = 3 * hinted + 2 * (programme.delivery == recipe.delivery) + (programme.wave == recipe.wave)
                    if score > best:
                        chosen, best = programme, score
            if chosen is None:
                chosen = Programme(
                    school=self.school,
                    name=recipe.title,
                    area=recipe.area,
                    key_stages=sorted(_key_stages(recipe.years)),
                    need_areas=[recipe.need_area] if recipe.need_area else [],
                    wave=recipe.wave,
                    delivery=recipe.delivery,
                    group_size_min=recipe.size[0],
                    group_size_max=recipe.size[1],
                    sessions_per_week=recipe.days_per_week,
                    minutes_per_session=recipe.minutes,
                    weeks=recipe.weeks[1],
                    delivered_by=recipe.role,
                    summary=recipe.summary,
                    evidence_strength=EvidenceStrength.NONE,
                )
                own.append(chosen)
            else:
                taken.add(chosen.pk)
            self.programme_of[recipe.key] = chosen
        Programme.objects.bulk_create(own)
        self.summary.programmes_created += len(own)

    def staff_rates(self) -> None:
        StaffRate.objects.bulk_create(
            StaffRate(school=self.school, role=role, hourly_rate=rate) for role, rate in STAFF_RATES[self.key].items()
        )

    def lead_for(self, recipe: Recipe, slot: Slot) -> tuple[AbstractBaseUser | None, str]:
        """The member of staff who leads a group, spreading each term's groups over the staff of its kind."""
        rng = self.rng
        if self.tutor is not None and recipe.wave == Wave.CATCH_UP and recipe.area in (Area.READING, Area.PHONICS):
            return self.tutor, StaffRole.TA
        if recipe.role == StaffRole.TEACHER:
            word = "math" if recipe.area == Area.MATHS else "english"
            pool = [t for t in self.teachers if word in self.staff_titles.get(t.pk, "")] or self.teachers
            role = StaffRole.TEACHER
        elif recipe.role == StaffRole.HLTA or (recipe.wave == Wave.CATCH_UP and rng.random() < 0.3):
            # At the secondary the literacy and numeracy tutors are paid as HLTAs.
            word = "numeracy" if recipe.area == Area.MATHS else "literacy"
            pool = [u for u in self.hltas if word in self.staff_titles.get(u.pk, "")] or self.hltas
            role = StaffRole.HLTA
        else:
            pool, role = self.tas, StaffRole.TA
        if not pool:
            pool, role = (self.tas, StaffRole.TA) if self.tas else (self.teachers, StaffRole.TEACHER)
        if not pool:
            return None, role
        lightest = min(self.lead_load[(slot.position, user.pk)] for user in pool)
        choices = [user for user in pool if self.lead_load[(slot.position, user.pk)] == lightest]
        lead = choices[rng.randrange(len(choices))]
        self.lead_load[(slot.position, lead.pk)] += 1
        return lead, role

    # Choosing pupils

    def _free(self, pupil_id: int, start: dt.date, end: dt.date, strand: str) -> bool:
        """At most two groups at a time, and never two in the same subject (or area, for groups without one)."""
        overlapping = [b for b in self.busy.get(pupil_id, []) if b[0] <= end and start <= b[1]]
        return len(overlapping) < 2 and all(b[2] != strand for b in overlapping)

    def candidates(self, recipe: Recipe, slot: Slot, years: tuple[int, ...]) -> list[tuple[Pupil, _Entry | None]]:
        """Pupils who fit a group, most in need first (with a little chance: judgement is not a sort). Wave 2
        takes pupils below the expected standard or slowing down (rarely those on SEN support, never those with
        an EHC plan); wave 3 takes pupils on the SEN register, those whose needs the programme is for first."""
        rng = self.rng
        start = slot.first_monday
        wanted: list[tuple[float, int, Pupil, _Entry | None]] = []
        index = self.sen_in_year if recipe.wave == Wave.PERSONALISED else self.in_year
        pupils = [pupil for year in sorted(years) for pupil in index.get((slot.position, year), [])]
        if recipe.measured:
            cached = self.entry_cache.setdefault((slot.position, recipe.subject, recipe.scale), {})
        for index, pupil in enumerate(pupils):
            sen = pupil.sen_status
            if recipe.wave == Wave.PERSONALISED and sen == SenStatus.NONE:
                continue
            if recipe.wave == Wave.CATCH_UP and sen == SenStatus.EHC_PLAN:
                continue
            matches = pupil.primary_need in recipe.needs or pupil.secondary_need in recipe.needs
            entry = None
            if recipe.measured:
                if pupil.pk not in cached:
                    cached[pupil.pk] = self.entry(pupil.pk, recipe.subject, recipe.scale, start)
                entry = cached[pupil.pk]
                if entry is None:
                    continue
                limit = {TEACHER: -0.5, GCSE: 0.4}.get(recipe.scale, 0.5)
                if recipe.wave == Wave.CATCH_UP and entry.score >= limit:
                    continue
                score = entry.score + rng.gauss(0, 0.2)
                if recipe.wave == Wave.CATCH_UP and sen == SenStatus.SUPPORT:
                    score += 0.4
                if recipe.wave == Wave.PERSONALISED and matches:
                    score -= 0.8
            elif recipe.wave == Wave.PERSONALISED:
                score = rng.random() - (1.0 if matches else 0.0) - (0.3 if sen == SenStatus.EHC_PLAN else 0.0)
            else:  # language groups: pupils learning English and those with language needs first
                score = (
                    rng.random() - (0.5 if pupil.eal else 0.0) - (0.8 if pupil.primary_need in ("SLCN", "ASD") else 0)
                )
            if pupil.pk in self.favoured and recipe.key == "precision_teaching" and slot.position == 2:
                score -= 10  # the demo parent's child on SEN support has support to see
            wanted.append((score, index, pupil, entry))
        wanted.sort(key=lambda item: (item[0], item[1]))
        return [(pupil, entry) for _, _, pupil, entry in wanted]

    # Making the groups

    def build(self, runs: list[Run]) -> None:
        """Every run's groups, oldest term first, so that later groups see the results earlier ones raised."""
        self.candidate_lists: dict[tuple[int, str, tuple[int, ...]], list[tuple[Pupil, _Entry | None]]] = {}
        for position in (0, 1, 2, 3):
            slot = self.slots.get(position)
            if slot is None:
                continue
            for run in runs:
                if run.slot != position:
                    continue
                recipe = self.recipes[run.recipe]
                count = int(run.groups)
                for number in range(count):
                    years = run.years or self._years_for(recipe, slot, number)
                    self.make_group(recipe, slot, run, years, number + 1 if count > 1 else 0)

    def _years_for(self, recipe: Recipe, slot: Slot, number: int) -> tuple[int, ...]:
        """Wave 3 and the primary's groups take pupils from all the recipe's years; the secondary's wave 2
        groups are one year group each, taking turns over the years on roll at the time."""
        if recipe.wave == Wave.PERSONALISED or self.key == PRIMARY:
            return recipe.years
        years = [year for year in recipe.years if self.in_year.get((slot.position, year))]
        return (years[number % len(years)],) if years else recipe.years

    def dates(self, recipe: Recipe, slot: Slot, days: tuple[int, ...]) -> tuple[dt.date, dt.date]:
        """Start and end: from the second to fourth week of term; ending before the test week in a past term,
        and a week or more after ``today`` (within the term) in the current one."""
        rng = self.rng
        weeks = rng.randint(*recipe.weeks)
        first = slot.first_monday
        if slot.position < 2:
            last_friday = slot.test_monday - dt.timedelta(days=3)
            available = ((last_friday - first).days + 3) // 7
            weeks = max(2, min(weeks, available))
            monday = first + dt.timedelta(days=7 * rng.randint(0, max(0, min(2, available - weeks))))
        else:
            monday = first + dt.timedelta(days=7 * rng.randint(0, 2))
        start = _on_or_after(monday, days)
        end = _on_or_before(monday + dt.timedelta(days=7 * weeks - 1), days)
        if slot.position < 2:
            end = min(end, _on_or_before(slot.test_monday - dt.timedelta(days=1), days))
        elif slot.position == 2 and start <= self.today:
            later = self.today + dt.timedelta(days=rng.randint(7, 21))
            end = max(end, _on_or_before(later, days))
        if slot.position >= 2:
            end = min(end, _on_or_before(slot.end, days))
        return start, max(start, end)

    def make_group(self, recipe: Recipe, slot: Slot, run: Run, years: tuple[int, ...], number: int) -> None:
        rng = self.rng
        days = rng.choice(DAY_PATTERNS[recipe.days_per_week])
        start, end = self.dates(recipe, slot, days)
        planned = costing.planned_dates(days=days, start=start, end=end, terms=self.term_ranges)
        status = Status.PLANNED if start > self.today else Status.COMPLETED if end < self.today else Status.RUNNING
        special = run.special
        stop_on: dt.date | None = None
        if special == STOP and status != Status.PLANNED:
            latest = min(len(planned) - 2, sum(1 for day in planned if day < self.today) - 1)
            if latest >= 3:
                stop_on = planned[rng.randint(max(3, latest // 3), latest)]
                status = Status.STOPPED
        open_ended = special == OPEN
        if special in (OVERDUE, OPEN) and status == Status.COMPLETED:
            status = Status.RUNNING  # nobody has closed it: still "running" after its end date

        # Pupils: the neediest who are free, from what earlier groups of this kind left this term.
        list_key = (slot.position, recipe.key, years)
        if list_key not in self.candidate_lists:
            self.candidate_lists[list_key] = self.candidates(recipe, slot, years)
        size = rng.randint(*recipe.size)
        strand = recipe.subject or recipe.area
        busy_until = FAR_FUTURE if special in (OPEN, OVERDUE) else (stop_on or end)
        chosen: list[tuple[Pupil, _Entry | None]] = []
        remaining = []
        for pupil, entry in self.candidate_lists[list_key]:
            if len(chosen) < size and self._free(pupil.pk, start, busy_until, strand):
                chosen.append((pupil, entry))
            else:
                remaining.append((pupil, entry))
        self.candidate_lists[list_key] = remaining
        if len(chosen) < (1 if recipe.wave == Wave.PERSONALISED else 2):
            return
        for pupil, _ in chosen:
            self.busy.setdefault(pupil.pk, []).append((start, busy_until, strand))

        programme = self.programme_of[recipe.key]
        pupil_years = sorted({self.year_at(pupil, start) for pupil, _ in chosen})
        group_years = pupil_years if recipe.wave == Wave.PERSONALISED else sorted(years)
        one_to_one = recipe.delivery == Delivery.ONE_TO_ONE and len(chosen) == 1
        parts = [_years_label(group_years), "1:1" if one_to_one else "", f"group {number}" if number else ""]
        name = f"{programme.name}: {', '.join(part for part in parts if part)} ({slot.label})"
        extra = 2
        while name in self.names:
            name = f"{programme.name}: {', '.join(part for part in parts if part)}, group {extra} ({slot.label})"
            extra += 1
        self.names.add(name)
        lead, role = self.lead_for(recipe, slot)
        has_ehc = any(pupil.sen_status == SenStatus.EHC_PLAN for pupil, _ in chosen)
        notes = ""
        if status == Status.STOPPED:
            notes = f"Planned to run until {end:%d/%m/%Y}."
            end = stop_on
        elif status == Status.COMPLETED and recipe.effect == INEFFECTIVE and rng.random() < 0.5:
            notes = (
                "End-of-group review: the pupils enjoyed it but their results barely moved. Review before rerunning."
            )
        elif status == Status.COMPLETED and recipe.effect == HARMFUL:
            notes = (
                "End-of-group review: the pupils missed a third of their maths lessons and their class teachers "
                "say they are further behind the set. Do not rerun as a withdrawal group."
            )
        intervention = Intervention(
            school=self.school,
            programme=programme,
            name=name[:120],
            wave=recipe.wave,
            area=recipe.area,
            subject=self.subjects.get(SUBJECT_NAMES[recipe.subject]) if recipe.subject else None,
            need_area=recipe.need_area,
            year_groups=group_years,
            lead=lead,
            days=list(days),
            start_time=rng.choice(START_TIMES[self.key]),
            minutes_per_session=recipe.minutes,
            start_date=start,
            end_date=None if open_ended else end,
            status=status,
            stop_reason=run.reason if status == Status.STOPPED else "",
            stopped_on=(None if open_ended else end) if status == Status.STOPPED else None,
            capacity=recipe.size[1],
            entry_criteria=recipe.criteria,
            scale=self.scales.get(recipe.scale) if recipe.scale else None,
            resources_cost=Decimal(rng.randint(*recipe.resources)),
            external_cost=Decimal(recipe.external_per_session * len(planned)),
            # The specialist's invoice is the cost of their time: costed once, by the fee, not also per session.
            external_costing=ExternalCosting.FEE if recipe.external_per_session else ExternalCosting.SESSION,
            funding_source=FundingSource.HIGH_NEEDS if has_ehc and recipe.wave == Wave.PERSONALISED else recipe.funding,
            notes=notes,
        )
        staff = [InterventionStaff(intervention=intervention, user=lead, role=role)] if lead is not None else []
        if recipe.external and (recipe.key != "gcse_maths" or rng.random() < 0.5):
            staff.append(
                InterventionStaff(intervention=intervention, external_name=recipe.external, role=StaffRole.EXTERNAL)
            )
        yesterday = self.today - dt.timedelta(days=1)
        last_day = None if status == Status.PLANNED else yesterday if open_ended else min(end, yesterday)
        group = _Group(recipe=recipe, intervention=intervention, staff=staff, placements=[], last_day=last_day)
        if recipe.effect in EFFECT_SIZES:
            group.effect = rng.uniform(*EFFECT_SIZES[recipe.effect])
        schedule = [day for day in planned if day <= end] if not open_ended else planned
        for pupil, entry in chosen:
            group.placements.append(self.placement(group, pupil, entry, schedule, special))
        self.groups.append(group)

    def placement(
        self, group: _Group, pupil: Pupil, entry: _Entry | None, schedule: list[dt.date], special: str
    ) -> Placement:
        """A pupil's place in a group: baseline and target; for finished groups the exit, the pupil's rating and
        the outcome, after raising the pupil's later results when the group is designed to work."""
        rng = self.rng
        recipe = group.recipe
        intervention = group.intervention
        entry_date = intervention.start_date
        if rng.random() < 0.08 and len(schedule) > 8:
            entry_date = schedule[rng.choice((3, 6))]  # joined a week or two late
        spec = self.specs.get(recipe.scale)
        placement = Placement(
            intervention=intervention,
            pupil=pupil,
            entry_date=entry_date,
            pupil_target=rng.choice(PUPIL_TARGETS[(recipe.area, self.key)]),
            entry_rating=rng.choice((1, 2, 2, 3, 3)),
        )
        if entry is not None and spec is not None:
            placement.entry_result_id = entry.result_id
            placement.entry_value = entry.value
            placement.entry_typed = scales.display(spec, entry.value)
            placement.target, placement.target_value = self.target(recipe, spec, entry.value)
        else:
            placement.target = rng.choice(UNMEASURED_TARGETS[recipe.area])

        status = intervention.status
        if status == Status.STOPPED:
            placement.exit_date = max(entry_date, intervention.end_date)
            placement.exit_reason = ExitReason.STOPPED
            return placement
        if status == Status.PLANNED or special in (OVERDUE, OPEN):
            return placement
        held = [day for day in schedule if entry_date <= day < self.today]
        leaves_early = len(held) > 8 and rng.random() < 0.06
        if status == Status.RUNNING and not leaves_early:
            return placement
        if leaves_early:
            exit_date = held[rng.randint(len(held) // 2, len(held) - 2)]
            reason = (
                ExitReason.TARGET_MET
                if recipe.effect == EFFECTIVE
                else rng.choice((ExitReason.MOVED, ExitReason.NOT_WORKING))
            )
        else:
            exit_date, reason = intervention.end_date, ExitReason.COMPLETED
        placement.exit_date = max(entry_date, exit_date)
        placement.exit_reason = reason

        # The designed effect first (each pupil's drawn around the group's), then the exit data.
        effect = rng.gauss(group.effect, PUPIL_SPREAD * max(abs(group.effect), 0.2))
        responds = effect >= 0.5 * group.effect if group.effect > 0 else False
        works = reason in (ExitReason.COMPLETED, ExitReason.TARGET_MET) and recipe.effect in (EFFECTIVE, FADES)
        if (works or recipe.effect in (INEFFECTIVE, HARMFUL)) and recipe.measured and effect:
            self.raise_results(pupil.pk, recipe.subject, placement.exit_date, effect, sustained=recipe.effect != FADES)
        if works:
            step = rng.choice((1, 2)) if responds else rng.choice((0, 1))
        elif recipe.effect in (INEFFECTIVE, HARMFUL):
            step = rng.choice((0, 0, 0, 1, 1, -1))
        else:
            step = rng.choice((0, 1, 1, 1, 2, 2))
        placement.exit_rating = max(1, min(5, placement.entry_rating + step))
        if spec is None:
            gain = placement.exit_rating - placement.entry_rating
            placement.outcome = Outcome.MET if gain >= 2 else Outcome.PARTLY if gain == 1 else Outcome.NOT_MET
            return placement
        found = self.exit_result(pupil.pk, recipe.subject, recipe.scale, placement.exit_date)
        if found is not None and placement.entry_value is not None:
            placement.exit_result_id, placement.exit_value = found
            placement.exit_typed = scales.display(spec, placement.exit_value)
            if placement.exit_value >= placement.target_value:
                placement.outcome = Outcome.MET
            elif placement.exit_value > placement.entry_value:
                placement.outcome = Outcome.PARTLY
            else:
                placement.outcome = Outcome.NOT_MET
        return placement

    def target(self, recipe: Recipe, spec: scales.ScaleSpec, value: float) -> tuple[str, float]:
        subject = SUBJECT_NAMES[recipe.subject].lower()
        if recipe.scale in (READING_AGE, SPELLING_AGE):
            months = 6 if recipe.wave == Wave.CATCH_UP else 4
            target = min(spec.max_value or value + months, value + months)
            what = "Reading" if recipe.scale == READING_AGE else "Spelling"
            text = (
                f"{what} age to rise by {months} months (from {scales.display(spec, value)} to "
                f"{scales.display(spec, target)})"
            )
            return text, target
        if recipe.scale == TEACHER:
            target = min(float(len(spec.bands)), value + 1)
            return f"To be working at '{scales.display(spec, target)}' in {subject}", target
        if recipe.scale == GCSE:
            target = min(9.0, value + 1)
            what = "English" if recipe.subject == WRITING else subject
            return (
                f"Predicted {what} grade to rise from {scales.display(spec, value)} to {scales.display(spec, target)}",
                target,
            )
        target = min(spec.max_value or value + 5, value + 5)
        return f"Standardised {subject} score to rise by 5 points (from {value:g} to {target:g})", target

    # Wave 1

    def wave_1(self) -> None:
        """Strategies in everyday teaching for each year group this year (no end date), and a trial or two from
        last year that finished in the summer."""
        rng = self.rng
        autumn_start = term_dates(start_year=self.frame.start_year)[TermName.AUTUMN][0]
        last_year = term_dates(start_year=self.frame.start_year - 1)
        sizes = Counter(pupil.year_group for pupil in self.pupils)
        rows = [
            (name, area, need_area, (year,), autumn_start, None)
            for year, strategies in WAVE_1[self.key].items()
            for name, area, need_area in strategies
        ]
        rows += [
            (name, area, need_area, years, last_year[TermName.SPRING][0], last_year[TermName.SUMMER][1])
            for name, area, need_area, years in WAVE_1_LAST_YEAR[self.key]
        ]
        for name, area, need_area, years, start, end in rows:
            status = Status.PLANNED if start > self.today else Status.RUNNING if end is None else Status.COMPLETED
            lead = self.year_teacher.get(years[0]) or (
                self.teachers[rng.randrange(len(self.teachers))] if self.teachers else None
            )
            year = reference.academic_year_start(start)
            when = f" ({year}/{(year + 1) % 100:02d})" if end else ""
            intervention = Intervention(
                school=self.school,
                name=f"{name}: {_years_label(years)}{when}",
                wave=Wave.QUALITY_FIRST,
                area=area,
                need_area=need_area,
                year_groups=list(years),
                lead=lead,
                days=[],
                minutes_per_session=0,
                start_date=start,
                end_date=end,
                status=status,
                capacity=sum(sizes[year] for year in years),
                resources_cost=Decimal(rng.choice((0, 0, 25, 40, 75))),
                funding_source=FundingSource.OTHER,
                notes="Part of everyday teaching: no groups or sessions to log.",
            )
            staff = [InterventionStaff(intervention=intervention, user=lead, role=StaffRole.TEACHER)] if lead else []
            self.groups.append(
                _Group(recipe=None, intervention=intervention, staff=staff, placements=[], last_day=None)
            )

    # Saving

    def save(self) -> None:
        interventions = [group.intervention for group in self.groups]
        Intervention.objects.bulk_create(interventions, batch_size=BATCH_SIZE)
        for group in self.groups:
            for member in group.staff:
                member.intervention = group.intervention
            for placement in group.placements:
                placement.intervention = group.intervention
            self.summary.interventions[(group.intervention.wave, group.intervention.status)] += 1
            if group.recipe is not None:
                self.summary.designs[group.intervention.pk] = group.recipe.effect
        InterventionStaff.objects.bulk_create(
            [member for group in self.groups for member in group.staff], batch_size=BATCH_SIZE
        )
        placements = [placement for group in self.groups for placement in group.placements]
        Placement.objects.bulk_create(placements, batch_size=BATCH_SIZE)
        self.summary.placements += len(placements)
        self.save_trainings()
        self.save_sessions()
        self.save_results()

    def save_trainings(self) -> None:
        """Training for the staff who deliver each programme: most current, about one in twelve expired and
        about one in twelve never trained (at least one of each), so the training warnings have cases."""
        rng = self.rng
        pairs: list[tuple[int, Programme]] = []
        seen = set()
        for group in self.groups:
            programme = group.intervention.programme
            for member in group.staff:
                if programme is not None and member.user_id and (member.user_id, programme.pk) not in seen:
                    seen.add((member.user_id, programme.pk))
                    pairs.append((member.user_id, programme))
        kinds = [rng.choices(("current", "expired", "untrained"), weights=(84, 8, 8))[0] for _ in pairs]
        if len(pairs) >= 3:
            if "untrained" not in kinds:
                kinds[-1] = "untrained"
            if "expired" not in kinds:
                kinds[-2] = "expired"
        trainings = []
        for (user_id, programme), kind in zip(pairs, kinds, strict=True):
            if kind == "untrained":
                continue
            if kind == "expired":
                expires = self.today - dt.timedelta(days=rng.randint(10, 200))
                trained = expires - dt.timedelta(days=3 * 365)
            else:
                trained = self.today - dt.timedelta(days=rng.randint(30, 4 * 365))
                expires = trained + dt.timedelta(days=3 * 365) if rng.random() < 0.4 else None
                if expires is not None and expires < self.today:
                    expires = None
            trainings.append(
                Training(
                    school=self.school,
                    user_id=user_id,
                    programme=programme,
                    trained_on=trained,
                    expires_on=expires,
                    notes=rng.choice(TRAINING_NOTES),
                )
            )
        Training.objects.bulk_create(trainings, batch_size=BATCH_SIZE)
        self.summary.trainings += len(trainings)

    def save_sessions(self) -> None:
        """A log for most past scheduled days of each group (85-95% of them), and a mark for each pupil in the
        group on the day: present about nine times in ten, a few pupils much less often."""
        rng = self.rng
        placed = sorted({p.pupil_id for group in self.groups for p in group.placements})
        low = set(rng.sample(placed, k=max(1, len(placed) // 40))) if placed else set()
        rate = {pupil_id: rng.uniform(0.6, 0.75) if pupil_id in low else rng.uniform(0.86, 0.97) for pupil_id in placed}
        reasons, weights = list(ABSENCE_WEIGHTS), list(ABSENCE_WEIGHTS.values())
        sessions: list[Session] = []
        marks: list[tuple[Session, Placement, bool, str]] = []
        for group in self.groups:
            if group.recipe is None or group.last_day is None:
                continue
            intervention = group.intervention
            recipe = group.recipe
            dates = costing.planned_dates(
                days=intervention.days, start=intervention.start_date, end=group.last_day, terms=self.term_ranges
            )
            logged_share = rng.uniform(0.85, 0.95)
            steps = rng.random() < 0.3
            step_text = STEPS[
                "literacy"
                if recipe.area in (Area.READING, Area.PHONICS, Area.SPELLING, Area.WRITING)
                else "maths"
                if recipe.area == Area.MATHS
                else "other"
            ]
            focus = FOCUS.get(recipe.area, FOCUS[Area.LANGUAGE])
            for day in dates:
                if rng.random() >= logged_share:
                    continue
                minutes = intervention.minutes_per_session
                if rng.random() < 0.08:
                    minutes = max(5, minutes - rng.choice((5, 10)))
                session = Session(
                    intervention=intervention,
                    date=day,
                    minutes=minutes,
                    focus=rng.choice(focus),
                    notes=rng.choice(SESSION_NOTES),
                    logged_by_id=intervention.lead_id,
                )
                if steps and rng.random() < 0.7:
                    (
                        session.step_remember,
                        session.step_model,
                        session.step_try,
                        session.step_apply,
                        session.step_secure,
                        session.step_review,
                    ) = step_text
                sessions.append(session)
                for placement in group.placements:
                    if placement.entry_date <= day and (placement.exit_date is None or day <= placement.exit_date):
                        present = rng.random() < rate[placement.pupil_id]
                        reason = "" if present else rng.choices(reasons, weights=weights)[0]
                        marks.append((session, placement, present, reason))
        Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
        Attendance.objects.bulk_create(
            (
                Attendance(session_id=session.pk, placement_id=placement.pk, present=present, absence_reason=reason)
                for session, placement, present, reason in marks
            ),
            batch_size=BATCH_SIZE,
        )
        self.summary.sessions += len(sessions)
        self.summary.attendance += len(marks)

    def save_results(self) -> None:
        """Write back the results raised for the effective groups, ``typed`` as a teacher would enter the value."""
        changed = [
            Result(pk=result_id, value=value, typed=scales.display(self.spec_of[assessment_id], value))
            for (_, assessment_id), (result_id, value) in self.results.items()
            if result_id in self.changed_results
        ]
        changed.sort(key=lambda result: result.pk)
        Result.objects.bulk_update(changed, ["value", "typed"], batch_size=UPDATE_BATCH_SIZE)
        self.summary.raised_results += len(changed)

    # Support plans

    def support_plans(self) -> None:
        """Plans for most pupils on SEN support and all with EHC plans at the primary, a sample at the secondary:
        needs by broad area from the recorded needs, outcomes, the pupil's wave 3 interventions, views, and one to
        three steps of assess, plan, do, review, all in the past. Review dates follow the SEN register's (its
        overdue reviews are overdue here too), with at least two overdue at each school."""
        rng = demo_rng(self.frame.seed, f"support-plans:{self.key}")
        share = {SenStatus.SUPPORT: 0.85, SenStatus.EHC_PLAN: 1.0} if self.key == PRIMARY else {
            SenStatus.SUPPORT: 0.4, SenStatus.EHC_PLAN: 0.8,
        }  # fmt: skip
        wave_3: dict[int, list[Intervention]] = {}
        for group in self.groups:
            if group.intervention.wave == Wave.PERSONALISED:
                for placement in group.placements:
                    wave_3.setdefault(placement.pupil_id, []).append(group.intervention)
        included = [
            pupil
            for pupil in self.pupils
            if pupil.sen_status != SenStatus.NONE
            and (rng.random() < share[pupil.sen_status] or pupil.pk in self.favoured)
        ]
        due = {pupil.pk: pupil.sen_review_due or self.today + dt.timedelta(days=60) for pupil in included}
        # The register's overdue reviews are a lottery; make sure the demo always has at least two to chase.
        overdue = sum(day < self.today for day in due.values())
        for pupil in [pupil for pupil in included if due[pupil.pk] >= self.today][: max(0, 2 - overdue)]:
            due[pupil.pk] = self.today - dt.timedelta(days=rng.randint(3, 30))
        plans: list[SupportPlan] = []
        links: list[tuple[SupportPlan, Intervention]] = []
        reviews: list[PlanReview] = []
        latest_start = self.today - dt.timedelta(days=14)
        phase = PRIMARY if self.key == PRIMARY else SECONDARY
        for pupil in included:
            areas: dict[str, str] = {}
            for need in (pupil.primary_need, pupil.secondary_need):
                if need:
                    area = reference.need_area(need)
                    areas[area] = f"{areas[area]} {NEED_TEXT[need]}" if area in areas else NEED_TEXT[need]
            review_date = due[pupil.pk]
            cycle = 365 if pupil.sen_status == SenStatus.EHC_PLAN else 84  # annual review, or termly
            start = min(review_date - dt.timedelta(days=cycle), latest_start)
            plan = SupportPlan(
                pupil=pupil,
                start_date=start,
                review_date=review_date,
                needs=areas,
                outcomes="\n".join(OUTCOMES[area] for area in areas),
                strategies="\n".join(STRATEGIES[area] for area in areas),
                pupil_views=rng.choice(PUPIL_VIEWS[phase]),
                parent_views=rng.choice(PARENT_VIEWS),
                created_by=self.senco,
            )
            plans.append(plan)
            links += [(plan, intervention) for intervention in wave_3.get(pupil.pk, [])[:4]]
            steps = [
                (ReviewStage.ASSESS, start - dt.timedelta(days=rng.randint(7, 21))),
                (ReviewStage.PLAN, start),
                (ReviewStage.DO, start + dt.timedelta(days=rng.randint(28, 49))),
                (ReviewStage.REVIEW, start + dt.timedelta(days=rng.randint(70, 90))),
            ]
            # Only steps in the past, and no review on or after the review date (that review is what is due).
            past = [
                (stage, day)
                for stage, day in steps
                if day < self.today and (stage != ReviewStage.REVIEW or day < review_date)
            ]
            for stage, day in past[: rng.randint(1, 3)]:
                notes, progress, next_steps = REVIEW_TEXT[stage]
                if stage == ReviewStage.REVIEW:
                    progress, next_steps = rng.choice(REVIEW_PROGRESS), rng.choice(REVIEW_NEXT)
                reviews.append(
                    PlanReview(
                        plan=plan,
                        date=day,
                        stage=stage,
                        notes=notes,
                        progress=progress,
                        next_steps=next_steps,
                        pupil_views=rng.choice(PUPIL_VIEWS[phase]) if stage == ReviewStage.REVIEW else "",
                        recorded_by=self.senco,
                    )
                )
        SupportPlan.objects.bulk_create(plans, batch_size=BATCH_SIZE)
        for review in reviews:
            review.plan_id = review.plan.pk
        PlanReview.objects.bulk_create(reviews, batch_size=BATCH_SIZE)
        ratings = self.outcome_ratings(reviews, rng)
        ReviewOutcomeRating.objects.bulk_create(ratings, batch_size=BATCH_SIZE)
        self.summary.ratings += len(ratings)
        through = SupportPlan.interventions.through
        through.objects.bulk_create(
            (through(supportplan_id=plan.pk, intervention_id=intervention.pk) for plan, intervention in links),
            batch_size=BATCH_SIZE,
        )
        self.summary.plans += len(plans)
        self.summary.reviews += len(reviews)

    @staticmethod
    def outcome_ratings(reviews: list[PlanReview], rng) -> list[ReviewOutcomeRating]:
        """Each outcome rated "not started" at the planning meeting, then at the "do" check-in (not started or
        some progress) and at the review (some progress to achieved, never below the check-in), so that plan
        pages show a short timeline."""
        steps = list(OutcomeRating.values)
        low = {ReviewStage.PLAN: (0, 0), ReviewStage.DO: (0, 1), ReviewStage.REVIEW: (1, 3)}
        reached: dict[tuple[int, int], int] = {}
        ratings = []
        for review in sorted(reviews, key=lambda r: (r.plan_id, r.date)):
            if review.stage not in low:
                continue
            floor, top = low[review.stage]
            for position, outcome in enumerate(split_outcomes(review.plan.outcomes)):
                key = (review.plan_id, position)
                step = max(reached.get(key, 0), rng.randint(floor, top))
                reached[key] = step
                ratings.append(
                    ReviewOutcomeRating(review=review, position=position, outcome=outcome, rating=steps[step])
                )
        return ratings


@transaction.atomic
def interventions_create(*, frame: DemoFrame, roll: RollSummary, today: dt.date) -> InterventionSummary:
    """Create both demo schools' staff rates, programmes, training, interventions, placements, session logs,
    attendance and support plans (see the module docstring), raising the later results of the pupils in the
    groups designed to work. Run after ``demo.assessments.assessments_create``. Bulk inserts only; the
    same seed and ``today`` give the same provision."""
    summary = InterventionSummary()
    catalogue = list(Programme.objects.filter(school__isnull=True, is_active=True).order_by("name", "pk"))
    for key in (PRIMARY, SECONDARY):
        school_roll = roll.schools[key]
        builder = _SchoolProvision(key=key, frame=frame, roll=roll, today=today, catalogue=catalogue, summary=summary)
        builder.load()
        builder.staff_rates()
        builder.choose_programmes()
        if key == PRIMARY:
            runs = list(PRIMARY_RUNS)
        else:
            runs = secondary_runs(len(school_roll.pupils), demo_rng(frame.seed, "interventions:secondary-size"))
        builder.build(runs)
        builder.wave_1()
        builder.save()
        builder.support_plans()
        if key == PRIMARY:
            summary.progress = checks_create(
                school=builder.school,
                seed=frame.seed,
                today=today,
                senco=builder.senco,
                favoured=[pupil.pk for pupil in roll.parent_children],
            )
    return summary


@transaction.atomic
def interventions_delete(*, schools: list[School]) -> None:
    """Delete these schools' provision: attendance, sessions, placements, support plans, interventions,
    training, staff rates and their own programmes, leaf tables first so that no delete has to walk a cascade
    (and a school's own programme is no longer protected by interventions that use it)."""
    checks_delete(schools=schools)
    Attendance.objects.filter(session__intervention__school__in=schools).delete()
    Session.objects.filter(intervention__school__in=schools).delete()
    PlanReview.objects.filter(plan__pupil__school__in=schools).delete()
    SupportPlan.interventions.through.objects.filter(supportplan__pupil__school__in=schools).delete()
    SupportPlan.objects.filter(pupil__school__in=schools).delete()
    Placement.objects.filter(intervention__school__in=schools).delete()
    InterventionStaff.objects.filter(intervention__school__in=schools).delete()
    Intervention.objects.filter(school__in=schools).delete()
    Training.objects.filter(school__in=schools).delete()
    StaffRate.objects.filter(school__in=schools).delete()
    Programme.objects.filter(school__in=schools).delete()
