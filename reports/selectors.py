"""Reads that turn a school's assessment data into DataFrames for the pure computations."""

from __future__ import annotations

import pandas as pd
from django.db.models import QuerySet

from provision.models import School
from pupils.identification import RESULT_COLUMNS
from pupils.models import Assessment, Pupil, Result

_RESULT_FIELDS = [
    "pupil_id",
    "pupil__year_group",
    "pupil__date_of_birth",
    "assessment__subject_id",
    "assessment_id",
    "assessment__taken_on",
    "value",
    "assessment__scale_id",
    "assessment__scale__kind",
    "assessment__scale__expected",
    "assessment__scale__high",
    "assessment__scale__drop_concern",
    "assessment__scale__age_tolerance_months",
]


def results_frame(
    *, school: School, pupils: QuerySet[Pupil] | None = None, subject_id: int | None = None
) -> pd.DataFrame:
    """Every result of the school's on-roll pupils (or of ``pupils``), one row each, in the columns that
    ``pupils.identification`` expects. One query."""
    results = Result.objects.filter(assessment__school=school)
    if pupils is None:
        results = results.filter(pupil__school=school, pupil__left_on__isnull=True)
    else:
        results = results.filter(pupil__in=pupils)
    if subject_id is not None:
        results = results.filter(assessment__subject_id=subject_id)
    rows = results.values_list(*_RESULT_FIELDS)
    frame = pd.DataFrame.from_records(list(rows), columns=RESULT_COLUMNS)
    if not frame.empty:
        frame["taken_on"] = pd.to_datetime(frame["taken_on"])
        frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    return frame


def assessments_by_id(school: School) -> dict[int, Assessment]:
    """The school's assessments with subject, scale and bands, keyed by id (two queries)."""
    return {
        a.pk: a
        for a in Assessment.objects.filter(school=school)
        .select_related("subject", "scale")
        .prefetch_related("scale__bands")
    }
