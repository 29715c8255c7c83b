"""The provision map journey in real Chromium: a SENCO opens the map, switches to the need view and downloads the
PDF, which names the school and a provision."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from interventions.models import StaffRate
from provision.models import Role
from pupils.models import SenStatus
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

TODAY = dt.datetime(2026, 11, 25, 9, 0)  # a Wednesday in the autumn term


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    StaffRate.objects.create(school=school, role="ta", hourly_rate=Decimal("15"))
    group = f.TeachingGroupFactory(school=school, name="Willow", year_group=3)
    pupils = [
        f.PupilFactory(
            school=school,
            registration_group=group,
            legal_first_name=first,
            legal_last_name=last,
            sen_status=SenStatus.SUPPORT,
            primary_need=need,
        )
        for first, last, need in (("Aisha", "Begum", "SPLD"), ("Callum", "Reid", "SLCN"), ("Maja", "Nowak", "SPLD"))
    ]
    reading = f.InterventionFactory(school=school, name="Lexia reading catch-up", resources_cost=Decimal("60"))
    talk = f.InterventionFactory(school=school, name="Talk Boost 1:1", wave=3, area="language")
    for pupil in (pupils[0], pupils[2]):
        f.PlacementFactory(intervention=reading, pupil=pupil)
    f.PlacementFactory(intervention=talk, pupil=pupils[1])
    return school


def test_senco_opens_the_map_switches_to_need_and_downloads_the_pdf(browser, live_server, school):
    with time_machine.travel(TODAY, tick=True):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, "senco", f.PASSWORD)

        page.goto(live_server.url + reverse("reports:map"))
        table = page.locator("table.map-table")
        assert "Lexia reading catch-up" in table.inner_text()

        page.get_by_role("link", name="Area of need").click()
        page.wait_for_url("**view=need**")
        assert "Cognition and learning" in page.locator("table.map-table").inner_text()
        screenshot(page, "map-need-view")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="PDF").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        body = Path(download.path()).read_bytes()
        context.close()

    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Hazel Grove Primary" in text
    assert "Talk Boost 1:1" in text
    assert "area of need" in text
