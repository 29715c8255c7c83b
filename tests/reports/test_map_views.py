"""The provision map pages: the school map (periods, views, filters, who sees costs), copying a term forward, and
one pupil's individual provision map. Numbers are those of tests/reports/test_provision_map.py's fixture school."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Intervention, InterventionStaff, StaffRate, SupportPlan
from provision.models import AcademicYear, Term
from tests import factories as f

D = Decimal


@pytest.fixture
def mapped(world):
    """The conftest world (Oak Primary, class 3B of three pupils) with a running group and a wave 1 strategy."""
    school = world.school
    StaffRate.objects.create(school=school, role="ta", hourly_rate=D("15"))
    boost = f.InterventionFactory(school=school, name="Reading boost", resources_cost=D("60"))
    InterventionStaff.objects.create(intervention=boost, user=world.users["ta"], role="ta")
    for pupil in world.pupils:
        f.PlacementFactory(intervention=boost, pupil=pupil)
    f.InterventionFactory(
        school=school, name="Visual timetables", wave=1, area="social", days=[], year_groups=[3],
        start_date=dt.date(2026, 9, 2), end_date=None, resources_cost=D("40"),
    )  # fmt: skip
    autumn = Term.objects.get(academic_year__school=school, name="autumn")
    return {"boost": boost, "autumn": autumn}


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:map"), params)


def test_senco_sees_the_map_with_names_and_costs(client, world, mapped):
    response = _get(client, world.users["senco"], term=mapped["autumn"].pk)
    html = response.content.decode()
    pmap = response.context["map"]
    # 39 sessions x 0.5 h x £15 = £292.50 + £60 = £352.50; timetables £40: £392.50 in all. Per pupil leaves the
    # wave 1 timetables apart: £352.50 for 3 pupils = £117.50.
    assert pmap.total_cost == D("392.50") and pmap.cost_per_pupil == D("117.50")
    assert "Reading boost" in html and "Visual timetables" in html and "Teaching assistant" in html
    assert "£392.50" in html and "£117.50" in html
    assert world.pupils[0].last_name in html  # names for staff
    assert 'data-status="running"' in html and "Key:" in html


def test_teacher_sees_no_costs(client, world, mapped):
    html = _get(client, world.users["teacher"], term=mapped["autumn"].pk).content.decode()
    assert "Reading boost" in html and "£" not in html


def test_a_ta_sees_the_whole_school_on_the_maps_not_only_the_groups_they_run(client, world, mapped):
    """The maps are whole-school pictures (provision.access.MAP_SCOPE), unlike the group pages (GROUP_SCOPE)."""
    other = f.InterventionFactory(school=world.school, name="Maths club")
    f.PlacementFactory(intervention=other, pupil=world.pupils[0])
    html = _get(client, world.users["ta"], term=mapped["autumn"].pk).content.decode()
    assert "Maths club" in html and "Visual timetables" in html and "Reading boost" in html
    page = client.get(reverse("reports:pupil_map", args=[world.pupils[0].pk])).content.decode()
    assert "Maths club" in page and "Reading boost" in page


@pytest.mark.parametrize("view", ["year", "class", "need", "subject"])
def test_each_view(client, world, mapped, view):
    response = _get(client, world.users["senco"], term=mapped["autumn"].pk, view=view)
    assert response.status_code == 200
    assert response.context["map"].view == view
    assert response.context["map"].total_cost == D("392.50")


def test_filters_reach_the_map(client, world, mapped):
    world.pupils[0].pupil_premium = True
    world.pupils[0].save()
    response = _get(client, world.users["senco"], term=mapped["autumn"].pk, pp="yes")
    # One pupil of three: 352.50 / 3 = 117.50; the wave 1 strategy has no pupils, so a pupil filter hides it.
    assert response.context["map"].total_cost == D("117.50")
    response = _get(client, world.users["senco"], term=mapped["autumn"].pk, area="social")
    assert response.context["map"].total_cost == D("40.00")


def test_default_is_the_current_term_and_year_and_past_terms_work(client, world, mapped, time_machine):
    time_machine.move_to(dt.datetime(2027, 2, 1, 12, 0), tick=False)
    response = _get(client, world.users["senco"])
    assert response.context["map"].period.label == "Spring 2026/27"
    year = AcademicYear.objects.get(school=world.school)
    response = _get(client, world.users["senco"], year=year.pk)
    assert response.context["map"].period.label == "2026/27"
    assert response.context["map"].total_cost == D("392.50")
    assert _get(client, world.users["senco"], term=mapped["autumn"].pk).context["map"].total_cost == D("392.50")


def test_another_schools_term_is_a_404(client, world, mapped):
    other_year = f.school_year(world.other_school)
    other_term = other_year.terms.first()
    assert _get(client, world.users["senco"], term=other_term.pk).status_code == 404
    assert _get(client, world.users["senco"], year=other_year.pk).status_code == 404


def test_map_page_queries_are_constant(client, world, django_assert_num_queries):
    def grow(pupils: int, groups: int):
        for n in range(groups):
            intervention = f.InterventionFactory(school=world.school, wave=2 + n % 2)
            InterventionStaff.objects.create(intervention=intervention, external_name=f"Tutor {n}", role="external")
            for k in range(pupils // groups):
                f.PlacementFactory(
                    intervention=intervention, pupil=f.PupilFactory(school=world.school, year_group=k % 7)
                )

    client.force_login(world.users["senco"])
    url = reverse("reports:map")
    autumn = Term.objects.get(academic_year__school=world.school, name="autumn")
    grow(20, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"view": "class", "term": autumn.pk}).status_code == 200
    grow(180, 27)
    with django_assert_num_queries(len(small)):
        response = client.get(url, {"view": "class", "term": autumn.pk})
    assert response.context["map"].pupils_in_provision == 18 + 162  # 3 x 6 + 27 x 6


def test_copy_forward_is_idempotent(client, world, mapped):
    client.force_login(world.users["senco"])
    url = reverse("reports:map_copy_forward")
    response = client.post(url, {"term": mapped["autumn"].pk}, follow=True)
    spring = Term.objects.get(academic_year__school=world.school, name="spring")
    copies = Intervention.objects.filter(school=world.school, start_date__gte=spring.start_date)
    assert [c.name for c in copies] == ["Reading boost"]  # the timetables have no end date: they run on anyway
    copy = copies.get()
    # 14/09-11/12 is 88 days long: from 05/01/2027 to 03/04/2027, cut at the end of spring, 26/03/2027.
    assert (copy.status, copy.start_date, copy.end_date) == ("planned", spring.start_date, dt.date(2027, 3, 26))
    assert list(copy.staff.values_list("user", "role")) == [(world.users["ta"].pk, "ta")]
    assert not copy.placements.exists()
    # The copy names its original in a field, not in its notes.
    assert copy.copied_from == mapped["boost"] and copy.notes == ""
    assert "Copied 1 into Spring 2026/27 as planned: Reading boost." in response.content.decode()
    response = client.post(url, {"term": mapped["autumn"].pk}, follow=True)
    assert Intervention.objects.filter(school=world.school, start_date__gte=spring.start_date).count() == 1
    assert "Nothing new to copy" in response.content.decode()


def test_copy_forward_needs_a_next_term(client, world, mapped):
    summer = Term.objects.get(academic_year__school=world.school, name="summer")
    f.InterventionFactory(school=world.school, start_date=summer.start_date, end_date=summer.end_date)
    client.force_login(world.users["senco"])
    before = Intervention.objects.count()
    response = client.post(reverse("reports:map_copy_forward"), {"term": summer.pk}, follow=True)
    assert "There is no term after Summer 2026/27" in response.content.decode()
    assert Intervention.objects.count() == before


def test_pupil_map(client, world, mapped):
    pupil = world.pupils[0]
    SupportPlan.objects.create(
        pupil=pupil, start_date=dt.date(2026, 9, 14), review_date=dt.date(2026, 12, 11),
        needs={"CL": "Decoding well below age."}, outcomes="Read book band 5 fluently.",
    )  # fmt: skip
    client.force_login(world.users["senco"])
    response = client.get(reverse("reports:pupil_map", args=[pupil.pk]))
    html = response.content.decode()
    assert "Reading boost" in html and "Autumn 2026/27" in html and "Teaching assistant" in html
    assert "Decoding well below age." in html and "Cognition and learning" in html
    # The whole run costs £352.50, shared by the 3 pupils placed: £117.50 each.
    assert response.context["rows"][0]["cost"] == D("117.50") and "£117.50" in html
    client.force_login(world.users["teacher"])
    html = client.get(reverse("reports:pupil_map", args=[pupil.pk])).content.decode()
    assert "Reading boost" in html and "£" not in html


def test_pupil_map_of_another_school_is_a_404(client, world):
    client.force_login(world.users["senco"])
    assert client.get(reverse("reports:pupil_map", args=[world.other_pupil.pk])).status_code == 404


def test_pupil_map_says_what_entry_and_exit_are_measured_on(client, world):
    from pupils.models import ScaleKind

    reading_age = f.ScaleFactory(
        school=world.school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216, expected=None,
        high=None, drop_concern=None,
    )  # fmt: skip
    group = f.InterventionFactory(school=world.school, name="Inference training", scale=reading_age)
    place = f.PlacementFactory(intervention=group, pupil=world.pupils[0], entry_value=92, entry_typed="7:08")
    client.force_login(world.users["senco"])
    html = client.get(reverse("reports:pupil_map", args=[world.pupils[0].pk])).content.decode()
    assert "7:08 (Reading age, years:months) → not yet" in html
    assert "→ -" not in html
    place.exit_date, place.exit_typed = dt.date(2026, 12, 1), "8:01"
    place.save()
    assert (
        "7:08 (Reading age, years:months) → 8:01"
        in client.get(reverse("reports:pupil_map", args=[world.pupils[0].pk])).content.decode()
    )
    place.exit_typed = ""
    place.save()
    assert "→ no exit result" in client.get(reverse("reports:pupil_map", args=[world.pupils[0].pk])).content.decode()
