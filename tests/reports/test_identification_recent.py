"""Who needs support through its page, seen on Saturday 5 December 2026 (autumn term): every assessment of the
subject since the start of last term counts, each on its own scale and named with its date; results older than
that are "no recent result"; filters choose whom to show without changing the year group's median; the school's
setting says how many terms count as recent.

Oak Primary's Year 2 (born 1 October 2019, 7:01 on 26 November) sat the standardised reading test (expected 85)
on Monday 23 November and a reading age test (12 months' tolerance, so 6:01 is expected) on Thursday 26 November.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pupils.models import Result, ScaleKind
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 5, 10, 0)
TEST_DAY, AGE_DAY = dt.date(2026, 11, 23), dt.date(2026, 11, 26)
LAST_YEAR = dt.date(2025, 11, 24)
DOB = dt.date(2019, 10, 1)


@pytest.fixture(autouse=True)
def december(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def year2(world):
    school = world.school  # its 2026/27 terms; add last year's, so "last term" is summer 2026
    f.school_year(school, start_year=2025)
    reading = f.SubjectFactory(school=school, name="Reading")
    standardised = f.ScaleFactory(school=school, name="Standardised score", expected=85, high=115, drop_concern=5)
    age = f.ScaleFactory(
        school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216, expected=None,
        high=None, drop_concern=None, age_tolerance_months=12,
    )  # fmt: skip
    test = f.AssessmentFactory(
        school=school, subject=reading, scale=standardised, name="Autumn 2026 reading test", taken_on=TEST_DAY
    )
    reading_age = f.AssessmentFactory(
        school=school, subject=reading, scale=age, name="Autumn 2026 reading age", taken_on=AGE_DAY
    )
    old = f.AssessmentFactory(
        school=school, subject=reading, scale=standardised, name="Autumn 2025 reading test", taken_on=LAST_YEAR
    )
    group = f.TeachingGroupFactory(school=school, name="2R", year_group=2)
    pupils = {}
    # name: (standardised score, reading age in months, pupil premium)
    for name, score, months, premium in (
        ("Ash", 76, 76, True), ("Birch", 79, 78, False), ("Cedar", 84, 80, False),  # below on the test only
        ("Dogwood", 95, 90, True), ("Elm", 100, 95, False), ("Fir", 104, 98, False), ("Hazel", 110, 100, False),
    ):  # fmt: skip
        pupil = f.PupilFactory(
            school=school, legal_last_name=name, year_group=2, date_of_birth=DOB, registration_group=group,
            pupil_premium=premium,
        )  # fmt: skip
        Result.objects.create(pupil=pupil, assessment=test, value=score, typed=str(score))
        Result.objects.create(pupil=pupil, assessment=reading_age, value=months, typed="")
        pupils[name] = pupil
    # Gale missed both of this term's tests: her only result is last year's, and it was low.
    pupils["Gale"] = f.PupilFactory(
        school=school, legal_last_name="Gale", year_group=2, date_of_birth=DOB, registration_group=group
    )
    Result.objects.create(pupil=pupils["Gale"], assessment=old, value=70, typed="70")
    return {"pupils": pupils, "test": test, "reading_age": reading_age, "old": old, "subject": reading}


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:identification"), params)


def test_the_three_below_on_the_standardised_test_are_listed_with_it_named(client, world, year2):
    response = _page(client, world.users["senco"])
    rows = response.context["rows"]
    assert [r["pupil"].legal_last_name for r in rows] == ["Ash", "Birch", "Cedar"]
    for row, score in zip(rows, ("76", "79", "84"), strict=True):
        [finding] = row["findings"]
        assert finding["assessment"] == year2["test"] and finding["value"] == score
        assert finding["reasons"] == [
            f"Below the expected standard on Autumn 2026 reading test (23/11/2026): {score}, expected 85"
        ]
    assert response.context["since"] == dt.date(2026, 4, 13)  # the start of the summer term
    page = response.content.decode()
    assert "Below the expected standard on Autumn 2026 reading test (23/11/2026): 76, expected 85" in page
    assert "Gale" not in page  # not judged on last year's result


def test_a_pupil_with_only_last_years_result_shows_no_recent_result(client, world, year2):
    response = _page(client, world.users["senco"], group="no_recent")
    [row] = response.context["rows"]
    assert row["pupil"] == year2["pupils"]["Gale"] and row["last"] == year2["old"]
    assert row["last_value"] == "70" and row["was_below"]
    page = response.content.decode()
    assert "No recent result" in page and "Autumn 2025 reading test (24/11/2025)" in page
    assert {s.name: n for s, n in response.context["tabs"]} == {"Reading": 1}


def test_the_pupil_premium_filter_shows_fewer_pupils_but_never_changes_a_flag(client, world, year2):
    def flags(response):
        return {r["pupil"].legal_last_name: [f["reasons"] for f in r["findings"]] for r in response.context["rows"]}

    everyone = flags(_page(client, world.users["leader"]))
    premium = flags(_page(client, world.users["leader"], pp="yes"))
    others = flags(_page(client, world.users["leader"], pp="no"))
    assert set(premium) == {"Ash"} and set(others) == {"Birch", "Cedar"}
    assert premium | others == everyone  # the same findings, only split


def test_gap_widened_against_the_whole_year_group_whatever_the_filter(client, world, year2):
    # A summer test: everyone 100 but Ash, 96 (4 below the median). In November Ash is 76 against the median of
    # all seven, 95 (19 below): the gap widened by 15. Among the two pupil premium pupils alone the November
    # "median" would be 85.5 and the summer one 98: a different widening (5.5), from the wrong comparison.
    summer = f.AssessmentFactory(
        school=world.school, subject=year2["subject"], scale=year2["test"].scale, name="Summer 2026 reading test",
        taken_on=dt.date(2026, 6, 29),
    )  # fmt: skip
    for name in ("Ash", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Hazel"):
        value = 96 if name == "Ash" else 100
        Result.objects.create(pupil=year2["pupils"][name], assessment=summer, value=value, typed=str(value))
    for params in ({}, {"pp": "yes"}):
        rows = _page(client, world.users["senco"], **params).context["rows"]
        ash = next(r for r in rows if r["pupil"].legal_last_name == "Ash")
        [finding] = ash["findings"]
        assert [code for code, _short, _long in finding["reason_chips"]] == [
            "below_expected", "slow_progress", "gap_widened",
        ]  # fmt: skip


def test_one_term_only_leaves_out_last_terms_results(client, world, year2):
    summer = f.AssessmentFactory(
        school=world.school, subject=year2["subject"], scale=year2["test"].scale, name="Summer 2026 reading test",
        taken_on=dt.date(2026, 6, 29),
    )  # fmt: skip
    Result.objects.create(pupil=year2["pupils"]["Gale"], assessment=summer, value=72, typed="72")
    assert [r["pupil"].legal_last_name for r in _page(client, world.users["senco"]).context["rows"]][-1] == "Gale"
    world.school.recent_terms = 1
    world.school.save()
    response = _page(client, world.users["senco"])
    assert "Gale" not in [r["pupil"].legal_last_name for r in response.context["rows"]]
    assert response.context["since"] == dt.date(2026, 9, 2)
    stale = _page(client, world.users["senco"], group="no_recent").context["rows"]
    assert [(r["pupil"].legal_last_name, r["last"]) for r in stale] == [("Gale", summer)]


def test_the_setting_is_saved_for_the_school_and_a_stale_form_does_not_overwrite(client, world, year2):
    client.force_login(world.users["leader"])
    url = reverse("reports:identification_window")
    assert client.post(url, {"terms": "3", "was": "2"}).status_code == 302
    world.school.refresh_from_db()
    assert world.school.recent_terms == 3
    response = client.post(url, {"terms": "1", "was": "2"}, follow=True)  # someone saw the old setting
    world.school.refresh_from_db()
    assert world.school.recent_terms == 3
    assert "changed the setting meanwhile" in response.content.decode()
    for bad in ({"terms": "9", "was": "3"}, {"terms": "x", "was": "3"}, {}):
        assert client.post(url, bad).status_code == 302
    world.school.refresh_from_db()
    assert world.school.recent_terms == 3
    client.force_login(world.users["teacher"])
    assert client.post(url, {"terms": "1", "was": "3"}).status_code == 403


def test_the_gap_page_names_its_assessment_and_lets_the_reader_pick(client, world, year2):
    client.force_login(world.users["senco"])
    url = reverse("reports:disadvantage_gap")
    [row] = client.get(url).context["rows"]
    # Default: the standardised test, not the reading age three days later. PP: Ash 76, Dogwood 95 -> 1 of 2 at
    # 85 or more (50%); others Birch 79, Cedar 84, Elm 100, Fir 104, Hazel 110 (Gale has no result on it) ->
    # 3 of 5 (60%): a gap of 10 points. On the reading age everyone is within tolerance: 100% against 100%.
    assert row["assessment"] == year2["test"] and row["is_default"]
    assert (row["n_pp"], row["n_other"], row["pct_pp"], row["pct_other"], row["gap_pct"]) == (2, 5, 50, 60, 10)
    assert [o["assessment"] for o in row["options"]] == [year2["reading_age"], year2["test"], year2["old"]]
    page = client.get(url).content.decode()
    assert "Using <strong>Autumn 2026 reading test</strong>, 23/11/2026" in page and "the default)" in page
    picked = client.get(url, {row["field"]: year2["reading_age"].pk}).context["rows"][0]
    assert picked["assessment"] == year2["reading_age"] and not picked["is_default"]
    assert (picked["pct_pp"], picked["pct_other"], picked["gap_pct"]) == (100, 100, 0)
    # A pick that is not one of the row's assessments, or is not a number, leaves the default.
    other = f.AssessmentFactory(school=world.other_school, taken_on=TEST_DAY)
    for value in (other.pk, "x"):
        assert client.get(url, {row["field"]: value}).context["rows"][0]["assessment"] == year2["test"]
