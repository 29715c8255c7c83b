"""Costing with worked numbers: planned sessions over terms, staff hours at each role's rate, resources and
external costs, cost per pupil; the staff rates page; the end date a programme's length in teaching weeks gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from interventions import costing
from interventions.groups.formatting import schedule_text
from interventions.groups.planning import school_weeks_end
from interventions.models import InterventionStaff, StaffRate
from tests import factories as f

AUTUMN = (dt.date(2026, 9, 2), dt.date(2026, 12, 18))  # the world fixture's autumn term: no half-term
# The same autumn with a half-term week (Mon 26 - Fri 30 October) modelled as two terms.
AUTUMN_WITH_HALF_TERM = [(dt.date(2026, 9, 2), dt.date(2026, 10, 23)), (dt.date(2026, 11, 2), dt.date(2026, 12, 18))]
SPRING = (dt.date(2027, 1, 5), dt.date(2027, 3, 26))
MON_WED_FRI = [0, 2, 4]
START, END = dt.date(2026, 9, 14), dt.date(2026, 12, 11)  # Monday 14 September to Friday 11 December


def _london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo("Europe/London"))


# --- Planned sessions ---------------------------------------------------------------------------------


def test_mon_wed_fri_over_an_unbroken_autumn():
    # Mon 14 Sep to Fri 11 Dec is 13 whole weeks (14 Sep + 13 x 7 days = Mon 14 Dec): 13 x 3 = 39 sessions.
    dates = costing.planned_dates(days=MON_WED_FRI, start=START, end=END, terms=[AUTUMN])
    assert len(dates) == 39
    assert dates[0] == START and dates[-1] == END
    assert {d.weekday() for d in dates} == {0, 2, 4}


def test_half_term_week_is_not_planned():
    # 14 Sep - 23 Oct: 6 weeks (14, 21, 28 Sep, 5, 12, 19 Oct) = 18; half-term 26-30 Oct: none;
    # 2 Nov - 11 Dec: 6 weeks (2, 9, 16, 23, 30 Nov, 7 Dec) = 18. 18 + 18 = 36.
    dates = costing.planned_dates(days=MON_WED_FRI, start=START, end=END, terms=AUTUMN_WITH_HALF_TERM)
    assert len(dates) == 36
    assert not [d for d in dates if dt.date(2026, 10, 24) <= d <= dt.date(2026, 11, 1)]


def test_planned_so_far_stops_at_until_and_an_open_end_needs_it():
    # Up to Wed 30 Sep: weeks of 14, 21 Sep (6 sessions) + Mon 28 and Wed 30 Sep = 8.
    so_far = costing.planned_dates(days=MON_WED_FRI, start=START, end=END, terms=[AUTUMN], until=dt.date(2026, 9, 30))
    assert len(so_far) == 8
    assert costing.planned_dates(days=MON_WED_FRI, start=START, end=None, terms=[AUTUMN]) == []
    assert costing.planned_dates(days=[], start=START, end=END, terms=[AUTUMN]) == []
    assert costing.planned_dates(days=MON_WED_FRI, start=START, end=END, terms=[]) == []


# --- The cost formula ---------------------------------------------------------------------------------


def test_cost_of_a_tutored_group_worked_by_hand():
    # 39 sessions x 30 min = 1170 min = 19.50 hours for each person.
    # TA:      19.50 h x £18.00 = £351.00
    # Teacher: 19.50 h x £45.00 = £877.50
    # + resources £120.00 + external £250.00 = £1,598.50; 4 pupils: £399.625 -> £399.63 each.
    cost = costing.cost_breakdown(
        sessions=39,
        minutes_per_session=30,
        staff=[("Ana TA", "ta"), ("Tom Teacher", "teacher")],
        rates={"ta": Decimal("18.00"), "teacher": Decimal("45.00")},
        resources=Decimal("120.00"),
        external=Decimal("250.00"),
        pupils=4,
    )
    assert [line.hours for line in cost.staff] == [Decimal("19.50"), Decimal("19.50")]
    assert [line.cost for line in cost.staff] == [Decimal("351.00"), Decimal("877.50")]
    assert cost.staff_hours == Decimal("39.00")
    assert cost.total == Decimal("1598.50")
    assert cost.per_pupil == Decimal("399.63")
    assert cost.missing_rates == []


def test_hours_are_rounded_to_the_penny_before_pricing():
    # 7 x 20 min = 140 min = 2.333... h -> 2.33 h; 2.33 x £18.00 = £41.94 (not 2.333... x 18 = £42.00).
    cost = costing.cost_breakdown(
        sessions=7, minutes_per_session=20, staff=[("Ana", "ta")], rates={"ta": Decimal("18.00")}
    )
    assert cost.staff[0].hours == Decimal("2.33")
    assert cost.total == Decimal("41.94")


def test_a_role_with_no_rate_costs_nothing_and_is_reported():
    cost = costing.cost_breakdown(
        sessions=10, minutes_per_session=60, staff=[("Ana", "ta"), ("Dr Lee", "external")],
        rates={"ta": Decimal("20.00")}, external=Decimal("300"),
    )  # fmt: skip
    # 10 h x £20 = £200 for the TA; the external tutor has no rate (£0) and is listed as missing.
    assert cost.total == Decimal("500.00")
    assert cost.missing_rates == ["external"]
    assert cost.staff[1].rate is None and cost.staff[1].cost == Decimal("0.00")


def test_an_empty_group_has_no_cost_per_pupil():
    cost = costing.cost_breakdown(sessions=0, minutes_per_session=30, staff=[], rates={}, resources=Decimal("50"))
    assert cost.total == Decimal("50.00")
    assert cost.per_pupil is None


# --- The same numbers on the group page and the list ---------------------------------------------------


@pytest.fixture
def costed_group(world):
    """Mon/Wed/Fri 30 min, 14 Sep - 11 Dec 2026, a TA and a teacher, £120 resources, £250 external, 4 pupils."""
    school = world.school
    StaffRate.objects.create(school=school, role="ta", hourly_rate=Decimal("18.00"))
    StaffRate.objects.create(school=school, role="teacher", hourly_rate=Decimal("45.00"))
    group = f.InterventionFactory(
        school=school, name="Reading boost", lead=world.users["ta"], resources_cost=Decimal("120.00"),
        external_cost=Decimal("250.00"), funding_source="pupil_premium",
    )  # fmt: skip
    InterventionStaff.objects.create(intervention=group, user=world.users["ta"], role="ta")
    InterventionStaff.objects.create(intervention=group, user=world.users["teacher"], role="teacher")
    for pupil in [*world.pupils, f.PupilFactory(school=school)]:
        f.PlacementFactory(intervention=group, pupil=pupil)
    return group


@pytest.mark.django_db
def test_group_page_shows_the_worked_cost(client, world, costed_group):
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:detail", args=[costed_group.pk]))
    cost = response.context["cost"]
    assert cost.sessions == 39
    assert cost.total == Decimal("1598.50")
    assert cost.per_pupil == Decimal("399.63")
    page = response.content.decode()
    assert "£1598.50" in page and "£399.63" in page and "Pupil premium" in page
    assert "No hourly rate" not in page


@pytest.mark.django_db
def test_group_page_warns_of_a_role_with_no_rate(client, world, costed_group):
    StaffRate.objects.filter(role="teacher").delete()
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:detail", args=[costed_group.pk]))
    # Only the TA's £351.00 + £370 of resources and external costs.
    assert response.context["cost"].total == Decimal("721.00")
    assert "No hourly rate is set for: teacher" in response.content.decode()


@pytest.mark.django_db
def test_list_rows_carry_cost_and_cost_per_pupil(client, world, costed_group):
    client.force_login(world.users["leader"])
    response = client.get(reverse("interventions:list"))
    row = response.context["rows"][0]
    assert row["cost"].total == Decimal("1598.50") and row["cost"].per_pupil == Decimal("399.63")
    assert row["schedule"] == "Mon, Wed, Fri 30 min"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["teacher", "ta"])
def test_costs_are_not_shown_to_teachers_or_teaching_assistants(client, world, costed_group, role):
    client.force_login(world.users[role])
    for url in (reverse("interventions:list"), reverse("interventions:detail", args=[costed_group.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "£" not in response.content.decode(), url


@pytest.mark.django_db
def test_an_open_ended_group_is_costed_so_far(client, world, costed_group):
    costed_group.end_date = None
    costed_group.save()
    client.force_login(world.users["senco"])
    with time_machine.travel(_london(2026, 9, 30, 12), tick=False):
        response = client.get(reverse("interventions:detail", args=[costed_group.pk]))
    # 8 sessions up to Wed 30 Sep (see above): 8 x 30 min = 4.00 h; 4 x £18 + 4 x £45 = £252 + £370 = £622.
    assert response.context["cost"].sessions == 8
    assert response.context["cost"].total == Decimal("622.00")


# --- Staff rates ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_rates_are_set_changed_and_removed(client, world):
    StaffRate.objects.create(school=world.school, role="hlta", hourly_rate=Decimal("20.00"))
    client.force_login(world.users["admin"])
    url = reverse("interventions:staff_rates")
    page = client.get(url).content.decode()
    assert "examples only" in page and 'placeholder="e.g. 18.00"' in page
    response = client.post(url, {"teacher": "44.50", "ta": "17.25", "hlta": "", "external": ""})
    assert response.status_code == 302
    rates = dict(StaffRate.objects.filter(school=world.school).values_list("role", "hourly_rate"))
    assert rates == {"teacher": Decimal("44.50"), "ta": Decimal("17.25")}
    assert not StaffRate.objects.filter(school=world.other_school).exists()


@pytest.mark.django_db
def test_staff_rates_reject_negative_and_over_precise_amounts(client, world):
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:staff_rates"), {"teacher": "-1", "ta": "12.345"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "teacher" in form.errors and "ta" in form.errors
    assert not StaffRate.objects.exists()


# --- Teaching weeks and schedules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "weeks", "terms", "end"),
    [
        # Ten weeks from Mon 14 Sep in an unbroken autumn: the 10th week starts Mon 16 Nov, ends Fri 20 Nov.
        (dt.date(2026, 9, 14), 10, [AUTUMN], dt.date(2026, 11, 20)),
        # With half-term: 6 weeks to Fri 23 Oct, half-term skipped, weeks 7-10 from 2 Nov: ends Fri 27 Nov.
        (dt.date(2026, 9, 14), 10, AUTUMN_WITH_HALF_TERM, dt.date(2026, 11, 27)),
        # Over Christmas: the week of 14 Dec, then spring's first week (Tue 5 - Fri 8 Jan).
        (dt.date(2026, 12, 14), 2, [AUTUMN, SPRING], dt.date(2027, 1, 8)),
        # Starting on a Wednesday, one week is the rest of that week.
        (dt.date(2026, 9, 16), 1, [AUTUMN], dt.date(2026, 9, 18)),
        # No terms recorded: plain calendar weeks (70 days, less one).
        (dt.date(2026, 9, 14), 10, [], dt.date(2026, 11, 22)),
    ],
)
def test_school_weeks_end(start, weeks, terms, end):
    assert school_weeks_end(start, weeks, terms) == end


def test_schedule_text():
    assert schedule_text([4, 0, 2], 30) == "Mon, Wed, Fri 30 min"
    assert schedule_text([1], 45, dt.time(9, 15)) == "Tue 45 min at 09:15"
    assert schedule_text([], 20) == "No days set, 20 min"
