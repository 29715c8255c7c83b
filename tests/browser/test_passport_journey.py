"""A class teacher writes a pupil's one-page profile with them and prints it; the pupil's page and plan read well
on a phone, with no serious accessibility problem, in real Chromium."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from interventions.models import Attendance
from interventions.plans import services as plans
from provision.models import Role
from pupils.models import PupilPassport
from tests import factories as f
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ARTIFACTS, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def maya(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    group = f.TeachingGroupFactory(school=school, name="Rowan", year_group=3)
    teacher = f.staff(school, Role.TEACHER, username="teacher", first_name="Tom", last_name="Whitfield")
    group.teachers.add(teacher)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    pupil = f.PupilFactory(
        school=school,
        registration_group=group,
        legal_first_name="Maya",
        legal_last_name="Okafor",
        sen_status="K",
        primary_need="SPLD",
    )
    programme = f.ProgrammeFactory(school=school, name="Inference training")
    inference = f.InterventionFactory(school=school, name="Inference training: Year 3", programme=programme)
    place = f.PlacementFactory(intervention=inference, pupil=pupil, entry_date=dt.date(2026, 9, 14))
    for day in (dt.date(2026, 9, 14), dt.date(2026, 9, 16), dt.date(2026, 9, 18)):
        Attendance.objects.create(session=f.SessionFactory(intervention=inference, date=day), placement=place)
    plan = plans.plan_create(
        pupil=pupil,
        start_date=dt.date(2026, 9, 14),
        review_date=dt.date(2026, 12, 11),
        needs={"CL": "Reading age two years below her age."},
        outcomes="Read a Year 2 book aloud with few errors.\nSpell 20 common exception words.",
        by=None,
    )
    plans.review_add(
        plan=plan,
        date=dt.date(2026, 10, 30),
        stage="review",
        notes="Half-term review.",
        next_review_date=dt.date(2027, 1, 29),
        ratings={"Read a Year 2 book aloud with few errors.": "good", "Spell 20 common exception words.": "some"},
        by=None,
    )
    return pupil


def _fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{what} is {width} px wide"


def test_teacher_writes_and_prints_a_one_page_profile_and_pages_fit_a_phone(page, browser, live_server, maya):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        sign_in(page, live_server, "teacher", f.PASSWORD)
        page.goto(f"{live_server.url}/pupils/{maya.pk}/")
        page.get_by_role("link", name="Write it with Maya").click()
        page.get_by_label("What I want you to know about me").fill("I like to know what is happening next.")
        page.get_by_label("What I'm good at").fill("Drawing dragons.")
        page.get_by_label("What helps me").fill("A visual timetable.\nWords on a card.")
        page.get_by_label("What doesn't help me").fill("Loud rooms.")
        page.get_by_label("Written with").fill("Mrs Patel (TA) and Mum")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("one-page profile saved").wait_for()
        assert page.get_by_role("heading", name="What helps me").is_visible()
        assert_accessible(page, "the one-page profile")

        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Print").is_visible()
        assert not page.get_by_role("navigation", name="Main navigation").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = ARTIFACTS / "passport-print.pdf"
        page.pdf(path=str(pdf), format="A4")
        assert len(PdfReader(str(pdf)).pages) == 1  # one page
        page.emulate_media(media="screen")

        # The pupil's page: the profile, the group she is in now with her dosage, and her latest results.
        page.goto(f"{live_server.url}/pupils/{maya.pk}/")
        assert page.locator("#current-provision").get_by_text("Inference training: Year 3").is_visible()
        assert page.locator("#current-provision").get_by_text("3 of 3 held (100%)").is_visible()
        assert_accessible(page, "the pupil's page")

    assert PupilPassport.objects.get(pupil=maya).written_with == "Mrs Patel (TA) and Mum"

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB").new_page()
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 5, tzinfo=ZoneInfo("Europe/London")), tick=True):
        sign_in(phone, live_server, "senco", f.PASSWORD)
        plan = maya.support_plans.get()
        for what, path in (
            ("the pupil's page", f"/pupils/{maya.pk}/"),
            ("the one-page profile", f"/pupils/{maya.pk}/passport/"),
            ("the support plan", f"/interventions/plans/{plan.pk}/"),
            ("the review form", f"/interventions/plans/{plan.pk}/reviews/new/"),
        ):
            phone.goto(live_server.url + path)
            _fits(phone, what)
            assert_accessible(phone, f"{what} at 390 px")
            screenshot(phone, f"phone-{path.strip('/').replace('/', '-')}")
        phone.goto(f"{live_server.url}/interventions/plans/{plan.pk}/")
        timeline = phone.locator("#outcome-timelines")
        assert timeline.get_by_text("Good progress").is_visible() and timeline.get_by_text("30 Oct 2026").count() == 2
        assert phone.locator("#plan-provision").get_by_text("Inference training: Year 3").is_visible()
    phone.context.close()
