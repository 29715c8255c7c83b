"""Home-grown boosters that did not help, and a revision group whose gain faded.

The spelling boosters (both schools) and Hazel Grove's writing booster are the schools' own and not effective
(``INEFFECTIVE``): few of their pupils meet their targets. Hazel Grove runs its spelling booster for the same Year 4
and 5 pupils twice (see ``hazel_grove``), so a few of them become pupils to rethink; its writing booster was
stopped because it clashed with PE. Kingsmead's English revision group lifts the exit result only (``FADES``).
"""

from __future__ import annotations

from dataclasses import replace

from demo.build.designs import FADES, INEFFECTIVE, Recipe
from demo.data.sittings import GCSE, SPELLING, SPELLING_AGE, TEACHER, WRITING
from interventions.models import Area, StaffRole, Wave

SPELLING_BOOSTER = Recipe(
    "spelling_booster", "Spelling booster", Area.SPELLING, Wave.CATCH_UP, INEFFECTIVE,
    years=(3, 4, 5, 6), size=(4, 6), days_per_week=2, minutes=20, weeks=(6, 8),
    subject=SPELLING, scale=SPELLING_AGE, own=True, resources=(0, 20),
    criteria="Spelling age a year or more below chronological age.",
    summary="Weekly spelling lists practised with look, say, cover, write, check.",
)  # fmt: skip

WRITING_BOOSTER = Recipe(
    "writing_booster", "Writing booster", Area.WRITING, Wave.CATCH_UP, INEFFECTIVE,
    years=(3, 4, 5), size=(4, 6), days_per_week=2, minutes=30, weeks=(6, 8),
    subject=WRITING, scale=TEACHER, own=True, criteria="Working towards the expected standard in writing.",
    summary="Extra guided writing with sentence frames and word banks.",
)  # fmt: skip

# Kingsmead's: the same booster with subject spelling lists.
KS3_SPELLING_BOOSTER = replace(
    SPELLING_BOOSTER,
    years=(7, 8, 9),
    minutes=25,
    resources=(0, 0),
    criteria="Spelling age more than a year below chronological age.",
    summary="Weekly subject spelling lists with tests.",
)

GCSE_ENGLISH_REVISION = Recipe(
    "gcse_english", "English revision group", Area.WRITING, Wave.CATCH_UP, FADES,
    years=(10, 11), size=(4, 6), days_per_week=2, minutes=45, weeks=(6, 8),
    role=StaffRole.TEACHER, subject=WRITING, scale=GCSE, own=True, criteria="Predicted grade 3 or 4 in English.",
    summary="Exam technique for the language papers: timed answers, model responses.",
)  # fmt: skip
