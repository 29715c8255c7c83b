"""Around half-term: planned sessions, costs, dosage, "running past its end", "no session logged for two school
weeks", the end date of a programme's weeks and today's sessions all count school days only.

"Story time" at Oak Primary meets on Thursdays, 30 minutes, one TA at £18 an hour, from Monday 14 September to
Friday 11 December 2026. Its Thursdays: 17, 24 Sep, 1, 8, 15, 22, 29 Oct, 5, 12, 19, 26 Nov, 3, 10 Dec = 13. With
the autumn half-term (Mon 26 - Fri 30 October) recorded, Thursday 29 October is not a school day: 12 sessions,
12 x 0.5 h x £18 = £108 (not £117).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse

from interventions import costing
from interventions.groups.planning import school_weeks_end
from interventions.models import Attendance, InterventionStaff, Session, StaffRate
from interventions.selectors import term_ranges
from provision.calendar import school_calendar
from provision.models import Closure, ClosureKind, Term
from reports.dashboard import build as dashboard
from reports.maps.build import build_map, period_for_term
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
HALF_TERM = (D(2026, 10, 26), D(2026, 10, 30))


@pytest.fixture
def half_term(world):
    autumn = Term.objects.get(academic_year__school=world.school, name="autumn")
    return Closure.objects.create(
        term=autumn, kind=ClosureKind.HALF_TERM, name="Autumn half-term", start_date=HALF_TERM[0], end_date=HALF_TERM[1]
    )


@pytest.fixture
def story_time(world):
    StaffRate.objects.create(school=world.school, role="ta", hourly_rate=Decimal("18.00"))
    group = f.InterventionFactory(
        school=world.school, name="Story time", days=[3], start_date=D(2026, 9, 14), end_date=D(2026, 12, 11),
        lead=world.users["ta"], status="completed",
    )  # fmt: skip
    InterventionStaff.objects.create(intervention=group, user=world.users["ta"], role="ta")
    placement = f.PlacementFactory(intervention=group, pupil=world.pupils[0], exit_date=D(2026, 12, 11))
    for day in (D(2026, 9, 17), D(2026, 9, 24), D(2026, 10, 1), D(2026, 10, 8), D(2026, 10, 22), D(2026, 11, 5)):
        session = Session.objects.create(intervention=group, date=day, minutes=30)
        Attendance.objects.create(session=session, placement=placement, present=True)
    return group


def test_a_weekly_group_has_no_session_planned_in_half_term(world, half_term, story_time):
    dates = costing.planned_dates(days=[3], start=D(2026, 9, 14), end=D(2026, 12, 11), terms=term_ranges(world.school))
    assert len(dates) == 12 and D(2026, 10, 29) not in dates
    # Without the closure the same term has 13.
    half_term.delete()
    assert (
        len(costing.planned_dates(days=[3], start=D(2026, 9, 14), end=D(2026, 12, 11), terms=term_ranges(world.school)))
        == 13
    )


def test_costs_and_dosage_leave_out_the_half_term_week(client, world, half_term, story_time, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 14, 10, 0), tick=False)
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:detail", args=[story_time.pk]))
    cost = response.context["cost"]
    assert cost.sessions == 12 and cost.total == Decimal("108.00")
    [row] = response.context["rows"]
    assert (row["dosage"].attended, row["dosage"].planned) == (6, 12)
    assert "6 of 12 planned for their stay (50%)" in response.content.decode()
    # The autumn map costs the same twelve sessions.
    autumn = half_term.term
    assert build_map(
        user=world.users["senco"], school=world.school, period=period_for_term(autumn)
    ).total_cost == Decimal("108.00")


def test_the_pupils_map_and_register_count_the_same_planned_sessions(
    client, world, half_term, story_time, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 14, 10, 0), tick=False)
    client.force_login(world.users["senco"])
    [row] = client.get(reverse("reports:pupil_map", args=[world.pupils[0].pk])).context["rows"]
    assert row["dosage"].planned == 12 and row["cost"] == Decimal("108.00")
    sessions = client.get(reverse("interventions:sessions", args=[story_time.pk])).content.decode()
    assert "6 of 12 planned" in sessions


def test_no_session_logged_does_not_fire_over_half_term(world, half_term):
    # Friday 6 November. A Thursday group last logged on Thursday 22 October, before half-term, and due again
    # on 5 November: its last ten school days are 19-23 October and 2-6 November, so it has logged in them.
    days = school_calendar(world.school)
    since = days.days_before(D(2026, 11, 6), dashboard.QUIET_SCHOOL_DAYS)
    assert since == D(2026, 10, 19)
    frame = pd.DataFrame(
        [
            {"intervention_id": 1, "school_id": world.school.pk, "name": "Before half-term", "wave": 2,
             "status": "running", "start_date": D(2026, 9, 14), "end_date": D(2026, 12, 11), "overdue": False,
             "last_session_on": D(2026, 10, 22)},
            {"intervention_id": 2, "school_id": world.school.pk, "name": "Silent", "wave": 2, "status": "running",
             "start_date": D(2026, 9, 14), "end_date": D(2026, 12, 11), "overdue": False,
             "last_session_on": D(2026, 10, 15)},
        ]
    )  # fmt: skip
    placements = pd.DataFrame(columns=["intervention_id", "placement_id", "exit_date", "has_exit_data"])
    lists = dashboard.needs_attention(frame, placements, today=D(2026, 11, 6), quiet_since={world.school.pk: since})
    assert lists["quiet"]["name"].tolist() == ["Silent"]
    # Counting the half-term week as school days would have flagged both.
    whole_weeks = costing.SchoolDays(((D(2026, 9, 2), D(2026, 12, 18)),))
    naive = dashboard.needs_attention(
        frame,
        placements,
        today=D(2026, 11, 6),
        quiet_since={world.school.pk: whole_weeks.days_before(D(2026, 11, 6), 10)},
    )
    assert naive["quiet"]["name"].tolist() == ["Before half-term", "Silent"]


def test_running_past_its_end_counts_school_days(world, half_term):
    # Ended Friday 23 October; on Monday 2 November it is one school day past its end (not ten calendar days).
    frame = pd.DataFrame(
        [{"intervention_id": 1, "school_id": world.school.pk, "name": "Late", "wave": 2, "status": "running",
          "start_date": D(2026, 9, 14), "end_date": D(2026, 10, 23), "overdue": True,
          "last_session_on": D(2026, 10, 22)}]
    )  # fmt: skip
    placements = pd.DataFrame(columns=["intervention_id", "placement_id", "exit_date", "has_exit_data"])
    lists = dashboard.needs_attention(
        frame, placements, today=D(2026, 11, 2), quiet_since={world.school.pk: D(2026, 10, 19)},
        school_days={world.school.pk: school_calendar(world.school)},
    )  # fmt: skip
    assert lists["overdue"]["days_over"].tolist() == [1]
    in_half_term = dashboard.needs_attention(
        frame, placements, today=D(2026, 10, 30), quiet_since={world.school.pk: D(2026, 10, 19)},
        school_days={world.school.pk: school_calendar(world.school)},
    )  # fmt: skip
    assert in_half_term["overdue"]["days_over"].tolist() == [0]


def test_a_programmes_weeks_skip_the_half_term_week(world, half_term):
    # Two teaching weeks from Monday 19 October: that week, then (half-term skipped) the week of 2 November.
    assert school_weeks_end(D(2026, 10, 19), 2, school_calendar(world.school)) == D(2026, 11, 6)
    assert school_weeks_end(D(2026, 10, 19), 2, [(D(2026, 9, 2), D(2026, 12, 18))]) == D(2026, 10, 30)


def test_no_session_is_due_today_in_half_term(client, world, half_term, time_machine):
    group = f.InterventionFactory(
        school=world.school, name="Daily reading", days=[0, 1, 2, 3, 4], lead=world.users["ta"], status="running"
    )
    InterventionStaff.objects.create(intervention=group, user=world.users["ta"], role="ta")
    time_machine.move_to(dt.datetime(2026, 10, 28, 10, 0), tick=False)
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:today"))
    assert response.context["scheduled"] == [] and not response.context["open_today"]
    [other] = response.context["others"]
    assert other.last_due == D(2026, 10, 23)  # the last school day it met before half-term
    assert "not a school day" in response.content.decode()
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0), tick=False)
    client.force_login(world.users["senco"])  # a new day, a new sign-in (sessions time out)
    assert [g.name for g in client.get(reverse("interventions:today")).context["scheduled"]] == ["Daily reading"]


def test_the_register_says_when_a_day_is_not_a_school_day(client, world, half_term, story_time, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 5, 10, 0), tick=False)
    story_time.status = "running"
    story_time.save()
    client.force_login(world.users["senco"])
    url = reverse("interventions:session_log", args=[story_time.pk])
    closed = client.get(url, {"date": "2026-10-29"})
    assert not closed.context["school_day"]
    assert "is not a school day in the school year" in closed.content.decode()
    assert client.get(url, {"date": "2026-10-22"}).context["school_day"]


@pytest.mark.django_db
def test_a_group_planned_before_half_term_starts_after_it_and_counts_only_teaching_weeks(world, half_term):
    """Planning from "who needs support" on the Friday before half-term: the group starts on the Monday after it,
    and a ten-week programme's end counts the weeks the school is open."""
    from interventions.groups.planning import plan_for_pupils

    programme = f.ProgrammeFactory(school=world.school, name="Ten weeks", weeks=10)
    plan = plan_for_pupils(
        user=world.users["senco"], school=world.school, pupil_ids=[world.pupils[0].pk], subject=None,
        programme=programme, today=D(2026, 10, 23),
    )  # fmt: skip
    assert plan.initial["start_date"] == D(2026, 11, 2)
    assert plan.initial["end_date"] == school_weeks_end(D(2026, 11, 2), 10, school_calendar(world.school))
    # Planned three weeks earlier, the ten weeks run across the half-term, which is not one of them.
    plan = plan_for_pupils(
        user=world.users["senco"], school=world.school, pupil_ids=[world.pupils[0].pk], subject=None,
        programme=programme, today=D(2026, 10, 2),
    )  # fmt: skip
    assert plan.initial["start_date"] == D(2026, 10, 5)
    assert plan.initial["end_date"] == D(2026, 12, 18)
