"""Reads that turn a school's assessment data into DataFrames for the pure computations."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from interventions.models import Placement, Status
from provision.figures import cached_figures
from provision.models import School
from pupils import identification
from pupils.identification import RESULT_COLUMNS
from pupils.models import Assessment, Pupil, Result

_ASSESSMENT_FIELDS = {
    "pk": "assessment_id",
    "subject_id": "subject_id",
    "taken_on": "taken_on",
    "scale_id": "scale_id",
    "scale__kind": "scale_kind",
    "scale__expected": "expected",
    "scale__high": "high",
    "scale__drop_concern": "drop_concern",
    "scale__age_tolerance_months": "age_tolerance_months",
}


def results_frame(
    *, school: School, pupils: QuerySet[Pupil] | None = None, subject_id: int | None = None
) -> pd.DataFrame:
    """Every result of the school's on-roll pupils (or of ``pupils``), one row each, in the columns that
    ``pupils.identification`` expects. Three queries: the results as bare (pupil, assessment, value) triples,
    and the pupils' and assessments' own columns, joined in pandas; building tens of thousands of rows with
    their dates in Python would cost more than the database work."""
    if pupils is None:
        pupils = Pupil.objects.filter(school=school).on_roll()
    assessments = Assessment.objects.filter(school=school)
    if subject_id is not None:
        assessments = assessments.filter(subject_id=subject_id)
    results = Result.objects.filter(assessment__in=assessments, pupil__in=pupils)
    scores = pd.DataFrame.from_records(
        list(results.values_list("pupil_id", "assessment_id", "value")), columns=["pupil_id", "assessment_id", "value"]
    )
    if scores.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    people = pd.DataFrame.from_records(
        list(pupils.values_list("pk", "year_group", "date_of_birth")),
        columns=["pupil_id", "year_group", "date_of_birth"],
    )
    points = pd.DataFrame.from_records(
        list(assessments.values_list(*_ASSESSMENT_FIELDS)), columns=list(_ASSESSMENT_FIELDS.values())
    )
    frame = scores.merge(people, on="pupil_id").merge(points, on="assessment_id")
    frame["taken_on"] = pd.to_datetime(frame["taken_on"])
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    return frame[RESULT_COLUMNS]


def assessments_by_id(school: School, ids: set[int] | None = None) -> dict[int, Assessment]:
    """The school's assessments (or those of them in ``ids``) with subject, scale and bands, keyed by id (two
    queries)."""
    assessments = Assessment.objects.filter(school=school)
    if ids is not None:
        assessments = assessments.filter(pk__in=ids)
    return {a.pk: a for a in assessments.select_related("subject", "scale").prefetch_related("scale__bands")}


@dataclass(frozen=True)
class PupilFlags:
    """The tracking pages' pupil filters: pupil premium, EAL, SEN (True/False, None for any), gender and year."""

    pupil_premium: bool | None = None
    eal: bool | None = None
    sen: bool | None = None
    gender: str | None = None
    year_group: int | None = None

    def apply(self, pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
        if self.pupil_premium is not None:
            pupils = pupils.filter(pupil_premium=self.pupil_premium)
        if self.eal is not None:
            pupils = pupils.filter(eal=self.eal)
        if self.sen is True:
            pupils = pupils.with_sen()
        elif self.sen is False:
            pupils = pupils.filter(sen_status="N")
        if self.gender:
            pupils = pupils.filter(gender=self.gender)
        if self.year_group is not None:
            pupils = pupils.filter(year_group=self.year_group)
        return pupils


@dataclass
class IdentificationFigures:
    """Who needs support, for the whole roll (``pupils.identification``): the findings, each pupil's group per
    subject, the pupils with no recent result, and each pupil's place in the list (year group, then name)."""

    findings: pd.DataFrame
    pupil_groups: pd.DataFrame
    stale: pd.DataFrame
    order: dict[int, tuple[int, str]]

    def __iter__(self):  # findings, pupil_groups, stale = identification_figures(...)
        return iter((self.findings, self.pupil_groups, self.stale))


# Cached per school until its results or pupils change (provision.figures); the window's start and today's date
# (who is on roll) are in the key.
@cached_figures(
    "identification",
    schools=lambda school, *, since: school,
    key=lambda school, *, since: (since, timezone.localdate()),
)
def identification_figures(school: School, *, since) -> IdentificationFigures:
    """The rules run over the whole roll's results since ``since`` (the view filters whom to show)."""
    frame = results_frame(school=school)
    findings = identification.identify(frame, since=since)
    order = {
        p.pk: (p.year_group, p.sorting_name)
        for p in Pupil.objects.filter(school=school).only(
            "pk", "year_group", "legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name"
        )
    }
    return IdentificationFigures(
        findings=findings,
        pupil_groups=identification.pupil_groups(findings),
        stale=identification.no_recent_results(frame, since=since),
        order=order,
    )


def without_current_support(pupil_groups: pd.DataFrame, school: School) -> pd.DataFrame:
    """The "support" rows of ``pupil_groups`` (``identification.pupil_groups``) whose pupil has no current
    support: no open place in a planned or running group of ``school`` (one query). The identification page's
    ``?support=none`` and the SENCO's home both count these, so their numbers agree."""
    supported = set(
        Placement.objects.active()
        .filter(intervention__school=school, intervention__status__in=(Status.PLANNED, Status.RUNNING))
        .values_list("pupil_id", flat=True)
    )
    rows = pupil_groups[pupil_groups["group"] == "support"]
    return rows[~rows["pupil_id"].isin(supported)]
