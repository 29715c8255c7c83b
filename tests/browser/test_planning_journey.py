"""Planning from "who needs support" in real Chromium: the SENCO ticks two Year 4 pupils below on the reading test,
picks a programme and plans a group; the form arrives filled in for them (subject, year group, scale, a term's
dates, "Reading detectives: Year 4 (Spring 2027)"), the tutor trained in the programme is listed first and the
untrained teacher is flagged before saving, and changing the programme relabels both at once. Saving goes on to
adding the two pupils with their reading test as the baseline, and the group's page lists them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from interventions.models import Intervention, Training
from provision.models import Role
from pupils.models import Result
from tests import factories as f
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

TODAY = dt.datetime(2026, 12, 8, 10, 0)  # a Tuesday, eight school days before the autumn term ends


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    f.staff(school, Role.SENCO, username="senco", first_name="Priya", last_name="Shah")
    tutor = f.staff(school, Role.TA, username="tutor", first_name="Zoe", last_name="Young")
    f.staff(school, Role.TEACHER, username="teacher", first_name="Adam", last_name="Ash")
    programme = f.ProgrammeFactory(school=school, name="Reading detectives", area="reading", weeks=None)
    Training.objects.create(school=school, user=tutor, programme=programme, trained_on=dt.date(2025, 9, 1))
    reading = f.SubjectFactory(school=school, name="Reading")
    scale = f.ScaleFactory(school=school, name="Standardised score", expected=85)
    test = f.AssessmentFactory(
        school=school, subject=reading, scale=scale, name="Autumn reading test", taken_on=dt.date(2026, 11, 23)
    )
    group = f.TeachingGroupFactory(school=school, name="Rowan", year_group=4)
    for last, score in (("Begum", 76), ("Nowak", 79), ("Reid", 82)):
        pupil = f.PupilFactory(
            school=school, legal_first_name="Sam", legal_last_name=last, year_group=4,
            date_of_birth=dt.date(2017, 10, 1), registration_group=group,
        )  # fmt: skip
        Result.objects.create(pupil=pupil, assessment=test, value=score, typed=str(score))
    return school


@pytest.mark.parametrize("width", [390, 1280])
def test_ticked_pupils_go_straight_into_a_planned_group(browser, live_server, school, width):
    with time_machine.travel(TODAY, tick=True):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Scripts refused by the Content-Security-Policy, or failing (a missing favicon is no error of the page).
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Refused" in m.text else None)
        sign_in(page, live_server, "senco", f.PASSWORD)
        page.goto(live_server.url + reverse("reports:identification"))
        page.get_by_label("Choose Sam Begum").check()
        page.get_by_label("Choose Sam Nowak").check()
        page.get_by_label("Plan a new group for the ticked pupils, with the programme").select_option(
            label="Reading detectives"
        )
        page.get_by_role("button", name="Plan a group for the ticked pupils").click()
        page.wait_for_url("**/interventions/new/**")

        assert "For the 2 pupils you ticked in Reading" in page.content()
        name = page.locator("#id_name")
        assert name.input_value() == "Reading detectives: Year 4 (Spring 2027)"
        assert page.locator("#id_start_date").input_value() == "2027-01-05"
        assert page.locator("#id_end_date").input_value() == "2027-03-26"
        assert page.locator("#id_subject option:checked").inner_text() == "Reading"
        assert page.locator("#id_scale option:checked").inner_text().startswith("Standardised score")
        assert page.get_by_label("Year 4").is_checked() and not page.get_by_label("Year 3").is_checked()
        lead = page.locator("#id_lead option")
        assert lead.nth(1).inner_text() == "Zoe Young"  # trained: first
        assert "Adam Ash (not trained in Reading detectives)" in lead.all_inner_texts()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page, f"planning a group at {width}px")
        screenshot(page, f"planning-form-{width}")

        # No programme: nobody is flagged, and the suggested name follows; back again, flagged again.
        page.locator("#id_programme").select_option(index=0)
        assert not any("not trained" in text for text in lead.all_inner_texts())
        assert name.input_value() == "Reading: Year 4 (Spring 2027)"
        page.locator("#id_programme").select_option(label="Reading detectives")
        assert (
            "Adam Ash (not trained in Reading detectives)" in page.locator("#id_staff-0-user option").all_inner_texts()
        )
        assert name.input_value() == "Reading detectives: Year 4 (Spring 2027)"

        page.locator("#id_lead").select_option(label="Zoe Young")
        page.get_by_role("button", name="Plan it").click()
        page.wait_for_url("**/pupils/add/**")
        for last in ("Begum", "Nowak"):
            assert f"{last}, Sam" in page.content() or f"Sam {last}" in page.content()
        assert "Reid" not in page.locator("main").inner_text()
        page.get_by_role("button", name="Add to Reading detectives: Year 4 (Spring 2027)").click()
        page.wait_for_load_state("domcontentloaded")
        group = Intervention.objects.get(name="Reading detectives: Year 4 (Spring 2027)")
        assert page.url.endswith(reverse("interventions:detail", args=[group.pk]))
        assert sorted(p.pupil.legal_last_name for p in group.placements.select_related("pupil")) == ["Begum", "Nowak"]
        assert sorted(group.placements.values_list("entry_value", flat=True)) == [76, 79]
        screenshot(page, f"planning-group-{width}")
        context.close()
        assert not errors, errors
