"""Costs follow the pupil's stay, and dosage means one thing on every page.

"Reading boost" at Oak Primary (autumn 02/09-18/12/2026, no half-term recorded): Mon/Wed/Fri 30 min from Monday
14 September to Friday 6 November, 8 weeks = 24 sessions, one TA at £18 an hour, £39 of books:
24 x 0.5 h x £18 = £216 + £39 = £255. Three Year 3 pupils stay throughout (24 sessions each); Leo (Year 4) leaves
on Monday 12 October, after the 13th session (14, 16, 18, 21, 23, 25, 28, 30 Sep, 2, 5, 7, 9, 12 Oct). Their stays
add up to 3 x 24 + 13 = 85 pupil-sessions, £3 each: a full place costs £72, Leo's share 13 x £3 = £39, which is
13/24 of a full share. Seen on Saturday 5 December 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from interventions import costing
from interventions.models import Attendance, InterventionStaff, Session, StaffRate
from reports.maps.build import MapFilters, build_map, period_for_term
from tests import factories as f

D = Decimal
pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 5, 10, 0)
LEFT = dt.date(2026, 10, 12)


@pytest.fixture(autouse=True)
def december(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def boost(world):
    school = world.school
    StaffRate.objects.create(school=school, role="ta", hourly_rate=D("18.00"))
    group = f.InterventionFactory(
        school=school, name="Reading boost", lead=world.users["ta"], start_date=dt.date(2026, 9, 14),
        end_date=dt.date(2026, 11, 6), resources_cost=D("39"), status="completed",
    )  # fmt: skip
    InterventionStaff.objects.create(intervention=group, user=world.users["ta"], role="ta")
    stayers = [f.PlacementFactory(intervention=group, pupil=pupil) for pupil in world.pupils]
    for placement in stayers:
        placement.exit_date, placement.exit_reason = group.end_date, "completed"
        placement.save()
    leo = f.PupilFactory(school=school, legal_first_name="Leo", legal_last_name="Lime", year_group=4)
    leaver = f.PlacementFactory(intervention=group, pupil=leo, exit_date=LEFT, exit_reason="moved")
    # Four sessions logged before Leo left (he came to three), two after.
    for day, leo_here in ((dt.date(2026, 9, 14), True), (dt.date(2026, 9, 21), True), (dt.date(2026, 9, 28), False),
                          (dt.date(2026, 10, 12), True), (dt.date(2026, 10, 19), None), (dt.date(2026, 11, 2), None)):  # fmt: skip
        session = Session.objects.create(intervention=group, date=day, minutes=30)
        for placement in stayers:
            Attendance.objects.create(session=session, placement=placement, present=True)
        if leo_here is not None:
            Attendance.objects.create(
                session=session, placement=leaver, present=leo_here, absence_reason="" if leo_here else "unwell"
            )
    return {"group": group, "leaver": leaver, "leo": leo, "stayers": stayers}


def test_shares_by_sessions_worked_by_hand():
    assert costing.share_by_sessions(D("255"), [24, 24, 24, 13]) == [D("72.00"), D("72.00"), D("72.00"), D("39.00")]
    # A filtered part of the whole (Leo alone, of 85 pupil-sessions); the remainder goes to the last share.
    assert costing.share_by_sessions(D("255"), [13], 85) == [D("39.00")]
    assert costing.share_by_sessions(D("100"), [1, 1, 1]) == [D("33.33"), D("33.33"), D("33.34")]
    assert costing.share_by_sessions(D("100"), [1], 0) == [D("0.00")]
    assert costing.stay_weights([0, 0]) == [1, 1]  # no planned sessions at all: equal shares
    run = costing.planned_dates(
        days=[0, 2, 4], start=dt.date(2026, 9, 14), end=dt.date(2026, 11, 6),
        terms=[(dt.date(2026, 9, 2), dt.date(2026, 12, 18))],
    )  # fmt: skip
    assert len(run) == 24
    assert costing.sessions_in_stay(run, entry=dt.date(2026, 9, 14), exit=LEFT) == 13
    stay = costing.stay_dates(
        days=[0, 2, 4], start=dt.date(2026, 9, 14), end=dt.date(2026, 11, 6), entry=dt.date(2026, 9, 1), exit=LEFT,
        terms=costing.SchoolDays(((dt.date(2026, 9, 2), dt.date(2026, 12, 18)),)),
    )  # fmt: skip
    assert len(stay) == 13 and stay[-1] == LEFT


def test_a_full_place_and_each_pupils_share_on_the_group_page(client, world, boost):
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:detail", args=[boost["group"].pk]))
    cost = response.context["cost"]
    assert cost.total == D("255.00") and cost.sessions == 24
    assert cost.pupil_sessions == 85 and cost.per_pupil == D("72.00")  # a full place, not 255 / 4 = 63.75
    shares = {row["placement"].pupil.legal_first_name: row["cost_share"] for row in response.context["rows"]}
    assert shares["Leo"] == D("39.00")
    assert [shares[p.legal_first_name] for p in world.pupils] == [D("72.00")] * 3
    assert shares["Leo"] == (D(13) / D(24) * shares[world.pupils[0].legal_first_name]).quantize(D("0.01"))
    page = response.content.decode()
    assert "£39.00 of the cost" in page and "Per full place" in page and "£72.00" in page
    listed = client.get(reverse("interventions:list")).context["rows"][0]["cost"]
    assert listed.per_pupil == D("72.00")


def test_the_leavers_individual_map_charges_thirteen_twenty_fourths(client, world, boost):
    client.force_login(world.users["leader"])
    response = client.get(reverse("reports:pupil_map", args=[boost["leo"].pk]))
    [row] = response.context["rows"]
    assert row["cost"] == D("39.00") and response.context["total_cost"] == D("39.00")
    stayer = client.get(reverse("reports:pupil_map", args=[world.pupils[0].pk])).context["rows"][0]
    assert stayer["cost"] == D("72.00")


def test_the_provision_map_shares_by_the_sessions_of_each_stay(world, boost):
    autumn = world.school.academic_years.get().terms.get(name="autumn")
    pmap = build_map(user=world.users["senco"], school=world.school, period=period_for_term(autumn))
    rows = {row.key: row for row in pmap.rows}
    # Year 3: three full places, 3 x £72 = £216; Year 4: Leo's £39 (by pupils alone it would be £63.75).
    assert rows["3"].cost == D("216.00") and rows["4"].cost == D("39.00")
    assert pmap.cost_per_pupil == D("63.75")  # the wave's £255 over its 4 pupils: what a pupil cost on average
    # A filtered map shows the matching pupils' share: Leo alone (the one pupil premium pupil) is his £39.
    assert not any(p.pupil_premium for p in world.pupils)
    boost["leo"].pupil_premium = True
    boost["leo"].save()
    only_leo = build_map(
        user=world.users["senco"],
        school=world.school,
        period=period_for_term(autumn),
        filters=MapFilters(pupil_premium=True),
    )
    assert only_leo.total_cost == D("39.00")


@pytest.mark.parametrize("role", ["senco", "leader"])
def test_dosage_reads_the_same_on_every_page(client, world, boost, role):
    # Leo: 4 sessions held while he was in the group, he came to 3; 13 planned for his stay (which is over).
    expected = ("3 of 4 held (75%)", "3 of 13 planned for their stay (23%)", "90 min")
    group, leo = boost["group"], boost["leo"]
    client.force_login(world.users[role])
    detail = client.get(reverse("interventions:detail", args=[group.pk]))
    dosage = next(r["dosage"] for r in detail.context["rows"] if r["placement"].pupil == leo)
    assert (dosage.attended, dosage.held, dosage.planned, dosage.minutes) == (3, 4, 13, 90)
    assert dosage.text == " · ".join(expected)
    pages = [
        detail,
        client.get(reverse("interventions:sessions", args=[group.pk])),
        client.get(reverse("reports:pupil_map", args=[leo.pk])),
    ]
    if role == "senco":  # the SENCO also logs sessions: the register shows the same words
        pages.append(client.get(reverse("interventions:session_log", args=[group.pk]), {"date": "2026-10-12"}))
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        for words in expected:
            assert words in page, (response.request["PATH_INFO"], words)
        assert "planned so far" not in page or "planned so far (term days" in page  # no second definition
