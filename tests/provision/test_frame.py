"""The school year: terms, the current term, and the calendar pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from provision.models import AcademicYear, Term
from tests import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 8, 20), "autumn"),  # before any term: the first one
        (dt.date(2026, 9, 2), "autumn"),  # first day
        (dt.date(2026, 12, 18), "autumn"),  # last day
        (dt.date(2026, 12, 28), "autumn"),  # Christmas holiday: the term just ended
        (dt.date(2027, 1, 5), "spring"),
        (dt.date(2027, 4, 1), "spring"),  # Easter holiday
        (dt.date(2027, 7, 21), "summer"),
        (dt.date(2027, 8, 15), "summer"),  # summer holiday
    ],
)
def test_current_term(today, expected):
    school = f.SchoolFactory()
    f.school_year(school, 2026)
    assert Term.objects.current_for(school, today).name == expected


@pytest.mark.django_db
def test_current_term_moves_into_the_next_year_and_ignores_other_schools():
    school, other = f.SchoolFactory(), f.SchoolFactory()
    f.school_year(school, 2025)
    f.school_year(school, 2026)
    f.school_year(other, 2027)
    term = Term.objects.current_for(school, dt.date(2026, 10, 1))
    assert (term.name, term.academic_year.start_year) == ("autumn", 2026)
    assert Term.objects.current_for(f.SchoolFactory(), dt.date(2026, 10, 1)) is None


@pytest.mark.django_db
def test_every_page_knows_the_current_term(client, world):
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, 0), tick=False):
        client.force_login(world.users["teacher"])
        response = client.get(reverse("pupils:list"))
    assert str(response.context["current_term"]) == "Spring 2026/27"
    assert "Current term: Spring 2026/27" in response.content.decode()


@pytest.mark.django_db
def test_leader_adds_an_academic_year_with_its_terms(client, world):
    client.force_login(world.users["leader"])
    data = {
        "start_year": 2027,
        "autumn_start": "2027-09-02",
        "autumn_end": "2027-12-17",
        "spring_start": "2028-01-04",
        "spring_end": "2028-03-24",
        "summer_start": "2028-04-10",
        "summer_end": "2028-07-20",
    }
    response = client.post(reverse("provision:academic_year_new"), data)
    assert response.status_code == 302
    year = AcademicYear.objects.get(school=world.school, start_year=2027)
    assert [t.name for t in year.terms.order_by("start_date")] == ["autumn", "spring", "summer"]
    assert year.name == "2027/28"
    # The same year twice is refused.
    response = client.post(reverse("provision:academic_year_new"), data)
    assert "already exists" in str(response.context["form"].errors)


@pytest.mark.django_db
def test_overlapping_or_backwards_terms_are_refused(client, world):
    client.force_login(world.users["admin"])
    data = {
        "start_year": 2027,
        "autumn_start": "2027-09-02",
        "autumn_end": "2028-01-10",
        "spring_start": "2028-01-04",
        "spring_end": "2028-01-01",
        "summer_start": "2028-04-10",
        "summer_end": "2028-07-20",
    }
    response = client.post(reverse("provision:academic_year_new"), data)
    errors = response.context["form"].errors
    assert "must start after the previous term ends" in str(errors["spring_start"])
    assert "must end after it starts" in str(errors["spring_end"])
    assert not AcademicYear.objects.filter(start_year=2027).exists()


@pytest.mark.django_db
def test_term_dates_edit_rejects_overlap(client, world):
    client.force_login(world.users["admin"])
    spring = Term.objects.get(academic_year__school=world.school, name="spring")
    response = client.post(
        reverse("provision:term_edit", args=[spring.pk]), {"start_date": "2026-12-01", "end_date": "2027-03-26"}
    )
    assert "overlap" in str(response.context["form"].errors)
    response = client.post(
        reverse("provision:term_edit", args=[spring.pk]), {"start_date": "2027-01-06", "end_date": "2027-03-27"}
    )
    assert response.status_code == 302
    spring.refresh_from_db()
    assert spring.start_date == dt.date(2027, 1, 6)


@pytest.mark.django_db
def test_another_schools_term_is_not_found(client, world):
    other_term = f.school_year(world.other_school).terms.first()
    client.force_login(world.users["admin"])
    assert client.get(reverse("provision:term_edit", args=[other_term.pk])).status_code == 404
