"""The results grid takes the same marks for "did not sit" as the file import, stores them as absences (never
as a score), shows them back, and keeps the conflict rules of two people with the grid open."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.test import Client
from django.urls import reverse

from pupils import scales
from pupils.imports import results_parsing
from pupils.models import Absence, Result, ScaleKind
from tests import factories as f
from tests.pupils.grid_helpers import grid_cell, grid_form, signed_in


def _cells(client: Client, url: str) -> dict[int, dict]:
    return {pupil.pk: cells[0] for pupil, cells in client.get(url).context["rows"]}


def test_the_grid_and_the_import_share_one_list_of_absence_marks():
    assert results_parsing.NOT_SAT is scales.ABSENCE_MARKERS
    assert {"ABS", "ABSENT", "A"} <= scales.ABSENCE_MARKERS
    standardised = scales.ScaleSpec(kind=scales.STANDARDISED, min_value=40, max_value=160)
    assert scales.is_absence(standardised, "abs") and scales.is_absence(standardised, " A ")
    assert not scales.is_absence(standardised, "95") and not scales.is_absence(standardised, "Away")
    # A band scale that has a band coded "A" reads it as that band.
    bands = scales.ScaleSpec(kind=scales.BANDS, bands=("Below", "At"), band_codes=("B", "A"))
    assert not scales.is_absence(bands, "A")


@pytest.mark.django_db
@pytest.mark.parametrize("mark", ["Abs", "Absent", "A", "abs", "absent", "a", "N/A", "-", "Not sat", "DNS"])
def test_each_absence_mark_is_stored_as_absent_and_shown_back(world, grid, mark):
    a = world.pupils[0]
    reading = grid["reading"]
    teacher = signed_in(world.users["teacher"])
    page = grid_form(teacher, grid["url"])
    page[grid_cell(a, reading)] = mark
    response = teacher.post(grid["url"], page, follow=True)
    assert "0 results saved, 1 marked absent." in response.content.decode()
    assert not Result.objects.exists()  # never a score
    absence = Absence.objects.get()
    assert (absence.pupil, absence.assessment, absence.typed, absence.entered_by) == (
        a, reading, mark, world.users["teacher"]
    )  # fmt: skip
    cell = _cells(teacher, grid["url"])[a.pk]
    assert cell["value"] == mark and cell["original"] == mark and cell["absent"]
    html = teacher.get(grid["url"]).content.decode()
    assert 'class="absent-note"' in html and "result-absent" in html
    # Saved again unchanged: nothing written.
    assert signed_in(world.users["teacher"]).post(grid["url"], grid_form(teacher, grid["url"])).status_code == 302
    assert Absence.objects.get().pk == absence.pk


@pytest.mark.django_db
def test_a_word_that_is_not_an_absence_mark_is_still_refused(world, grid):
    a = world.pupils[0]
    teacher = signed_in(world.users["teacher"])
    page = grid_form(teacher, grid["url"])
    page[grid_cell(a, grid["reading"])] = "Away"
    response = teacher.post(grid["url"], page)
    assert response.status_code == 200
    assert "is not a number" in _cells_from(response)[a.pk]["error"]
    assert not Absence.objects.exists() and not Result.objects.exists()


def _cells_from(response) -> dict[int, dict]:
    return {pupil.pk: cells[0] for pupil, cells in response.context["rows"]}


@pytest.mark.django_db
def test_absent_replaces_a_score_and_a_score_replaces_absent_and_a_blank_clears_it(world, grid):
    a, b, _c = world.pupils
    reading = grid["reading"]
    Result.objects.create(pupil=a, assessment=reading, value=90, typed="90")
    teacher = signed_in(world.users["teacher"])
    page = grid_form(teacher, grid["url"])
    page[grid_cell(a, reading)] = "Abs"
    page[grid_cell(b, reading)] = "A"
    teacher.post(grid["url"], page)
    assert not Result.objects.exists()
    assert set(Absence.objects.values_list("pupil_id", "typed")) == {(a.pk, "Abs"), (b.pk, "A")}
    # The pupil sat it after all: the score replaces the absence.
    page = grid_form(teacher, grid["url"])
    page[grid_cell(a, reading)] = "96"
    page[grid_cell(b, reading)] = ""
    response = teacher.post(grid["url"], page, follow=True)
    assert "1 result saved, 1 cleared." in response.content.decode()
    assert list(Result.objects.values_list("pupil_id", "value")) == [(a.pk, 96.0)]
    assert not Absence.objects.exists()
    # Every change is in the audit trail, in the school's words.
    absences = LogEntry.objects.filter(content_type__model="absence")
    assert sorted(absences.values_list("action", flat=True)) == [
        LogEntry.Action.CREATE, LogEntry.Action.CREATE, LogEntry.Action.DELETE, LogEntry.Action.DELETE
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_band_coded_a_is_a_band_not_an_absence(world):
    scale = f.ScaleFactory(school=world.school, name="Teacher assessment", kind=ScaleKind.BANDS, min_value=None,
                           max_value=None, expected=None, high=None)  # fmt: skip
    for rank, (label, code) in enumerate([("Below", "B"), ("At", "A")], 1):
        scale.bands.create(rank=rank, label=label, code=code)
    assessment = f.AssessmentFactory(school=world.school, name="Writing TA", scale=scale)
    a = world.pupils[0]
    url = reverse("pupils:results_grid") + f"?group={a.registration_group.pk}&a={assessment.pk}"
    teacher = signed_in(world.users["teacher"])
    page = grid_form(teacher, url)
    page[grid_cell(a, assessment)] = "A"
    assert teacher.post(url, page).status_code == 302
    assert list(Result.objects.values_list("value", "typed")) == [(2.0, "A")] and not Absence.objects.exists()


@pytest.mark.django_db
def test_absences_follow_the_conflict_rules(world, grid):
    """Two people with the grid open: an absence marked meanwhile is a change like any other."""
    a, b, _c = world.pupils
    reading = grid["reading"]
    teacher, senco = signed_in(world.users["teacher"]), signed_in(world.users["senco"])
    teachers_page, sencos_page = grid_form(teacher, grid["url"]), grid_form(senco, grid["url"])

    teachers_page[grid_cell(a, reading)] = "Abs"
    assert teacher.post(grid["url"], teachers_page).status_code == 302

    # The SENCO's older page typed a score for a: not saved over the teacher's absence; b's score is saved.
    sencos_page[grid_cell(a, reading)] = "88"
    sencos_page[grid_cell(b, reading)] = "101"
    response = senco.post(grid["url"], sencos_page)
    assert response.status_code == 200
    conflict = _cells_from(response)[a.pk]["conflict"]
    assert (conflict.theirs, conflict.yours) == ("Abs", "88") and conflict.by
    assert "Now Abs by" in response.content.decode()
    assert Absence.objects.get().typed == "Abs" and list(Result.objects.values_list("pupil_id", "typed")) == [
        (b.pk, "101")
    ]
    # Saving again, knowing both, keeps the SENCO's score and the absence goes.
    assert senco.post(grid["url"], _form_from(response)).status_code == 302
    assert not Absence.objects.exists() and Result.objects.get(pupil=a).typed == "88"


@pytest.mark.django_db
def test_a_stale_blank_does_not_clear_an_absence_marked_meanwhile(world, grid):
    a = world.pupils[0]
    reading = grid["reading"]
    teacher, senco = signed_in(world.users["teacher"]), signed_in(world.users["senco"])
    sencos_page = grid_form(senco, grid["url"])
    teachers_page = grid_form(teacher, grid["url"])
    teachers_page[grid_cell(a, reading)] = "Absent"
    teacher.post(grid["url"], teachers_page)
    # The SENCO's page still shows a blank and saves unchanged: the absence stays.
    assert senco.post(grid["url"], sencos_page).status_code == 302
    assert Absence.objects.get().typed == "Absent"


def _form_from(response) -> dict[str, str]:
    data = {}
    for _pupil, cells in response.context["rows"]:
        for cell in cells:
            data[cell["name"]] = cell["value"]
            data[cell["original_name"]] = cell["original"]
    return data


@pytest.mark.django_db
def test_the_grid_keeps_names_beside_inputs_and_its_header_in_view(client, world, grid):
    client.force_login(world.users["teacher"])
    page = client.get(grid["url"]).content.decode()
    assert 'class="table-responsive results-scroll" role="region"' in page and 'tabindex="0"' in page
    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
    assert ".results-table { width: auto; }" in css
    assert ".results-table thead th { position: sticky; top: 0;" in css
    assert ".results-scroll { max-height: 75vh; overflow: auto; }" in css
