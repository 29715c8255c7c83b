"""Maths: a catch-up that works, a booster whose gain fades, and groups that did not help or harmed.

* Hazel Grove's maths catch-up works (``EFFECTIVE``), and so does Kingsmead's GCSE maths small-group tuition.
* Hazel Grove's Year 5 times-tables booster works at exit but the gain is gone by the next test (``FADES``).
* Hazel Grove's Year 6 arithmetic booster and Kingsmead's form-time maths catch-up do not help (``INEFFECTIVE``):
  their pupils' results move by a true effect of zero, so they gain no more than similar pupils without them, and
  pooled over its groups the form-time catch-up shows "no clear impact".
* Kingsmead's maths withdrawal group harmed (``HARMFUL``): pupils taken out of maths lessons for worksheets with a
  TA fell further behind than similar pupils ("negative"), and the end-of-group review says not to rerun it.

With today's shared catalogue the primary's maths catch-up is the Numicon Intervention Programme; the others are
the schools' own.
"""

from __future__ import annotations

from demo.build.designs import EFFECTIVE, FADES, HARMFUL, INEFFECTIVE, Recipe
from demo.data.sittings import GCSE, MATHS, STANDARDISED
from interventions.models import Area, FundingSource, StaffRole, Wave

MATHS_CATCH_UP = Recipe(
    "maths_catch_up", "Maths catch-up", Area.MATHS, Wave.CATCH_UP, EFFECTIVE,
    years=(3, 4, 5), size=(3, 5), days_per_week=3, minutes=30, weeks=(7, 10),
    subject=MATHS, scale=STANDARDISED, hints=("success@", "1stclass", "numicon"), need_area="CL",
    resources=(30, 90), criteria="Maths standardised score below 92 at the last test.",
    summary="Structured number work on the components the pupil finds difficult.",
)  # fmt: skip

TIMES_TABLES_BOOSTER = Recipe(
    "times_tables_booster", "Times-tables booster", Area.MATHS, Wave.CATCH_UP, FADES,
    years=(4, 5), size=(4, 6), days_per_week=3, minutes=20, weeks=(6, 8),
    subject=MATHS, scale=STANDARDISED, own=True, resources=(0, 30),
    criteria="Not secure in multiplication facts; maths score below 95.",
    summary="Rapid recall practice of multiplication facts with games and timed grids.",
)  # fmt: skip

ARITHMETIC_BOOSTER = Recipe(
    "arithmetic_booster", "Year 6 arithmetic booster", Area.MATHS, Wave.CATCH_UP, INEFFECTIVE,
    years=(6,), size=(5, 6), days_per_week=2, minutes=40, weeks=(8, 10),
    role=StaffRole.TEACHER, subject=MATHS, scale=STANDARDISED, own=True,
    criteria="Year 6 pupils below the expected standard in maths.",
    summary="Past-paper arithmetic practice before the KS2 tests.",
)  # fmt: skip

FORM_TIME_MATHS = Recipe(
    "maths_catch_up", "Form-time maths catch-up", Area.MATHS, Wave.CATCH_UP, INEFFECTIVE,
    years=(7, 8, 9), size=(4, 6), days_per_week=2, minutes=25, weeks=(6, 9),
    subject=MATHS, scale=STANDARDISED, own=True, criteria="Maths standardised score below 92 at the last test.",
    summary="Worksheets on number skills in form time.",
)  # fmt: skip

MATHS_WITHDRAWAL = Recipe(
    "maths_withdrawal", "Maths withdrawal group", Area.MATHS, Wave.CATCH_UP, HARMFUL,
    years=(7, 8), size=(8, 8), days_per_week=3, minutes=50, weeks=(8, 10),
    subject=MATHS, scale=STANDARDISED, own=True,
    criteria="Bottom maths set pupils who find whole-class lessons hard to follow.",
    summary="Taken out of three maths lessons a week to work through number worksheets with a TA.",
)  # fmt: skip

GCSE_MATHS_TUITION = Recipe(
    "gcse_maths", "GCSE maths small-group tuition", Area.MATHS, Wave.CATCH_UP, EFFECTIVE,
    years=(10, 11), size=(3, 4), days_per_week=1, minutes=60, weeks=(10, 12),
    role=StaffRole.TEACHER, subject=MATHS, scale=GCSE, hints=("tuition", "tutoring"),
    funding=FundingSource.TUTORING, external="External maths tutor (tuition partner)", external_per_session=35,
    criteria="Predicted grade 3 or 4 in maths.",
    summary="Weekly hour of tuition on the topics the mock showed were weakest.",
)  # fmt: skip
