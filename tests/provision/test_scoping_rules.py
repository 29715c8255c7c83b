"""The role rules as the model layer applies them (``visible_to`` and the named policies of provision.access)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from interventions.models import (
    Attendance,
    Intervention,
    InterventionStaff,
    Placement,
    PlanReview,
    Session,
    SupportPlan,
)
from interventions.progress.models import CheckScore, ProgressCheck
from provision import access
from provision.models import Role
from pupils.models import Guardian, Pupil, PupilGuardian, Result
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(world):
    """Two groups at Oak Primary (the TA runs one, as staff), one at Elm Academy; a pupil in each, a session each."""
    run = f.InterventionFactory(school=world.school, name="Run by the TA")
    InterventionStaff.objects.create(intervention=run, user=world.users["ta"], role="ta")
    led = f.InterventionFactory(school=world.school, name="Led by the teacher", lead=world.users["teacher"])
    other = f.InterventionFactory(school=world.other_school, name="Elsewhere")
    placements = {
        "run": f.PlacementFactory(intervention=run, pupil=world.pupils[0]),
        "led": f.PlacementFactory(intervention=led, pupil=world.pupils[2]),
        "other": f.PlacementFactory(intervention=other, pupil=world.other_pupil),
    }
    for placement in placements.values():
        session = f.SessionFactory(intervention=placement.intervention)
        Attendance.objects.create(session=session, placement=placement)
        ProgressCheck.objects.get_or_create(
            intervention=placement.intervention, defaults={"name": "Words", "unit": "w"}
        )
        CheckScore.objects.create(placement=placement, date=dt.date(2026, 10, 1), value=10, typed="10")
    return {"run": run, "led": led, "other": other, "placements": placements}


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_a_ta_sees_only_the_groups_they_run_and_what_hangs_off_them(world, groups):
    ta, school = world.users["ta"], world.school
    assert _names(Intervention.objects.visible_to(ta, school)) == {"Run by the TA"}
    expected = {groups["placements"]["run"].pk}
    assert set(Placement.objects.visible_to(ta, school).values_list("pk", flat=True)) == expected
    assert set(Attendance.objects.visible_to(ta, school).values_list("placement_id", flat=True)) == expected
    assert set(CheckScore.objects.visible_to(ta, school).values_list("placement_id", flat=True)) == expected
    assert set(Session.objects.visible_to(ta, school).values_list("intervention_id", flat=True)) == {groups["run"].pk}
    assert set(InterventionStaff.objects.visible_to(ta, school).values_list("intervention_id", flat=True)) == {
        groups["run"].pk
    }


def test_other_staff_see_the_whole_school_and_nothing_of_another(world, groups):
    for role in ("senco", "teacher", "leader", "admin"):
        assert _names(Intervention.objects.visible_to(world.users[role], world.school)) == {
            "Run by the TA",
            "Led by the teacher",
        }
    # Across all their schools (school=None): Elm's SENCO sees Elm's group only.
    assert _names(Intervention.objects.visible_to(world.users["other_senco"])) == {"Elsewhere"}
    # Asking for a school where the user has no role gives nothing.
    assert not Intervention.objects.visible_to(world.users["senco"], world.other_school).exists()
    assert not Pupil.objects.visible_to(world.users["senco"], world.other_school).exists()


def test_session_logging_is_the_senco_s_anywhere_and_the_others_for_groups_they_run(world, groups):
    school = world.school
    assert _names(Intervention.objects.loggable_by(world.users["senco"], school)) == {
        "Run by the TA",
        "Led by the teacher",
    }
    assert _names(Intervention.objects.loggable_by(world.users["teacher"], school)) == {"Led by the teacher"}
    assert _names(Intervention.objects.loggable_by(world.users["ta"], school)) == {"Run by the TA"}
    assert not Intervention.objects.loggable_by(world.users["admin"], school).exists()
    assert access.can_log_sessions(world.users["teacher"], school, runs=lambda: True)
    assert not access.can_log_sessions(world.users["teacher"], school, runs=lambda: False)
    assert access.can_log_sessions(world.users["senco"], school, runs=lambda: False)
    assert not access.can_log_sessions(world.users["admin"], school, runs=lambda: True)


def test_teachers_see_the_results_of_their_own_classes_only(world):
    school = world.school
    other_class = f.TeachingGroupFactory(school=school, name="4A", year_group=4)
    outsider = f.PupilFactory(school=school, registration_group=other_class)
    assessment = f.AssessmentFactory(school=school)
    mine = Result.objects.create(pupil=world.pupils[0], assessment=assessment, value=1, typed="1")
    Result.objects.create(pupil=outsider, assessment=assessment, value=2, typed="2")
    assert set(Result.objects.visible_to(world.users["teacher"], school)) == {mine}
    assert Result.objects.visible_to(world.users["senco"], school).count() == 2
    assert Result.objects.visible_to(world.users["leader"], school).count() == 2
    for role in ("ta", "admin"):
        assert not Result.objects.visible_to(world.users[role], school).exists()
    # Pupils themselves are every member of staff's.
    assert Pupil.objects.visible_to(world.users["ta"], school).count() == 4


def test_a_parent_sees_only_their_own_children(world, groups):
    parent = world.users["parent"]
    assert set(Pupil.objects.visible_to(parent)) == {world.pupils[0], world.pupils[1]}
    assert set(Pupil.objects.visible_to(parent, world.school)) == {world.pupils[0], world.pupils[1]}
    assert not Pupil.objects.visible_to(parent, world.other_school).exists()
    assert set(Placement.objects.visible_to(parent)) == {groups["placements"]["run"]}
    # Nothing staff-only: the groups, their sessions, support plans, guardians' records.
    assert not Intervention.objects.visible_to(parent).exists()
    assert not Session.objects.visible_to(parent).exists()
    SupportPlan.objects.create(pupil=world.pupils[0], start_date=dt.date(2026, 9, 1), review_date=dt.date(2027, 1, 1))
    assert not SupportPlan.objects.visible_to(parent).exists()
    assert not Guardian.objects.visible_to(parent).exists()
    assert Pupil.objects.children_of(parent).count() == 2
    # A signed-out visitor sees nothing.
    from django.contrib.auth.models import AnonymousUser

    assert not Pupil.objects.visible_to(AnonymousUser()).exists()


def test_plans_follow_plan_viewers(world):
    plan = SupportPlan.objects.create(
        pupil=world.pupils[0], start_date=dt.date(2026, 9, 1), review_date=dt.date(2027, 1, 1)
    )
    PlanReview.objects.create(plan=plan, date=dt.date(2026, 10, 1), notes="Going well")
    for role in Role:
        sees = SupportPlan.objects.visible_to(world.users[role.value], world.school).exists()
        assert sees == (role in access.PLAN_VIEWERS), role
        assert PlanReview.objects.visible_to(world.users[role.value], world.school).exists() == sees


def test_guardians_and_their_links_are_for_the_school_s_staff(world):
    assert Guardian.objects.visible_to(world.users["ta"], world.school).count() == 1
    assert PupilGuardian.objects.visible_to(world.users["senco"], world.school).count() == 2
    assert not PupilGuardian.objects.visible_to(world.users["other_senco"], world.school).exists()


def test_cost_and_name_policies(world):
    for role in Role:
        user = world.users[role.value]
        assert access.can_see_costs(user, world.school) == (role in (Role.SENCO, Role.LEADER, Role.ADMIN))
        assert access.can_see_names_on_map(user, world.school)
    assert not access.can_see_costs(world.users["senco"], world.other_school)
    assert not access.can_see_names_on_map(world.users["parent"], world.school)


def test_the_role_rules_need_no_query_once_the_middleware_has_loaded_the_memberships(
    client, world, django_assert_num_queries
):
    user = world.users["ta"]
    access.remember_roles(user, user.memberships.all())
    with django_assert_num_queries(0):
        assert access.role_at(user, world.school) == Role.TA
        Intervention.objects.visible_to(user, world.school)  # built, not run


def test_planned_or_running_is_one_rule(world):
    for status in ("planned", "running", "completed", "stopped"):
        f.InterventionFactory(school=world.school, name=status, status=status, stop_reason="Ended")
    assert _names(Intervention.objects.planned_or_running()) == {"planned", "running"}
    assert {i.name for i in Intervention.objects.all() if i.is_planned_or_running} == {"planned", "running"}


def test_the_migration_moves_copy_markers_and_stop_days_into_fields(world):
    """interventions 0007: the notes marker the old copy-forward wrote becomes ``copied_from``, and a stopped
    group's stop day (its end date, brought forward when it stopped) becomes ``stopped_on``."""
    migration = importlib.import_module("interventions.migrations.0007_copy_and_stop_markers_to_fields")
    original = f.InterventionFactory(school=world.school, name="Reading boost")
    copy = f.InterventionFactory(
        school=world.school,
        name="Reading boost",
        status="planned",
        notes=f"Copied forward from “Reading boost” (Autumn 2026/27), #{original.pk}.\nBring the new readers.",
    )
    foreign = f.InterventionFactory(
        school=world.other_school, notes=f"Copied forward from “X” (Autumn), #{original.pk}."
    )
    stopped = f.InterventionFactory(
        school=world.school, status="stopped", stop_reason="TA left", end_date=dt.date(2026, 10, 9)
    )
    migration.markers_to_fields(apps, None)
    copy.refresh_from_db()
    foreign.refresh_from_db()
    stopped.refresh_from_db()
    assert copy.copied_from == original and copy.notes == "Bring the new readers."
    assert foreign.copied_from is None and foreign.notes == ""  # another school's id is never linked
    assert stopped.stopped_on == dt.date(2026, 10, 9)
    original.refresh_from_db()
    assert original.copied_from is None and original.stopped_on is None
    # Run again: nothing changes.
    migration.markers_to_fields(apps, None)
    copy.refresh_from_db()
    assert copy.notes == "Bring the new readers." and copy.copied_from == original
    # And back: the marker returns, in the form the old code recognised ("#pk.").
    migration.fields_to_markers(apps, None)
    copy.refresh_from_db()
    assert f"#{original.pk}." in copy.notes and "Copied forward from" in copy.notes


def test_a_named_policy_reads_by_its_own_rule_and_operators_read_the_school_they_name(world, groups):
    """The provision map's MAP_SCOPE shows a TA every group of their school; a subject access request's
    SUBJECT_ACCESS_SCOPE shows the admin results and plans; a management command (no user) reads one school whole."""
    ta, admin, school = world.users["ta"], world.users["admin"], world.school
    assert _names(Intervention.objects.visible_to(ta, school, policy=access.MAP_SCOPE)) == {
        "Run by the TA",
        "Led by the teacher",
    }
    assert CheckScore.objects.visible_to(ta, school, policy=access.MAP_SCOPE).count() == 2
    pupil = world.pupils[0]
    Result.objects.create(pupil=pupil, assessment=f.AssessmentFactory(school=school), value=98, typed="98")
    SupportPlan.objects.create(pupil=pupil, start_date=dt.date(2026, 9, 14), review_date=dt.date(2026, 12, 11))
    for model in (Result, SupportPlan):
        assert not model.objects.visible_to(admin, school).exists()
        assert model.objects.visible_to(admin, school, policy=access.SUBJECT_ACCESS_SCOPE).count() == 1
    assert Placement.objects.visible_to(None, school).count() == 0
    with access.operator_reads():
        assert Placement.objects.visible_to(None, school).count() == 2
        with pytest.raises(ValueError):
            Placement.objects.visible_to(None).count()
    assert Placement.objects.visible_to(None, school).count() == 0


def test_an_empty_policy_shows_nothing_rather_than_the_model_s_own_rule(world, groups):
    """A named policy that lets no role in must not fall back to the model's default (which would widen it)."""
    senco = world.users["senco"]
    assert Pupil.objects.visible_to(senco, world.school).exists()
    assert not Pupil.objects.visible_to(senco, world.school, policy={}).exists()
    assert not Placement.objects.visible_to(senco, world.school, policy={}).exists()
    assert not Guardian.objects.visible_to(senco, world.school, policy={}).exists()
    assert not PupilGuardian.objects.visible_to(senco, world.school, policy={}).exists()


def test_a_parent_sees_their_children_s_rows_under_the_model_s_own_policy_only(world, groups):
    """A named policy is a staff page's rule: pupils' rows and groups' rows alike add a parent's own children only
    under the model's own policy."""
    parent = world.users["parent"]
    assert Pupil.objects.visible_to(parent).exists() and Placement.objects.visible_to(parent).exists()
    for policy in (access.MAP_SCOPE, access.FIGURES_SCOPE, access.SUBJECT_ACCESS_SCOPE):
        assert not Pupil.objects.visible_to(parent, policy=policy).exists()
        assert not Placement.objects.visible_to(parent, policy=policy).exists()
