"""Whole-school figures for the leaders' dashboard and the governors' impact report: one school or several side by
side, in a constant number of queries whatever the number of schools, interventions, placements or results.

Like ``reports.impact.school_figures`` (whose module notes say why), these are aggregates that every reader allowed
them sees alike: each read goes through ``visible_to(user, schools, policy=FIGURES_SCOPE)``, a reader who does not see
every row of each school is refused (``PermissionDenied``), and one cached copy per school serves them all. The
dashboard's reader travels in its ``Selection`` (``reader``), so that a background job reads as the person who asked.

Each school has its own term dates (and its own subjects), so the filters arrive per school: ``periods`` maps a
school's id to its ``Period`` and ``subjects`` to the subject ids that count there (None: every subject). The
SQL ORs one condition per school, so two schools are still one query per kind of row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q

from interventions.models import Intervention, Placement, Status
from provision.access import FIGURES_SCOPE, sees_whole
from provision.calendar import calendars_for
from provision.figures import cached_figures
from provision.models import School
from pupils.identification import RESULT_COLUMNS, half_terms
from pupils.models import Assessment, Pupil, Result, TeachingGroup
from pupils.reference import year_group_on
from reports.dashboard import build as dashboard
from reports.impact import evaluation
from reports.maps.build import Period
from reports.tracking.selectors import ASSESSMENT_FIELDS


@dataclass
class DashboardFrames:
    interventions: pd.DataFrame  # dashboard.INTERVENTION_COLUMNS
    placements: pd.DataFrame  # dashboard.PLACEMENT_COLUMNS
    roll: pd.DataFrame  # dashboard.ROLL_COLUMNS
    classes: pd.DataFrame  # dashboard.CLASS_COLUMNS


@dataclass
class GapFrames:
    results: pd.DataFrame  # pupils.identification.RESULT_COLUMNS + school_id
    pupil_premium: pd.Series  # pupil_id -> bool
    assessments: pd.DataFrame  # assessment_id, school_id, name, taken_on
    half_term_of: dict = field(default_factory=dict)  # school id -> pupils.identification.half_terms of its terms


def _require_whole(user, schools: list[School] | list[int]) -> list[School] | list[int]:
    """``schools``, once ``user`` is known to see every row of each (``FIGURES_SCOPE``); else ``PermissionDenied``."""
    if schools and not sees_whole(user, schools, FIGURES_SCOPE):
        raise PermissionDenied("Whole-school figures are for the SENCO, leaders and the school admin.")
    return schools


def _any(conditions: list[Q]) -> Q:
    """OR of per-school conditions; nothing at all when there are none."""
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def _intervention_in(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": period.end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": period.start})
    )


def _subject_q(subject_ids: list[int] | None, prefix: str = "") -> Q:
    return Q() if subject_ids is None else Q(**{f"{prefix}subject_id__in": subject_ids})


# Cached per school until its data changes (provision.figures): a repeat visit to the dashboard or the impact page
# reads no placements. One copy per school: every reader allowed it (the impact viewers) sees the same answer.
def has_finished(user, *, periods: dict[int, Period], today: dt.date) -> bool:
    """:func:`_finished_in`, for a reader who sees the schools whole (refused before the cache is asked)."""
    _require_whole(user, list(periods))
    return _finished_in(user, periods=periods, today=today)


# One copy per school, not per reader: every reader allowed it reads the schools whole (FIGURES_SCOPE).
@cached_figures(
    "has-finished",
    schools=lambda user, **kwargs: list(kwargs["periods"]),
    key=lambda user, **kwargs: (sorted((pk, p.start, p.end) for pk, p in kwargs["periods"].items()), kwargs["today"]),
)
def _finished_in(user, *, periods: dict[int, Period], today: dt.date) -> bool:
    """Whether a wave 2 or 3 group of these schools (school id -> its period) has finished (ended by ``today`` or
    marked completed or stopped) with enough pupils to judge (``evaluation.THRESHOLDS.min_pupils``) who left it
    within the period, up to ``today``, with entry and exit results. One query. The dashboard and the impact page
    open on a period that has some (a pupil who moved away in October does not make a finished group)."""
    conditions = [
        Q(intervention__school_id=pk, exit_date__gte=period.start, exit_date__lte=min(period.end, today))
        for pk, period in periods.items()
    ]
    finished = Q(intervention__end_date__lte=today) | Q(intervention__status__in=(Status.COMPLETED, Status.STOPPED))
    return (
        Placement.objects.visible_to(user, list(periods), policy=FIGURES_SCOPE)
        .filter(_any(conditions), finished, intervention__wave__in=(2, 3))
        .filter(Q(entry_result__isnull=False) | Q(entry_value__isnull=False))
        .filter(Q(exit_result__isnull=False) | Q(exit_value__isnull=False))
        .values("intervention_id")
        .annotate(measured=Count("id"))
        .filter(measured__gte=evaluation.THRESHOLDS.min_pupils)
        .exists()
    )


def dashboard_frames(
    user,
    *,
    schools: list[School],
    periods: dict[int, Period],
    subjects: dict[int, list[int] | None],
    today: dt.date,
) -> DashboardFrames:
    """The interventions overlapping each school's period (with attendance marked in the period and the date of
    their last session), the placements in provision that had started by the end of the period (or by today, while
    it runs) with their pupils, the roll as it was in the period by year group and need, and the registration
    classes. Four queries.

    As they were: each placement's pupil and the roll carry the year group of the period (from the academic year,
    ``pupils.reference.year_group_on``; a pupil who has left is in the year group they left in, moved back).
    ``overdue`` is ``Intervention.is_overdue(today)``, so the rule stays on the model.
    """
    in_scope = _any(
        [
            Q(school=school) & _intervention_in(periods[school.pk]) & _subject_q(subjects.get(school.pk))
            for school in schools
        ]
    )
    session_in_period = _any(
        [
            Q(school=school, sessions__date__gte=periods[school.pk].start, sessions__date__lte=periods[school.pk].end)
            for school in schools
        ]
    )
    # As interventions.selectors.attendance_rates (present and marked attendance marks), but counting only the
    # sessions in the period, so that a term shows that term's attendance. The programme's name comes as an
    # aggregate of its one row, since the query is grouped.
    interventions = (
        Intervention.objects.visible_to(user, _require_whole(user, schools), policy=FIGURES_SCOPE)
        .filter(in_scope)
        .annotate(
            present_count=Count(
                "sessions__attendance", filter=session_in_period & Q(sessions__attendance__present=True)
            ),
            marked_count=Count("sessions__attendance", filter=session_in_period),
            last_session_on=Max("sessions__date"),
            programme_title=Max("programme__name"),
        )
        .only("pk", "school_id", "name", "wave", "status", "subject_id", "start_date", "end_date", "year_groups")
        .order_by("name", "pk")
    )
    intervention_rows = [
        (
            i.pk,
            i.school_id,
            i.name,
            i.programme_title or "",
            i.wave,
            i.status,
            i.subject_id,
            i.start_date,
            i.end_date,
            i.is_overdue(today),
            i.present_count,
            i.marked_count,
            i.last_session_on,
            list(i.year_groups or []),
        )  # fmt: skip
        for i in interventions
    ]
    intervention_frame = pd.DataFrame.from_records(intervention_rows, columns=dashboard.INTERVENTION_COLUMNS)
    intervention_frame["subject_id"] = intervention_frame["subject_id"].astype("Int64")

    # In provision that had started: its start on or before the end of the period (today while the period runs),
    # not a group still only planned, so a pupil whose only group starts next term is not counted yet.
    started_by = {pk: min(period.end, today) for pk, period in periods.items()}
    placed = _any(
        [
            Q(intervention__school=school, entry_date__lte=started_by[school.pk])
            & Q(intervention__start_date__lte=started_by[school.pk])
            & (Q(exit_date__isnull=True) | Q(exit_date__gte=periods[school.pk].start))
            & _intervention_in(periods[school.pk], "intervention__")
            & _subject_q(subjects.get(school.pk), "intervention__")
            for school in schools
        ]
    ) & ~Q(intervention__status=Status.PLANNED)
    placement_rows = Placement.objects.visible_to(user, schools, policy=FIGURES_SCOPE).filter(placed).values_list(
        "pk", "intervention_id", "intervention__school_id", "pupil_id", "pupil__year_group", "pupil__primary_need",
        "pupil__pupil_premium", "entry_date", "exit_date", "exit_value", "exit_result_id", "pupil__left_on",
    )  # fmt: skip
    placements = pd.DataFrame.from_records(
        list(placement_rows),
        columns=[*dashboard.PLACEMENT_COLUMNS[:-1], "exit_value", "exit_result_id", "left_on"],
    )
    placements["has_exit_data"] = placements["exit_value"].notna() | placements["exit_result_id"].notna()
    placements["year_group"] = _year_then(placements, periods, today)
    placements = placements[dashboard.PLACEMENT_COLUMNS]

    # The roll as it was: pupils on roll at some time in the period, in the year group they were in then.
    on_roll_then = _any(
        [
            Q(school=school)
            & (Q(left_on__isnull=True) | Q(left_on__gte=periods[school.pk].start))
            & (Q(admitted_on__isnull=True) | Q(admitted_on__lte=periods[school.pk].end))
            for school in schools
        ]
    )
    roll = pd.DataFrame.from_records(
        list(
            Pupil.objects.visible_to(user, schools, policy=FIGURES_SCOPE)
            .filter(on_roll_then)
            .values("school_id", "year_group", "primary_need", "left_on")
            .annotate(n=Count("pk"))
            .values_list("school_id", "year_group", "primary_need", "n", "left_on")
            .order_by()
        ),
        columns=[*dashboard.ROLL_COLUMNS, "left_on"],
    )
    roll["year_group"] = _year_then(roll, periods, today)
    roll = roll.groupby(["school_id", "year_group", "primary_need"], as_index=False)["pupils"].sum()
    roll = roll[dashboard.ROLL_COLUMNS] if len(roll) else pd.DataFrame(columns=dashboard.ROLL_COLUMNS)
    classes = pd.DataFrame.from_records(
        list(
            TeachingGroup.objects.filter(school__in=schools, kind=TeachingGroup.Kind.REGISTRATION).values_list(
                "school_id", "pk", "year_group"
            )
        ),
        columns=dashboard.CLASS_COLUMNS,
    )
    return DashboardFrames(interventions=intervention_frame, placements=placements, roll=roll, classes=classes)


def _year_then(frame: pd.DataFrame, periods: dict[int, Period], today: dt.date) -> pd.Series:
    """Each row's ``year_group`` (a pupil's now, or when they left on ``left_on``) as it was in its school's
    period (``pupils.reference.year_group_on`` at the period's start)."""
    if frame.empty:
        return pd.Series(dtype="int64")
    return pd.Series(
        [
            year_group_on(int(year), periods[school_id].start, today=today, left_on=None if pd.isna(left) else left)
            for year, school_id, left in zip(frame["year_group"], frame["school_id"], frame["left_on"], strict=True)
        ],
        index=frame.index,
        dtype="int64",
    )


# The assessments' columns of reports.tracking.selectors, and which school and sitting each is.
DASHBOARD_ASSESSMENT_FIELDS = {**ASSESSMENT_FIELDS, "school_id": "school_id", "name": "name"}


def gap_frames(user, *, schools: list[School], subjects: dict[int, list[int]], until: dict[int, dt.date]) -> GapFrames:
    """The results of the on-roll pupils of ``schools`` in each school's gap subject(s), on assessments up to
    ``until`` (the end of the school's period), with the pupils' pupil premium flags. Three queries: bare
    (pupil, assessment, value) triples, the pupils, and the assessments, joined in pandas (as
    ``reports.tracking.selectors.results_frame``, for several schools at once), plus the schools' term dates for their
    half terms."""
    points = Assessment.objects.filter(
        _any(
            [
                Q(school=school, subject_id__in=subjects[school.pk], taken_on__lte=until[school.pk])
                for school in schools
                if subjects.get(school.pk)
            ]
        )
    )
    pupils = Pupil.objects.visible_to(user, _require_whole(user, schools), policy=FIGURES_SCOPE).on_roll()
    # One query: each school's terms, split into half terms at a recorded half-term week (else at the middle).
    half_term_of = {pk: half_terms(list(days.terms), days.half_terms) for pk, days in calendars_for(schools).items()}
    assessments = pd.DataFrame.from_records(
        list(points.values_list(*DASHBOARD_ASSESSMENT_FIELDS)), columns=list(DASHBOARD_ASSESSMENT_FIELDS.values())
    )
    empty = GapFrames(
        results=pd.DataFrame(columns=[*RESULT_COLUMNS, "school_id"]),
        pupil_premium=pd.Series(dtype=bool),
        assessments=assessments[["assessment_id", "school_id", "name", "taken_on"]],
        half_term_of=half_term_of,
    )
    if assessments.empty:
        return empty
    scores = pd.DataFrame.from_records(
        list(
            Result.objects.visible_to(user, schools, policy=FIGURES_SCOPE)
            .filter(assessment_id__in=assessments["assessment_id"].tolist(), pupil__in=pupils)
            .values_list("pupil_id", "assessment_id", "value")
        ),
        columns=["pupil_id", "assessment_id", "value"],
    )
    if scores.empty:
        return empty
    people = pd.DataFrame.from_records(
        list(pupils.values_list("pk", "year_group", "date_of_birth", "pupil_premium")),
        columns=["pupil_id", "year_group", "date_of_birth", "pupil_premium"],
    )
    frame = scores.merge(people, on="pupil_id").merge(assessments.drop(columns=["name"]), on="assessment_id")
    frame["taken_on"] = pd.to_datetime(frame["taken_on"])
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    premium = people.set_index("pupil_id")["pupil_premium"].astype(bool)
    return GapFrames(
        results=frame[[*RESULT_COLUMNS, "school_id"]],
        pupil_premium=premium,
        assessments=assessments[["assessment_id", "school_id", "name", "taken_on"]],
        half_term_of=half_term_of,
    )
