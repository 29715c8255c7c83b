"""A school admin uploads a mark book of results, checks the preview and confirms it, in real Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from provision.models import Role
from pupils.models import Result
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.pupils import results_world

pytestmark = pytest.mark.browser
FILES = Path(__file__).resolve().parents[1] / "pupils" / "files"


@pytest.fixture
def school_with_assessments(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.staff(school, Role.ADMIN, username="office", first_name="Sam", last_name="Okoro")
    results_world.create(school)
    return school


def test_admin_imports_a_mark_book(page, live_server, school_with_assessments):
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        sign_in(page, live_server, "office", f.PASSWORD)
        page.goto(f"{live_server.url}/pupils/results/import/")
        assert page.get_by_role("heading", level=1).inner_text() == "Import assessment results"
        assert "Maths test (01/02/2027)" in page.locator("#school-assessments").inner_text()
        screenshot(page, "results-import-upload")

        page.get_by_label("Results file").set_input_files(str(FILES / "results_wide.xlsx"))
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_url("**/pupils/import/*/")
        counts = page.locator("#import-counts").inner_text()
        assert "11" in counts and "results to create" in counts and "absence recorded" in counts and "blank" in counts
        assert page.locator("#rejected-rows tbody tr").count() == 5
        assert page.locator("#created-rows tbody tr").count() == 11
        screenshot(page, "results-import-preview")

        page.get_by_role("button", name="Confirm: create 11 and update 0 results").click()
        page.wait_for_load_state("domcontentloaded")
        assert "results_wide.xlsx imported: created 11" in page.locator("body").inner_text()
        assert page.locator("#applied-rejected-rows tbody tr").count() == 5
        screenshot(page, "results-import-applied")
    assert Result.objects.filter(pupil__school=school_with_assessments).count() == 11
