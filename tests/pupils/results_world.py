"""The assessments and pupils the results-import files in tests/pupils/files are written for.

One description serves the database tests (:func:`create`, on the ``world`` fixture's school) and the pure
parser tests (:func:`refs`, plain values with made-up ids). "Today" is 1 November 2026, in the school year
2026/27; the summer reading test was sat in the school year before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pupils import scales
from pupils.imports.results_parsing import AssessmentRef, PupilRef
from pupils.reference import make_upn

TODAY = dt.date(2026, 11, 1)


def upn(serial: int) -> str:
    return make_upn(f"80120026{serial:04d}")


# key: (UPN, forename, surname, year group now (or when they left), date of birth, left on)
PUPILS = {
    "ava": (upn(1), "Ava", "Ng", 3, dt.date(2019, 1, 12), None),
    "ben": (upn(2), "Ben", "Ola", 4, dt.date(2018, 2, 3), None),
    "cara": (upn(3), "Cara", "Dee", 5, dt.date(2017, 5, 30), None),
    "dan": (upn(4), "Dan", "Eze", 6, dt.date(2016, 4, 21), None),
    # Left last July, as a Year 3 pupil: still accepted, and in Year 4 for this year's tests.
    "eli": (upn(5), "Eli", "Fox", 3, dt.date(2018, 3, 3), dt.date(2026, 7, 20)),
}
UNKNOWN_UPN = upn(99)  # a valid UPN, but of no pupil at the school

BANDS = [("Working towards", "WTS"), ("Expected", "EXS"), ("Greater depth", "GDS")]
# key: (kind, min, max)
SCALES = {
    "standardised": (scales.STANDARDISED, 40, 160),
    "ks2": (scales.KS2_SCALED, 80, 120),
    "age": (scales.AGE, 36, 216),
    "bands": (scales.BANDS, None, None),
}
# key: (name, subject, scale, date, year groups)
ASSESSMENTS = {
    "autumn_reading": ("Autumn reading test", "Reading", "standardised", dt.date(2026, 10, 5), []),
    "reading_age": ("Reading age", "Reading", "age", dt.date(2026, 10, 12), [3, 4]),
    "maths_autumn": ("Maths test", "Maths", "ks2", dt.date(2026, 10, 5), []),
    "maths_spring": ("Maths test", "Maths", "ks2", dt.date(2027, 2, 1), []),
    "writing": ("Writing TA", "Writing", "bands", dt.date(2026, 10, 16), []),
    "spelling": ("Spelling test", "Spelling", "standardised", dt.date(2026, 10, 5), []),
    "summer_reading": ("Summer reading test", "Reading", "standardised", dt.date(2026, 7, 8), [3]),
}


@dataclass
class ResultsWorld:
    pupils: dict  # key -> Pupil
    assessments: dict  # key -> Assessment


def create(school) -> ResultsWorld:
    """The pupils, subjects, scales and assessments above, at ``school``."""
    # Imported here so that the file-making script can use this module without Django set up.
    from pupils.models import ScaleBand
    from tests import factories as f

    made_scales = {}
    for key, (kind, low, high) in SCALES.items():
        made_scales[key] = f.ScaleFactory(
            school=school, name=f"{key} scale", kind=kind, min_value=low, max_value=high, expected=None, high=None
        )
        if kind == scales.BANDS:
            for rank, (label, code) in enumerate(BANDS, start=1):
                ScaleBand.objects.create(scale=made_scales[key], rank=rank, label=label, code=code)
    assessments = {
        key: f.AssessmentFactory(
            school=school,
            name=name,
            subject=f.SubjectFactory(school=school, name=subject),
            scale=made_scales[scale],
            taken_on=taken_on,
            year_groups=years,
        )
        for key, (name, subject, scale, taken_on, years) in ASSESSMENTS.items()
    }
    pupils = {
        key: f.PupilFactory(
            school=school,
            upn=number,
            legal_first_name=first,
            legal_last_name=last,
            year_group=year,
            date_of_birth=born,
            left_on=left_on,
        )
        for key, (number, first, last, year, born, left_on) in PUPILS.items()
    }
    return ResultsWorld(pupils=pupils, assessments=assessments)


def scale_spec(key: str) -> scales.ScaleSpec:
    kind, low, high = SCALES[key]
    if kind == scales.BANDS:
        return scales.ScaleSpec(
            kind=kind, bands=tuple(label for label, _ in BANDS), band_codes=tuple(code for _, code in BANDS)
        )
    return scales.ScaleSpec(kind=kind, min_value=low, max_value=high)


def refs() -> tuple[list[AssessmentRef], dict[str, PupilRef]]:
    """The same school as plain values for the pure parser: assessment ids 1..7, pupil ids 101..105."""
    assessments = [
        AssessmentRef(
            id=number,
            name=name,
            subject=subject,
            taken_on=taken_on,
            spec=scale_spec(scale),
            year_groups=tuple(years),
        )
        for number, (name, subject, scale, taken_on, years) in enumerate(ASSESSMENTS.values(), start=1)
    ]
    pupils = {
        number: PupilRef(id=100 + index, year_group=year, left_on=left_on)
        for index, (number, _, _, year, _, left_on) in enumerate(PUPILS.values(), start=1)
    }
    return assessments, pupils


ASSESSMENT_IDS = {key: number for number, key in enumerate(ASSESSMENTS, start=1)}
PUPIL_IDS = {key: 100 + index for index, key in enumerate(PUPILS, start=1)}
