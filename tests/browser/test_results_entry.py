"""A teacher enters a row of results with one bad cell, sees why, fixes it and saves: in real Chromium."""

from __future__ import annotations

import datetime as dt

import pytest

from provision.models import Role
from pupils.models import Result, ScaleKind
from tests import factories as f
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def teachers_class(transactional_db):
    school = f.SchoolFactory(name="Hazel Grove Primary")
    f.school_year(school)
    group = f.TeachingGroupFactory(school=school, name="Willow", year_group=3)
    teacher = f.staff(school, Role.TEACHER, username="teacher", first_name="Tom", last_name="Hughes")
    group.teachers.add(teacher)
    pupils = [
        f.PupilFactory(school=school, registration_group=group, legal_first_name=first, legal_last_name=last)
        for first, last in (("Aisha", "Begum"), ("Callum", "Reid"), ("Maja", "Nowak"))
    ]
    reading = f.AssessmentFactory(school=school, name="Autumn reading", taken_on=dt.date(2026, 10, 5))
    age = f.ScaleFactory(school=school, name="Spelling age", kind=ScaleKind.AGE, min_value=36, max_value=216,
                         expected=None, high=None, drop_concern=None)  # fmt: skip
    spelling = f.AssessmentFactory(
        school=school, name="Spelling test", scale=age, subject=f.SubjectFactory(school=school, name="Spelling"),
        taken_on=dt.date(2026, 10, 12),
    )  # fmt: skip
    return {"pupils": pupils, "reading": reading, "spelling": spelling}


def test_teacher_fixes_a_bad_cell_and_saves(page, live_server, teachers_class):
    begum = teachers_class["pupils"][0]
    sign_in(page, live_server, "teacher", f.PASSWORD)
    page.goto(f"{live_server.url}/pupils/results/")
    first = page.get_by_label("Aisha Begum, Reading Autumn reading")
    first.click()
    first.fill("94")
    page.keyboard.press("Tab")  # Tab moves across the row to the spelling age
    page.keyboard.type("7:13")
    page.get_by_role("button", name="Save results").click()

    bad = page.get_by_label("Aisha Begum, Spelling Spelling test")
    assert bad.input_value() == "7:13"  # what was typed is kept
    assert "is-invalid" in bad.get_attribute("class")
    assert "months run from 0 to 11" in page.locator("main").inner_text()
    screenshot(page, "results-grid-error")
    assert Result.objects.get(pupil=begum, assessment=teachers_class["reading"]).value == 94

    bad.fill("7:11")
    page.get_by_role("button", name="Save results").click()
    page.wait_for_selector(".alert-success")
    assert not page.locator("input.is-invalid").count()
    saved = Result.objects.get(pupil=begum, assessment=teachers_class["spelling"])
    assert (saved.value, saved.typed) == (95, "7:11")


def test_pasting_a_column_fills_down_and_enter_moves_down(page, live_server, teachers_class):
    sign_in(page, live_server, "teacher", f.PASSWORD)
    page.goto(f"{live_server.url}/pupils/results/")
    first = page.get_by_label("Aisha Begum, Reading Autumn reading")
    first.click()
    # Paste a column of three values copied from a spreadsheet.
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.setData('text/plain', '101\\r\\n88\\r\\n112\\r\\n');
            document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }"""
    )
    # Rows are in surname order: Begum, Nowak, Reid.
    assert page.get_by_label("Maja Nowak, Reading Autumn reading").input_value() == "88"
    assert page.get_by_label("Callum Reid, Reading Autumn reading").input_value() == "112"
    first.press("Enter")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Maja Nowak, Reading Autumn reading"
    page.get_by_role("button", name="Save results").click()
    page.wait_for_selector(".alert-success")
    values = sorted(Result.objects.filter(assessment=teachers_class["reading"]).values_list("value", flat=True))
    assert values == [88, 101, 112]
