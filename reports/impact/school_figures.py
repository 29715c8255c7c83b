"""Whole-school impact figures: a school's (or a trust's) interventions, placements and results as the DataFrames
``reports.impact.evaluation`` works on, in a constant number of queries however many interventions, pupils or schools,
and their evaluation (cached per school).

The figures are aggregates over every pupil of the school: a group's verdict compares its pupils with every similar
pupil, so it cannot depend on the reader's row scope. Every read goes through ``visible_to(user, schools,
policy=FIGURES_SCOPE)`` (``provision.access``: the impact viewers see each of their schools whole; the admin, who
opens no single result, sees the same verdicts as the SENCO), and a reader who does not see every row of each school
asked for is refused (``PermissionDenied``) rather than handed, and caching, a part of the figures. So one cached copy
per school serves every reader. The ``evaluate_impact`` command and the bench, which have no signed-in user, read as
operators (``provision.access.operator_reads``).

Like ``reports.tracking.selectors.results_frame``, rows come out of the database as bare tuples (``values_list``) and
are joined in pandas: building thousands of model instances would cost more than the queries.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from interventions.models import ExternalCosting, Intervention, InterventionStaff, Placement, StaffRate
from interventions.selectors import placements_with_dosage
from provision.access import FIGURES_SCOPE, sees_whole
from provision.calendar import calendars_for
from provision.figures import cached_figures
from provision.models import School
from provision.school_days import SchoolDays
from pupils import scales
from pupils.identification import RESULT_COLUMNS
from pupils.models import Assessment, Pupil, Result, ScaleBand
from reports.impact import evaluation
from reports.maps.build import Period, period_cost
from reports.tracking.selectors import ASSESSMENT_FIELDS

# Database field -> column of evaluation.PLACEMENT_COLUMNS (in that order), plus the exit reason.
_PLACEMENT_FIELDS = {
    "pk": "placement_id",
    "intervention_id": "intervention_id",
    "intervention__programme_id": "programme_id",
    "pupil_id": "pupil_id",
    "pupil__year_group": "year_group",
    "pupil__pupil_premium": "pupil_premium",
    "intervention__subject_id": "subject_id",
    "intervention__scale__kind": "scale_kind",
    "entry_date": "entry_date",
    "exit_date": "exit_date",
    "entry_value": "entry_value",
    "exit_value": "exit_value",
    "entry_result__assessment_id": "entry_assessment_id",
    "exit_result__assessment_id": "exit_assessment_id",
    "entry_result__assessment__taken_on": "entry_taken_on",
    "exit_result__assessment__taken_on": "exit_taken_on",
    "target_value": "target_value",
    "outcome": "outcome",
    "entry_rating": "entry_rating",
    "exit_rating": "exit_rating",
    "sessions_attended": "sessions_attended",
    "sessions_held": "sessions_held",
    "pupil__date_of_birth": "date_of_birth",
    "exit_reason": "exit_reason",
}
assert list(_PLACEMENT_FIELDS.values())[: len(evaluation.PLACEMENT_COLUMNS)] == evaluation.PLACEMENT_COLUMNS
PLACEMENT_FRAME_COLUMNS = list(_PLACEMENT_FIELDS.values())

_ALL_PLACEMENT_FIELDS = {
    "pk": "placement_id",
    "intervention_id": "intervention_id",
    "pupil_id": "pupil_id",
    "intervention__subject_id": "subject_id",
    "intervention__programme_id": "programme_id",
    "entry_date": "entry_date",
    "exit_date": "exit_date",
}
ALL_PLACEMENT_COLUMNS = list(_ALL_PLACEMENT_FIELDS.values())
assert ALL_PLACEMENT_COLUMNS == evaluation.ALL_PLACEMENT_COLUMNS

_INTERVENTION_FIELDS = [
    "pk",
    "school_id",
    "programme_id",
    "programme__name",
    "name",
    "subject_id",
    "subject__name",
    "scale__kind",
    "wave",
    "status",
    "start_date",
    "end_date",
    "days",
    "minutes_per_session",
    "resources_cost",
    "external_cost",
    "external_costing",
    "scale__min_value",
    "scale__max_value",
    "scale_bands",
]


@dataclass
class ImpactFrames:
    """The inputs of ``evaluation.evaluate``.

    * ``placements``: the chosen interventions' placements, columns ``evaluation.PLACEMENT_COLUMNS`` plus
      ``exit_reason``;
    * ``all_placements``: every placement of the schools (for keeping pupils with other support in the subject
      out of comparison groups), columns ``ALL_PLACEMENT_COLUMNS`` only;
    * ``interventions``: the chosen interventions, columns ``evaluation.INTERVENTION_COLUMNS``;
    * ``results``: the results in the chosen interventions' subjects of every pupil of the schools, including
      those who have left, columns ``pupils.identification.RESULT_COLUMNS``.
    """

    placements: pd.DataFrame
    all_placements: pd.DataFrame
    interventions: pd.DataFrame
    results: pd.DataFrame


def _school_ids(user, schools: School | Iterable[School]) -> list[int]:
    """The schools' ids, once ``user`` is known to see every row of each (``FIGURES_SCOPE``)."""
    ids = [schools.pk] if isinstance(schools, School) else [school.pk for school in schools]
    if ids and not sees_whole(user, ids, FIGURES_SCOPE):
        raise PermissionDenied("Whole-school figures are for the SENCO, leaders and the school admin.")
    return ids


def chosen_interventions(
    user,
    school_ids: list[int],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    subject_id: int | None = None,
    intervention_ids: Iterable[int] | None = None,
) -> QuerySet[Intervention]:
    """The schools' interventions overlapping [start, end] (either end open), of one subject, or these ids."""
    interventions = Intervention.objects.visible_to(user, school_ids, policy=FIGURES_SCOPE)
    if start is not None:
        interventions = interventions.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        interventions = interventions.filter(start_date__lte=end)
    if subject_id is not None:
        interventions = interventions.filter(subject_id=subject_id)
    if intervention_ids is not None:
        interventions = interventions.filter(pk__in=list(intervention_ids))
    return interventions.order_by()


def impact_frames(
    user,
    *,
    schools: School | Iterable[School],
    start: dt.date | None = None,
    end: dt.date | None = None,
    subject_id: int | None = None,
    intervention_ids: Iterable[int] | None = None,
) -> ImpactFrames:
    """The frames for evaluating the schools' interventions that overlap [``start``, ``end``] (all when both are
    None), optionally of one subject or only ``intervention_ids``. Nine queries whatever the numbers: the
    interventions; their staff lines, the schools' staff rates and terms (for costs); the chosen placements with
    their dosage; every placement of the schools; and the results as bare triples, the pupils and the
    assessments, joined in pandas. (Fewer when a filter leaves nothing to ask about.)

    ``cost`` is each intervention's whole planned cost (``reports.maps.build.period_cost`` over its own
    dates: staff time for the sessions planned between its start and end on term days, plus resources and
    external costs). One with no end date is costed to ``end``, or to the end of the school's last term.
    """
    school_ids = _school_ids(user, schools)
    chosen = chosen_interventions(
        user, school_ids, start=start, end=end, subject_id=subject_id, intervention_ids=intervention_ids
    )
    # A subquery, not a join and GROUP BY: ``days`` is JSON, which PostgreSQL cannot group by.
    bands = ScaleBand.objects.filter(scale=OuterRef("scale")).order_by().values("scale").annotate(n=Count("*"))
    rows = list(
        chosen.annotate(scale_bands=Coalesce(Subquery(bands.values("n")), 0)).values_list(*_INTERVENTION_FIELDS)
    )
    interventions = _interventions_frame(user, rows, school_ids, open_end=end)

    placements = placements_with_dosage(
        Placement.objects.visible_to(user, school_ids, policy=FIGURES_SCOPE).filter(intervention__in=chosen)
    ).order_by()
    placement_frame = pd.DataFrame.from_records(
        list(placements.values_list(*_PLACEMENT_FIELDS)), columns=PLACEMENT_FRAME_COLUMNS
    )
    everyone = Placement.objects.visible_to(user, school_ids, policy=FIGURES_SCOPE).order_by()
    all_placements = pd.DataFrame.from_records(
        list(everyone.values_list(*_ALL_PLACEMENT_FIELDS)), columns=ALL_PLACEMENT_COLUMNS
    )
    for frame in (placement_frame, all_placements):
        for column in ("entry_date", "exit_date"):
            frame[column] = pd.to_datetime(frame[column])
    for column in ("entry_taken_on", "exit_taken_on"):
        placement_frame[column] = pd.to_datetime(placement_frame[column])

    subjects = chosen.exclude(subject_id__isnull=True).values("subject_id")
    results = _results_frame(user, school_ids, subjects)
    return ImpactFrames(
        placements=placement_frame, all_placements=all_placements, interventions=interventions, results=results
    )


def _interventions_frame(user, rows: list[tuple], school_ids: list[int], *, open_end: dt.date | None) -> pd.DataFrame:
    """The interventions as ``evaluation.INTERVENTION_COLUMNS`` with their costs (three queries: staff lines,
    rates and terms, loaded once for all the schools; none when there are no interventions)."""
    if not rows:
        return pd.DataFrame(columns=evaluation.INTERVENTION_COLUMNS)
    ids = [row[0] for row in rows]
    staff: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for intervention_id, role in (
        InterventionStaff.objects.visible_to(user, school_ids, policy=FIGURES_SCOPE)
        .filter(intervention_id__in=ids)
        .order_by()
        .values_list("intervention_id", "role")
    ):
        staff[intervention_id].append(("", role))
    rates: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for school_id, role, rate in StaffRate.objects.filter(school_id__in=school_ids).values_list(
        "school_id", "role", "hourly_rate"
    ):
        rates[school_id][role] = rate
    calendars = calendars_for(school_ids)  # school days: the terms less their closures

    records = []
    for (pk, school_id, programme_id, programme_name, name, subject_id, subject_name, kind, wave, status, start,
         end, days, minutes, resources, external, external_costing, low, high, bands) in rows:  # fmt: skip
        school_days = calendars.get(school_id) or SchoolDays(())
        last = end or open_end or (school_days.spans[-1][1] if school_days.spans else start)
        cost = period_cost(
            days=list(days or []),
            start=start,
            end=end,
            minutes=minutes,
            staff=staff.get(pk, []),
            rates=rates.get(school_id, {}),
            resources=resources,
            external=external,
            terms=school_days,
            period=Period(label="", start=start, end=max(start, last)),
            external_by_fee=external_costing == ExternalCosting.FEE,
        ).total
        records.append(
            (pk, school_id, programme_id, programme_name or "", name, subject_id, subject_name or "", kind or "",
             _scale_steps(kind, low, high, bands), wave, status, start, end, float(cost))
        )  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=evaluation.INTERVENTION_COLUMNS)
    for column in ("programme_id", "subject_id"):
        frame[column] = frame[column].astype("Int64")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _scale_steps(kind: str | None, low: float | None, high: float | None, bands: int) -> float:
    """How many values a coarse scale can take (for ``evaluation``'s "too coarse" rule): the bands of a bands
    scale, the ten grades U-9 of GCSE, the whole marks of a raw score out of fewer than 10; NaN otherwise."""
    if kind == scales.BANDS:
        return float(bands)
    if kind == scales.GCSE:
        return 10.0
    if kind == scales.RAW and low is not None and high is not None and high - low + 1 < 10:
        return float(high - low + 1)
    return math.nan


def _results_frame(user, school_ids: list[int], subjects: QuerySet) -> pd.DataFrame:
    """Every result in ``subjects`` (a subquery of subject ids) at the schools, of pupils on roll or not, in
    ``RESULT_COLUMNS``: three queries, as ``reports.tracking.selectors.results_frame``."""
    assessments = Assessment.objects.filter(school_id__in=school_ids, subject_id__in=subjects).order_by()
    scores = pd.DataFrame.from_records(
        list(
            Result.objects.visible_to(user, school_ids, policy=FIGURES_SCOPE)
            .filter(assessment__in=assessments)
            .order_by()
            .values_list("pupil_id", "assessment_id", "value")
        ),
        columns=["pupil_id", "assessment_id", "value"],
    )
    people = pd.DataFrame.from_records(
        list(
            Pupil.objects.visible_to(user, school_ids, policy=FIGURES_SCOPE)
            .order_by()
            .values_list("pk", "year_group", "date_of_birth")
        ),
        columns=["pupil_id", "year_group", "date_of_birth"],
    )
    points = pd.DataFrame.from_records(
        list(assessments.values_list(*ASSESSMENT_FIELDS)), columns=list(ASSESSMENT_FIELDS.values())
    )
    if scores.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    frame = scores.merge(people, on="pupil_id").merge(points, on="assessment_id")
    frame["taken_on"] = pd.to_datetime(frame["taken_on"])
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    return frame[RESULT_COLUMNS]


def _evaluation_key(
    user,
    *,
    schools=None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    subject_id: int | None = None,
    intervention_ids: Iterable[int] | None = None,
    thresholds: evaluation.Thresholds = evaluation.THRESHOLDS,
) -> tuple:
    ids = None if intervention_ids is None else tuple(sorted(intervention_ids))
    # Today's date: the default period and "ongoing" placements are read against it.
    return (start, end, subject_id, ids, repr(thresholds), timezone.localdate())


def evaluate_school(user, *, schools: School | Iterable[School], **filters) -> evaluation.Evaluation:
    """``impact_frames`` evaluated (``filters``: ``start``, ``end``, ``subject_id``, ``intervention_ids``,
    ``thresholds``): every chosen intervention, its programme and the pupils to rethink. A reader who does not see
    the schools whole is refused before the cache is asked."""
    _school_ids(user, schools)
    return _evaluated(user, schools=schools, **filters)


# Cached per school until its results, placements or interventions change (provision.figures). One copy per school,
# not per reader: every reader allowed them reads the school whole (FIGURES_SCOPE); evaluate_school refuses anyone
# else before the cache is asked.
@cached_figures("impact", schools=lambda user, **kwargs: kwargs["schools"], key=_evaluation_key)
def _evaluated(
    user,
    *,
    schools: School | Iterable[School],
    start: dt.date | None = None,
    end: dt.date | None = None,
    subject_id: int | None = None,
    intervention_ids: Iterable[int] | None = None,
    thresholds: evaluation.Thresholds = evaluation.THRESHOLDS,
) -> evaluation.Evaluation:
    frames = impact_frames(
        user, schools=schools, start=start, end=end, subject_id=subject_id, intervention_ids=intervention_ids
    )
    return evaluation.evaluate(
        frames.placements, frames.interventions, frames.results, frames.all_placements, thresholds
    )
