"""A school defines its subjects, scales and assessments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from provision.models import Term
from pupils.models import Assessment, Result, Scale, Subject
from tests import factories as f


@pytest.mark.django_db
def test_senco_adds_a_subject_once(client, world):
    client.force_login(world.users["senco"])
    assert client.post(reverse("pupils:assessments"), {"name": " Reading  "}).status_code == 302
    response = client.post(reverse("pupils:assessments"), {"name": "reading"})
    assert "already a subject" in str(response.context["subject_form"].errors)
    assert list(Subject.objects.filter(school=world.school).values_list("name", flat=True)) == ["Reading"]


def _scale_data(**changes) -> dict:
    data = {"name": "Teacher assessment", "kind": "bands", "min_value": "", "max_value": "", "expected": "", "high": "",
            "drop_concern": "1", "age_tolerance_months": "12", "bands": "Working towards | WTS\nExpected | EXS\nGreater depth | GDS",
            "expected_band": "EXS", "high_band": "Greater depth"}  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.django_db
def test_band_scale_is_saved_with_ordered_bands_and_thresholds(client, world):
    client.force_login(world.users["leader"])
    assert client.post(reverse("pupils:scale_new"), _scale_data()).status_code == 302
    scale = Scale.objects.get(school=world.school)
    assert [(b.rank, b.label, b.code) for b in scale.bands.all()] == [
        (1, "Working towards", "WTS"), (2, "Expected", "EXS"), (3, "Greater depth", "GDS"),
    ]  # fmt: skip
    assert (scale.expected, scale.high) == (2, 3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bands": "Expected\nexpected"}, "appears twice"),
        ({"bands": "Only one"}, "at least two"),
        ({"expected_band": "Mastery"}, "not one of the bands"),
        ({"expected_band": "GDS", "high_band": "EXS"}, "above the expected"),
        ({"kind": "ks2_scaled", "min_value": "80", "max_value": "120", "expected": "130"}, "within the scale's range"),
        ({"kind": "raw", "min_value": "50", "max_value": "10"}, "below the highest"),
    ],
)
def test_bad_scale_settings_are_refused(client, world, changes, message):
    client.force_login(world.users["senco"])
    response = client.post(reverse("pupils:scale_new"), _scale_data(**changes))
    assert response.status_code == 200
    messages = [m for errors in response.context["form"].errors.values() for m in errors]
    assert any(message in m for m in messages), messages
    assert len(messages) == len(set(messages))
    assert not Scale.objects.exists()


@pytest.mark.django_db
def test_bands_cannot_be_added_once_results_exist(client, world):
    client.force_login(world.users["senco"])
    client.post(reverse("pupils:scale_new"), _scale_data())
    scale = Scale.objects.get()
    assessment = f.AssessmentFactory(school=world.school, scale=scale)
    Result.objects.create(pupil=world.pupils[0], assessment=assessment, value=2, typed="EXS")
    response = client.post(
        reverse("pupils:scale_edit", args=[scale.pk]), _scale_data(bands="A\nB\nC\nD", expected_band="B", high_band="C")
    )
    assert "not add or remove" in str(response.context["form"].errors)
    renamed = _scale_data(bands="Working towards | WTS\nAt expected | EXS\nGreater depth | GDS")
    assert client.post(reverse("pupils:scale_edit", args=[scale.pk]), renamed).status_code == 302
    assert scale.bands.get(rank=2).label == "At expected"


@pytest.mark.django_db
def test_assessment_by_term_takes_the_terms_last_day_and_a_date_finds_its_term(client, world):
    scale = f.ScaleFactory(school=world.school)
    subject = f.SubjectFactory(school=world.school, name="Maths")
    spring = Term.objects.get(academic_year__school=world.school, name="spring")
    client.force_login(world.users["senco"])
    data = {
        "name": "Spring maths",
        "subject": subject.pk,
        "scale": scale.pk,
        "taken_on": "",
        "term": spring.pk,
        "year_groups": ["3", "4"],
    }
    assert client.post(reverse("pupils:assessment_new"), data).status_code == 302
    made = Assessment.objects.get(name="Spring maths")
    assert (made.taken_on, made.term, made.year_groups) == (spring.end_date, spring, [3, 4])

    data = {"name": "Autumn maths", "subject": subject.pk, "scale": scale.pk, "taken_on": "2026-11-20", "term": ""}
    assert client.post(reverse("pupils:assessment_new"), data).status_code == 302
    assert Assessment.objects.get(name="Autumn maths").term.name == "autumn"

    data = {"name": "Wrong", "subject": subject.pk, "scale": scale.pk, "taken_on": "2026-11-20", "term": spring.pk}
    assert "is not in Spring" in str(client.post(reverse("pupils:assessment_new"), data).context["form"].errors)
    data = {"name": "Undated", "subject": subject.pk, "scale": scale.pk, "taken_on": "", "term": ""}
    assert "Give the date" in str(client.post(reverse("pupils:assessment_new"), data).context["form"].errors)


@pytest.mark.django_db
def test_another_schools_scale_cannot_be_used(client, world):
    foreign = f.ScaleFactory(school=world.other_school)
    subject = f.SubjectFactory(school=world.school, name="Maths")
    client.force_login(world.users["senco"])
    data = {"name": "Sneaky", "subject": subject.pk, "scale": foreign.pk, "taken_on": "2026-11-20"}
    response = client.post(reverse("pupils:assessment_new"), data)
    assert "scale" in response.context["form"].errors
    assert not Assessment.objects.filter(name="Sneaky").exists()


@pytest.mark.django_db
def test_a_subject_in_use_cannot_be_deleted_but_its_whole_school_can(world):
    from django.db.models import RestrictedError

    from provision.models import School

    assessment = f.AssessmentFactory(school=world.school)
    Result.objects.create(pupil=world.pupils[0], assessment=assessment, value=100, typed="100")
    with pytest.raises(RestrictedError):
        assessment.subject.delete()
    world.school.delete()
    assert not School.objects.filter(pk=world.school.pk).exists()
    assert not Assessment.objects.exists() and not Result.objects.exists()


@pytest.mark.django_db
def test_year_groups_mean_the_year_when_it_was_sat(world):
    import datetime as dt

    last_summer = f.AssessmentFactory(school=world.school, taken_on=dt.date(2026, 6, 15), year_groups=[2])
    pupil = world.pupils[0]  # Year 3 in 2026/27, so Year 2 last June
    today = dt.date(2026, 11, 24)
    assert last_summer.covers_pupil(pupil, today)
    assert last_summer.covers_current_year(3, today) and not last_summer.covers_current_year(2, today)
