"""The leaders' dashboard in real Chromium: a senior leader opens it, filters to the autumn term, and opens the
reading group's impact page from the ranking. The school year is tests/reports/test_dashboard.py's."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from provision.models import Role
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in
from tests.reports.test_dashboard import TODAY, make_oak

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    f.staff(school, Role.LEADER, username="leader", first_name="Dev", last_name="Khan")
    make_oak(school)
    return school


def test_leader_filters_the_dashboard_to_a_term_and_opens_an_impact_page(page, live_server, school):
    with time_machine.travel(TODAY, tick=True):
        sign_in(page, live_server, "leader", f.PASSWORD)
        page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Dashboard").click()
        page.wait_for_url(f"**{reverse('reports:dashboard')}")
        assert page.get_by_role("heading", name="Leaders' dashboard").is_visible()
        tiles = page.get_by_role("list", name="Headline figures")
        assert "10" in tiles.inner_text() and "pupils in provision" in tiles.inner_text()
        # Every chart is an image with a text alternative.
        assert page.locator('figure.chart svg[role="img"]').count() >= 7
        screenshot(page, "dashboard-year")

        page.get_by_label("Period", exact=True).select_option(label="Autumn 2026/27")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**period=term-**")
        assert "Autumn 2026/27" in page.locator(".page-header .lead").inner_text()
        assert page.get_by_role("list", name="Headline figures").locator(".stat-value").first.inner_text() == "8"
        attendance = page.locator("#attendance-h").locator("xpath=..")
        assert "Talk group" not in attendance.inner_text()  # a spring group
        screenshot(page, "dashboard-autumn")

        impact = page.locator("section", has=page.locator("#impact-h"))
        impact.get_by_text("Table: interventions ranked by impact").click()
        impact.get_by_role("link", name="Reading catch-up").click()
        page.wait_for_url("**/impact/**")
        assert page.get_by_role("heading", name="Reading catch-up").first.is_visible()
        assert "Strong evidence of impact" in page.content()
        screenshot(page, "dashboard-impact-page")


def test_dashboard_on_a_phone(phone_page, live_server, school):
    with time_machine.travel(dt.datetime(2027, 3, 10, 9, 0), tick=True):
        sign_in(phone_page, live_server, "leader", f.PASSWORD)
        phone_page.goto(live_server.url + reverse("reports:dashboard"))
        # Charts and tiles shrink to the screen rather than widen the page (a mobile browser would zoom out).
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= phone_page.viewport_size["width"]
        screenshot(phone_page, "dashboard-phone")
