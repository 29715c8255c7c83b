"""Progress checks in real Chromium: the tutor types each pupil's score in the session log on a phone; the SENCO
sees on the home page who is off track, with the evidence and the chart on the group's page, records what was
changed, and the page judges afresh. Every page passes axe-core and the Content-Security-Policy."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from interventions.models import CheckGoal, CheckReview, CheckScore, ProgressCheck
from provision.models import Role
from tests import factories as f
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

NOW = dt.datetime(2026, 11, 23, 9, 0)  # Monday, the eleventh week of the group
START = dt.date(2026, 9, 7)


@pytest.fixture
def group(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    tutor = f.staff(school, Role.TA, username="tutor", first_name="Jo", last_name="Evans")
    intervention = f.InterventionFactory(
        school=school, name="Reading fluency, Willow", lead=tutor, start_date=START, end_date=dt.date(2026, 12, 18),
        days=[0, 2, 4],
    )  # fmt: skip
    ProgressCheck.objects.create(
        intervention=intervention, name="Words read correctly in a minute", unit="words", min_value=0, max_value=200
    )
    for first, last, growth in (("Aisha", "Begum", 0.0), ("Callum", "Reid", 1.5)):
        pupil = f.PupilFactory(school=school, legal_first_name=first, legal_last_name=last)
        placement = f.PlacementFactory(intervention=intervention, pupil=pupil, entry_date=START)
        CheckGoal.objects.create(placement=placement, target_value=45)
        for week in range(10):
            value = round(30 + growth * week + (week % 2))
            CheckScore.objects.create(
                placement=placement, date=START + dt.timedelta(days=7 * week), value=value, typed=str(value)
            )
    return intervention


def test_tutor_records_scores_on_a_phone_and_the_senco_acts_on_the_warning(browser, live_server, group):
    with time_machine.travel(NOW, tick=True):
        phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True)
        page = phone.new_page()
        page.set_default_timeout(15_000)
        refused = []
        page.on("console", lambda m: refused.append(m.text) if m.type == "error" and "Refused" in m.text else None)
        sign_in(page, live_server, "tutor", f.PASSWORD)
        page.goto(f"{live_server.url}/interventions/{group.pk}/sessions/log/")
        page.get_by_label("Focus").fill("Paired reading")
        boxes = page.get_by_label("Check score (optional, words)")
        assert boxes.count() == 2
        boxes.nth(0).fill("31")
        boxes.nth(1).fill("45")
        assert_accessible(page, "the session log with score boxes, on a phone")
        screenshot(page, "progress-session-log-phone")
        page.get_by_role("button", name="Save session").click()
        page.wait_for_load_state("domcontentloaded")
        assert "2 check scores saved" in page.content()
        assert set(CheckScore.objects.filter(date=NOW.date()).values_list("typed", flat=True)) == {"31", "45"}
        phone.close()
        assert not refused

        desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = desktop.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: refused.append(m.text) if m.type == "error" and "Refused" in m.text else None)
        sign_in(page, live_server, "senco", f.PASSWORD)
        warning = page.locator("#off-track")
        assert "change something now for 1 pupil" in warning.inner_text()
        assert "Begum, Aisha" in warning.inner_text() and "falls short of the aim" in warning.inner_text()
        warning.get_by_role("link", name="Begum, Aisha").click()
        page.wait_for_load_state("domcontentloaded")
        card = page.locator(f"#progress-{group.placements.get(pupil__legal_last_name='Begum').pk}")
        assert card.locator("svg").count() == 1 and "Off track" in card.inner_text()
        assert_accessible(page, "the group's page with progress charts")
        screenshot(page, "progress-group-page")
        card.get_by_role("link", name="Record what you change").click()
        page.get_by_label("More sessions, or longer ones").check()
        page.get_by_label("What was changed, in a sentence").fill("Daily sessions from today")
        assert_accessible(page, "acting on a decision")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state("domcontentloaded")
        review = CheckReview.objects.get()
        assert (review.change, review.note, review.changed_on) == ("dosage", "Daily sessions from today", NOW.date())
        assert "Too few checks" in page.locator(f"#progress-{review.placement_id}").inner_text()
        page.goto(f"{live_server.url}/")
        assert page.locator("#off-track").count() == 0
        desktop.close()
        assert not refused, refused
