"""The impact figures (reports/impact/school_figures.py): the frames' columns and values, which interventions,
placements and results they hold, costs, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pandas as pd
import pytest

from interventions.models import Attendance, InterventionStaff, Placement, Session, StaffRate
from provision.access import operator_reads
from pupils.identification import RESULT_COLUMNS
from pupils.models import Result, ScaleKind
from reports.impact import evaluation
from reports.impact import school_figures as selectors_impact
from tests import factories as f

pytestmark = pytest.mark.django_db

SEPT, DEC, MARCH = dt.date(2026, 9, 7), dt.date(2026, 12, 7), dt.date(2027, 3, 8)
FRAME_QUERIES = 9


@pytest.fixture(autouse=True)
def as_operator():
    """The frames read whole, as the evaluate_impact command reads them (``provision.access.operator_reads``);
    who may read them as a signed-in user is tests/reports/test_impact_views.py's and test_figures_scope below."""
    with operator_reads():
        yield


def reading_school(school, *, groups: int = 1, pupils_per_group: int = 2) -> dict:
    """A school with a reading-age scale, three reading tests, a maths test, and ``groups`` reading groups of a
    programme, each with linked entry and exit results for its pupils."""
    if not school.academic_years.exists():  # the world's first school has its 2026/27 year already
        f.school_year(school, 2026)
    reading = f.SubjectFactory(school=school, name="Reading")
    maths = f.SubjectFactory(school=school, name="Maths")
    age = f.ScaleFactory(school=school, kind=ScaleKind.AGE, min_value=36, max_value=216, expected=None, high=None)
    tests = {
        day: f.AssessmentFactory(school=school, subject=reading, scale=age, name=f"Reading {day}", taken_on=day)
        for day in (SEPT, DEC, MARCH)
    }
    maths_test = f.AssessmentFactory(school=school, subject=maths, name="Maths", taken_on=DEC)
    programme = f.ProgrammeFactory(school=school, name=f"Reading Boost {school.pk}")
    StaffRate.objects.create(school=school, role="ta", hourly_rate=Decimal("20.00"))
    made = []
    for number in range(groups):
        group = f.InterventionFactory(
            school=school, programme=programme, subject=reading, scale=age, name=f"Reading group {number}",
            days=[0], minutes_per_session=30, start_date=dt.date(2026, 9, 14), end_date=dt.date(2026, 9, 28),
            resources_cost=Decimal("100"), external_cost=Decimal("50"), status="completed",
        )  # fmt: skip
        InterventionStaff.objects.create(intervention=group, user=f.UserFactory(), role="ta")
        for _ in range(pupils_per_group):
            pupil = f.PupilFactory(school=school, year_group=4, pupil_premium=True)
            entry = Result.objects.create(pupil=pupil, assessment=tests[SEPT], value=96, typed="8:00")
            exit_ = Result.objects.create(pupil=pupil, assessment=tests[DEC], value=105, typed="8:09")
            Result.objects.create(pupil=pupil, assessment=tests[MARCH], value=107, typed="8:11")
            Result.objects.create(pupil=pupil, assessment=maths_test, value=100, typed="100")
            Placement.objects.create(
                intervention=group, pupil=pupil, entry_date=group.start_date, exit_date=group.end_date,
                entry_result=entry, entry_value=96, exit_result=exit_, exit_value=105, target_value=102,
                outcome="met", entry_rating=2, exit_rating=4, exit_reason="completed",
            )  # fmt: skip
        made.append(group)
    return {"groups": made, "tests": tests, "reading": reading, "maths": maths, "age": age, "programme": programme}


def test_frames_have_the_contract_columns(world):
    reading_school(world.school)
    frames = selectors_impact.impact_frames(None, schools=world.school)
    assert list(frames.placements.columns) == evaluation.PLACEMENT_COLUMNS + ["exit_reason"]
    assert list(frames.interventions.columns) == evaluation.INTERVENTION_COLUMNS
    assert list(frames.results.columns) == RESULT_COLUMNS
    assert list(frames.all_placements.columns) == selectors_impact.ALL_PLACEMENT_COLUMNS


def test_placement_rows_carry_linked_results_dosage_and_the_pupil(world):
    made = reading_school(world.school, pupils_per_group=1)
    group = made["groups"][0]
    placement = group.placements.get()
    typed = Placement.objects.create(
        intervention=group, pupil=f.PupilFactory(school=world.school, year_group=5), entry_date=group.start_date,
        entry_value=90, entry_typed="7:06",
    )  # fmt: skip
    first = Session.objects.create(intervention=group, date=dt.date(2026, 9, 14), minutes=30)
    second = Session.objects.create(intervention=group, date=dt.date(2026, 9, 21), minutes=30)
    Attendance.objects.create(session=first, placement=placement, present=True)
    Attendance.objects.create(session=second, placement=placement, present=False, absence_reason="unwell")
    frame = selectors_impact.impact_frames(None, schools=world.school).placements.set_index("placement_id")

    linked = frame.loc[placement.pk]
    assert linked["intervention_id"] == group.pk and linked["programme_id"] == made["programme"].pk
    assert linked["pupil_id"] == placement.pupil_id and linked["year_group"] == 4 and bool(linked["pupil_premium"])
    assert linked["subject_id"] == made["reading"].pk and linked["scale_kind"] == "age"
    assert (linked["entry_value"], linked["exit_value"], linked["target_value"]) == (96, 105, 102)
    assert linked["entry_assessment_id"] == made["tests"][SEPT].pk
    assert linked["exit_assessment_id"] == made["tests"][DEC].pk
    assert linked["entry_taken_on"] == pd.Timestamp(SEPT) and linked["exit_taken_on"] == pd.Timestamp(DEC)
    assert linked["entry_date"] == pd.Timestamp(2026, 9, 14) and linked["exit_date"] == pd.Timestamp(2026, 9, 28)
    assert (linked["outcome"], linked["entry_rating"], linked["exit_rating"]) == ("met", 2, 4)
    assert (linked["sessions_attended"], linked["sessions_held"]) == (1, 2)

    unlinked = frame.loc[typed.pk]
    assert unlinked["entry_value"] == 90 and pd.isna(unlinked["exit_value"])
    assert pd.isna(unlinked["entry_assessment_id"]) and pd.isna(unlinked["entry_taken_on"])
    assert pd.isna(unlinked["exit_date"]) and unlinked["sessions_held"] == 2 and unlinked["sessions_attended"] == 0


def test_intervention_rows_with_the_whole_planned_cost(world):
    made = reading_school(world.school)
    row = selectors_impact.impact_frames(None, schools=world.school).interventions.iloc[0]
    group = made["groups"][0]
    assert (row["intervention_id"], row["school_id"], row["name"]) == (group.pk, world.school.pk, group.name)
    assert (row["programme_id"], row["programme_name"]) == (made["programme"].pk, made["programme"].name)
    assert (row["subject_id"], row["subject_name"], row["scale_kind"]) == (made["reading"].pk, "Reading", "age")
    assert (row["wave"], row["status"]) == (2, "completed")
    # Three Mondays (14, 21, 28 September) x 30 minutes x £20 an hour, plus £100 resources and £50 external.
    assert row["cost"] == pytest.approx(3 * 0.5 * 20 + 100 + 50)


def test_an_open_ended_intervention_is_costed_to_the_end_of_the_window(world):
    made = reading_school(world.school)
    group = made["groups"][0]
    group.end_date = None
    group.save()
    costs = selectors_impact.impact_frames(None, schools=world.school, end=dt.date(2026, 10, 4)).interventions
    # Mondays 14, 21 and 28 September to 4 October: 3 sessions again; resources and external whole.
    assert costs.iloc[0]["cost"] == pytest.approx(3 * 0.5 * 20 + 150)
    assert pd.isna(costs.iloc[0]["end_date"])


def test_interventions_are_chosen_by_dates_subject_or_id(world):
    made = reading_school(world.school, groups=2)
    early, late = made["groups"]
    late.start_date, late.end_date = dt.date(2027, 1, 11), dt.date(2027, 2, 8)
    late.save()
    maths_group = f.InterventionFactory(school=world.school, subject=made["maths"], name="Maths", end_date=None)

    def chosen(**filters) -> set[int]:
        return set(
            selectors_impact.impact_frames(None, schools=world.school, **filters).interventions["intervention_id"]
        )

    assert chosen() == {early.pk, late.pk, maths_group.pk}
    assert chosen(start=dt.date(2026, 10, 1)) == {late.pk, maths_group.pk}  # the maths group has no end
    assert chosen(end=dt.date(2026, 12, 31)) == {early.pk, maths_group.pk}
    assert chosen(start=dt.date(2026, 9, 28), end=dt.date(2026, 9, 28)) == {early.pk, maths_group.pk}
    assert chosen(subject_id=made["reading"].pk) == {early.pk, late.pk}
    assert chosen(intervention_ids=[late.pk]) == {late.pk}


def test_all_placements_are_every_placement_of_the_school_and_no_other(world):
    made = reading_school(world.school, groups=2)
    reading_school(world.other_school)
    first, second = made["groups"]
    frames = selectors_impact.impact_frames(None, schools=world.school, intervention_ids=[first.pk])
    assert set(frames.placements["intervention_id"]) == {first.pk}
    assert set(frames.all_placements["intervention_id"]) == {first.pk, second.pk}
    assert set(frames.all_placements["subject_id"]) == {made["reading"].pk}


def test_results_are_in_the_chosen_subjects_for_pupils_on_roll_or_not(world):
    made = reading_school(world.school)
    reading_school(world.other_school)
    leaver = f.PupilFactory(school=world.school, year_group=4, left_on=dt.date(2027, 1, 31))
    Result.objects.create(pupil=leaver, assessment=made["tests"][SEPT], value=90, typed="7:06")
    results = selectors_impact.impact_frames(None, schools=world.school).results
    assert set(results["subject_id"]) == {made["reading"].pk}  # no maths interventions, so no maths results
    assert leaver.pk in set(results["pupil_id"])
    assert set(results["assessment_id"]) == {test.pk for test in made["tests"].values()}
    row = results[results["pupil_id"] == leaver.pk].iloc[0]
    assert (row["value"], row["scale_kind"], row["year_group"]) == (90, "age", 4)
    assert row["taken_on"] == pd.Timestamp(SEPT)


def test_frames_for_nothing_are_empty_with_their_columns(world):
    frames = selectors_impact.impact_frames(None, schools=world.school)
    assert frames.placements.empty and frames.interventions.empty and frames.results.empty
    assert list(frames.interventions.columns) == evaluation.INTERVENTION_COLUMNS
    result = selectors_impact.evaluate_school(None, schools=world.school)
    assert result.groups.empty and result.rethink.empty


def test_evaluate_school_evaluates_every_chosen_group(world):
    made = reading_school(world.school, groups=2, pupils_per_group=3)
    result = selectors_impact.evaluate_school(None, schools=world.school)
    groups = result.groups.set_index("intervention_id")
    for group in made["groups"]:
        row = groups.loc[group.pk]
        assert (row["n_placed"], row["n_measured"]) == (3, 3)
        assert row["mean_gain"] == 9 and row["pct_target_met"] == 100 and row["pct_sustained"] == 100
        assert row["cost_per_pupil"] == pytest.approx(180 / 3)  # £180 a group (as above) for three pupils
    # Each group's pupils are in the other group's subject at the same time, so neither is the other's comparison.
    assert result.comparison.empty
    assert list(result.programmes["programme_id"]) == [made["programme"].pk]
    assert not math.isnan(result.programmes.iloc[0]["mean_gain"])


def test_query_count_does_not_grow_with_interventions_pupils_or_schools(world, django_assert_num_queries):
    reading_school(world.school, groups=1, pupils_per_group=1)
    with django_assert_num_queries(FRAME_QUERIES):
        small = selectors_impact.impact_frames(None, schools=world.school)
    assert len(small.interventions) == 1
    reading_school(world.other_school, groups=4, pupils_per_group=3)
    with django_assert_num_queries(FRAME_QUERIES):
        large = selectors_impact.impact_frames(None, schools=[world.school, world.other_school])
    assert len(large.interventions) == 5 and len(large.placements) == 13
    with django_assert_num_queries(FRAME_QUERIES):
        selectors_impact.evaluate_school(None, schools=[world.school, world.other_school])
