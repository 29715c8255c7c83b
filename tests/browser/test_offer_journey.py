"""A SENCO publishes the support offer; a parent, signed out, reads it on a phone; in real Chromium."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from interventions.models import InterventionStaff
from provision.models import Role
from reports.models import PublishedOffer
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary", senco_name="Ms Shah", senco_email="senco@hazel.example")
    f.school_year(school)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    ta = f.staff(school, Role.TA, username="ta", first_name="Gwendolyn", last_name="Marchbanks")
    boosters = f.InterventionFactory(school=school, name="Reading boosters", start_date=dt.date(2026, 9, 14))
    InterventionStaff.objects.create(intervention=boosters, user=ta, role="ta")
    for _ in range(6):
        f.PlacementFactory(intervention=boosters, pupil=f.PupilFactory(school=school, year_group=3))
    phonics = f.InterventionFactory(school=school, name="Phonics with Mrs Marchbanks", wave=3, days=[1])
    f.PlacementFactory(
        intervention=phonics,
        pupil=f.PupilFactory(school=school, year_group=3, legal_first_name="Maya", legal_last_name="Okafor"),
    )
    f.InterventionFactory(
        school=school, name="Visual timetables", wave=1, days=[], year_groups=[3], end_date=None, capacity=30
    )
    return school


def test_senco_publishes_and_the_public_reads_it_on_a_phone(page, phone_page, live_server, school):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        sign_in(page, live_server, "senco", f.PASSWORD)
        page.goto(f"{live_server.url}/offer/publish/")
        page.get_by_label("A few words to parents").fill("We help every child to do their best.")
        page.get_by_role("button", name="Publish the offer for Autumn 2026/27").click()
        page.wait_for_load_state("domcontentloaded")
        assert "Parents now see this version" in page.content()
        screenshot(page, "offer_publish")
        assert PublishedOffer.objects.filter(school=school).count() == 1

        phone_page.goto(f"{live_server.url}/schools/{school.urn}/support/")
        html = phone_page.content()
        screenshot(phone_page, "offer_public_phone")
        assert "Reading boosters" in html and "6 pupils" in html and "A small number of pupils" in html
        for name in ("Maya", "Okafor", "Gwendolyn", "Marchbanks"):
            assert name not in html
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the public page scrolls sideways on a phone"
