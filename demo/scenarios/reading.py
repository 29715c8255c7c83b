"""A reading catch-up that works.

Hazel Grove's tutor runs a reading catch-up group every term for the pupils whose reading age fell behind, and a
phonics catch-up for Years 1 and 2; Kingsmead runs the same for Key Stage 3 with phonics for older readers. Pupils
on the SEN register get precision teaching one to one. All of them are designed to work (``EFFECTIVE``): each
group's true effect is drawn between 0.25 and 0.55 standard deviations (4 to 8 months of reading age, 4 to 8
standardised points), each pupil's around it, and the gain lasts: every later reading result is raised. A single
group is often "promising" or "inconclusive"; pooled over its groups the programme is firmer. Toe by Toe, a pupil or
a pair a term, is too small to judge (``TOO_SMALL``).

With today's shared catalogue the reading catch-up is Inference training, the secondary's phonics Read Write Inc.
Fresh Start and precision teaching Precision Teaching; the primary's phonics catch-up is its own. Without a
catalogue every school runs its own programmes of the recipes' names.
"""

from __future__ import annotations

from dataclasses import replace

from demo.build.designs import EFFECTIVE, TOO_SMALL, Recipe
from demo.data.sittings import READING, READING_AGE, STANDARDISED
from interventions.models import Area, Delivery, FundingSource, StaffRole, Wave

READING_CATCH_UP = Recipe(
    "reading_catch_up", "Reading catch-up", Area.READING, Wave.CATCH_UP, EFFECTIVE,
    years=(2, 3, 4, 5), size=(4, 6), days_per_week=3, minutes=30, weeks=(7, 10),
    subject=READING, scale=READING_AGE, hints=("reciprocal", "inference"), need_area="CL", resources=(60, 160),
    criteria="Reading age six months or more below chronological age at the last test, or slow progress.",
    summary="Daily-style reading lessons in a small group: rereading, a new book, word work and writing.",
)  # fmt: skip

PHONICS_CATCH_UP = Recipe(
    "phonics_catch_up", "Phonics catch-up", Area.PHONICS, Wave.CATCH_UP, EFFECTIVE,
    years=(1, 2), size=(4, 6), days_per_week=4, minutes=20, weeks=(6, 9),
    subject=READING, scale=STANDARDISED, hints=("phonic", "sound"), need_area="CL", resources=(20, 80),
    criteria="Below the expected standard in reading; gaps in phase 3 and 4 phonics.",
    summary="Short, pacy sessions revisiting the sounds the class has been taught.",
)  # fmt: skip

PRECISION_TEACHING = Recipe(
    "precision_teaching", "Precision teaching", Area.READING, Wave.PERSONALISED, EFFECTIVE,
    years=(2, 3, 4, 5, 6), size=(1, 1), days_per_week=5, minutes=10, weeks=(8, 11),
    subject=READING, scale=READING_AGE, hints=("precision",), delivery=Delivery.ONE_TO_ONE,
    needs=("SPLD", "MLD", "SLCN", "NSA", "OTH"), need_area="CL", funding=FundingSource.SEN_NOTIONAL,
    criteria="SEN support for reading; word reading well below age.",
    summary="Daily one-minute timed probes on a small set of words, charted to show progress.",
)  # fmt: skip

TOE_BY_TOE = Recipe(
    "toe_by_toe", "Toe by Toe", Area.READING, Wave.PERSONALISED, TOO_SMALL,
    years=(3, 4, 5, 6), size=(1, 2), days_per_week=5, minutes=20, weeks=(8, 11),
    subject=READING, scale=READING_AGE, hints=("toe by toe",), delivery=Delivery.ONE_TO_ONE, needs=("SPLD", "MLD"),
    need_area="CL", funding=FundingSource.SEN_NOTIONAL, resources=(25, 50),
    criteria="Dyslexic profile; decoding is the barrier.",
    summary="A structured, daily phonics reading manual worked through with an adult.",
)  # fmt: skip

# Kingsmead's, for Key Stage 3: the same programme with older readers' texts.
KS3_READING_CATCH_UP = replace(
    READING_CATCH_UP,
    years=(7, 8, 9),
    resources=(60, 150),
    criteria="Reading age more than a year below chronological age, or slow progress.",
    summary="Guided reading of age-appropriate texts with explicit comprehension strategies.",
)

KS3_PHONICS = Recipe(
    "phonics_ks3", "Phonics for older readers", Area.PHONICS, Wave.CATCH_UP, EFFECTIVE,
    years=(7, 8), size=(4, 6), days_per_week=4, minutes=30, weeks=(6, 9),
    subject=READING, scale=STANDARDISED, hints=("fresh start", "phonic"), need_area="CL", resources=(40, 120),
    criteria="Reading score below 85; decoding gaps on the phonics screen.",
    summary="Systematic phonics with age-appropriate texts for pupils who cannot yet decode fluently.",
)  # fmt: skip

KS3_PRECISION_TEACHING = replace(
    PRECISION_TEACHING,
    years=(7, 8, 9),
    role=StaffRole.HLTA,
    criteria="SEN support for literacy; word reading well below age.",
)

KS3_TOE_BY_TOE = replace(TOE_BY_TOE, years=(7, 8, 9))
