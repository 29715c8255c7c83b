"""Tracking grid, identification list, pupil progress and the disadvantage gap, through their pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provision.models import Role
from pupils.models import Pupil, Result, ScaleKind
from tests import factories as f

AUTUMN, SPRING = dt.date(2026, 10, 5), dt.date(2027, 2, 1)


@pytest.fixture
def reading(world):
    school = world.school
    autumn = f.AssessmentFactory(school=school, name="Autumn reading", taken_on=AUTUMN)
    spring = f.AssessmentFactory(
        school=school, name="Spring reading", taken_on=SPRING, subject=autumn.subject, scale=autumn.scale
    )
    a, b, c = world.pupils
    a.pupil_premium = True
    a.save()
    for pupil, first, second in ((a, 96, 84), (b, 120, 108), (c, 100, 102)):
        Result.objects.create(pupil=pupil, assessment=autumn, value=first, typed=str(first))
        Result.objects.create(pupil=pupil, assessment=spring, value=second, typed=str(second))
    return {"autumn": autumn, "spring": spring}


@pytest.mark.django_db
def test_identification_lists_reasons_and_separates_more_able(client, world, reading):
    a, b, c = world.pupils
    client.force_login(world.users["senco"])
    response = client.get(reverse("reports:identification"))
    rows = response.context["rows"]
    assert [r["pupil"] for r in rows] == [a]
    [finding] = rows[0]["findings"]
    assert finding["value"] == "84" and finding["change"] == "-12" and finding["assessment"] == reading["spring"]
    assert finding["reasons"] == [
        "Below the expected standard on Spring reading (01/02/2027): 84, expected 85",
        "Progress below what the school expects on Spring reading (01/02/2027): -12 since Autumn reading (05/10/2026)",
        "Gap to the year group's median widened on Spring reading (01/02/2027), since Autumn reading (05/10/2026)",
    ]
    assert response.context["tabs"] == [(reading["autumn"].subject, 1)]
    page = response.content.decode()
    assert a.last_name in page and c.last_name not in page

    more_able = client.get(reverse("reports:identification") + "?group=more_able").context["rows"]
    assert [r["pupil"] for r in more_able] == [b]
    assert client.get(reverse("reports:identification") + "?pp=no").context["rows"] == []


@pytest.mark.django_db
def test_identification_shows_one_subject_at_a_time_with_counts(client, world, reading):
    maths = f.AssessmentFactory(school=world.school, subject=f.SubjectFactory(school=world.school, name="Maths"))
    for pupil in world.pupils:
        Result.objects.create(pupil=pupil, assessment=maths, value=70, typed="70")
    client.force_login(world.users["senco"])
    response = client.get(reverse("reports:identification") + f"?subject={maths.subject_id}")
    assert {s.name: n for s, n in response.context["tabs"]} == {"Maths": 3, "Reading": 1}
    assert len(response.context["rows"]) == 3
    assert response.context["subject"] == maths.subject


@pytest.mark.django_db
def test_identification_query_count_is_constant(client):
    counts = []
    for size in (5, 60):
        school = f.SchoolFactory()
        senco = f.staff(school, Role.SENCO)
        first = f.AssessmentFactory(school=school, taken_on=AUTUMN)
        second = f.AssessmentFactory(school=school, taken_on=SPRING, subject=first.subject, scale=first.scale)
        pupils = Pupil.objects.bulk_create([f.PupilFactory.build(school=school) for _ in range(size)])
        Result.objects.bulk_create(
            [
                Result(pupil=p, assessment=a, value=v, typed=str(v))
                for p in pupils
                for a, v in ((first, 95), (second, 80))
            ]
        )
        client.force_login(senco)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("reports:identification"))
        assert len(response.context["rows"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_tracking_grid_colours_cells_and_counts_expected(client, world, reading):
    client.force_login(world.users["senco"])
    group = world.pupils[0].registration_group
    response = client.get(reverse("reports:tracking") + f"?group={group.pk}&subject={reading['autumn'].subject_id}")
    rows = {pupil.pk: [c["band"] for c in cells] for pupil, cells in response.context["rows"]}
    a, b, c = world.pupils
    assert rows[a.pk] == ["expected", "below"]
    assert rows[b.pk] == ["high", "expected"]
    assert response.context["summary"] == [100, 67]


@pytest.mark.django_db
def test_teacher_tracks_only_their_own_classes(client, world, reading):
    other = f.TeachingGroupFactory(school=world.school, name="6A", year_group=6)
    client.force_login(world.users["teacher"])
    assert client.get(reverse("reports:tracking") + f"?group={other.pk}").status_code == 404
    response = client.get(reverse("reports:tracking"))
    assert response.context["group"] == world.pupils[0].registration_group


@pytest.mark.django_db
def test_tracking_query_count_is_constant(client):
    counts = []
    for size in (4, 40):
        school = f.SchoolFactory()
        group = f.TeachingGroupFactory(school=school, year_group=3)
        senco = f.staff(school, Role.SENCO)
        assessments = [f.AssessmentFactory(school=school, taken_on=dt.date(2026, 10, i + 1)) for i in range(3)]
        subject = assessments[0].subject
        pupils = Pupil.objects.bulk_create(
            [f.PupilFactory.build(school=school, registration_group=group) for _ in range(size)]
        )
        Result.objects.bulk_create(
            [Result(pupil=p, assessment=a, value=90, typed="90") for p in pupils for a in assessments]
        )
        client.force_login(senco)
        url = reverse("reports:tracking") + f"?group={group.pk}&subject={subject.pk}"
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_pupil_progress_draws_an_svg_chart_per_scale(client, world, reading):
    pupil = world.pupils[0]
    age = f.ScaleFactory(school=world.school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216,
                         expected=None, high=None, drop_concern=None)  # fmt: skip
    test = f.AssessmentFactory(school=world.school, scale=age, subject=reading["autumn"].subject, taken_on=SPRING)
    Result.objects.create(pupil=pupil, assessment=test, value=86, typed="7:02")
    client.force_login(world.users["teacher"])  # the pupil's class teacher
    response = client.get(reverse("reports:pupil_progress", args=[pupil.pk]))
    sections = response.context["sections"]
    assert len(sections) == 2
    page = response.content.decode()
    assert page.count("<svg") == 2
    assert "7:02" in page  # the age shown in years:months, not as 86
    # Born 14/03/2019: 7 years 10 months old on 1 Feb 2027, so expected 94 - 12 = 82 months = 6:10.
    age_rows = next(s for s in sections if s["scale"] == age)["rows"]
    assert age_rows[0]["expected"] == "6:10" and age_rows[0]["band"] == "expected"


@pytest.mark.django_db
def test_disadvantage_gap_page(client, world, reading):
    client.force_login(world.users["leader"])
    rows = client.get(reverse("reports:disadvantage_gap")).context["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["n_pp"], row["n_other"]) == (1, 2)
    assert row["mean_pp"] == "84.0" and row["mean_other"] == "105.0"
    assert row["gap_text"] == "+21.0"
    assert (row["pct_pp"], row["pct_other"], row["gap_pct"]) == (0, 100, 100)


@pytest.mark.django_db
def test_pupil_progress_follows_the_tracking_rule(client, world):
    """Results history: the SENCO and leaders any pupil, a teacher their own classes, TAs and the admin none."""
    mine, other_class = world.pupils[0], f.PupilFactory(school=world.school, year_group=3)
    for actor, pupil, expected in [
        ("senco", other_class, 200),
        ("leader", other_class, 200),
        ("teacher", mine, 200),
        ("teacher", other_class, 404),
        ("ta", mine, 403),
        ("admin", mine, 403),
    ]:
        client.force_login(world.users[actor])
        assert client.get(reverse("reports:pupil_progress", args=[pupil.pk])).status_code == expected, actor
    client.force_login(world.users["teacher"])
    profile = client.get(reverse("pupils:detail", args=[other_class.pk])).content.decode()
    assert reverse("reports:pupil_progress", args=[other_class.pk]) not in profile
