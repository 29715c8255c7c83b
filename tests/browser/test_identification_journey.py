"""Who needs support and the disadvantage gap in real Chromium, on a phone and on a desktop: a SENCO sees the Year 2
pupils below on the standardised test (a lenient reading age three days later does not hide them), with the test
named; on the gap page she switches a row to the reading age and sees the gap it would show."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from provision.models import Role
from pupils.models import Result, ScaleKind
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

TODAY = dt.datetime(2026, 12, 5, 10, 0)  # a Saturday in the autumn term


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school, start_year=2025)
    f.school_year(school)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    reading = f.SubjectFactory(school=school, name="Reading")
    standardised = f.ScaleFactory(school=school, name="Standardised score", expected=85)
    age = f.ScaleFactory(
        school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216, expected=None,
        high=None, drop_concern=None,
    )  # fmt: skip
    test = f.AssessmentFactory(
        school=school, subject=reading, scale=standardised, name="Autumn reading test", taken_on=dt.date(2026, 11, 23)
    )
    reading_age = f.AssessmentFactory(
        school=school, subject=reading, scale=age, name="Autumn reading age", taken_on=dt.date(2026, 11, 26)
    )
    group = f.TeachingGroupFactory(school=school, name="Rowan", year_group=2)
    for last, score, months, premium in (
        ("Begum", 76, 76, True), ("Nowak", 79, 78, False), ("Reid", 84, 80, True), ("Shaw", 101, 95, False),
    ):  # fmt: skip
        pupil = f.PupilFactory(
            school=school, legal_last_name=last, year_group=2, date_of_birth=dt.date(2019, 10, 1),
            registration_group=group, pupil_premium=premium,
        )  # fmt: skip
        Result.objects.create(pupil=pupil, assessment=test, value=score, typed=str(score))
        Result.objects.create(pupil=pupil, assessment=reading_age, value=months, typed="")
    return school


@pytest.mark.parametrize("width", [390, 1280])
def test_the_senco_finds_the_pupils_below_on_the_standardised_test(browser, live_server, school, width):
    with time_machine.travel(TODAY, tick=True):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, "senco", f.PASSWORD)
        page.goto(live_server.url + reverse("reports:identification"))
        table = page.locator("#identification-table")
        text = table.inner_text()
        for name in ("Begum", "Nowak", "Reid"):
            assert name in text
        assert "Shaw" not in text and text.count("Autumn reading test, 23/11/2026") == 3
        # Nothing wider than the screen: the page does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"identification-{width}")

        page.goto(live_server.url + reverse("reports:disadvantage_gap"))
        row = page.locator("#gap-table tbody tr").first
        assert "Using Autumn reading test" in row.inner_text()
        # PP: Begum 76, Reid 84 -> 0 of 2; others: Nowak 79, Shaw 101 -> 1 of 2: 0% against 50%, a 50-point gap.
        assert "50" in row.locator("td[data-label='Gap (points)']").inner_text()
        row.locator("select").select_option(label="Autumn reading age (26/11/2026, reading age, 4 pupils)")
        page.get_by_role("button", name="Show the chosen assessments").click()
        page.wait_for_url("**a_2_**")
        row = page.locator("#gap-table tbody tr").first
        assert "Using Autumn reading age" in row.inner_text()
        assert row.locator("td[data-label='Gap (points)']").inner_text().strip() == "0"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
