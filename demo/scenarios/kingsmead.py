"""Kingsmead Academy's provision: the programmes it runs (each with the design of its story in ``reading``,
``maths``, ``boosters`` and ``ratings``), how many groups a term for its size, the groups with a story of their own
(stopped, harmful, overdue, open-ended, planned), and what staff cost.
"""

from __future__ import annotations

import random
from decimal import Decimal

from demo.build.designs import LAST_TERM, NEXT_TERM, OPEN, OVERDUE, STOP, THIS_TERM, TWO_TERMS_AGO, Run, recipes
from demo.roll import RollSummary
from demo.scenarios import boosters, maths, ratings, reading
from demo.school import DemoFrame, demo_rng
from interventions.models import StaffRole

# In the order the school chose them: a shared catalogue programme goes to the first recipe it suits.
RECIPES = recipes(
    reading.KS3_READING_CATCH_UP,
    reading.KS3_PHONICS,
    maths.FORM_TIME_MATHS,
    maths.MATHS_WITHDRAWAL,
    boosters.KS3_SPELLING_BOOSTER,
    maths.GCSE_MATHS_TUITION,
    boosters.GCSE_ENGLISH_REVISION,
    reading.KS3_PRECISION_TEACHING,
    reading.KS3_TOE_BY_TOE,
    ratings.MENTORING,
    ratings.KS3_SOCIAL_SKILLS,
    ratings.KS3_SPEECH_AND_LANGUAGE,
    ratings.TOUCH_TYPING,
)
# The groups per term are capped so that a 20,000-pupil trust stays proportionate.
GROUPS_CAP = 100


# Groups per term for every 1,000 pupils at the secondary.
PER_THOUSAND = {
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
SPECIALS = (
    Run(
        TWO_TERMS_AGO, "maths_catch_up", special=STOP,
        reason="A timetable change moved form time to the afternoon; the group could not meet. Stopped after "
        "three weeks.",
    ),
    Run(
        LAST_TERM, "spelling_booster", special=STOP,
        reason="Pupils and parents said it was a punishment; attendance fell below half. Stopped to rethink.",
    ),
    Run(LAST_TERM, "maths_withdrawal"),
    Run(LAST_TERM, "mentoring", special=OVERDUE),
    Run(THIS_TERM, "mentoring", special=OPEN),
    Run(NEXT_TERM, "reading_catch_up", groups=2),
    Run(NEXT_TERM, "gcse_maths"),
)  # fmt: skip


def _runs(pupils: int, rng: random.Random) -> list[Run]:
    """The secondary's groups, in proportion to its size and capped at ``GROUPS_CAP`` a term.
    Fractions are rounded up or down at random, so a small school still runs some of the rarer groups."""
    total = sum(PER_THOUSAND.values()) * pupils / 1000
    factor = pupils / 1000 * min(1.0, GROUPS_CAP / total) if total else 0.0
    runs = []
    for slot in (TWO_TERMS_AGO, LAST_TERM, THIS_TERM):
        for key, per_thousand in PER_THOUSAND.items():
            wanted = per_thousand * factor
            count = int(wanted) + (1 if rng.random() < wanted - int(wanted) else 0)
            if count:
                runs.append(Run(slot, key, groups=count))
    return runs + list(SPECIALS)


# Illustrative hourly costs with on-costs (what a school might use for costing, not pay advice).
STAFF_RATES = {
    StaffRole.TEACHER: Decimal("38.00"),
    StaffRole.TA: Decimal("15.80"),
    StaffRole.HLTA: Decimal("19.10"),
    StaffRole.EXTERNAL: Decimal("50.00"),
}


def runs(frame: DemoFrame, roll: RollSummary) -> list[Run]:
    """The groups for the size of the school (its own random stream, so the primary's do not change with it)."""
    return _runs(len(roll.schools["secondary"].pupils), demo_rng(frame.seed, "interventions:secondary-size"))
