"""The results import keeps what the grid keeps: absence marks are stored as absences (a score over an absence and
an absence over a score as the grid's ``results_save`` does), and a cell someone changed between the preview and
the confirm is never silently overwritten."""

from __future__ import annotations

from functools import partial

import pytest
from django.urls import reverse

from pupils.imports.results_apply import results_import_file
from pupils.models import Absence, DataImport, ImportStatus, Result
from pupils.services import results_save
from tests.pupils import import_helpers
from tests.pupils.import_helpers import FILES, preview_url

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

upload = partial(import_helpers.upload, url=reverse("pupils:results_import_upload"))


def cells(school) -> dict[tuple[str, str], str]:
    """What each cell holds, as the grid would show it: a result's text, or "absent: <mark>"."""
    held = {
        (r.pupil.legal_first_name, r.assessment.name): r.typed
        for r in Result.objects.filter(pupil__school=school).select_related("pupil", "assessment")
    }
    for a in Absence.objects.filter(pupil__school=school).select_related("pupil", "assessment"):
        key = (a.pupil.legal_first_name, a.assessment.name)
        assert key not in held, "a cell holds a result and an absence"
        held[key] = f"absent: {a.typed}"
    return held


def grid_save(rw, user, typed: dict[tuple[str, str], str]) -> None:
    """Save cells as the results grid saves them (``results_save``), as ``user``."""
    keys = {(p, a): (rw.pupils[p].pk, rw.assessments[a].pk) for p, a in typed}
    outcome = results_save(
        pupils=list(rw.pupils.values()),
        assessments=list(rw.assessments.values()),
        entries={keys[cell]: value for cell, value in typed.items()},
        by=user,
    )
    assert not outcome.errors and not outcome.conflicts


# Before each file: Ben has 96 in the autumn reading test, Cara is marked absent from it.
BEFORE = {("ben", "autumn_reading"): "96", ("cara", "autumn_reading"): "Abs"}
# What the files type (results_absences.csv; the wide file says the same with other marks and a blank).
TYPED = {
    ("ava", "autumn_reading"): "Abs",
    ("ben", "autumn_reading"): "A",
    ("cara", "autumn_reading"): "105",
    ("dan", "autumn_reading"): "-",
    ("ava", "spelling"): "99",
}


def test_a_csv_stores_absences_and_replaces_as_the_grid_does(world, rw):
    grid_save(rw, world.users["teacher"], BEFORE)
    result = results_import_file(
        school=world.school,
        content=(FILES / "results_absences.csv").read_bytes(),
        filename="results_absences.csv",
        dry_run=False,
        by=world.users["senco"],
    )
    assert result.summary() == "created 1, updated 1, unchanged 0, rejected 0, 3 absences recorded"
    assert [(c.line, c.pupil_name, c.old, c.new) for c in result.absent_sample] == [
        (2, "Ng, Ava", "", "Abs"),
        (3, "Ola, Ben", "96", "A"),  # an absence over a score: the score goes
        (5, "Eze, Dan", "", "-"),
    ]
    assert [(c.line, c.old, c.new) for c in result.updated_sample] == [(4, "Abs", "105")]  # a score over absent
    imported = cells(world.school)
    assert imported == {
        ("Ava", "Autumn reading test"): "absent: Abs",
        ("Ben", "Autumn reading test"): "absent: A",
        ("Cara", "Autumn reading test"): "105",
        ("Dan", "Autumn reading test"): "absent: -",
        ("Ava", "Spelling test"): "99",
    }
    assert set(Absence.objects.values_list("entered_by", flat=True)) == {world.users["senco"].pk}

    # The grid, given the same cells over the same start, ends the same way.
    Result.objects.all().delete()
    Absence.objects.all().delete()
    grid_save(rw, world.users["teacher"], BEFORE)
    grid_save(rw, world.users["teacher"], TYPED)
    assert cells(world.school) == imported


def test_an_excel_mark_book_stores_absences_and_the_preview_counts_them(client, world, rw):
    grid_save(rw, world.users["teacher"], BEFORE)
    client.force_login(world.users["senco"])
    upload(client, "results_absences_wide.xlsx")
    record = DataImport.objects.get()
    response = client.get(preview_url(record))
    result, page = response.context["result"], response.content.decode()
    assert result.summary() == "created 1, updated 1, unchanged 0, rejected 0, 3 absences recorded"
    assert result.blank_count == 1
    assert "absences recorded" in page and 'id="absent-rows"' in page and "96 &rarr; Absent" in page
    assert "Confirm: create 1 and update 1 results, record 3 absences" in page
    assert cells(world.school) == {("Ben", "Autumn reading test"): "96", ("Cara", "Autumn reading test"): "absent: Abs"}

    response = client.post(preview_url(record), {"action": "confirm"}, follow=True)
    assert any("3 absences recorded" in str(message) for message in response.context["messages"])
    assert cells(world.school) == {
        ("Ava", "Autumn reading test"): "absent: ABS",
        ("Ava", "Spelling test"): "99",
        ("Ben", "Autumn reading test"): "absent: Absent",
        ("Cara", "Autumn reading test"): "105",
        ("Cara", "Spelling test"): "absent: N/A",
    }


def test_a_grid_edit_between_preview_and_confirm_is_not_overwritten(client, world, rw):
    grid_save(rw, world.users["teacher"], BEFORE)
    client.force_login(world.users["senco"])
    upload(client, "results_absences.csv")
    record = DataImport.objects.get()
    assert client.get(preview_url(record)).context["result"].rejected_count == 0

    # Meanwhile, in the grid: Ben's 96 becomes 98, Ava (blank when previewed) gets 101, and Cara's absence is
    # typed again as the file says (105: no conflict, nothing to overwrite).
    teacher = world.users["teacher"]
    grid_save(rw, teacher, {("ben", "autumn_reading"): "98", ("ava", "autumn_reading"): "101"})
    grid_save(rw, teacher, {("cara", "autumn_reading"): "105"})

    response = client.post(preview_url(record), {"action": "confirm"}, follow=True)
    record.refresh_from_db()
    # Results refuse bad rows one by one (not all or nothing): the two changed cells are refused, the rest applied.
    assert record.status == ImportStatus.APPLIED and record.rejected_count == 2
    name = teacher.get_full_name() or teacher.get_username()
    assert [(row["line"], row["column"], row["value"]) for row in record.rejected_rows] == [
        (2, "Result", "Abs"),
        (3, "Result", "A"),
    ]
    assert record.rejected_rows[0]["reason"] == (
        f"Ng, Ava ({rw.pupils['ava'].upn}), Autumn reading test (05/10/2026): changed by {name} at 01/11/2026 12:00 "
        "since this file was previewed (now '101'). Not overwritten: import the file again to replace it"
    )
    assert "Ola, Ben" in record.rejected_rows[1]["reason"] and "(now '98')" in record.rejected_rows[1]["reason"]
    page = response.content.decode()
    assert "changed by someone else since the preview were not overwritten" in page
    assert "since this file was previewed" in page  # the applied page lists the refused rows
    assert cells(world.school) == {
        ("Ava", "Autumn reading test"): "101",
        ("Ben", "Autumn reading test"): "98",
        ("Cara", "Autumn reading test"): "105",
        ("Dan", "Autumn reading test"): "absent: -",
        ("Ava", "Spelling test"): "99",
    }


def test_another_import_landing_between_preview_and_confirm_is_not_overwritten(client, world, rw):
    client.force_login(world.users["senco"])
    upload(client, "results_absences.csv")
    first = DataImport.objects.get()
    # Another file lands first: Ava's spelling test becomes 101 (the first file, previewed on a blank, says 99).
    other = b"UPN,Assessment,Result\r\n" + rw.pupils["ava"].upn.encode() + b",Spelling test,101\r\n"
    upload(client, "other.csv", other)
    second = DataImport.objects.exclude(pk=first.pk).get()
    client.post(preview_url(second), {"action": "confirm"})
    client.post(preview_url(first), {"action": "confirm"})
    first.refresh_from_db()
    assert first.rejected_count == 1 and first.rejected_rows[0]["line"] == 6
    assert "Spelling test (05/10/2026): changed by" in first.rejected_rows[0]["reason"]
    assert cells(world.school)[("Ava", "Spelling test")] == "101"
    assert cells(world.school)[("Dan", "Autumn reading test")] == "absent: -"


def test_checking_again_after_a_change_lets_the_file_replace_it(client, world, rw):
    client.force_login(world.users["senco"])
    upload(client, "results_absences.csv")
    record = DataImport.objects.get()
    grid_save(rw, world.users["teacher"], {("ava", "autumn_reading"): "101"})
    client.post(preview_url(record), {"action": "recheck"})  # the user sees 101 -> Abs now
    assert client.get(preview_url(record)).context["result"].absent_sample[0].old == "101"
    client.post(preview_url(record), {"action": "confirm"})
    record.refresh_from_db()
    assert record.rejected_count == 0 and cells(world.school)[("Ava", "Autumn reading test")] == "absent: Abs"


@pytest.mark.parametrize("name", ["results_absences.csv", "results_absences_wide.xlsx"])
def test_a_rerun_of_the_same_file_changes_nothing(client, world, rw, name):
    grid_save(rw, world.users["teacher"], BEFORE)
    client.force_login(world.users["senco"])
    upload(client, name)
    client.post(preview_url(DataImport.objects.get()), {"action": "confirm"})
    before = (list(Result.objects.order_by("pk").values()), list(Absence.objects.order_by("pk").values()))
    upload(client, name)
    record = DataImport.objects.get(status=ImportStatus.PREVIEW)
    result = client.get(preview_url(record)).context["result"]
    assert (result.created_count, result.updated_count, result.absent_count, result.rejected_count) == (0, 0, 0, 0)
    assert result.unchanged_count == len(result.seen) > 0
    client.post(preview_url(record), {"action": "confirm"})
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and record.rejected_count == 0
    # Not even updated_at or entered_by.
    assert (list(Result.objects.order_by("pk").values()), list(Absence.objects.order_by("pk").values())) == before
