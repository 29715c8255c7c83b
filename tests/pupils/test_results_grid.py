"""Teachers log results for their class in a grid; bad cells are marked, good ones saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provision.models import Role
from pupils.models import Pupil, Result, ScaleBand, ScaleKind
from pupils.services import results_save
from tests import factories as f
from tests.pupils.grid_helpers import grid_cell


@pytest.fixture
def grid(world):
    school = world.school
    group = world.pupils[0].registration_group
    reading = f.AssessmentFactory(school=school, name="Autumn reading", taken_on=dt.date(2026, 10, 5))
    age = f.ScaleFactory(school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216,
                         expected=None, high=None, drop_concern=None)  # fmt: skip
    spelling = f.AssessmentFactory(
        school=school, name="Spelling age", subject=f.SubjectFactory(school=school, name="Spelling"), scale=age
    )
    return {"group": group, "reading": reading, "spelling": spelling}


@pytest.mark.django_db
def test_teacher_saves_a_row_and_a_bad_cell_keeps_what_was_typed(client, world, grid):
    pupil = world.pupils[0]
    client.force_login(world.users["teacher"])
    url = reverse("pupils:results_grid") + f"?group={grid['group'].pk}&a={grid['reading'].pk}&a={grid['spelling'].pk}"
    response = client.post(url, {grid_cell(pupil, grid["reading"]): "92", grid_cell(pupil, grid["spelling"]): "8:12"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "months run from 0 to 11" in page
    assert 'value="8:12"' in page
    assert "1 result saved" in page
    result = Result.objects.get(pupil=pupil)
    assert (result.value, result.typed, result.entered_by) == (92.0, "92", world.users["teacher"])

    response = client.post(url, {grid_cell(pupil, grid["reading"]): "92", grid_cell(pupil, grid["spelling"]): "8:11"})
    assert response.status_code == 302
    assert Result.objects.get(pupil=pupil, assessment=grid["spelling"]).value == 8 * 12 + 11


@pytest.mark.django_db
def test_teacher_cannot_open_or_post_another_class(client, world, grid):
    other_group = f.TeachingGroupFactory(school=world.school, name="4C", year_group=4)
    stranger = f.PupilFactory(school=world.school, registration_group=other_group, year_group=4,
                              date_of_birth=dt.date(2018, 3, 1))  # fmt: skip
    client.force_login(world.users["teacher"])
    assert client.get(reverse("pupils:results_grid") + f"?group={other_group.pk}").status_code == 404
    # Smuggling another class's pupil into this class's grid is refused and reported.
    url = reverse("pupils:results_grid") + f"?group={grid['group'].pk}&a={grid['reading'].pk}"
    response = client.post(url, {grid_cell(stranger, grid["reading"]): "100"})
    assert "not part of this grid were not saved" in response.content.decode()
    assert not Result.objects.filter(pupil=stranger).exists()


@pytest.mark.django_db
def test_senco_enters_results_for_any_class(client, world, grid):
    other_group = f.TeachingGroupFactory(school=world.school, name="4C", year_group=3)
    pupil = f.PupilFactory(school=world.school, registration_group=other_group)
    client.force_login(world.users["senco"])
    url = reverse("pupils:results_grid") + f"?group={other_group.pk}&a={grid['reading'].pk}"
    assert client.post(url, {grid_cell(pupil, grid["reading"]): "101"}).status_code == 302
    assert Result.objects.get(pupil=pupil).value == 101


@pytest.mark.django_db
def test_service_creates_updates_clears_and_leaves_unchanged(world, grid):
    a, b, c = world.pupils
    reading = grid["reading"]
    pupils = list(Pupil.objects.filter(pk__in=[a.pk, b.pk, c.pk]))
    first = results_save(pupils=pupils, assessments=[reading], by=None,
                         entries={(a.pk, reading.pk): "90", (b.pk, reading.pk): "100", (c.pk, reading.pk): ""})  # fmt: skip
    assert (first.saved, first.deleted, first.unchanged, first.errors) == (2, 0, 0, {})
    second = results_save(pupils=pupils, assessments=[reading], by=None,
                          entries={(a.pk, reading.pk): "90", (b.pk, reading.pk): "104", (c.pk, reading.pk): " "})  # fmt: skip
    assert (second.saved, second.unchanged) == (1, 1)
    third = results_save(pupils=pupils, assessments=[reading], by=None, entries={(a.pk, reading.pk): ""})
    assert third.deleted == 1
    assert dict(Result.objects.values_list("pupil_id", "value")) == {b.pk: 104.0}


@pytest.mark.django_db
def test_band_results_are_stored_as_the_band_rank(world):
    scale = f.ScaleFactory(school=world.school, kind=ScaleKind.BANDS, min_value=None, max_value=None,
                           expected=2, high=3, name="TA")  # fmt: skip
    for rank, (label, code) in enumerate(
        (("Working towards", "WTS"), ("Expected", "EXS"), ("Greater depth", "GDS")), 1
    ):
        ScaleBand.objects.create(scale=scale, rank=rank, label=label, code=code)
    writing = f.AssessmentFactory(
        school=world.school, scale=scale, subject=f.SubjectFactory(school=world.school, name="Writing")
    )
    pupil = world.pupils[0]
    outcome = results_save(pupils=[pupil], assessments=[writing], by=None, entries={(pupil.pk, writing.pk): "gds"})
    assert outcome.saved == 1
    assert Result.objects.get(pupil=pupil).value == 3


@pytest.mark.django_db
def test_grid_query_count_does_not_grow_with_class_size(client):
    from django.contrib.contenttypes.models import ContentType

    # The audit log names each result's model by its content type, which Django looks up once per process.
    ContentType.objects.get_for_model(Result)
    counts = []
    for size in (5, 40):
        school = f.SchoolFactory()
        group = f.TeachingGroupFactory(school=school, year_group=3)
        teacher = f.staff(school, Role.TEACHER)
        group.teachers.add(teacher)
        assessments = [f.AssessmentFactory(school=school, taken_on=dt.date(2026, 10, i + 1)) for i in range(3)]
        pupils = Pupil.objects.bulk_create(
            [f.PupilFactory.build(school=school, registration_group=group) for _ in range(size)]
        )
        Result.objects.bulk_create(
            [Result(pupil=p, assessment=a, value=100, typed="100") for p in pupils for a in assessments]
        )
        client.force_login(teacher)
        url = reverse("pupils:results_grid") + f"?group={group.pk}&" + "&".join(f"a={a.pk}" for a in assessments)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        get_count = len(ctx.captured_queries)
        data = {f"v_{p.pk}_{a.pk}": "101" for p in pupils for a in assessments}
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(url, data).status_code == 302
        counts.append((get_count, len(ctx.captured_queries)))
        client.logout()
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "99999999999999999999999999", "-1"])
def test_a_digit_that_is_not_a_number_in_the_query_string_is_ignored_or_not_found(client, world, grid, value):
    """``"²".isdigit()`` is true but ``int("²")`` fails: the group and assessment ids are read as whole numbers."""
    client.force_login(world.users["teacher"])
    assert client.get(reverse("pupils:results_grid") + f"?group={value}").status_code in (200, 404)
    response = client.get(reverse("pupils:results_grid") + f"?group={grid['group'].pk}&a={value}")
    assert response.status_code == 200
