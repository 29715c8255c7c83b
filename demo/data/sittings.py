"""What the demo schools assess: their subjects, their scales (as ``scales.DEFAULTS`` sets them up), and the
sittings of each test week and of the KS2 tests, by school. Tables only: ``demo.assessments`` draws the results."""

from __future__ import annotations

from dataclasses import dataclass

from demo.data.trust import PRIMARY, SECONDARY
from pupils import scales
from pupils.models import ScaleKind

READING, WRITING, MATHS, SPELLING, GPS, SCIENCE = "reading", "writing", "maths", "spelling", "gps", "science"
SUBJECT_NAMES = {
    READING: "Reading",
    WRITING: "Writing",
    MATHS: "Maths",
    SPELLING: "Spelling",
    GPS: "Grammar, punctuation and spelling",
    SCIENCE: "Science",
}
SCHOOL_SUBJECTS = {
    PRIMARY: (READING, WRITING, MATHS, SPELLING, GPS),
    SECONDARY: (READING, WRITING, MATHS, SPELLING, SCIENCE),
}
LITERACY = frozenset({READING, WRITING, SPELLING, GPS})

STANDARDISED, KS2, READING_AGE, SPELLING_AGE, TEACHER, GCSE = (
    "standardised",
    "ks2",
    "reading_age",
    "spelling_age",
    "teacher",
    "gcse",
)
TEACHER_BANDS = (("Working towards", "WTS"), ("Expected", "EXS"), ("Greater depth", "GDS"))


def _scale_fields(kind: str, **overrides) -> dict:
    return {"kind": kind, **scales.DEFAULTS[kind], **overrides}


SCALES = {
    STANDARDISED: ("Standardised score", _scale_fields(ScaleKind.STANDARDISED)),
    KS2: ("KS2 scaled score", _scale_fields(ScaleKind.KS2_SCALED)),
    READING_AGE: ("Reading age", _scale_fields(ScaleKind.AGE, age_tolerance_months=12)),
    SPELLING_AGE: ("Spelling age", _scale_fields(ScaleKind.AGE, age_tolerance_months=12)),
    TEACHER: ("Teacher assessment", _scale_fields(ScaleKind.BANDS, expected=2, high=3, drop_concern=1)),
    GCSE: ("GCSE grade", _scale_fields(ScaleKind.GCSE)),
}
SCHOOL_SCALES = {
    PRIMARY: (STANDARDISED, KS2, READING_AGE, SPELLING_AGE, TEACHER),
    SECONDARY: (STANDARDISED, KS2, READING_AGE, SPELLING_AGE, TEACHER, GCSE),
}


@dataclass(frozen=True)
class Sitting:
    """One assessment a school runs in every test week: which subject, on which scale, for which year groups
    (as they are now), and on which day of the week (age tests after the standardised test of the same subject,
    so that identification compares the age-equivalents of the pupils who have them)."""

    subject: str
    scale: str
    years: tuple[int, ...]
    what: str
    weekday: int


TERMLY: dict[str, tuple[Sitting, ...]] = {
    PRIMARY: (
        Sitting(READING, STANDARDISED, (1, 2, 3, 4, 5, 6), "reading test", 0),
        Sitting(MATHS, STANDARDISED, (1, 2, 3, 4, 5, 6), "maths test", 1),
        Sitting(GPS, STANDARDISED, (2, 3, 4, 5, 6), "grammar, punctuation and spelling test", 2),
        Sitting(READING, READING_AGE, (2, 3, 4, 5, 6), "reading age", 3),
        Sitting(SPELLING, SPELLING_AGE, (2, 3, 4, 5, 6), "spelling age", 3),
        Sitting(WRITING, TEACHER, (0, 1, 2, 3, 4, 5, 6), "writing teacher assessment", 4),
        Sitting(READING, TEACHER, (0,), "reading teacher assessment", 4),
        Sitting(MATHS, TEACHER, (0,), "maths teacher assessment", 4),
    ),
    SECONDARY: (
        Sitting(READING, STANDARDISED, (7, 8, 9, 10, 11), "reading test", 0),
        Sitting(MATHS, STANDARDISED, (7, 8, 9), "maths test", 1),
        Sitting(SCIENCE, STANDARDISED, (7, 8, 9), "science test", 2),
        Sitting(READING, READING_AGE, (7, 8, 9), "reading age", 3),
        Sitting(SPELLING, SPELLING_AGE, (7, 8, 9), "spelling age", 3),
        Sitting(WRITING, TEACHER, (7, 8, 9), "writing teacher assessment", 4),
        Sitting(WRITING, GCSE, (10, 11), "English predicted grade", 4),
        Sitting(MATHS, GCSE, (10, 11), "maths predicted grade", 4),
        Sitting(SCIENCE, GCSE, (10, 11), "science predicted grade", 4),
    ),
}
# The KS2 tests (grammar, punctuation and spelling on Monday, reading on Tuesday, maths on Wednesday of the
# second week of May): Year 6 at the primary this year, once the tests have happened; Year 7 at the
# secondary last year, at their primaries.
KS2_SITTINGS: dict[str, tuple[Sitting, ...]] = {
    PRIMARY: (
        Sitting(GPS, KS2, (6,), "KS2 grammar, punctuation and spelling test", 0),
        Sitting(READING, KS2, (6,), "KS2 reading test", 1),
        Sitting(MATHS, KS2, (6,), "KS2 maths test", 2),
    ),
    SECONDARY: (
        Sitting(READING, KS2, (7,), "KS2 reading test", 1),
        Sitting(MATHS, KS2, (7,), "KS2 maths test", 2),
    ),
}
