"""Pupil list, profile, create and edit, as the school's staff use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provision.models import Role
from pupils.forms import PupilForm
from pupils.models import Pupil, SenStatus
from pupils.reference import make_upn
from tests import factories as f
from tests.forms import blank


def _list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_pupil_list_query_count_is_the_same_for_20_and_500_pupils(client):
    small, large = f.SchoolFactory(), f.SchoolFactory()
    for school, n in ((small, 20), (large, 500)):
        groups = [f.TeachingGroupFactory(school=school, name=f"{school.pk}-{i}") for i in range(5)]
        Pupil.objects.bulk_create(
            [
                f.PupilFactory.build(
                    school=school, registration_group=groups[i % 5], sen_status="K", primary_need="MLD"
                )
                for i in range(n)
            ]
        )
    counts = []
    for school in (small, large):
        client.force_login(f.staff(school, Role.SENCO))
        counts.append(_list_queries(client, reverse("pupils:list")))
        counts.append(_list_queries(client, reverse("pupils:list") + "?sen=K&sort=-class&page=2"))
    assert counts[0] == counts[2], counts
    assert counts[1] == counts[3], counts


@pytest.mark.django_db
def test_pupil_list_filters_search_sort_and_paginates(client, world):
    school = world.school
    a = f.PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="O'Brien", pupil_premium=True)
    b = f.PupilFactory(
        school=school, legal_first_name="Amir", legal_last_name="Aziz", eal=True, sen_status="K", primary_need="SLCN"
    )
    c = f.PupilFactory(
        school=school,
        legal_first_name="Cara",
        legal_last_name="Price",
        looked_after=True,
        sen_status="E",
        primary_need="ASD",
        year_group=5,
        date_of_birth=dt.date(2017, 1, 5),
    )
    f.PupilFactory(school=school, legal_last_name="Gone", left_on=dt.date(2025, 7, 20))
    f.PupilFactory(
        school=world.other_school, legal_last_name="Elsewhere", year_group=8, date_of_birth=dt.date(2014, 2, 1)
    )
    client.force_login(world.users["teacher"])
    url = reverse("pupils:list")

    def names(query: str) -> list[str]:
        response = client.get(url + query)
        assert response.status_code == 200
        return [p.legal_last_name for p in response.context["page"]]

    everyone = names("")
    assert "Elsewhere" not in everyone and "Gone" not in everyone
    assert set(names("?left=on")) >= {"Gone"}
    assert names("?q=o'brien") == ["O'Brien"]
    assert names("?q=zo%C3%AB") == ["O'Brien"]
    assert names(f"?q={b.upn.lower()}") == ["Aziz"]
    assert names("?pp=yes") == ["O'Brien"]
    assert names("?eal=yes") == ["Aziz"]
    assert names("?lac=yes") == ["Price"]
    assert names("?sen=any") == ["Aziz", "Price"]
    assert names("?sen=E") == ["Price"]
    assert names("?need=SLCN") == ["Aziz"]
    assert names("?year=5") == ["Price"]
    assert names(f"?group={world.pupils[0].registration_group_id}") == sorted(p.legal_last_name for p in world.pupils)
    by_name = names("?sort=name")
    assert by_name == sorted(by_name)
    assert names("?sort=-name") == list(reversed(by_name))
    # A nonsense filter value is ignored, not an error page.
    assert names("?year=banana&sen=Q") == everyone
    assert {a.pk, b.pk, c.pk} <= {p.pk for p in Pupil.objects.filter(school=school)}


@pytest.mark.django_db
def test_pupil_list_pages_50_at_a_time(client, world):
    Pupil.objects.bulk_create([f.PupilFactory.build(school=world.school) for _ in range(60)])
    client.force_login(world.users["senco"])
    first = client.get(reverse("pupils:list"))
    second = client.get(reverse("pupils:list") + "?page=2")
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 63 - 50
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.django_db
def test_profile_shows_details_needs_and_guardians(client, world):
    pupil = world.pupils[0]
    pupil.sen_status, pupil.primary_need, pupil.secondary_need = "K", "SPLD", "SLCN"
    pupil.save()
    client.force_login(world.users["ta"])
    page = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert pupil.upn in page
    assert "Specific learning difficulty" in page
    assert "Cognition and learning" in page
    assert pupil.guardians.first().last_name in page


def _form_data(pupil: Pupil | None = None, **changes) -> dict:
    """A valid pupil form POST: every field of the form, empty but for these."""
    given = {
        "upn": make_upn("801200126001"),
        "legal_first_name": "Siân",
        "legal_last_name": "O'Connor",
        "date_of_birth": "2019-03-14",
        "gender": "F",
        "year_group": "3",
        "sen_status": "N",
    }
    return blank(PupilForm.Meta.fields) | given | changes


@pytest.mark.django_db
def test_senco_adds_a_pupil(client, world):
    client.force_login(world.users["senco"])
    response = client.post(reverse("pupils:new"), _form_data(sen_status="K", primary_need="SPLD", eal="on"))
    pupil = Pupil.objects.get(legal_last_name="O'Connor")
    assert response.status_code == 302 and response["Location"] == pupil.get_absolute_url()
    assert pupil.school == world.school and pupil.eal and pupil.primary_need == "SPLD"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"upn": "A801200126001"}, "upn", "check letter"),
        ({"upn": "123"}, "upn", "13 characters"),
        ({"date_of_birth": "2031-01-01"}, "date_of_birth", "in the past"),
        ({"year_group": "6"}, "year_group", "would be in Year 3"),
        ({"sen_status": "N", "primary_need": "MLD"}, "primary_need", "only recorded"),
        ({"sen_status": "K", "primary_need": "MLD", "secondary_need": "MLD"}, "secondary_need", "differ"),
        ({"year_group": "9"}, "year_group", "valid choice"),
    ],
)
def test_pupil_form_rejects_bad_input_and_keeps_what_was_typed(client, world, changes, field, message):
    client.force_login(world.users["senco"])
    response = client.post(reverse("pupils:new"), _form_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    assert form["legal_last_name"].value() == "O'Connor"
    assert not Pupil.objects.filter(legal_last_name="O'Connor").exists()


@pytest.mark.django_db
def test_duplicate_upn_in_the_same_school_is_refused(client, world):
    client.force_login(world.users["senco"])
    response = client.post(reverse("pupils:new"), _form_data(upn=world.pupils[0].upn))
    assert "already has this UPN" in " ".join(response.context["form"].errors["upn"])


@pytest.mark.django_db
def test_admin_edits_details_but_cannot_change_sen(client, world):
    pupil = world.pupils[0]
    client.force_login(world.users["admin"])
    data = _form_data(
        upn=pupil.upn, legal_first_name="Renamed", sen_status="E", primary_need="ASD", date_of_birth="2019-03-14"
    )
    response = client.post(reverse("pupils:edit", args=[pupil.pk]), data)
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.legal_first_name == "Renamed"
    assert pupil.sen_status == SenStatus.NONE and pupil.primary_need == ""


@pytest.mark.django_db
def test_senco_cannot_edit_a_pupil_of_another_school_even_by_posting(client, world):
    client.force_login(world.users["senco"])
    response = client.post(reverse("pupils:edit", args=[world.other_pupil.pk]), _form_data())
    assert response.status_code == 404
    world.other_pupil.refresh_from_db()
    assert world.other_pupil.legal_last_name != "O'Connor"


@pytest.mark.django_db
def test_trust_leader_sees_both_schools_and_switches(client, world):
    leader = world.users["leader"]
    f.MembershipFactory(user=leader, school=world.other_school, role=Role.LEADER)
    client.force_login(leader)
    assert client.get(reverse("pupils:detail", args=[world.other_pupil.pk])).status_code == 200
    client.post(reverse("provision:switch_school"), {"school": world.school.pk})
    names_before = {p.pk for p in client.get(reverse("pupils:list")).context["page"]}
    client.post(reverse("provision:switch_school"), {"school": world.other_school.pk, "next": "/pupils/"})
    names_after = {p.pk for p in client.get(reverse("pupils:list")).context["page"]}
    assert world.other_pupil.pk in names_after and world.other_pupil.pk not in names_before
    # A school the user has no role at cannot be chosen.
    stranger = f.SchoolFactory()
    assert client.post(reverse("provision:switch_school"), {"school": stranger.pk}).status_code == 404
    # An open redirect through "next" is refused.
    response = client.post(
        reverse("provision:switch_school"), {"school": world.school.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
