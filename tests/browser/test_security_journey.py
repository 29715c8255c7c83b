"""Security in real Chromium: pages work under the Content-Security-Policy (the watcher in conftest fails a test on
any refusal), a SENCO reads a pupil's history and sets up two-factor sign-in on a phone, a trust leader's school
switcher submits itself, and repeated wrong passwords get the lockout page."""

from __future__ import annotations

import pytest

from provision.models import Role
from pupils.models import Pupil
from tests import factories as f
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db):
    trust = f.TrustFactory(name="Oakwood Trust")
    school = f.SchoolFactory(name="Hazel Grove Primary", trust=trust)
    other = f.SchoolFactory(name="Beech Academy", trust=trust, lowest_year=7, highest_year=11)
    f.school_year(school)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    leader = f.staff(school, Role.LEADER, username="trust", first_name="Sam", last_name="Reed")
    f.MembershipFactory(user=leader, school=other, role=Role.LEADER)
    pupil = f.PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="O'Brien", year_group=3)
    return {"school": school, "other": other, "pupil": pupil}


def test_senco_changes_sen_details_and_reads_the_history(page, live_server, school):
    pupil = school["pupil"]
    sign_in(page, live_server, "senco", f.PASSWORD)
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/edit/")
    page.get_by_label("SEN status").select_option("K")
    page.get_by_label("Primary need").select_option("SLCN")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/pupils/{pupil.pk}/")
    page.get_by_role("button", name="Records").click()
    page.get_by_role("link", name="History of changes").click()
    page.wait_for_url("**/history/")
    table = page.locator("main table").inner_text()
    assert "Priya Shah" in table and "SENCO" in table
    assert "SEN status" in table and "No SEN" in table and "SEN support" in table
    assert_accessible(page, "a pupil's history")
    screenshot(page, "pupil-history")
    assert Pupil.objects.get(pk=pupil.pk).sen_status == "K"


def test_senco_sets_up_two_factor_on_a_phone(phone_page, live_server, school):
    page = phone_page
    sign_in(page, live_server, "senco", f.PASSWORD)
    page.goto(f"{live_server.url}/accounts/security/")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    qr = page.locator(".qr-code svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] <= 390 and box["width"] > 100  # fits the phone, big enough to scan
    assert_accessible(page, "two-factor set-up")
    screenshot(page, "two-factor-setup-phone")


def test_trust_leader_switches_school_without_inline_script(page, live_server, school):
    sign_in(page, live_server, "trust", f.PASSWORD)
    page.goto(f"{live_server.url}/pupils/")
    page.select_option("#school-switch", str(school["other"].pk))  # data-autosubmit, from static/js/app.js
    # The form submitted itself: the server now serves the other school (its name is in the page title).
    page.wait_for_function("() => document.title.includes('Beech Academy')")
    assert page.locator("#school-switch").input_value() == str(school["other"].pk)


def test_lockout_page_after_repeated_wrong_passwords(page, live_server, school, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("senco")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("domcontentloaded")
    sign_in(page, live_server, "senco", f.PASSWORD)
    body = page.locator("main").inner_text()
    assert "Too many wrong passwords" in body and "reset it by email" in body
    screenshot(page, "lockout")
