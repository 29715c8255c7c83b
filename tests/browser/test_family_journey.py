"""A SENCO invites a parent; the parent opens the emailed link on a phone (390 px), sets a password, lands on
their home page and reads their child's support; every parent page passes axe-core. In real Chromium."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from interventions.models import Attendance, InterventionStaff
from provision.models import Role
from pupils.models import Guardian, PupilGuardian, ScaleKind, SenStatus
from reports.models import PublishedOffer
from tests import factories as f
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot, sign_in
from tests.family.conftest import LINK

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
PARENT_PASSWORD = "a-long-walk-by-the-canal"


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary", senco_name="Ms Shah", senco_email="senco@hazel.example")
    f.school_year(school)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    ta = f.staff(school, Role.TA, username="ta", first_name="Gwendolyn", last_name="Marchbanks")
    group = f.TeachingGroupFactory(school=school, name="Oak", year_group=4)
    evie = f.PupilFactory(
        school=school,
        legal_first_name="Evie",
        legal_last_name="Atkinson",
        year_group=4,
        date_of_birth=dt.date(2017, 5, 2),
        registration_group=group,
        sen_status=SenStatus.SUPPORT,
        primary_need="SPLD",
        sen_review_due=dt.date(2027, 1, 6),
    )
    dana = Guardian.objects.create(school=school, first_name="Dana", last_name="Atkinson", email="dana@example.org")
    PupilGuardian.objects.create(pupil=evie, guardian=dana, relationship="mother")

    maths = f.ScaleFactory(school=school, name="Maths standardised", kind=ScaleKind.STANDARDISED)
    now = f.InterventionFactory(
        school=school,
        name="Maths with Mrs Marchbanks",
        programme=f.ProgrammeFactory(school=school, name="Counting Stars", summary="Short number games each day."),
        area="maths",
        subject=f.SubjectFactory(school=school, name="Maths"),
        scale=maths,
        days=[0, 2, 4],
        start_date=dt.date(2026, 9, 14),
        end_date=dt.date(2026, 12, 11),
    )
    InterventionStaff.objects.create(intervention=now, user=ta, role="ta")
    placement = f.PlacementFactory(
        intervention=now,
        pupil=evie,
        entry_value=82,
        target_value=87,
        pupil_target="I want to know my times tables",
        entry_rating=2,
    )
    for day, present in ((dt.date(2026, 9, 14), True), (dt.date(2026, 9, 16), True), (dt.date(2026, 9, 18), False)):
        Attendance.objects.create(
            session=f.SessionFactory(intervention=now, date=day), placement=placement, present=present
        )
    reading = f.ScaleFactory(school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216)
    before = f.InterventionFactory(
        school=school,
        name="Reading boosters",
        area="reading",
        subject=f.SubjectFactory(school=school, name="Reading"),
        scale=reading,
        days=[1, 3],
        start_date=dt.date(2026, 1, 12),
        end_date=dt.date(2026, 5, 12),
        status="completed",
    )
    InterventionStaff.objects.create(intervention=before, user=ta, role="hlta")
    f.PlacementFactory(
        intervention=before,
        pupil=evie,
        entry_date=dt.date(2026, 1, 12),
        entry_value=95,
        target_value=101,
        exit_date=dt.date(2026, 5, 12),
        exit_value=104,
        exit_reason="completed",
        outcome="met",
        entry_rating=2,
        exit_rating=4,
    )
    item = {"what": "Counting Stars", "how_often": "3 times a week", "group": "In a small group",
            "who": "A teaching assistant", "pupils": "A small number of pupils", "when": ""}  # fmt: skip
    PublishedOffer.objects.create(
        school=school,
        period_label="Autumn 2026/27",
        content={
            "sections": [
                {
                    "view": "year",
                    "heading": "Support for each year group",
                    "intro": "What each year group can get, on top of good teaching.",
                    "groups": [
                        {
                            "title": "Year 4",
                            "about": "",
                            "kinds": [{"title": "Extra help to catch up", "about": "", "items": [item]}],
                        }
                    ],  # fmt: skip
                }
            ]
        },
    )
    return school


def assert_fits_a_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{what} scrolls sideways on a phone ({width}px)"
    targets = "main a.btn, main button, .family-back, .family-child-link, .family-about summary"
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
             .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
             .map(el => el.textContent.trim())""",
        targets,
    )
    assert not small, f"{what}: tap targets under 44px high: {small}"


def test_parent_accepts_an_invitation_and_reads_their_childs_support_on_a_phone(page, phone_page, live_server, school):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        # The SENCO invites Evie's mother from Evie's profile.
        sign_in(page, live_server, "senco", f.PASSWORD)
        evie = school.pupils.get(legal_first_name="Evie")
        page.goto(f"{live_server.url}/pupils/{evie.pk}/")
        page.get_by_role("link", name="Invite to see their child's support").click()
        page.wait_for_load_state("domcontentloaded")
        assert "They will see this child" in page.content()
        screenshot(page, "family_invite_form")
        page.get_by_role("button", name="Send the invitation").click()
        page.wait_for_load_state("domcontentloaded")
        assert "Invitation sent to dana@example.org" in page.content()
        assert "Withdraw the invitation" in page.content()
        screenshot(page, "family_invite_sent")

        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dana@example.org"]
        link = LINK.search(mail.outbox[0].body).group(0)
        assert link.startswith(live_server.url)

        # The parent opens the link on a phone and sets a password.
        phone_page.goto(link)
        assert "Set up your account" in phone_page.content()
        screenshot(phone_page, "family_accept_phone")
        assert_accessible(phone_page, "the invitation page")
        assert_fits_a_phone(phone_page, "the invitation page")
        phone_page.get_by_label("Choose a password").fill(PARENT_PASSWORD)
        phone_page.get_by_label("Type the same password again").fill(PARENT_PASSWORD)
        phone_page.get_by_role("button", name="Save my password and continue").click()
        phone_page.wait_for_load_state("domcontentloaded")

        # Their home page lists Evie.
        assert phone_page.url == f"{live_server.url}/family/"
        html = phone_page.content()
        assert "My children" in html and "Evie Atkinson" in html and "Gets 1 kind of extra help now" in html
        screenshot(phone_page, "family_home_phone")
        assert_accessible(phone_page, "the family home page")
        assert_fits_a_phone(phone_page, "the family home page")

        # Evie's page: the support now and how earlier support went, in plain words.
        phone_page.get_by_role("link", name="See Evie's page").click()
        phone_page.wait_for_load_state("domcontentloaded")
        html = phone_page.content()
        for words in (
            "Help Evie gets now",
            "Counting Stars",
            "3 times a week (Monday, Wednesday and Friday), 30 minutes each time",
            "A teaching assistant",
            "Evie went to 2 of the 3 sessions so far.",
            "I want to know my times tables",
            "Reading age went up 9 months in 4 months.",
            "Evie reached the target.",
            "Ms Shah",
        ):
            assert words in html, words
        for hidden in ("Marchbanks", "Gwendolyn", "SPLD", evie.upn):
            assert hidden not in html, hidden
        screenshot(phone_page, "family_child_phone")
        assert_accessible(phone_page, "the child's page")
        assert_fits_a_phone(phone_page, "the child's page")
        phone_page.get_by_text("What is Counting Stars?").click()
        assert phone_page.get_by_text("Short number games each day.").is_visible()

        # The school's published offer, from the child's page.
        phone_page.get_by_role("link", name="What support Hazel Grove Primary offers").click()
        phone_page.wait_for_load_state("domcontentloaded")
        assert "Support at Hazel Grove Primary" in phone_page.content()
        screenshot(phone_page, "family_offer_phone")
        assert_accessible(phone_page, "the public offer page")
        assert_fits_a_phone(phone_page, "the public offer page")

        # The link was used: opening it again shows the dead-link page, which gives nothing away.
        response = phone_page.goto(link)
        assert response.status == 404
        html = phone_page.content()
        assert "This link does not work" in html and "Evie" not in html
        screenshot(phone_page, "family_link_used_phone")
        assert_accessible(phone_page, "the dead-link page")


def test_the_accessibility_check_fails_on_a_real_problem(phone_page):
    """The axe helper is only worth its green tick if it goes red: an unlabelled field is a critical violation."""
    phone_page.set_content('<html lang="en"><head><title>x</title></head><body><main><input></main></body></html>')
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(phone_page, "a page with an unlabelled field")
