"""Hazel Grove Primary's provision, term by term: the programmes it runs (each with the design of its story in
``reading``, ``maths``, ``boosters`` and ``ratings``), which groups ran in which term, and what staff cost.

A few groups carry a loose end for the SENCO's warnings to find: two stopped part-way with the reason, one still
"running" after its end date (nobody closed it), one with no end date.
"""

from __future__ import annotations

from decimal import Decimal

from demo.build.designs import LAST_TERM, NEXT_TERM, OPEN, OVERDUE, STOP, THIS_TERM, TWO_TERMS_AGO, Run, recipes
from demo.roll import RollSummary
from demo.scenarios import boosters, maths, ratings, reading
from demo.school import DemoFrame
from interventions.models import StaffRole

# In the order the school chose them: a shared catalogue programme goes to the first recipe it suits.
RECIPES = recipes(
    reading.READING_CATCH_UP,
    reading.PHONICS_CATCH_UP,
    maths.MATHS_CATCH_UP,
    maths.TIMES_TABLES_BOOSTER,
    maths.ARITHMETIC_BOOSTER,
    boosters.SPELLING_BOOSTER,
    boosters.WRITING_BOOSTER,
    ratings.TALK_BOOST,
    ratings.EARLY_LANGUAGE,
    reading.PRECISION_TEACHING,
    reading.TOE_BY_TOE,
    ratings.ELSA,
    ratings.SPEECH_AND_LANGUAGE,
    ratings.LEGO,
    ratings.FINE_MOTOR,
)

RUNS = (
    # Two terms ago: every group has finished, with entry and exit results.
    Run(TWO_TERMS_AGO, "reading_catch_up", years=(3,)),
    Run(TWO_TERMS_AGO, "phonics_catch_up", years=(1, 2)),
    Run(TWO_TERMS_AGO, "maths_catch_up", years=(4,)),
    Run(TWO_TERMS_AGO, "times_tables_booster", years=(5,)),
    Run(TWO_TERMS_AGO, "spelling_booster", years=(4, 5)),
    Run(TWO_TERMS_AGO, "neli", years=(0,)),
    Run(TWO_TERMS_AGO, "precision_teaching", groups=2),
    Run(TWO_TERMS_AGO, "elsa"),
    Run(TWO_TERMS_AGO, "salt", special=OVERDUE),
    # Last term: finished too; two groups were stopped part-way, one is overdue for closing.
    Run(LAST_TERM, "reading_catch_up", years=(2,)),
    Run(LAST_TERM, "reading_catch_up", years=(4,)),
    Run(LAST_TERM, "maths_catch_up", years=(3,)),
    Run(LAST_TERM, "spelling_booster", years=(3,)),
    Run(LAST_TERM, "spelling_booster", years=(4, 5)),  # the same pupils again: a few become pupils to rethink
    Run(
        LAST_TERM, "writing_booster", years=(4, 5), special=STOP,
        reason="Timetabled against PE: pupils missed too many sessions. Writing support moved into English lessons.",
    ),
    Run(LAST_TERM, "talk_boost", years=(1,)),
    Run(LAST_TERM, "precision_teaching"),
    Run(LAST_TERM, "toe_by_toe"),
    Run(
        LAST_TERM, "lego", special=STOP,
        reason="The only TA trained in Lego-based therapy left at half-term; to restart once another is trained.",
    ),
    Run(LAST_TERM, "elsa", special=OVERDUE),
    Run(LAST_TERM, "fine_motor"),
    # This term: running (the tutor's week), one group open-ended.
    Run(THIS_TERM, "reading_catch_up", years=(3,)),
    Run(THIS_TERM, "phonics_catch_up", years=(2,)),
    Run(THIS_TERM, "maths_catch_up", years=(5,)),
    Run(THIS_TERM, "arithmetic_booster", years=(6,)),
    Run(THIS_TERM, "spelling_booster", years=(5, 6)),
    Run(THIS_TERM, "neli", years=(0,)),
    Run(THIS_TERM, "talk_boost", years=(1,)),
    Run(THIS_TERM, "precision_teaching", groups=2),
    Run(
        THIS_TERM, "toe_by_toe", special=STOP,
        reason="The daily sessions were too much for the pupil; moved to precision teaching three times a week.",
    ),
    Run(THIS_TERM, "elsa", special=OPEN),
    Run(THIS_TERM, "salt"),
    Run(THIS_TERM, "lego"),
    # Next term: planned.
    Run(NEXT_TERM, "maths_catch_up", years=(4,)),
    Run(NEXT_TERM, "fine_motor"),
)  # fmt: skip

# Illustrative hourly costs with on-costs (what a school might use for costing, not pay advice).
STAFF_RATES = {
    StaffRole.TEACHER: Decimal("36.50"),
    StaffRole.TA: Decimal("15.20"),
    StaffRole.HLTA: Decimal("18.40"),
    StaffRole.EXTERNAL: Decimal("45.00"),
}


def runs(frame: DemoFrame, roll: RollSummary) -> list[Run]:
    """The same groups whatever the size of the trust."""
    return list(RUNS)
