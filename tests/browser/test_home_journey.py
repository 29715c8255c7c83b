"""Each role's home on a 390px phone in real Chromium: nothing wider than the screen, axe-clean, and the tutor's
one tap to log; the session register opens at its latest sessions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from interventions.models import InterventionStaff, SupportPlan
from provision.models import Role
from pupils.models import Result, SenStatus
from tests import factories as f
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

TODAY = dt.datetime(2026, 12, 3, 9, 0)  # a Thursday in December, near the end of the autumn term


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary School with a long name")
    f.school_year(school)
    klass = f.TeachingGroupFactory(school=school, name="Willow", year_group=3)
    users = {role: f.staff(school, role, username=role, first_name="Jo", last_name=role.title()) for role in Role}
    klass.teachers.add(users[Role.TEACHER])
    test = f.AssessmentFactory(school=school, name="Autumn reading age assessment", taken_on=dt.date(2026, 11, 25))
    group = f.InterventionFactory(
        school=school, name="Inference training: Year 3 (Autumn 2026), group 1", lead=users[Role.TA],
        days=[0, 1, 2, 3, 4], start_date=dt.date(2026, 9, 7), end_date=dt.date(2026, 12, 10),
    )  # fmt: skip
    InterventionStaff.objects.create(intervention=group, user=users[Role.TA], role="ta")
    for n in range(6):
        pupil = f.PupilFactory(
            school=school, registration_group=klass, legal_first_name="Oluwaseun-Alexandra",
            legal_last_name=f"Fitzwilliam-Montgomery{n}", sen_status=SenStatus.SUPPORT,
        )  # fmt: skip
        f.PlacementFactory(intervention=group, pupil=pupil, target="Answer inference questions about a short text")
        SupportPlan.objects.create(pupil=pupil, start_date=dt.date(2026, 3, 1), review_date=dt.date(2026, 11, 1))
        if n % 2:
            Result.objects.create(pupil=pupil, assessment=test, value=80, typed="80")
    day = dt.date(2026, 9, 7)
    while day < dt.date(2026, 12, 3):
        if day.weekday() < 5:
            f.SessionFactory(
                intervention=group, date=day, focus="Inference from pictures and a short passage",
                notes="Worked well; needs prompting to explain why.",
            )  # fmt: skip
        day += dt.timedelta(days=1)
    return school, group


@pytest.mark.parametrize("role", ["ta", "teacher", "senco", "leader", "admin"])
def test_each_home_fits_a_phone_and_passes_axe(browser, live_server, school, role):
    with time_machine.travel(TODAY, tick=True):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, role, f.PASSWORD)
        page.goto(f"{live_server.url}/")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        screenshot(page, f"home-{role}-390")
        assert overflow <= 0, f"the {role}'s home is {overflow}px wider than a 390px phone"
        assert_accessible(page, f"the {role}'s home at 390px")
        if role == "ta":
            page.get_by_role("link", name="Log today's session").click()
            page.wait_for_url("**/sessions/log/?date=2026-12-03")
        context.close()


def test_the_register_opens_at_its_latest_sessions(browser, live_server, school):
    _school, group = school
    with time_machine.travel(TODAY, tick=True):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True)
        page = context.new_page()
        sign_in(page, live_server, "ta", f.PASSWORD)
        page.goto(f"{live_server.url}/interventions/{group.pk}/sessions/")
        region = page.locator("[data-scroll-to-end]")
        left, width, client = region.evaluate("el => [el.scrollLeft, el.scrollWidth, el.clientWidth]")
        assert width > client and left >= width - client - 1, (left, width, client)
        # The latest session's column is in view.
        box = page.get_by_title("Edit the session on 2 December 2026").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        screenshot(page, "register-latest-390")
        context.close()
