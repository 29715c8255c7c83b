"""A SENCO writes a pupil's support plan from their profile, records a review and prints it, in real Chromium."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from interventions.models import SupportPlan
from provision.models import Role
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def maya(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    group = f.TeachingGroupFactory(school=school, name="Rowan", year_group=3)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    pupil = f.PupilFactory(
        school=school,
        registration_group=group,
        legal_first_name="Maya",
        legal_last_name="Okafor",
        sen_status="K",
        primary_need="SPLD",
    )
    phonics = f.InterventionFactory(school=school, name="Phonics Plus", start_date=dt.date(2026, 9, 14))
    f.PlacementFactory(intervention=phonics, pupil=pupil, entry_date=dt.date(2026, 9, 21))
    return pupil


def test_senco_writes_reviews_and_prints_a_plan(page, live_server, maya):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        sign_in(page, live_server, "senco", f.PASSWORD)
        page.goto(f"{live_server.url}/pupils/{maya.pk}/")
        page.get_by_role("link", name="Support plan").click()

        # No plan yet, so the SENCO lands on a new plan with her recorded need's area ticked.
        assert page.get_by_label("Cognition and learning", exact=True).is_checked()
        assert not page.get_by_label("Communication and interaction", exact=True).is_checked()
        page.get_by_label("Review by").fill("2027-02-05")
        page.get_by_label("Cognition and learning: what the need is").fill("Reading age two years below her age.")
        page.get_by_label("Outcomes sought").fill("Read a Year 2 book aloud with few errors.")
        page.get_by_label("Phonics Plus").check()
        page.get_by_label("What I want").fill("To read to my little brother.")
        page.get_by_label("What helps me").fill("Reading with Mrs Khan.")
        screenshot(page, "plan-new")
        page.get_by_role("button", name="Save plan").click()

        page.get_by_role("heading", name="About me, in my own words").wait_for()
        assert page.get_by_text("To read to my little brother.").is_visible()
        # The plan lists the group she is in without anyone linking it, with her dosage so far.
        provision = page.locator("#plan-provision")
        assert provision.get_by_role("link", name="Phonics Plus").is_visible()
        assert provision.get_by_text("in the group now").is_visible()
        assert provision.get_by_text("planned for their stay").is_visible()

        page.get_by_role("link", name="Record a review").click()
        page.get_by_label("Notes").fill("Termly review with Maya and her dad.")
        page.get_by_label("What the pupil said").fill("It's getting easier.")
        page.get_by_label("Outcome 1: Read a Year 2 book aloud with few errors.").select_option("good")
        page.get_by_label("Next review by").fill("2027-03-26")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("next review is now due by 26/03/2027").wait_for()
        timeline = page.locator("#outcome-timelines")
        assert timeline.get_by_text("Good progress").is_visible()  # in words, not only in colour
        assert timeline.get_by_text("2 Nov 2026").is_visible()
        screenshot(page, "plan-detail")

        page.emulate_media(media="print")
        assert not page.get_by_role("link", name="Record a review").is_visible()
        assert not page.get_by_role("navigation", name="Main navigation").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.pdf(path=str(ARTIFACTS / "plan-print.pdf"), format="A4")
        screenshot(page, "plan-print")

        page.emulate_media(media="screen")
        page.get_by_role("link", name="Support plans").click()
        row = page.get_by_role("row").filter(has_text="Okafor, Maya")
        assert row.get_by_role("link", name="Plan from 02/11/2026").is_visible()
        screenshot(page, "plan-list")

    plan = SupportPlan.objects.get(pupil=maya)
    assert plan.review_date == dt.date(2027, 3, 26)
    assert plan.reviews.get().pupil_views == "It's getting easier."
    assert plan.reviews.get().ratings.get().rating == "good"
