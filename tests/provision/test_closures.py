"""Closures inside terms (half-terms, INSET days, bank holidays): the calendar page, the form's validation, the
one-click offers, and the one query that loads a school's calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from provision import calendar
from provision.models import Closure, ClosureKind, Term, TermName
from tests import factories as f

D = dt.date


def _term(world, name: str) -> Term:
    return Term.objects.get(academic_year__school=world.school, name=name)


def _post_closure(client, term: Term, **fields):
    data = {"kind": "inset", "name": "", "start_date": "", "end_date": "", **fields}
    return client.post(reverse("provision:closure_new", args=[term.pk]), data)


@pytest.mark.django_db
def test_senco_adds_a_half_term_and_the_term_loses_five_school_days(client, world):
    autumn = _term(world, TermName.AUTUMN)
    client.force_login(world.users["senco"])
    response = _post_closure(
        client, autumn, kind="half_term", name="Autumn half-term", start_date="2026-10-26", end_date="2026-10-30"
    )
    assert response.status_code == 302
    closure = Closure.objects.get(term=autumn)
    assert (closure.kind, closure.start_date, closure.end_date) == ("half_term", D(2026, 10, 26), D(2026, 10, 30))
    page = client.get(reverse("provision:calendar")).content.decode()
    assert "Autumn half-term · Mon 26 Oct to Fri 30 Oct 2026" in page
    assert "<strong>73</strong> school days" in page  # 78 weekdays less the half-term week
    assert not calendar.is_school_day(world.school, D(2026, 10, 28))
    assert calendar.school_days_between(world.school, D(2026, 10, 19), D(2026, 11, 6)) == 10


@pytest.mark.django_db
def test_a_blank_last_day_is_a_single_day(client, world):
    spring = _term(world, TermName.SPRING)
    client.force_login(world.users["admin"])
    assert _post_closure(client, spring, start_date="2027-01-05").status_code == 302
    closure = Closure.objects.get(term=spring)
    assert closure.start_date == closure.end_date == D(2027, 1, 5)
    assert str(closure) == "INSET day (Tue 5 Jan 2027)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"start_date": "2026-08-28", "end_date": "2026-09-02"}, "must fall inside Autumn 2026/27 (02/09/2026"),
        ({"start_date": "2026-12-18", "end_date": "2026-12-21"}, "must fall inside Autumn 2026/27"),
        ({"start_date": "2026-10-30", "end_date": "2026-10-26"}, "must be on or after the first day"),
        ({"start_date": "2026-10-29", "end_date": "2026-11-02"}, "These dates overlap Autumn half-term"),
        ({"start_date": "not a date"}, "Enter a valid date"),
        ({"kind": "holiday", "start_date": "2026-11-02"}, "Select a valid choice"),
        ({"start_date": ""}, "This field is required"),
    ],
)
def test_closure_form_refuses_bad_dates_with_a_clear_error(client, world, fields, error):
    autumn = _term(world, TermName.AUTUMN)
    Closure.objects.create(
        term=autumn, kind=ClosureKind.HALF_TERM, name="Autumn half-term", start_date=D(2026, 10, 26),
        end_date=D(2026, 10, 30),
    )  # fmt: skip
    client.force_login(world.users["senco"])
    response = _post_closure(client, autumn, **fields)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Closure.objects.filter(term=autumn).count() == 1


@pytest.mark.django_db
def test_editing_a_closure_keeps_it_inside_its_term_and_detects_a_stale_form(client, world):
    autumn = _term(world, TermName.AUTUMN)
    closure = Closure.objects.create(
        term=autumn, kind=ClosureKind.INSET, start_date=D(2026, 9, 2), end_date=D(2026, 9, 2)
    )
    url = reverse("provision:closure_edit", args=[closure.pk])
    client.force_login(world.users["senco"])
    opened = client.get(url).context["form"]["opened_as"].value()
    data = {"kind": "inset", "name": "Training", "start_date": "2026-09-03", "end_date": "2026-09-03"}
    assert client.post(url, {**data, "opened_as": opened}).status_code == 302
    closure.refresh_from_db()
    assert (closure.name, closure.start_date) == ("Training", D(2026, 9, 3))
    # A second form opened before that save is refused rather than saving over it.
    stale = client.post(url, {**data, "name": "Other", "start_date": "2026-09-04", "end_date": "2026-09-04",
                              "opened_as": opened})  # fmt: skip
    assert stale.status_code == 200 and stale.context["form"].stale_changes
    closure.refresh_from_db()
    assert closure.name == "Training"


@pytest.mark.django_db
def test_deleting_a_closure_makes_the_days_school_days_again(client, world):
    autumn = _term(world, TermName.AUTUMN)
    closure = Closure.objects.create(
        term=autumn, kind=ClosureKind.OTHER, start_date=D(2026, 11, 2), end_date=D(2026, 11, 2)
    )
    assert not calendar.is_school_day(world.school, D(2026, 11, 2))
    client.force_login(world.users["leader"])
    assert client.post(reverse("provision:closure_delete", args=[closure.pk])).status_code == 302
    assert not Closure.objects.exists()
    assert calendar.is_school_day(world.school, D(2026, 11, 2))


@pytest.mark.django_db
def test_bank_holidays_inside_each_term_are_offered_and_added_with_one_click(client, world):
    client.force_login(world.users["senco"])
    page = client.get(reverse("provision:calendar")).content.decode()
    # Spring 2027 ends on Good Friday (26 March); summer holds the early May and spring bank holidays.
    assert "Good Friday Fri 26 Mar" in page and "Early May bank holiday Mon 3 May" in page
    summer = _term(world, TermName.SUMMER)
    assert client.post(reverse("provision:bank_holidays_add", args=[summer.pk])).status_code == 302
    assert list(Closure.objects.filter(term=summer).values_list("kind", "name", "start_date")) == [
        ("bank_holiday", "Early May bank holiday", D(2027, 5, 3)),
        ("bank_holiday", "Spring bank holiday", D(2027, 5, 31)),
    ]
    # A second click adds nothing twice.
    client.post(reverse("provision:bank_holidays_add", args=[summer.pk]))
    assert Closure.objects.filter(term=summer).count() == 2
    # The suggested summer half-term is the spring bank holiday's week, which then covers that holiday.
    assert client.post(reverse("provision:half_term_add", args=[summer.pk])).status_code == 302
    assert list(Closure.objects.filter(term=summer).values_list("kind", "start_date", "end_date")) == [
        ("bank_holiday", D(2027, 5, 3), D(2027, 5, 3)),
        ("half_term", D(2027, 5, 31), D(2027, 6, 4)),
    ]
    # Once a half-term is recorded it is no longer offered.
    client.post(reverse("provision:half_term_add", args=[summer.pk]))
    assert Closure.objects.filter(term=summer, kind="half_term").count() == 1


@pytest.mark.django_db
def test_half_term_offered_in_the_middle_of_autumn(client, world):
    autumn = _term(world, TermName.AUTUMN)
    client.force_login(world.users["admin"])
    assert "Add half-term Mon 26 Oct to Fri 30 Oct" in client.get(reverse("provision:calendar")).content.decode()
    client.post(reverse("provision:half_term_add", args=[autumn.pk]))
    closure = Closure.objects.get(term=autumn)
    assert (closure.name, closure.start_date, closure.end_date) == (
        "Autumn half-term",
        D(2026, 10, 26),
        D(2026, 10, 30),
    )


@pytest.mark.django_db
def test_teacher_sees_closures_but_no_edit_controls(client, world):
    autumn = _term(world, TermName.AUTUMN)
    Closure.objects.create(
        term=autumn, kind=ClosureKind.INSET, name="Training", start_date=D(2026, 9, 2), end_date=D(2026, 9, 2)
    )
    client.force_login(world.users["teacher"])
    page = client.get(reverse("provision:calendar")).content.decode()
    assert "Training · Wed 2 Sep 2026" in page
    assert "Add a closure" not in page and "closures/" not in page and "bank-holidays" not in page


@pytest.mark.django_db
def test_moving_a_term_away_from_its_closures_is_refused(client, world):
    autumn = _term(world, TermName.AUTUMN)
    Closure.objects.create(
        term=autumn, kind=ClosureKind.INSET, name="Training", start_date=D(2026, 9, 2), end_date=D(2026, 9, 2)
    )
    client.force_login(world.users["leader"])
    response = client.post(
        reverse("provision:term_edit", args=[autumn.pk]), {"start_date": "2026-09-03", "end_date": "2026-12-18"}
    )
    assert response.status_code == 200
    assert "no longer hold its closures: Training (Wed 2 Sep 2026)" in response.content.decode()
    autumn.refresh_from_db()
    assert autumn.start_date == D(2026, 9, 2)


@pytest.mark.django_db
def test_another_schools_closure_is_not_found(client, world):
    f.school_year(world.other_school)
    theirs = Term.objects.filter(academic_year__school=world.other_school).first()
    closure = Closure.objects.create(
        term=theirs, kind=ClosureKind.INSET, start_date=theirs.start_date, end_date=theirs.start_date
    )
    client.force_login(world.users["senco"])
    assert client.get(reverse("provision:closure_edit", args=[closure.pk])).status_code == 404
    assert client.post(reverse("provision:closure_delete", args=[closure.pk])).status_code == 404
    assert client.post(reverse("provision:bank_holidays_add", args=[theirs.pk])).status_code == 404
    assert Closure.objects.filter(pk=closure.pk).exists()


@pytest.mark.django_db
def test_a_schools_calendar_is_one_query_and_many_schools_are_one_too(world, django_assert_num_queries):
    f.school_year(world.other_school)
    autumn = _term(world, TermName.AUTUMN)
    Closure.objects.create(
        term=autumn, kind=ClosureKind.HALF_TERM, start_date=D(2026, 10, 26), end_date=D(2026, 10, 30)
    )
    Closure.objects.create(term=autumn, kind=ClosureKind.INSET, start_date=D(2026, 9, 2), end_date=D(2026, 9, 2))
    with django_assert_num_queries(1):
        days = calendar.school_calendar(world.school)
    assert days.count_between(D(2026, 9, 1), D(2026, 12, 31)) == 72
    with django_assert_num_queries(1):
        both = calendar.calendars_for([world.school, world.other_school, f.SchoolFactory.build(pk=999999)])
    assert both[world.school.pk] == days
    assert both[world.other_school.pk].count_between(D(2026, 9, 1), D(2026, 12, 31)) == 78
    assert both[999999].spans == ()


@pytest.mark.django_db
def test_a_closure_gives_the_school_new_figures(world, committed):
    from provision.figures import school_tokens

    before = school_tokens([world.school.pk])
    Closure.objects.create(
        term=_term(world, TermName.AUTUMN), kind=ClosureKind.INSET, start_date=D(2026, 9, 2), end_date=D(2026, 9, 2)
    )
    committed()
    assert school_tokens([world.school.pk]) != before
