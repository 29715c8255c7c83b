"""A pupil's one-page profile (passport), and their profile page's current provision and latest results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Attendance, InterventionStaff
from pupils import passport as passports
from pupils.models import PupilPassport, Result
from tests import factories as f

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("frozen_today")

WORDS = {
    "about_me": "I like to know what is happening next.",
    "strengths": "Drawing dragons.",
    "what_helps": "A visual timetable.",
    "what_doesnt_help": "Loud rooms.",
    "written_with": "Mrs Patel (TA) and Mum",
}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- The one-page profile ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_class_teacher_writes_the_profile_and_every_member_of_staff_reads_it(client, world):
    pupil = world.pupils[0]  # the world's teacher teaches this class
    client.force_login(world.users["teacher"])
    edit = reverse("pupils:passport_edit", args=[pupil.pk])
    form = client.get(edit).context["form"]
    response = client.post(edit, {**WORDS, "opened_as": form["opened_as"].value()})
    assert response.status_code == 302 and response["Location"] == reverse("pupils:passport", args=[pupil.pk])
    passport = PupilPassport.objects.get(pupil=pupil)
    assert (passport.what_helps, passport.updated_by) == ("A visual timetable.", world.users["teacher"])
    assert LogEntry.objects.filter(content_type__model="pupilpassport", additional_data__pupil=pupil.pk).exists()
    for role in ("ta", "admin", "leader", "senco"):
        client.force_login(world.users[role])
        html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
        profile = html[html.index('id="passport"') :]
        assert "Drawing dragons." in profile and "Written with Mrs Patel (TA) and Mum." in profile
        assert ("passport/edit/" in profile) == (role == "senco")  # SENCO and the class teacher write it
        assert client.get(reverse("pupils:passport", args=[pupil.pk])).status_code == 200


@pytest.mark.django_db
def test_a_teacher_of_another_class_reads_but_cannot_write_the_profile(client, world):
    other_class = f.TeachingGroupFactory(school=world.school, name="5C", year_group=5)
    pupil = f.PupilFactory(school=world.school, registration_group=other_class)
    client.force_login(world.users["teacher"])
    assert client.get(reverse("pupils:passport", args=[pupil.pk])).status_code == 200
    assert client.get(reverse("pupils:passport_edit", args=[pupil.pk])).status_code == 403
    assert client.post(reverse("pupils:passport_edit", args=[pupil.pk]), WORDS).status_code == 403
    assert not PupilPassport.objects.exists()


@pytest.mark.django_db
def test_an_empty_profile_is_refused_and_keeps_the_page(client, world):
    client.force_login(world.users["senco"])
    url = reverse("pupils:passport_edit", args=[world.pupils[0].pk])
    response = client.post(url, {"written_with": "Dad"})
    assert response.status_code == 200
    assert "Write at least one part" in response.content.decode()
    assert 'value="Dad"' in response.content.decode()
    long = client.post(url, {**WORDS, "written_with": "x" * 201})
    assert "at most 200 characters" in long.content.decode() and not PupilPassport.objects.exists()


@pytest.mark.django_db
def test_a_stale_profile_form_does_not_overwrite_a_newer_save(client, world):
    pupil = world.pupils[0]
    client.force_login(world.users["senco"])
    url = reverse("pupils:passport_edit", args=[pupil.pk])
    opened_as = client.get(url).context["form"]["opened_as"].value()
    passports.passport_save(pupil=pupil, values={**WORDS, "strengths": "Football."}, by=world.users["teacher"])
    response = client.post(url, {**WORDS, "what_helps": "Short instructions.", "opened_as": opened_as})
    assert response.status_code == 200
    form = response.context["form"]
    assert [change.name for change in form.stale_changes] == [
        "about_me",
        "strengths",
        "what_helps",
        "what_doesnt_help",
        "written_with",
    ]  # fmt: skip  (all were blank when this form was opened)
    assert PupilPassport.objects.get(pupil=pupil).strengths == "Football."
    # Saving again, knowing both, goes through.
    again = {name: form[name].value() for name in form.fields}
    assert client.post(url, again).status_code == 302


@pytest.mark.django_db
def test_the_printable_profile_has_a_one_page_print_stylesheet(client, world):
    pupil = world.pupils[0]
    passports.passport_save(pupil=pupil, values=WORDS, by=None)
    client.force_login(world.users["ta"])
    html = client.get(reverse("pupils:passport", args=[pupil.pk])).content.decode()
    assert "css/passport.css" in html and "data-print" in html
    assert html.index("What I want you to know about me") < html.index("What helps me")
    assert "passport/edit/" not in html  # a TA reads only
    css = (Path(settings.BASE_DIR) / "static" / "css" / "passport.css").read_text()
    assert "@media print" in css and "size: A4" in css and "break-inside: avoid" in css


@pytest.mark.django_db
def test_another_schools_staff_get_404_and_parents_see_their_own_childs_words_only(client, world):
    pupil, other_child = world.pupils[0], world.pupils[2]
    passports.passport_save(pupil=pupil, values=WORDS, by=None)
    passports.passport_save(pupil=other_child, values={"about_me": "Someone else's words."}, by=None)
    client.force_login(world.users["other_senco"])
    assert client.get(reverse("pupils:passport", args=[pupil.pk])).status_code == 404
    assert client.get(reverse("pupils:passport_edit", args=[pupil.pk])).status_code == 404
    client.force_login(world.users["parent"])
    assert client.get(reverse("pupils:passport", args=[pupil.pk])).status_code == 403
    html = client.get(reverse("family:child", args=[pupil.pk])).content.decode()
    assert "Drawing dragons." in html and "Written with Mrs Patel (TA) and Mum." in html
    assert "passport/edit" not in html
    assert client.get(reverse("family:child", args=[other_child.pk])).status_code == 404
    second = client.get(reverse("family:child", args=[world.pupils[1].pk])).content.decode()
    assert "own words" not in second  # no profile written: no empty section


# --- Current provision and latest results on the profile -----------------------------------------------------


@pytest.mark.django_db
def test_profile_shows_the_groups_the_pupil_is_in_now_with_dosage(client, world):
    pupil = world.pupils[0]
    now = f.InterventionFactory(school=world.school, name="Inference training Y3")
    place = f.PlacementFactory(intervention=now, pupil=pupil, entry_date=dt.date(2026, 9, 14))
    for day in (dt.date(2026, 9, 14), dt.date(2026, 9, 16)):
        Attendance.objects.create(session=f.SessionFactory(intervention=now, date=day), placement=place, present=True)
    left = f.InterventionFactory(school=world.school, name="Left already")
    f.PlacementFactory(intervention=left, pupil=pupil, exit_date=dt.date(2026, 10, 1))
    done = f.InterventionFactory(school=world.school, name="Completed group", status="completed")
    f.PlacementFactory(intervention=done, pupil=pupil)
    client.force_login(world.users["senco"])
    html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    panel = html[html.index('id="current-provision"') : html.index('id="latest-results"')]
    assert "Inference training Y3" in panel and "Left already" not in panel and "Completed group" not in panel
    assert "2 of 2 held (100%)" in panel
    assert reverse("interventions:detail", args=[now.pk]) in panel


@pytest.mark.django_db
def test_a_tutor_sees_the_pupils_groups_but_links_only_to_those_they_run(client, world):
    pupil = world.pupils[0]
    theirs = f.InterventionFactory(school=world.school, name="Tutor's group")
    InterventionStaff.objects.create(intervention=theirs, user=world.users["ta"])
    others = f.InterventionFactory(school=world.school, name="Someone else's group")
    for group in (theirs, others):
        f.PlacementFactory(intervention=group, pupil=pupil)
    client.force_login(world.users["ta"])
    html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert "Someone else&#x27;s group" in html and "Tutor&#x27;s group" in html
    assert reverse("interventions:detail", args=[theirs.pk]) in html
    assert reverse("interventions:detail", args=[others.pk]) not in html
    assert 'id="latest-results"' not in html  # TAs see no results


@pytest.mark.django_db
def test_latest_result_per_subject_and_scale_for_those_who_may_see_results(client, world):
    pupil = world.pupils[0]
    reading = f.SubjectFactory(school=world.school, name="Reading")
    score = f.ScaleFactory(school=world.school, name="Standardised score")
    age = f.ScaleFactory(school=world.school, name="Reading age")

    def result(name, scale, day, typed):
        assessment = f.AssessmentFactory(school=world.school, name=name, subject=reading, scale=scale, taken_on=day)
        Result.objects.create(pupil=pupil, assessment=assessment, value=float(len(typed)), typed=typed)

    result("Summer reading test", score, dt.date(2026, 6, 20), "91")
    result("Autumn reading test", score, dt.date(2026, 10, 5), "96")
    result("Autumn reading age", age, dt.date(2026, 10, 6), "7:04")
    for role, sees in (("senco", True), ("leader", True), ("teacher", True), ("ta", False), ("admin", False)):
        client.force_login(world.users[role])
        html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
        assert ('id="latest-results"' in html) is sees, role
        if sees:
            results = html[html.index('id="latest-results"') :]
            assert "96" in results and "Autumn reading test, 5 Oct 2026" in results and "Standardised score" in results
            assert "7:04" in results and "Summer reading test" not in results
    # A teacher of another class sees no results for this pupil (issue 12's rule: their own classes only).
    stranger = f.PupilFactory(school=world.school, registration_group=f.TeachingGroupFactory(school=world.school))
    client.force_login(world.users["teacher"])
    assert 'id="latest-results"' not in client.get(reverse("pupils:detail", args=[stranger.pk])).content.decode()


@pytest.mark.django_db
def test_profile_query_count_is_constant_with_more_groups_and_results(client, world):
    pupil = world.pupils[0]
    subject = f.SubjectFactory(school=world.school)
    scale = f.ScaleFactory(school=world.school)

    def add(n):
        group = f.InterventionFactory(school=world.school, programme=f.ProgrammeFactory(school=world.school))
        place = f.PlacementFactory(intervention=group, pupil=pupil)
        Attendance.objects.create(session=f.SessionFactory(intervention=group), placement=place, present=True)
        other = f.SubjectFactory(school=world.school, name=f"Subject {n}")
        for s in (subject, other):
            assessment = f.AssessmentFactory(school=world.school, subject=s, scale=scale)
            Result.objects.create(pupil=pupil, assessment=assessment, value=n, typed=str(n))

    add(1)
    passports.passport_save(pupil=pupil, values=WORDS, by=world.users["senco"])
    url = reverse("pupils:detail", args=[pupil.pk])
    for role in ("teacher", "ta"):
        client.force_login(world.users[role])
        small = _queries(client, url)
        for n in range(2, 6):
            add(n * 10 + len(role))
        assert _queries(client, url) == small, role
