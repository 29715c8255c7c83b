"""Session logs: the service's rules, today's sessions, the log page and the session history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interventions.models import Attendance, Intervention, InterventionStaff, Session, Status
from interventions.sessions.services import attendance_key, run_by, runs, session_log
from provision.models import Role
from tests import factories as f

# Wednesday 25 November 2026, in the autumn term; the factory's groups meet on Monday, Wednesday and Friday.
WEDNESDAY = dt.date(2026, 11, 25)
TUESDAY = dt.date(2026, 11, 24)
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def group(world):
    """A running reading group led by the TA, with three pupils who joined when it started."""
    intervention = f.InterventionFactory(school=world.school, name="Reading boost", lead=world.users["ta"])
    placements = [f.PlacementFactory(intervention=intervention, pupil=pupil) for pupil in world.pupils]
    return intervention, placements


def _log(intervention, date, attendance, *, by, minutes=30, focus="", steps=None, today=WEDNESDAY):
    return session_log(
        intervention=intervention,
        date=date,
        minutes=minutes,
        focus=focus,
        notes="",
        steps=steps or {},
        attendance=attendance,
        by=by,
        today=today,
    )


def _all_present(placements):
    return {p.pk: (True, "") for p in placements}


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- The service --------------------------------------------------------------------------------------------


def test_logging_a_session_records_everyone_and_the_six_steps(world, group):
    intervention, (a, b, c) = group
    session = _log(
        intervention,
        MONDAY,
        {a.pk: (True, ""), b.pk: (False, "unwell"), c.pk: (True, "clash")},
        by=world.users["ta"],
        focus="Split digraphs",
        steps={"remember": "a-e words", "review": "Read five words"},
    )
    assert (session.date, session.minutes, session.focus, session.logged_by) == (
        MONDAY,
        30,
        "Split digraphs",
        world.users["ta"],
    )
    assert (session.step_remember, session.step_model, session.step_review) == ("a-e words", "", "Read five words")
    marks = {m.placement_id: (m.present, m.absence_reason) for m in session.attendance.all()}
    # A reason given with a present mark is dropped: the pupil was there.
    assert marks == {a.pk: (True, ""), b.pk: (False, "unwell"), c.pk: (True, "")}


def test_a_second_submit_of_the_same_day_edits_the_first(world, group):
    intervention, (a, b, c) = group
    first = _log(intervention, MONDAY, _all_present(group[1]), by=world.users["ta"])
    second = _log(
        intervention, MONDAY, {a.pk: (True, ""), b.pk: (False, "refused"), c.pk: (True, "")}, by=world.users["senco"],
        minutes=25,
    )  # fmt: skip
    assert second.pk == first.pk
    assert Session.objects.filter(intervention=intervention).count() == 1
    assert Attendance.objects.filter(session=first).count() == 3
    second.refresh_from_db()
    assert second.minutes == 25
    assert second.logged_by == world.users["ta"]  # who first logged it
    assert Attendance.objects.get(session=first, placement=b).absence_reason == "refused"


def test_an_absence_needs_a_reason_and_the_error_names_the_pupil(world, group):
    intervention, (a, b, c) = group
    with pytest.raises(ValidationError) as excinfo:
        _log(intervention, MONDAY, {a.pk: (True, ""), b.pk: (False, ""), c.pk: (True, "")}, by=world.users["ta"])
    assert _errors(excinfo) == {attendance_key(b.pk): [f"Give a reason why {b.pupil.full_name} was absent."]}
    assert not Session.objects.exists()


def test_an_unknown_reason_and_a_missing_mark_are_refused(world, group):
    intervention, (a, b, c) = group
    with pytest.raises(ValidationError) as excinfo:
        _log(intervention, MONDAY, {a.pk: (False, "bored"), b.pk: (None, "")}, by=world.users["ta"])
    errors = _errors(excinfo)
    assert errors[attendance_key(a.pk)] == [f"Choose one of the listed reasons why {a.pupil.full_name} was absent."]
    assert errors[attendance_key(b.pk)] == [f"Mark whether {b.pupil.full_name} was present or absent."]
    assert errors[attendance_key(c.pk)] == [f"Mark whether {c.pupil.full_name} was present or absent."]


def test_attendance_only_for_pupils_in_the_group_that_day(world, group):
    intervention, (a, b, c) = group
    b.exit_date, b.exit_reason = dt.date(2026, 11, 20), "moved"
    b.save()
    late = f.PlacementFactory(intervention=intervention, entry_date=dt.date(2026, 11, 24))
    stranger = f.PlacementFactory(intervention=f.InterventionFactory(school=world.school))
    marks = {a.pk: (True, ""), c.pk: (True, ""), b.pk: (True, ""), late.pk: (True, ""), stranger.pk: (True, "")}
    with pytest.raises(ValidationError) as excinfo:
        _log(intervention, MONDAY, marks, by=world.users["ta"])
    errors = _errors(excinfo)
    assert errors[attendance_key(b.pk)] == [f"{b.pupil} was not in the group on 23/11/2026 (left on 20/11/2026)."]
    assert errors[attendance_key(late.pk)] == [
        f"{late.pupil} was not in the group on 23/11/2026 (joined on 24/11/2026)."
    ]
    assert "not in this group" in errors[attendance_key(stranger.pk)][0]
    assert set(errors) == {attendance_key(b.pk), attendance_key(late.pk), attendance_key(stranger.pk)}

    # Only the two pupils in the group that Monday are needed, and only they are recorded.
    session = _log(intervention, MONDAY, {a.pk: (True, ""), c.pk: (False, "clash")}, by=world.users["ta"])
    assert set(session.attendance.values_list("placement_id", flat=True)) == {a.pk, c.pk}


def test_a_mark_for_a_pupil_no_longer_in_the_group_that_day_is_removed_on_edit(world, group):
    intervention, placements = group
    a = placements[0]
    session = _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"])
    a.exit_date, a.exit_reason = dt.date(2026, 11, 20), "moved"  # corrected: they had left before Monday
    a.save()
    _log(intervention, MONDAY, _all_present(placements[1:]), by=world.users["ta"])
    assert set(session.attendance.values_list("placement_id", flat=True)) == {p.pk for p in placements[1:]}


def test_a_future_date_is_refused(world, group):
    intervention, placements = group
    with pytest.raises(ValidationError) as excinfo:
        _log(intervention, dt.date(2026, 11, 27), _all_present(placements), by=world.users["ta"])
    assert _errors(excinfo)["date"] == [
        "27/11/2026 is in the future: log a session on the day it happens or afterwards."
    ]


def test_dates_outside_the_intervention_are_refused_and_past_ones_inside_allowed(world, group):
    intervention, placements = group
    for day, message in [
        (dt.date(2026, 9, 11), "Reading boost starts on 14/09/2026, after 11/09/2026."),
        (dt.date(2026, 12, 14), "Reading boost ended on 11/12/2026, before 14/12/2026."),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            _log(intervention, day, _all_present(placements), by=world.users["ta"], today=dt.date(2027, 1, 10))
        assert _errors(excinfo)["date"] == [message]
    # The first and last days count, and a session weeks ago can still be logged.
    for day in (dt.date(2026, 9, 14), dt.date(2026, 12, 11)):
        _log(intervention, day, _all_present(placements), by=world.users["ta"], today=dt.date(2027, 1, 10))
    assert Session.objects.filter(intervention=intervention).count() == 2


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.STOPPED])
def test_a_closed_group_takes_no_new_sessions_but_old_ones_can_be_corrected(world, group, status):
    intervention, placements = group
    _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"])
    Intervention.objects.filter(pk=intervention.pk).update(status=status, stop_reason="Staff absence")
    intervention.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        _log(intervention, WEDNESDAY, _all_present(placements), by=world.users["ta"])
    label = "completed" if status == Status.COMPLETED else "stopped"
    assert _errors(excinfo)["date"] == [f"Reading boost is {label}, so it cannot take new sessions."]
    corrected = _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"], minutes=20)
    assert corrected.minutes == 20


def test_a_planned_group_can_log_its_first_session(world, group):
    intervention, placements = group
    Intervention.objects.filter(pk=intervention.pk).update(status=Status.PLANNED)
    intervention.refresh_from_db()
    assert _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"]).pk


@pytest.mark.parametrize("minutes", [0, 481])
def test_minutes_run_from_1_to_480(world, group, minutes):
    intervention, placements = group
    with pytest.raises(ValidationError) as excinfo:
        _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"], minutes=minutes)
    assert list(_errors(excinfo)) == ["minutes"]
    assert not Session.objects.exists()


def test_every_problem_is_reported_at_once(world, group):
    intervention, (a, b, c) = group
    with pytest.raises(ValidationError) as excinfo:
        _log(intervention, dt.date(2026, 12, 1), {a.pk: (False, "")}, by=world.users["ta"], minutes=0, focus="x" * 201)
    assert set(_errors(excinfo)) == {
        "date", "minutes", "focus", attendance_key(a.pk), attendance_key(b.pk), attendance_key(c.pk),
    }  # fmt: skip


def test_unknown_steps_are_a_programming_error(world, group):
    intervention, placements = group
    with pytest.raises(ValueError, match="warm-up"):
        _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"], steps={"warm-up": "x"})


def test_a_group_without_pupils_logs_a_session_without_attendance(world):
    strategy = f.InterventionFactory(school=world.school, wave=1, name="Visual timetables")
    session = _log(strategy, MONDAY, {}, by=world.users["senco"])
    assert session.attendance.count() == 0


def test_who_runs_a_group(world, group):
    intervention, _ = group
    other_ta = f.staff(world.school, Role.TA)
    InterventionStaff.objects.create(intervention=intervention, user=world.users["teacher"], role="teacher")
    InterventionStaff.objects.create(intervention=intervention, user=world.users["ta"], role="ta")
    InterventionStaff.objects.create(intervention=intervention, external_name="Speech therapist", role="external")
    assert runs(world.users["ta"], intervention)
    assert runs(world.users["teacher"], intervention)
    assert not runs(other_ta, intervention)
    assert not runs(world.users["senco"], intervention)
    everything = Intervention.objects.all()
    # Led and on the staff list: still one row.
    assert list(run_by(everything, world.users["ta"])) == [intervention]
    assert list(run_by(everything, world.users["teacher"])) == [intervention]
    assert list(run_by(everything, other_ta)) == []


# --- Today's sessions ------------------------------------------------------------------------------------


def test_today_lists_the_groups_the_user_runs_that_meet_today(client, world, frozen):
    ta = world.users["ta"]
    meets_today = f.InterventionFactory(school=world.school, name="Phonics A", lead=ta)
    on_staff = f.InterventionFactory(school=world.school, name="Maths B", days=[1, 3])
    InterventionStaff.objects.create(intervention=on_staff, user=ta, role="ta")
    someone_elses = f.InterventionFactory(school=world.school, name="Someone else's", lead=f.staff(world.school, "ta"))
    f.InterventionFactory(school=world.school, name="Finished", lead=ta, status=Status.COMPLETED)
    ended = f.InterventionFactory(school=world.school, name="Ended early", lead=ta, end_date=dt.date(2026, 11, 20))
    f.InterventionFactory(school=world.other_school, name="Elsewhere", lead=ta)
    f.PlacementFactory(intervention=meets_today, pupil=world.pupils[0])
    f.SessionFactory(intervention=on_staff, date=TUESDAY)

    client.force_login(ta)
    response = client.get(reverse("interventions:today"))
    assert response.status_code == 200
    assert [g.name for g in response.context["scheduled"]] == ["Phonics A"]
    assert [g.name for g in response.context["others"]] == ["Ended early", "Maths B"]
    page = response.content.decode()
    assert world.pupils[0].first_name in page
    assert "Someone else&#x27;s" not in page and "Finished" not in page and "Elsewhere" not in page
    # Groups not meeting today link to their most recent due day.
    assert f"?date={dt.date(2026, 11, 20).isoformat()}" in page  # Ended early: its last day, a Friday
    assert f"?date={TUESDAY.isoformat()}" in page  # Maths B meets Tuesday and Thursday

    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:today"))
    assert [g.name for g in response.context["scheduled"]] == ["Phonics A", "Someone else's"]
    assert someone_elses in response.context["scheduled"]
    assert ended in response.context["others"]


def test_today_shows_which_groups_are_already_logged(client, world, frozen):
    done = f.InterventionFactory(school=world.school, name="Done", lead=world.users["ta"])
    f.InterventionFactory(school=world.school, name="To do", lead=world.users["ta"])
    f.SessionFactory(intervention=done, date=WEDNESDAY)
    client.force_login(world.users["ta"])
    response = client.get(reverse("interventions:today"))
    assert {g.name: g.logged_today for g in response.context["scheduled"]} == {"Done": True, "To do": False}
    assert "Edit today's log" in response.content.decode()


def _groups(world, n: int) -> None:
    for i in range(n):
        group = f.InterventionFactory(school=world.school, lead=world.users["ta"], days=[0, 2, 4] if i % 2 else [1])
        f.PlacementFactory(intervention=group)
        f.SessionFactory(intervention=group, date=MONDAY)


@pytest.mark.parametrize("n", [3, 30])
def test_today_query_count_is_constant(client, world, frozen, django_assert_num_queries, n):
    _groups(world, n)
    client.force_login(world.users["ta"])
    # Session, user, memberships, current term, the navbar's "is a parent?"; the groups; their pupils today; the
    # school's calendar (is today a school day?); whether the other groups' last due days are logged ("Edit").
    with django_assert_num_queries(9):
        response = client.get(reverse("interventions:today"))
    assert len(response.context["scheduled"]) + len(response.context["others"]) == n


# --- Logging a session -----------------------------------------------------------------------------------


def _log_url(intervention, date=None) -> str:
    url = reverse("interventions:session_log", args=[intervention.pk])
    return f"{url}?date={date.isoformat()}" if date else url


def _post_data(placements, *, date=WEDNESDAY, absent=None, reason="", **fields):
    data = {"date": date.isoformat(), "minutes": "30", "focus": "", "notes": "", **fields}
    for placement in placements:
        data[f"att-{placement.pk}"] = "absent" if placement == absent else "present"
        data[f"reason-{placement.pk}"] = reason if placement == absent else ""
    return data


def test_tutor_logs_a_session_with_one_absence(client, world, group, frozen):
    intervention, (a, b, c) = group
    client.force_login(world.users["ta"])
    page = client.get(_log_url(intervention))
    assert page.status_code == 200
    assert page.context["form"]["minutes"].value() == 30
    assert [row.placement for row in page.context["rows"]] == sorted([a, b, c], key=lambda p: p.pupil.legal_last_name)
    response = client.post(
        _log_url(intervention),
        _post_data([a, b, c], absent=b, reason="school_absence", focus="Blending", step_try="cvc words"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:today")
    session = Session.objects.get(intervention=intervention)
    assert (session.date, session.focus, session.step_try, session.logged_by) == (
        WEDNESDAY, "Blending", "cvc words", world.users["ta"],
    )  # fmt: skip
    marks = dict(session.attendance.values_list("placement_id", "present"))
    assert marks == {a.pk: True, b.pk: False, c.pk: True}
    message = list(client.get(reverse("interventions:today")).context["messages"])[0]
    assert str(message) == "Reading boost, Wednesday 25 November: session logged (2 present, 1 absent)."


def test_an_absence_without_reason_keeps_what_was_typed_and_names_the_pupil(client, world, group, frozen):
    intervention, (a, b, c) = group
    client.force_login(world.users["ta"])
    response = client.post(_log_url(intervention), _post_data([a, b, c], absent=b, focus="Rhyming pairs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Give a reason why {b.pupil.full_name} was absent." in page
    assert 'value="Rhyming pairs"' in page
    assert f'id="att-{b.pk}-absent" value="absent" autocomplete="off" checked' in page
    assert not Session.objects.exists()


def test_a_bad_field_and_a_missing_reason_are_shown_together(client, world, group, frozen):
    intervention, (a, b, c) = group
    client.force_login(world.users["ta"])
    response = client.post(_log_url(intervention), _post_data([a, b, c], absent=c, minutes="0"))
    summary = response.context["error_summary"]
    assert any("Minutes" in line for line in summary)
    assert f"Give a reason why {c.pupil.full_name} was absent." in summary


def test_a_double_submit_from_a_phone_updates_rather_than_duplicates(client, world, group, frozen):
    intervention, placements = group
    client.force_login(world.users["ta"])
    data = _post_data(placements, absent=placements[0], reason="unwell")
    assert client.post(_log_url(intervention), data).status_code == 302
    assert client.post(_log_url(intervention), data).status_code == 302
    assert Session.objects.filter(intervention=intervention).count() == 1
    assert Attendance.objects.count() == 3


def test_editing_another_day_opens_its_log_with_the_date_fixed(client, world, group, frozen):
    intervention, placements = group
    session = _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"], focus="Monday work")
    client.force_login(world.users["ta"])
    page = client.get(_log_url(intervention, MONDAY))
    assert page.context["existing"] == session
    assert page.context["form"]["focus"].value() == "Monday work"
    # A posted date is ignored once the day is logged: moving a session is removing it and logging another.
    data = _post_data(placements, date=TUESDAY, absent=placements[1], reason="clash")
    assert client.post(_log_url(intervention, MONDAY), data).status_code == 302
    assert list(Session.objects.values_list("date", flat=True)) == [MONDAY]
    assert not Attendance.objects.get(placement=placements[1]).present


def test_the_log_page_only_shows_pupils_in_the_group_that_day(client, world, group, frozen):
    intervention, placements = group
    late = f.PlacementFactory(intervention=intervention, entry_date=TUESDAY)
    client.force_login(world.users["ta"])
    monday = client.get(_log_url(intervention, MONDAY)).context["rows"]
    assert late not in [row.placement for row in monday]
    # Posting that Monday with the late joiner marked is refused with the reason.
    data = _post_data([*placements, late], date=MONDAY)
    response = client.post(_log_url(intervention), data)
    assert response.status_code == 200
    assert (
        f"{late.pupil} was not in the group on 23/11/2026 (joined on 24/11/2026)." in response.context["error_summary"]
    )
    assert not Session.objects.exists()


def test_a_future_day_warns_and_refuses(client, world, group, frozen):
    intervention, placements = group
    client.force_login(world.users["ta"])
    friday = dt.date(2026, 11, 27)
    assert "in the future" in client.get(_log_url(intervention, friday)).content.decode()
    response = client.post(_log_url(intervention), _post_data(placements, date=friday))
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_a_ta_who_does_not_run_the_group_gets_404(client, world, group, frozen):
    intervention, placements = group
    other_ta = f.staff(world.school, Role.TA)
    client.force_login(other_ta)
    assert client.get(_log_url(intervention)).status_code == 404
    assert client.post(_log_url(intervention), _post_data(placements)).status_code == 404
    assert client.get(reverse("interventions:sessions", args=[intervention.pk])).status_code == 404
    assert not Session.objects.exists()


def test_a_teacher_on_the_staff_list_logs_and_one_who_is_not_only_sees(client, world, group, frozen):
    intervention, placements = group
    client.force_login(world.users["teacher"])
    assert client.get(_log_url(intervention)).status_code == 404
    assert client.get(reverse("interventions:sessions", args=[intervention.pk])).status_code == 200
    InterventionStaff.objects.create(intervention=intervention, user=world.users["teacher"], role="teacher")
    assert client.post(_log_url(intervention), _post_data(placements)).status_code == 302


def test_the_senco_logs_any_group_of_the_school_but_not_another_schools(client, world, group, frozen):
    intervention, placements = group
    elsewhere = f.InterventionFactory(school=world.other_school, lead=world.users["ta"])
    client.force_login(world.users["senco"])
    assert client.post(_log_url(intervention), _post_data(placements)).status_code == 302
    assert client.get(_log_url(elsewhere)).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_log_page_query_count_is_constant(client, world, frozen, django_assert_num_queries, n):
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"])
    placements = [f.PlacementFactory(intervention=intervention) for _ in range(n)]
    _log(intervention, WEDNESDAY, _all_present(placements), by=world.users["ta"])
    client.force_login(world.users["ta"])
    # Session, user, memberships, current term, the navbar's "is a parent?"; the group; the day's session; its
    # marks; the placements with dosage; the terms.
    with django_assert_num_queries(10):
        response = client.get(_log_url(intervention))
    assert len(response.context["rows"]) == n


# --- History and removal -------------------------------------------------------------------------------------


def test_history_shows_a_register_with_reasons_and_totals(client, world, group, frozen):
    intervention, (a, b, c) = group
    _log(intervention, MONDAY, {a.pk: (True, ""), b.pk: (False, "unwell"), c.pk: (True, "")}, by=world.users["ta"])
    _log(intervention, WEDNESDAY, _all_present([a, b, c]), by=world.users["ta"], minutes=20)
    client.force_login(world.users["teacher"])
    response = client.get(reverse("interventions:sessions", args=[intervention.pk]))
    assert response.status_code == 200
    rows = {placement.pk: (dosage, cells) for placement, dosage, cells in response.context["rows"]}
    dosage, cells = rows[b.pk]
    assert [cell["state"] for cell in cells] == ["absent", "present"]
    assert cells[0]["reason"] == "Unwell in school"
    assert (dosage.attended, dosage.held, dosage.minutes) == (1, 2, 20)
    assert rows[a.pk][0].minutes == 50
    assert [present for _, present in response.context["columns"]] == [2, 3]
    assert 'title="Unwell in school"' in response.content.decode()
    assert response.context["can_log"] is False


@pytest.mark.parametrize("n", [3, 30])
def test_history_query_count_is_constant(client, world, frozen, django_assert_num_queries, n):
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"])
    placements = [f.PlacementFactory(intervention=intervention) for _ in range(n)]
    for day in (dt.date(2026, 11, 16), dt.date(2026, 11, 18), MONDAY, WEDNESDAY):
        _log(intervention, day, _all_present(placements), by=world.users["ta"])
    client.force_login(world.users["ta"])
    # Session, user, memberships, current term, the navbar's "is a parent?"; the group; sessions; placements
    # with dosage; marks; terms (whether the user runs it costs nothing: they lead it).
    with django_assert_num_queries(10):
        response = client.get(reverse("interventions:sessions", args=[intervention.pk]))
    assert len(response.context["rows"]) == n


def test_whoever_runs_the_group_can_remove_a_session_logged_in_error(client, world, group, frozen):
    intervention, placements = group
    session = _log(intervention, MONDAY, _all_present(placements), by=world.users["ta"])
    url = reverse("interventions:session_delete", args=[intervention.pk, session.pk])
    client.force_login(f.staff(world.school, Role.TA))
    assert client.post(url).status_code == 404
    client.force_login(world.users["ta"])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == reverse("interventions:sessions", args=[intervention.pk])
    assert not Session.objects.exists() and not Attendance.objects.exists()


@pytest.mark.parametrize("n", [3, 30])
def test_saving_the_log_page_query_count_is_constant(client, world, frozen, django_assert_num_queries, n):
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"])
    placements = [f.PlacementFactory(intervention=intervention) for _ in range(n)]
    client.force_login(world.users["ta"])
    # Session, user, memberships; the group; the day's session. The service, in a savepoint here (a transaction
    # in production): the group locked, the day's session, the placements, the new session, its marks (none
    # yet), all the marks in one insert; the audit log: the new session's entry, and every mark's in one insert.
    # The session and its progress check scores share a transaction: one more savepoint (two statements) here.
    with django_assert_num_queries(17):
        response = client.post(_log_url(intervention), _post_data(placements, absent=placements[0], reason="unwell"))
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_make_one_session(world):
    """A phone that sends the same log twice at once: the group lock queues the second behind the first."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite writes one transaction at a time anyway.")
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"])
    placements = [f.PlacementFactory(intervention=intervention, pupil=pupil) for pupil in world.pupils]
    start = Barrier(2)

    def submit(absent_reason: str) -> int:
        try:
            start.wait()
            marks = {p.pk: (True, "") for p in placements} | {placements[0].pk: (False, absent_reason)}
            return _log(intervention, MONDAY, marks, by=world.users["ta"]).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = set(pool.map(submit, ["unwell", "clash"]))
    assert len(ids) == 1
    assert Session.objects.filter(intervention=intervention).count() == 1
    assert Attendance.objects.filter(session_id__in=ids).count() == 3


@pytest.mark.parametrize("logged", [False, True])
def test_other_groups_say_edit_when_their_last_day_is_already_logged(client, world, frozen, logged):
    # Meets on Mondays only: on Wednesday it is under "other groups", offering its last day, Monday 23 November.
    group = f.InterventionFactory(school=world.school, name="Monday group", lead=world.users["ta"], days=[0])
    if logged:
        f.SessionFactory(intervention=group, date=MONDAY)
    f.SessionFactory(intervention=group, date=MONDAY - dt.timedelta(days=7))  # an older log never counts
    client.force_login(world.users["ta"])
    html = client.get(reverse("interventions:today")).content.decode()
    link = f'{reverse("interventions:session_log", args=[group.pk])}?date=2026-11-23">'
    assert (link + ("Edit" if logged else "Log") + " Mon 23 Nov") in html
    assert (link + ("Log" if logged else "Edit")) not in html


def test_the_register_opens_at_its_latest_sessions(client, world, frozen, group):
    intervention, _placements = group
    f.SessionFactory(intervention=intervention, date=MONDAY)
    client.force_login(world.users["ta"])
    html = client.get(reverse("interventions:sessions", args=[intervention.pk])).content.decode()
    # The scroll region is marked for static/js/sessions.js, which scrolls it to its end (the latest sessions).
    assert re.search(r'<div class="table-responsive" data-scroll-to-end tabindex="0" role="region"', html)
    assert "js/sessions.js" in html
