"""A child's page for their parent: the support now and how earlier support went, in plain words; nothing that
is for staff only, no codes, no other child; only the parent's own children; a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Attendance, InterventionStaff
from pupils.models import PupilGuardian, ScaleKind, SenStatus
from reports.models import PublishedOffer
from tests import factories as f

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def child_world(world):
    """The parent's first child, Evie, on SEN support: one group now (maths, 3 times a week, a TA, 2 of 3
    sessions attended) and one finished (reading age up 9 months in 4 months); a classmate in the same group."""
    school = world.school
    school.senco_name, school.senco_email = "Ms Shah", "senco@oak.example"
    school.save()
    evie = world.pupils[0]
    evie.legal_first_name, evie.legal_last_name = "Evie", "Atkinson"
    evie.sen_status, evie.primary_need = SenStatus.SUPPORT, "SPLD"
    evie.save()
    classmate = f.PupilFactory(school=school, legal_first_name="Josh", legal_last_name="Marlowe")
    ta = f.staff(school, "ta", first_name="Gwendolyn", last_name="Marchbanks")

    maths = f.ScaleFactory(school=school, name="Maths standardised", kind=ScaleKind.STANDARDISED)
    programme = f.ProgrammeFactory(school=school, name="Counting Stars", summary="Short daily number games.")
    now = f.InterventionFactory(
        school=school,
        name="Evie and Josh maths with Mrs Marchbanks",
        programme=programme,
        area="maths",
        days=[0, 2, 4],
        minutes_per_session=30,
        start_date=dt.date(2026, 9, 14),
        end_date=dt.date(2026, 12, 11),
        scale=maths,
        subject=f.SubjectFactory(school=school, name="Maths"),
        notes="INTERVENTION-NOTE: mum worried about the move",
    )
    InterventionStaff.objects.create(intervention=now, user=ta, role="ta")
    placement = f.PlacementFactory(
        intervention=now,
        pupil=evie,
        entry_value=82,
        entry_typed="82",
        target="SPLD: score up 5 (K register)",
        target_value=87,
        pupil_target="I want to know my times tables",
        entry_rating=2,
        notes="PLACEMENT-NOTE: social care involved",
    )
    f.PlacementFactory(intervention=now, pupil=classmate)
    for day, present in ((dt.date(2026, 9, 14), True), (dt.date(2026, 9, 16), True), (dt.date(2026, 9, 18), False)):
        session = f.SessionFactory(intervention=now, date=day, notes="SESSION-NOTE")
        Attendance.objects.create(session=session, placement=placement, present=present)

    reading = f.ScaleFactory(school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216)
    before = f.InterventionFactory(
        school=school,
        name="Reading with Gwendolyn",
        area="reading",
        days=[1, 3],
        start_date=dt.date(2026, 1, 12),
        end_date=dt.date(2026, 5, 12),
        status="completed",
        scale=reading,
        subject=f.SubjectFactory(school=school, name="Reading"),
    )
    f.PlacementFactory(
        intervention=before,
        pupil=evie,
        entry_date=dt.date(2026, 1, 12),
        entry_value=95,
        target_value=101,
        exit_date=dt.date(2026, 5, 12),
        exit_value=104,
        exit_reason="completed",
        outcome="met",
        entry_rating=2,
        exit_rating=4,
        notes="PLACEMENT-NOTE-2",
    )
    stopped = f.InterventionFactory(
        school=school,
        name="Lego club",
        area="social",
        status="stopped",
        stop_reason="STOP-REASON: the TA was off sick",
        start_date=dt.date(2025, 9, 15),
        end_date=dt.date(2025, 10, 20),
    )
    f.PlacementFactory(
        intervention=stopped,
        pupil=evie,
        entry_date=dt.date(2025, 9, 15),
        exit_date=dt.date(2025, 10, 20),
        exit_reason="stopped",
    )
    PublishedOffer.objects.create(school=school, period_label="Autumn 2026/27", content={"sections": []})
    return world


def child_html(client, world, pupil=None) -> str:
    client.force_login(world.users["parent"])
    response = client.get(reverse("family:child", args=[(pupil or world.pupils[0]).pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.usefixtures("child_world")
def test_support_now_in_plain_words(client, world, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 0))
    html = child_html(client, world)
    assert "Counting Stars" in html and "Help with maths" in html
    assert "3 times a week (Monday, Wednesday and Friday), 30 minutes each time" in html
    assert "A teaching assistant" in html
    assert "14 September 2026" in html and "11 December 2026" in html
    assert "Evie went to 2 of the 3 sessions so far." in html
    assert "maths score of 87 by 11 December 2026" in html
    assert "I want to know my times tables" in html
    assert "At the start: maths score 82." in html
    assert "Short daily number games." in html
    assert "Evie gets SEN support" in html


@pytest.mark.usefixtures("child_world")
def test_how_earlier_support_went_with_a_chart_and_its_table(client, world, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 0))
    html = child_html(client, world)
    assert "Reading age went up 9 months in 4 months." in html
    assert "It went from 7 years 11 months to 8 years 8 months." in html
    assert "Evie reached the target." in html
    assert "How confident Evie felt, out of 5: 2 at the start and 4 at the end." in html
    assert html.count("<svg") == 1 and 'aria-hidden="true"><svg' in html
    assert '<th scope="row">At the start</th><td>7 years 11 months</td>' in html
    # A bespoke group is called by what it helps with; the stopped one says it ended early, never why.
    assert "Help with getting on with others" in html and "This help ended early." in html


@pytest.mark.usefixtures("child_world")
def test_nothing_for_staff_only_no_codes_no_names_no_other_child(client, world, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 0))
    html = child_html(client, world)
    evie = world.pupils[0]
    for secret in (
        "NOTE",  # placement, intervention and session notes
        "STOP-REASON",
        "off sick",
        "Gwendolyn",  # staff names, also inside the groups' own names
        "Marchbanks",
        "Evie and Josh",
        "Josh",  # a classmate in the same group
        "Marlowe",
        world.pupils[1].first_name,  # the parent's other child is on their own page
        evie.upn,
        "SPLD",
        "Specific learning",
        "K register",  # the school's own target text is not shown when the target is a number
        "Wave",
        "£",
    ):
        assert secret not in html, secret
    assert ">K<" not in html and "K ·" not in html


@pytest.mark.usefixtures("child_world")
def test_the_offer_and_the_senco(client, world):
    html = child_html(client, world)
    assert reverse("reports:offer_public", args=[world.school.urn]) in html
    assert "Ms Shah" in html and 'href="mailto:senco@oak.example"' in html
    assert "Last updated on" in html


def test_a_child_with_no_support_gets_a_plain_sentence(client, world):
    html = child_html(client, world, world.pupils[1])
    assert "is not getting extra help outside lessons right now" in html
    assert "How earlier help went" not in html


@pytest.mark.usefixtures("child_world")
def test_only_the_parents_own_children(client, world):
    client.force_login(world.users["parent"])
    for pupil in (world.pupils[2], world.other_pupil):
        response = client.get(reverse("family:child", args=[pupil.pk]))
        assert response.status_code == 404
        assert pupil.first_name not in response.content.decode()
    assert client.get(reverse("family:child", args=[999999])).status_code == 404
    # Another parent of another child cannot see Evie.
    other_parent = f.parent_of(world.pupils[2])
    client.force_login(other_parent)
    assert client.get(reverse("family:child", args=[world.pupils[0].pk])).status_code == 404
    # Nor can staff, even the SENCO of Evie's school: staff use the staff pages.
    client.force_login(world.users["senco"])
    assert client.get(reverse("family:child", args=[world.pupils[0].pk])).status_code == 404


@pytest.mark.usefixtures("child_world")
def test_a_parent_gets_no_staff_page_even_for_their_own_child(client, world):
    evie = world.pupils[0]
    intervention = evie.placements.first().intervention
    client.force_login(world.users["parent"])
    for url in (
        reverse("pupils:detail", args=[evie.pk]),
        reverse("pupils:list"),
        reverse("interventions:detail", args=[intervention.pk]),
        reverse("reports:pupil_map", args=[evie.pk]),
        reverse("reports:pupil_progress", args=[evie.pk]),
        reverse("interventions:plans"),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Evie" not in response.content.decode(), url


def test_a_guardian_unlinked_from_a_child_no_longer_sees_them(client, world):
    PupilGuardian.objects.filter(pupil=world.pupils[1]).delete()
    client.force_login(world.users["parent"])
    assert client.get(reverse("family:child", args=[world.pupils[1].pk])).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_support(client, world, django_assert_max_num_queries):
    evie = world.pupils[0]
    client.force_login(world.users["parent"])
    url = reverse("family:child", args=[evie.pk])
    scale = f.ScaleFactory(school=world.school, kind=ScaleKind.BANDS)
    for rank, label in enumerate(("Emerging", "Developing", "Expected"), start=1):
        scale.bands.create(rank=rank, label=label)

    def add_support(count: int) -> None:
        for index in range(count):
            intervention = f.InterventionFactory(
                school=world.school, programme=f.ProgrammeFactory(school=world.school), scale=scale
            )
            InterventionStaff.objects.create(intervention=intervention, user=world.users["ta"], role="ta")
            finished = index % 2 == 0
            f.PlacementFactory(
                intervention=intervention,
                pupil=evie,
                entry_value=1,
                exit_value=2 if finished else None,
                exit_date=dt.date(2026, 12, 1) if finished else None,
                exit_reason="completed" if finished else "",
            )
            f.SessionFactory(intervention=intervention)

    add_support(2)
    small = _queries(client, url)
    assert small <= 11  # one of them the child's one-page profile
    add_support(10)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_home_query_count_does_not_grow_with_children(client, world, django_assert_max_num_queries):
    client.force_login(world.users["parent"])
    guardian = world.users["parent"].guardianships.get()
    small = _queries(client, reverse("family:home"))
    for _ in range(6):
        PupilGuardian.objects.create(pupil=f.PupilFactory(school=world.school), guardian=guardian)
    with django_assert_max_num_queries(small):
        client.get(reverse("family:home"))


@pytest.mark.usefixtures("child_world")
def test_a_parent_who_is_also_a_ta_at_the_school_sees_all_their_childs_support(client, world, time_machine):
    """A parent's reads go through visible_to for guardians: being on the school's staff (a TA sees only the groups
    they run on staff pages) takes nothing away from their own child's page."""
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 0))
    f.MembershipFactory(school=world.school, user=world.users["parent"], role="ta")
    html = child_html(client, world)
    assert "Counting Stars" in html and "Reading age went up 9 months in 4 months." in html
