"""Reads of the tracking pages: a school's assessment data as DataFrames for the pure computations, and the rows
the pages show. Each read of pupil data takes the reader and goes through ``visible_to(user, school)``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from interventions.groups import planning
from interventions.models import PLANNED_OR_RUNNING, Intervention, Placement, Status, Wave
from provision.access import RESULT_SCOPE, sees_whole
from provision.figures import cached_figures
from provision.models import School, Term
from pupils import identification
from pupils.identification import RESULT_COLUMNS
from pupils.models import Assessment, Pupil, Result, Subject, TeachingGroup

ASSESSMENT_FIELDS = {
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
    user, school: School, *, pupils: QuerySet[Pupil] | None = None, subject_id: int | None = None
) -> pd.DataFrame:
    """Every result of the on-roll pupils ``user`` sees at ``school`` (or of ``pupils``), one row each, in the
    columns that ``pupils.identification`` expects. Three queries: the results as bare (pupil, assessment, value)
    triples, and the pupils' and assessments' own columns, joined in pandas; building tens of thousands of rows with
    their dates in Python would cost more than the database work."""
    if pupils is None:
        pupils = Pupil.objects.visible_to(user, school).on_roll()
    assessments = Assessment.objects.filter(school=school)
    if subject_id is not None:
        assessments = assessments.filter(subject_id=subject_id)
    results = Result.objects.visible_to(user, school).filter(assessment__in=assessments, pupil__in=pupils)
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
        list(assessments.values_list(*ASSESSMENT_FIELDS)), columns=list(ASSESSMENT_FIELDS.values())
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


def identification_figures(user, school: School, *, since) -> IdentificationFigures:
    """The rules run over the whole roll's results since ``since`` (the view filters whom to show), for a reader who
    sees the school's results whole (``RESULT_SCOPE``: the SENCO and leaders, who read them on who needs support
    and their homes); anyone else is refused before the cache is asked."""
    if not sees_whole(user, school, RESULT_SCOPE):
        raise PermissionDenied("Who needs support is for the SENCO and leaders.")
    return _identification_figures(user, school, since=since)


# Cached per school until its results or pupils change (provision.figures); the window's start and today's date
# (who is on roll) are in the key. One copy per school, not per reader: every reader allowed it sees the whole
# school's pupils and results (PUPIL_SCOPE, RESULT_SCOPE).
@cached_figures(
    "identification",
    schools=lambda user, school, *, since: school,
    key=lambda user, school, *, since: (since, timezone.localdate()),
)
def _identification_figures(user, school: School, *, since) -> IdentificationFigures:
    frame = results_frame(user, school)
    findings = identification.identify(frame, since=since)
    order = {
        p.pk: (p.year_group, p.sorting_name)
        for p in Pupil.objects.visible_to(user, school).only(
            "pk", "year_group", "legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name"
        )
    }
    return IdentificationFigures(
        findings=findings,
        pupil_groups=identification.pupil_groups(findings),
        stale=identification.no_recent_results(frame, since=since),
        order=order,
    )


def without_current_support(user, school: School, pupil_groups: pd.DataFrame) -> pd.DataFrame:
    """The "support" rows of ``pupil_groups`` (``identification.pupil_groups``) whose pupil has no current
    support: no open place in a planned or running group of ``school`` (one query). The identification page's
    ``?support=none`` and the SENCO's home both count these, so their numbers agree."""
    supported = set(
        Placement.objects.visible_to(user, school)
        .active()
        .filter(intervention__status__in=PLANNED_OR_RUNNING)
        .values_list("pupil_id", flat=True)
    )
    rows = pupil_groups[pupil_groups["group"] == "support"]
    return rows[~rows["pupil_id"].isin(supported)]


def recent_since(school: School, today: dt.date, terms: int | None = None) -> tuple[dt.date, str]:
    """The first day of "recent" for who needs support: the start of the term ``terms`` terms back counting the
    current one (the school's ``recent_terms`` by default: the current and previous term), with its words. One
    query. Without term dates, four months a term."""
    count = terms or school.recent_terms
    starts = sorted(Term.objects.for_school(school).values_list("start_date", flat=True))
    started = [day for day in starts if day <= today]
    if not started:
        return today - dt.timedelta(days=122 * count), f"the last {count * 4} months"
    first = started[max(0, len(started) - count)]
    words = {1: "this term", 2: "this term and last term"}.get(count, f"this term and the {count - 1} before it")
    return first, words


def pupils_by_id(user, school: School, ids: list[int]) -> dict[int, Pupil]:
    """The pupils ``ids`` that ``user`` sees, with their class (one query)."""
    pupils = Pupil.objects.visible_to(user, school).filter(pk__in=ids).select_related("registration_group")
    return {p.pk: p for p in pupils}


def _in_subject(subject: Subject, prefix: str = "") -> Q:
    """Groups measured in ``subject``, or, with no assessed subject set, those whose area is named in the
    subject's name ("Spelling" in "Grammar, punctuation and spelling")."""
    areas = planning.areas_for_subject(subject.name)
    return Q(**{f"{prefix}subject": subject}) | Q(**{f"{prefix}subject__isnull": True, f"{prefix}area__in": areas})


def fitting_interventions(user, school: School, subject: Subject) -> list[Intervention]:
    """The school's planned or running groups a pupil flagged in ``subject`` could join (one query)."""
    return list(
        Intervention.objects.visible_to(user, school)
        .planned_or_running()
        .exclude(wave=Wave.QUALITY_FIRST)
        .filter(_in_subject(subject))
        .order_by("name")
    )


def current_support(
    user, school: School, pupils: list[Pupil], subject: Subject, today: dt.date
) -> dict[int, tuple[list[Intervention], list[tuple[Intervention, dt.date]]]]:
    """For each pupil, the groups in ``subject`` they are in now (running, started, not left) and those they
    are placed in that have not started yet (planned, or starting after today) with the day they start. Groups
    in other subjects are left out: the list is about this subject's need. One query."""
    placements = (
        Placement.objects.visible_to(user, school)
        .active()
        .filter(pupil__in=pupils, intervention__status__in=PLANNED_OR_RUNNING)
        .filter(_in_subject(subject, "intervention__"))
        .select_related("intervention")
        .order_by("intervention__start_date", "intervention__name")
    )
    support: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for placement in placements:
        group = placement.intervention
        starts = max(group.start_date, placement.entry_date)
        if group.status == Status.RUNNING and starts <= today:
            support[placement.pupil_id][0].append(group)
        else:
            support[placement.pupil_id][1].append((group, starts))
    return support


def tracking_classes(user, school: School, *, own_only: bool) -> list[TeachingGroup]:
    """The classes the tracking grid offers: the school's, or (``own_only``, a teacher) those ``user`` teaches."""
    groups = TeachingGroup.objects.filter(school=school).order_by("year_group", "name")
    return list(groups.filter(teachers=user) if own_only else groups)


def subjects_by_use(school: School) -> list[Subject]:
    """The school's subjects, each with ``n``, its number of assessments (one query)."""
    return list(Subject.objects.filter(school=school).annotate(n=Count("assessments")))


def subject_assessments(school: School, subject_id: int | None) -> list[Assessment]:
    """The assessments of one subject, oldest first, with their scales and bands (two queries)."""
    return list(
        Assessment.objects.filter(school=school, subject_id=subject_id)
        .select_related("subject", "scale")
        .prefetch_related("scale__bands")
        .order_by("taken_on", "name")
    )


def results_of(user, school: School, pupils: list[Pupil], assessments: list[Assessment]) -> dict[tuple, float]:
    """(pupil id, assessment id) -> value of the results ``user`` sees (one query)."""
    results = (
        Result.objects.visible_to(user, school)
        .filter(pupil__in=pupils, assessment__in=assessments)
        .only("pupil_id", "assessment_id", "value")
    )
    return {(r.pupil_id, r.assessment_id): r.value for r in results}


def pupil_results(user, school: School, pupil: Pupil) -> list[Result]:
    """One pupil's results by subject and date, with their assessments' subjects, scales and bands."""
    return list(
        Result.objects.visible_to(user, school)
        .filter(pupil=pupil)
        .select_related("assessment__subject", "assessment__scale")
        .prefetch_related("assessment__scale__bands")
        .order_by("assessment__subject__name", "assessment__taken_on")
    )


def premium_flags(user, school: School) -> pd.Series:
    """pupil id -> whether they have the pupil premium, for the on-roll pupils ``user`` sees (one query)."""
    pupils = Pupil.objects.visible_to(user, school).on_roll()
    return pd.Series(dict(pupils.values_list("pk", "pupil_premium")), dtype=bool)
