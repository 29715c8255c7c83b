"""The home each role lands on: what it lists, that each count is the number of rows on the page it links to, and
that its queries stay bounded however many groups and pupils the school has."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import InterventionStaff, SupportPlan, Training
from provision.models import Membership, Role
from pupils.models import Result, SenStatus
from tests import factories as f

THURSDAY = dt.date(2026, 12, 3)  # week of Mon 30 Nov to Fri 4 Dec, in the autumn term (2 Sep to 18 Dec)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield THURSDAY


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "link", "absent"),
    [
        ("ta", "interventions:today", "pupils:import_upload"),
        ("teacher", "pupils:results_grid", "reports:map"),
        ("senco", "reports:identification", "pupils:import_upload"),
        ("leader", "reports:disadvantage_gap", "pupils:results_grid"),
        ("admin", "pupils:import_upload", "interventions:today"),
    ],
)
def test_overview_quick_links_fit_the_role(client, world, role, link, absent):
    quick = _home(client, world.users[role]).content.decode().split('aria-label="Quick links"')[1].split("</nav>")[0]
    assert f'href="{reverse(link)}"' in quick
    assert f'href="{reverse(absent)}"' not in quick


@pytest.mark.django_db
def test_parent_lands_on_their_children(client, world):
    client.force_login(world.users["parent"])
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302 and response["Location"] == reverse("family:home")


# --- Tutor -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tutor_sees_this_weeks_sessions_with_log_or_edit(client, world, frozen):
    ta = world.users["ta"]
    mine = f.InterventionFactory(school=world.school, name="Reading boost", lead=ta, days=[0, 3, 4])  # Mon Thu Fri
    for pupil in world.pupils:
        f.PlacementFactory(intervention=mine, pupil=pupil)
    f.SessionFactory(intervention=mine, date=dt.date(2026, 11, 30))  # Monday: logged
    f.InterventionFactory(school=world.school, name="Someone else's group", days=[0, 1, 2, 3, 4])
    home = _home(client, ta).context["tutor"]
    assert [(s.group.name, s.date, s.logged) for s in home.today] == [("Reading boost", THURSDAY, False)]
    assert [(s.date, s.logged, s.due) for s in home.week] == [
        (dt.date(2026, 11, 30), True, True),
        (dt.date(2026, 12, 4), False, False),
    ]
    html = _home(client, ta).content.decode()
    log = reverse("interventions:session_log", args=[mine.pk])
    assert f'href="{log}?date=2026-12-03">Log today' in html
    assert f'href="{log}?date=2026-11-30">Edit Mon 30 Nov' in html
    assert "Someone else" not in html
    assert "Coming up" in html  # Friday: not yet


@pytest.mark.django_db
def test_tutor_is_warned_of_a_group_with_no_session_for_two_school_weeks(client, world, frozen):
    ta = world.users["ta"]
    quiet = f.InterventionFactory(school=world.school, name="Quiet group", lead=ta)
    busy = f.InterventionFactory(school=world.school, name="Busy group", lead=ta)
    f.SessionFactory(intervention=quiet, date=dt.date(2026, 11, 2))
    f.SessionFactory(intervention=busy, date=dt.date(2026, 12, 2))
    home = _home(client, ta).context["tutor"]
    assert [g.name for g in home.quiet] == ["Quiet group"]


# --- Teacher -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_teacher_sees_results_to_enter_for_their_class(client, world, frozen):
    recent = f.AssessmentFactory(school=world.school, name="Autumn reading", taken_on=dt.date(2026, 11, 25))
    f.AssessmentFactory(school=world.school, name="Year 5 only", taken_on=dt.date(2026, 11, 26), year_groups=[5])
    f.AssessmentFactory(school=world.school, name="September baseline", taken_on=dt.date(2026, 9, 10))
    Result.objects.create(pupil=world.pupils[0], assessment=recent, value=100, typed="100")
    home = _home(client, world.users["teacher"]).context["teacher"]
    [due] = home.results_due
    assert due.group.name == "3B"
    assert [(a.name, missing) for a, missing in due.assessments] == [("Autumn reading", 2)]
    assert due.grid_url == f"{reverse('pupils:results_grid')}?group={due.group.pk}&a={recent.pk}"
    # The grid opens on that class and that assessment.
    grid = _home(client, world.users["teacher"]) and client.get(due.grid_url)
    assert grid.context["group"] == due.group and [a.pk for a in grid.context["assessments"]] == [recent.pk]


@pytest.mark.django_db
def test_teacher_reads_what_their_pupils_worked_on_in_their_groups(client, world, frozen):
    group = f.InterventionFactory(school=world.school, name="Phonics", lead=world.users["ta"])
    f.PlacementFactory(intervention=group, pupil=world.pupils[0], target="Read 40 words a minute")
    f.SessionFactory(intervention=group, date=dt.date(2026, 11, 30), focus="Old focus", notes="old")
    f.SessionFactory(intervention=group, date=dt.date(2026, 12, 2), focus="Blending ccvc words", notes="Tried hard")
    outsider = f.PupilFactory(school=world.school)  # no class: not the teacher's pupil
    f.PlacementFactory(intervention=group, pupil=outsider)
    response = _home(client, world.users["teacher"])
    [place] = response.context["teacher"].in_provision
    assert place.pupil == world.pupils[0]
    assert (place.last_on, place.last_focus, place.last_notes) == (
        dt.date(2026, 12, 2),
        "Blending ccvc words",
        "Tried hard",
    )
    html = response.content.decode()
    assert "Blending ccvc words" in html and "Tried hard" in html and "Read 40 words a minute" in html
    assert outsider.full_name not in html and "Old focus" not in html


# --- SENCO: every count is the number of rows on the page it links to -----------------------------------------


def _listed(client, url: str) -> int:
    """How many rows the linked page says it lists."""
    response = client.get(url)
    assert response.status_code == 200
    if "page" in response.context and hasattr(response.context["page"], "paginator"):
        if "distinct_pupils" in response.context:  # who needs support: pupils, across its subject tabs
            return response.context["distinct_pupils"]
        return response.context["page"].paginator.count
    raise AssertionError(f"{url} lists nothing countable")


def _senco_world(world):
    school = world.school
    today = THURSDAY
    sen = [f.PupilFactory(school=school, sen_status=SenStatus.SUPPORT) for _ in range(4)]
    # A plan overdue, one due next week, one months away. A pupil whose SEN register review date has passed but
    # whose plan is not overdue: the register's date is not the plan's (the home used to count it).
    SupportPlan.objects.create(pupil=sen[0], start_date=dt.date(2026, 3, 1), review_date=dt.date(2026, 11, 1))
    SupportPlan.objects.create(pupil=sen[1], start_date=dt.date(2026, 9, 1), review_date=dt.date(2026, 12, 10))
    SupportPlan.objects.create(pupil=sen[2], start_date=dt.date(2026, 9, 1), review_date=dt.date(2027, 3, 1))
    sen[2].sen_review_due = dt.date(2026, 10, 1)
    sen[2].save()
    # A closed plan that was overdue: not counted anywhere.
    SupportPlan.objects.create(
        pupil=sen[3], start_date=dt.date(2025, 9, 1), review_date=dt.date(2026, 1, 1), is_active=False
    )
    f.InterventionFactory(school=school, name="Past its end", end_date=today - dt.timedelta(days=5))
    f.InterventionFactory(school=school, name="Ending soon", end_date=today + dt.timedelta(days=6))
    f.InterventionFactory(school=school, name="Finished", end_date=dt.date(2026, 11, 1), status="completed")
    done = f.InterventionFactory(school=school, name="Exit missing", end_date=dt.date(2027, 2, 1))
    f.PlacementFactory(intervention=done, pupil=sen[0], exit_date=dt.date(2026, 11, 20))
    programme = f.ProgrammeFactory(school=school, name="Switch-on")
    untrained = f.InterventionFactory(
        school=school, name="Untrained", programme=programme, end_date=dt.date(2027, 3, 1)
    )
    InterventionStaff.objects.create(intervention=untrained, user=world.users["ta"], role="ta")
    trained = f.InterventionFactory(school=school, name="Trained", programme=programme, end_date=dt.date(2027, 3, 1))
    InterventionStaff.objects.create(intervention=trained, user=world.users["teacher"], role="teacher")
    Training.objects.create(
        school=school, user=world.users["teacher"], programme=programme, trained_on=dt.date(2026, 1, 1)
    )
    # Who needs support: two of the class below the expected standard, one of them already in a group.
    test = f.AssessmentFactory(school=school, name="Autumn reading", taken_on=dt.date(2026, 10, 5))
    for pupil, score in zip(world.pupils, (70, 72, 100), strict=True):
        Result.objects.create(pupil=pupil, assessment=test, value=score, typed=str(score))
    f.PlacementFactory(intervention=trained, pupil=world.pupils[0])


@pytest.mark.django_db
def test_senco_todo_counts_agree_with_the_pages_they_link_to(client, world, frozen):
    _senco_world(world)
    response = _home(client, world.users["senco"])
    todo = {item.key: item for item in response.context["todo"]}
    expected = {
        "reviews_overdue": 1,
        "reviews_due": 2,
        "past_end": 1,
        "ending": 1,
        "missing_exit": 1,
        "unsupported": 1,
        "untrained": 1,
    }
    assert {key: item.count for key, item in todo.items()} == expected
    for key, item in todo.items():
        assert _listed(client, item.url) == item.count, key
    html = response.content.decode()
    for item in todo.values():
        assert f'href="{item.url.replace("&", "&amp;")}"' in html


@pytest.mark.django_db
def test_the_plans_page_headline_and_the_home_agree_on_overdue_reviews(client, world, frozen):
    _senco_world(world)
    client.force_login(world.users["senco"])
    plans_page = client.get(reverse("interventions:plans"))
    home = client.get(reverse("reports:home"))
    overdue = next(item for item in home.context["todo"] if item.key == "reviews_overdue")
    assert plans_page.context["counts"]["overdue"] == overdue.count == 1
    assert re.search(r'id="plan-count">1 pupil matches', client.get(overdue.url).content.decode())


@pytest.mark.django_db
def test_the_intervention_list_filtered_by_a_flag_names_its_groups(client, world, frozen):
    _senco_world(world)
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:list") + "?flag=past_end")
    assert [row["intervention"].name for row in response.context["rows"]] == ["Past its end"]
    assert 'id="flag-count">Groups past their end date and still open: 1' in response.content.decode()
    assert client.get(reverse("interventions:list") + "?flag=nonsense").status_code == 200


# --- Leader, admin, trust ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_leader_sees_headline_figures_and_what_needs_attention(client, world, frozen):
    _senco_world(world)
    response = _home(client, world.users["leader"])
    headline = response.context["headline"]
    assert headline["total"] == 1 and headline["running"] == 5
    assert [item.key for item in response.context["todo"]] == [
        "reviews_overdue",
        "past_end",
        "missing_exit",
        "unsupported",
        "untrained",
    ]


@pytest.mark.django_db
def test_admin_sees_data_tasks(client, world, frozen):
    f.PupilFactory(school=world.school, registration_group=None, gender="")
    f.PupilFactory(school=world.school, sen_status=SenStatus.SUPPORT, primary_need="")
    response = _home(client, world.users["admin"])
    missing = response.context["admin"].missing
    # The two new pupils have no class (the world's three are in 3B).
    assert missing == {"no_class": 2, "no_gender": 1, "no_need": 1}
    assert "pupils on roll with no class" in response.content.decode()


@pytest.mark.django_db
def test_trust_user_sees_each_of_their_schools(client, world, frozen):
    leader = world.users["leader"]
    Membership.objects.create(user=leader, school=world.other_school, role=Role.LEADER)
    response = _home(client, leader)
    html = response.content.decode()
    here = response.context["current_school"]
    elsewhere = world.school if here == world.other_school else world.other_school
    assert "Your schools" in html and here.name in html
    assert f"Open {elsewhere.name}" in html and f"Open {here.name}" not in html
    assert "Your schools" not in _home(client, world.users["senco"]).content.decode()


# --- Queries stay bounded ---------------------------------------------------------------------------------


def _grow(world, groups: int) -> None:
    school = world.school
    klass = world.pupils[0].registration_group
    test = f.AssessmentFactory(school=school, taken_on=dt.date(2026, 11, 20))
    for n in range(groups):
        group = f.InterventionFactory(school=school, name=f"Group {n}", lead=world.users["ta"], days=[0, 1, 2, 3, 4])
        for _ in range(3):
            pupil = f.PupilFactory(school=school, registration_group=klass, sen_status=SenStatus.SUPPORT)
            f.PlacementFactory(intervention=group, pupil=pupil)
            SupportPlan.objects.create(pupil=pupil, start_date=dt.date(2026, 9, 1), review_date=dt.date(2026, 11, 1))
            Result.objects.create(pupil=pupil, assessment=test, value=70, typed="70")
        f.SessionFactory(intervention=group, date=dt.date(2026, 12, 1), focus="Sounds")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ta", "teacher", "senco", "leader", "admin"])
def test_each_home_runs_a_bounded_number_of_queries(client, world, frozen, role, django_assert_max_num_queries):
    client.force_login(world.users[role])
    counts = []
    for groups in (2, 8):
        _grow(world, groups)
        client.get(reverse("reports:home"))  # warm the figures caches and the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(30):
        client.get(reverse("reports:home"))
