"""The interventions journey in real Chromium: a SENCO plans an intervention from a catalogue programme, adds two
pupils straight from the "who needs support" list, and the tutor logs a session with one absence on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from interventions.models import Attendance, Intervention, Placement, Programme, Session
from provision.models import Role
from pupils.models import Result
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

TODAY = dt.datetime(2026, 11, 25, 9, 0)  # a Wednesday in the autumn term


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    group = f.TeachingGroupFactory(school=school, name="Willow", year_group=3)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    f.staff(school, Role.TA, username="tutor", first_name="Jo", last_name="Evans")
    autumn = f.AssessmentFactory(school=school, name="Autumn reading", taken_on=dt.date(2026, 10, 5))
    earlier = f.AssessmentFactory(
        school=school, name="Summer reading", taken_on=dt.date(2026, 6, 15), subject=autumn.subject, scale=autumn.scale
    )
    names = (("Aisha", "Begum", 80), ("Callum", "Reid", 82), ("Maja", "Nowak", 104))
    for first, last, score in names:
        pupil = f.PupilFactory(school=school, registration_group=group, legal_first_name=first, legal_last_name=last)
        Result.objects.create(pupil=pupil, assessment=earlier, value=score + 2, typed=str(score + 2))
        Result.objects.create(pupil=pupil, assessment=autumn, value=score, typed=str(score))
    # The shared catalogue is seeded by a migration; a live-server test run before this one may have emptied it.
    Programme.objects.get_or_create(
        school=None,
        name="Switch-on Reading",
        defaults={"area": "reading", "wave": 2, "key_stages": ["KS1", "KS2"], "delivery": "one_to_one"},
    )
    return school


def test_senco_plans_places_and_tutor_logs_a_session(browser, live_server, school):
    with time_machine.travel(TODAY, tick=True):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, "senco", f.PASSWORD)

        # 1. From the catalogue, start an intervention with a programme.
        page.goto(f"{live_server.url}/interventions/catalogue/")
        page.get_by_role("link", name="Switch-on Reading").first.click()
        page.get_by_role("link", name="Start an intervention with this programme").click()
        page.locator("#id_name").fill("Switch-on Reading, Willow")
        page.locator("#id_subject").select_option(label="Reading")
        # Jo has no training in the programme: the choice says so before anything is saved.
        page.locator("#id_lead").select_option(label="Jo Evans (not trained in Switch-on Reading)")
        page.locator("#id_start_date").fill("2026-11-16")
        page.locator("#id_end_date").fill("2027-01-29")
        for day in ("Monday", "Wednesday", "Friday"):
            page.get_by_label(day, exact=True).check()
        page.get_by_role("button", name="Plan it").click()
        page.wait_for_url("**/interventions/*/")
        intervention = Intervention.objects.get(name="Switch-on Reading, Willow")
        assert intervention.programme.name == "Switch-on Reading" and intervention.lead.username == "tutor"
        screenshot(page, "intervention-planned")

        # 2. From the identification list, tick the two pupils below expected and add them.
        page.goto(f"{live_server.url}/identification/")
        page.get_by_label("Choose Aisha Begum").check()
        page.get_by_label("Choose Callum Reid").check()
        page.get_by_label("Add the ticked pupils to").select_option(label="Switch-on Reading, Willow (planned)")
        page.get_by_role("button", name="Add selected to an intervention").click()
        page.get_by_role("button", name="Add to Switch-on Reading, Willow").click()
        page.wait_for_load_state("domcontentloaded")
        placed = Placement.objects.filter(intervention=intervention).select_related("pupil")
        assert sorted(p.pupil.legal_last_name for p in placed) == ["Begum", "Reid"]
        assert {p.entry_value for p in placed} == {80.0, 82.0}  # baselines taken from their latest results
        context.close()

        # 3. The tutor, on a phone, logs today's session with one pupil absent.
        phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True)
        page = phone.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, "tutor", f.PASSWORD)
        intervention.status = "running"
        intervention.save(update_fields=["status"])
        page.goto(f"{live_server.url}/interventions/today/")
        screenshot(page, "today-phone")
        page.get_by_role("link", name="Log today's session").click()
        page.get_by_label("Focus").fill("Reading a new book together")
        page.locator("label", has_text="✗ Absent").nth(1).click()
        page.get_by_label("Why Callum Reid was absent").select_option(label="Absent from school")
        screenshot(page, "session-log-phone")
        page.get_by_role("button", name="Save session").click()
        page.wait_for_load_state("domcontentloaded")
        session = Session.objects.get(intervention=intervention)
        assert session.date == TODAY.date()
        marks = {
            a.placement.pupil.legal_last_name: (a.present, a.absence_reason)
            for a in Attendance.objects.filter(session=session).select_related("placement__pupil")
        }
        assert marks == {"Begum": (True, ""), "Reid": (False, "school_absence")}
        phone.close()
