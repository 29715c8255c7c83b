"""Classes over time: recorded when a pupil's class changes (an MIS import, or their record edited), and read back
so that a past term's map places pupils in the class and year group they were in then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from interventions.models import StaffRate
from pupils.imports.pupil_apply import import_parse, pupils_import
from pupils.models import PastClass
from pupils.reference import class_on
from pupils.services import past_classes_record
from reports.maps.build import build_map, period_for_term, period_for_year
from tests import factories as f

D = dt.date
UNKNOWN = "unknown"


def test_class_on_reads_the_records_then_the_current_class():
    history = [(None, D(2025, 8, 31), "2R"), (D(2025, 9, 1), D(2026, 1, 9), "3B")]
    now = D(2026, 12, 5)
    assert class_on(D(2025, 3, 1), current="4A", history=history, now=now, unknown=UNKNOWN) == "2R"
    assert class_on(D(2025, 10, 1), current="4A", history=history, now=now, unknown=UNKNOWN) == "3B"
    assert class_on(D(2026, 3, 1), current="4A", history=history, now=now, unknown=UNKNOWN) == "4A"
    # A record with a known start: a day before it is not known.
    gap = [(D(2025, 9, 1), D(2026, 1, 9), "3B")]
    assert class_on(D(2025, 6, 1), current="4A", history=gap, now=now, unknown=UNKNOWN) == UNKNOWN
    # Nothing recorded: the current class holds from the start of this academic year, not before.
    assert class_on(D(2026, 9, 3), current="4A", history=[], now=now, unknown=UNKNOWN) == "4A"
    assert class_on(D(2026, 3, 1), current="4A", history=[], now=now, unknown=UNKNOWN) == UNKNOWN
    # A pupil who left in July 2026: "now" is when they left, so their class held for 2025/26.
    assert class_on(D(2025, 11, 1), current="6C", history=[], now=D(2026, 7, 20), unknown=UNKNOWN) == "6C"


@pytest.mark.django_db
def test_an_import_that_moves_pupils_up_records_their_old_class(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 3, 9, 0), tick=False)
    pupil = world.pupils[0]  # Year 3, class 3B
    row = f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},14/03/2019,4,4Z"
    content = ("UPN,Surname,Forename,DOB,Year,Reg\r\n" + row + "\r\n").encode()
    parsed = import_parse(school=world.school, content=content, filename="export.csv")
    preview = pupils_import(school=world.school, parsed=parsed, dry_run=True)
    assert preview.updated[0].class_changed and not PastClass.objects.exists()  # a preview writes nothing
    pupils_import(school=world.school, parsed=parsed, dry_run=False)
    [record] = PastClass.objects.filter(pupil=pupil)
    assert (record.name, record.year_group, record.since, record.until) == ("3B", 3, None, D(2026, 9, 2))
    # The same file again changes nothing, so records nothing.
    pupils_import(school=world.school, parsed=parsed, dry_run=False)
    assert PastClass.objects.filter(pupil=pupil).count() == 1
    # A later move starts where the last record ended.
    time_machine.move_to(dt.datetime(2027, 1, 11, 9, 0), tick=False)
    moved = content.replace(b",4Z", b",4Y")
    pupils_import(
        school=world.school, parsed=import_parse(school=world.school, content=moved, filename="e.csv"), dry_run=False
    )
    later = PastClass.objects.filter(pupil=pupil).order_by("until").last()
    assert (later.name, later.since, later.until) == ("4Z", D(2026, 9, 3), D(2027, 1, 10))


@pytest.mark.django_db
def test_editing_a_pupils_class_records_the_old_one(client, world, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 9, 0), tick=False)
    pupil = world.pupils[1]
    other = f.TeachingGroupFactory(school=world.school, name="3C", year_group=3)
    client.force_login(world.users["admin"])
    data = {
        "upn": pupil.upn, "legal_first_name": pupil.legal_first_name, "legal_last_name": pupil.legal_last_name,
        "preferred_first_name": "", "preferred_last_name": "", "date_of_birth": "2019-03-14", "gender": "F",
        "year_group": "3", "registration_group": str(other.pk), "sen_status": "N", "primary_need": "",
        "secondary_need": "", "sen_identified_on": "", "sen_review_due": "", "admitted_on": "", "left_on": "",
    }  # fmt: skip
    assert client.post(reverse("pupils:edit", args=[pupil.pk]), data).status_code == 302
    [record] = PastClass.objects.filter(pupil=pupil)
    assert (record.group.name, record.until) == ("3B", D(2026, 11, 1))
    assert client.post(reverse("pupils:edit", args=[pupil.pk]), data).status_code == 302  # no change, no record
    assert PastClass.objects.filter(pupil=pupil).count() == 1


@pytest.mark.django_db
def test_two_changes_on_one_day_keep_the_first_class_only(world):
    pupil = world.pupils[0]
    past_classes_record(changes=[(pupil, pupil.registration_group)], on=D(2026, 10, 1))
    past_classes_record(changes=[(pupil, None)], on=D(2026, 10, 1))
    assert list(PastClass.objects.values_list("name", "until")) == [("3B", D(2026, 9, 30))]


@pytest.fixture
def last_year(world):
    """A Year 3 group of 2025/26 (its own year groups say Year 3) with two of today's Year 4 pupils, whose
    Year 3 class was recorded when they moved up; and one who joined since, with nothing recorded."""
    school = world.school
    f.school_year(school, start_year=2025)
    StaffRate.objects.create(school=school, role="ta", hourly_rate=Decimal("18"))
    now_4a = f.TeachingGroupFactory(school=school, name="4A", year_group=4)
    old_3b = world.pupils[0].registration_group
    group = f.InterventionFactory(
        school=school, name="Inference training: Year 3 (Spring 2026)", year_groups=[3], status="completed",
        start_date=D(2026, 1, 12), end_date=D(2026, 3, 20),
    )  # fmt: skip
    pupils = []
    for name, recorded in (("Ava", True), ("Ben", True), ("Cy", False)):
        pupil = f.PupilFactory(
            school=school, legal_first_name=name, year_group=4, date_of_birth=D(2018, 3, 14), registration_group=now_4a
        )
        if recorded:
            PastClass.objects.create(pupil=pupil, group=old_3b, name="3B", year_group=3, until=D(2026, 8, 31))
        f.PlacementFactory(intervention=group, pupil=pupil, exit_date=D(2026, 3, 20), exit_reason="completed")
        pupils.append(pupil)
    return {
        "group": group,
        "pupils": pupils,
        "spring": school.academic_years.get(start_year=2025).terms.get(name="spring"),
    }


@pytest.mark.django_db
def test_a_2025_26_map_puts_a_year_3_group_of_that_year_in_the_year_3_row(world, last_year, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 5, 10, 0), tick=False)
    year = world.school.academic_years.get(start_year=2025)
    for period in (period_for_year(year), period_for_term(last_year["spring"])):
        pmap = build_map(user=world.users["senco"], school=world.school, period=period)
        rows = {row.key: row for row in pmap.rows}
        assert [p.name for p in rows["3"].cells[2].provisions] == ["Inference training: Year 3 (Spring 2026)"]
        assert rows["3"].pupil_count == 3 and not rows["4"].cells[2].provisions
        assert pmap.past and pmap.as_they_were == (
            f"Pupils are placed by the year group and class they were in during {period.label}."
        )
    classes = build_map(user=world.users["senco"], school=world.school, period=period_for_year(year), view="class")
    assert {row.label: row.pupil_count for row in classes.rows} == {"3B": 2, "Class not recorded for then": 1}
    # This year's map places the same pupils as they are now.
    this_year = build_map(
        user=world.users["senco"],
        school=world.school,
        period=period_for_year(world.school.academic_years.get(start_year=2026)),
    )
    assert not this_year.past and "in this period" in this_year.as_they_were


@pytest.mark.django_db
def test_the_map_page_and_exports_say_how_rows_are_placed(client, world, last_year, time_machine):
    import csv
    import io

    from openpyxl import load_workbook

    time_machine.move_to(dt.datetime(2026, 12, 5, 10, 0), tick=False)
    year = world.school.academic_years.get(start_year=2025)
    client.force_login(world.users["senco"])
    page = client.get(reverse("reports:map"), {"year": year.pk}).content.decode()
    assert "Pupils are placed by the year group and class they were in during 2025/26." in page
    body = client.get(reverse("reports:map_csv"), {"year": year.pk}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    inference = next(r for r in rows if r["Provision"].startswith("Inference"))
    assert inference["Row"] == "Year 3" and inference["Rows placed by"] == "year group and class then"
    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:map_xlsx"), {"year": year.pk}).content))
    assert (
        workbook["Year group"]["A3"].value
        == "Pupils are placed by the year group and class they were in during 2025/26."
    )
