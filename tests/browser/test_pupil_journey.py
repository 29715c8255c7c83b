"""A SENCO signs in, filters the pupil list and opens a profile, in real Chromium."""

from __future__ import annotations

import datetime as dt

import pytest

from provision.models import Role
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def school_with_pupils(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    group = f.TeachingGroupFactory(school=school, name="Rowan", year_group=3)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    for i in range(12):
        f.PupilFactory(school=school, registration_group=group, legal_last_name=f"Pupil{i:02d}")
    f.PupilFactory(
        school=school,
        registration_group=group,
        legal_first_name="Zoë",
        legal_last_name="O'Brien",
        sen_status="K",
        primary_need="SLCN",
        sen_review_due=dt.date(2027, 2, 1),
        eal=True,
    )
    f.PupilFactory(school=school, legal_first_name="Ella", legal_last_name="Jones", sen_status="E", primary_need="ASD")
    return school


def test_senco_filters_the_pupil_list_and_opens_a_profile(page, live_server, school_with_pupils):
    sign_in(page, live_server, "senco", f.PASSWORD)
    page.get_by_role("link", name="Pupils", exact=True).click()
    rows = page.locator("#pupil-table tbody tr")
    assert rows.count() == 14

    page.get_by_label("SEN status").select_option("K")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**sen=K**")
    assert rows.count() == 1
    assert "O'Brien, Zoë" in rows.first.inner_text()
    screenshot(page, "pupil-list-filtered")

    page.get_by_role("link", name="O'Brien, Zoë").click()
    page.wait_for_url("**/pupils/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Zoë O'Brien"
    body = page.locator("main").inner_text()
    assert "Speech, language and communication needs" in body
    assert "Communication and interaction" in body
    screenshot(page, "pupil-profile")


def test_pupil_list_reads_on_a_phone(phone_page, live_server, school_with_pupils):
    sign_in(phone_page, live_server, "senco", f.PASSWORD)
    phone_page.goto(f"{live_server.url}/pupils/")
    # No sideways scrolling on a 390 px screen: the table stacks into cards.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "pupil-list-phone")
