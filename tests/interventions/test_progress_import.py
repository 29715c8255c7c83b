"""Importing progress check scores: ``manage.py import_checks FILE --school URN [--dry-run]`` and the same from the
web (upload, preview, confirm), from real CSV and XLSX files (tests/interventions/files, made by
make_checks_files.py for ``checks_world``)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.urls import reverse

from interventions.management.commands.import_checks import Command
from interventions.models import CheckScore, ScoreSource
from interventions.progress import checks_parsing as importing
from interventions.progress.checks_apply import checks_parse
from pupils.models import DataImport, ImportKind, ImportStatus
from tests.interventions import checks_world
from tests.interventions.checks_world import MATHS_ID, PUPILS, READING
from tests.pupils.import_helpers import run_command

FILES = Path(__file__).parent / "files"
CLEAN = str(FILES / "checks_clean.csv")
ERRORS = str(FILES / "checks_errors.csv")
XLSX = str(FILES / "checks.xlsx")


@pytest.fixture(autouse=True)
def autumn_2026():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def cw(world):
    return checks_world.create(world.school, lead=world.users["ta"])


def import_checks(*args: str) -> tuple[str, str, CommandError | None]:
    return run_command("import_checks", *args)


def stored() -> list[tuple]:
    return list(CheckScore.objects.order_by("pk").values_list("placement_id", "date", "value", "typed", "recorded_at"))


# --- Reading the rows ----------------------------------------------------------------------------------------


def test_every_problem_is_named_by_line_column_and_reason(world, cw):
    parsed = checks_parse(school=world.school, content=Path(ERRORS).read_bytes(), filename="checks_errors.csv")
    assert not parsed.file_errors
    found = {(e.line, e.column): e.reason for e in parsed.errors}
    upn = PUPILS["ava"][0]
    assert found[(3, "UPN")] == f"No pupil with UPN {checks_world.UNKNOWN_UPN} at this school"
    assert found[(4, "UPN")].startswith("UPN check letter")
    assert found[(5, "Intervention")] == f"No group is named exactly 'year 3 Reading Group': did you mean '{READING}'?"
    assert found[(6, "Intervention")].startswith("Spelling group has no progress check set up")
    assert found[(7, "Intervention")].startswith("2 groups are named 'Twin group': give the id of the one you mean")
    assert "US month/day date" in found[(8, "Date")]
    assert found[(9, "Date")] == "23/11/2026 is in the future"
    assert found[(10, "Date")].startswith(
        f"The pupil was not in {READING} on 02/11/2026 (in it 14/09/2026 to 16/10/2026)"
    )
    assert found[(11, "Date")].startswith(f"The register has the pupil absent from {READING}'s session on 05/10/2026")
    assert found[(12, "Score")] == "'abc' is not a score: write it as a number, e.g. 12 or 12.5"
    assert found[(13, "Score")] == "250 is above the highest possible score (200)"
    assert found[(14, "Date")] == f"The pupil already has a score for {READING} on 14/09/2026 on line 2"
    assert found[(15, "Date")] == f"The pupil is not in {READING}"
    assert found[(16, "Score")] == "The score is blank"
    assert found[(17, "Intervention")].startswith("The intervention is blank")
    assert parsed.rejected_count == 15 and parsed.row_count == 16
    assert [row.line for row in parsed.rows] == [2]
    assert upn  # the file's pupils are the world's


def test_a_file_without_the_columns_is_refused_whole(world, cw):
    parsed = checks_parse(school=world.school, content=b"UPN,Group,When\r\nX,Y,Z\r\n", filename="x.csv")
    assert parsed.file_errors == [
        "The header on line 1 has no Date or Score column: the file needs the columns UPN, Intervention, Date, Score."
    ]
    parsed = checks_parse(school=world.school, content=b"\x00\x01binary", filename="x.csv")
    assert parsed.file_errors and "binary" in parsed.file_errors[0]


def test_score_cells():
    assert importing.score_value("12", min_value=0, max_value=None) == (12.0, "12")
    assert importing.score_value(" 12.5 ", min_value=None, max_value=None) == (12.5, "12.5")
    assert importing.score_value(7, min_value=0, max_value=10) == (7.0, "7")
    for bad in ("12,5", "1e3", "nan", "inf", "-", "12 words", True, dt.date(2026, 1, 1)):
        with pytest.raises(importing.CellProblem):
            importing.score_value(bad, min_value=None, max_value=None)
    with pytest.raises(importing.CellProblem, match="below the lowest possible score"):
        importing.score_value("-1", min_value=0, max_value=None)


# --- The command ---------------------------------------------------------------------------------------------


def test_a_clean_file_is_imported_and_a_rerun_changes_nothing(world, cw):
    out, _, error = import_checks(CLEAN, "--school", world.school.urn)
    assert error is None, out
    assert f"checks_clean.csv: 8 rows below the header on line 1 for {world.school}." in out
    assert "Columns ignored: 'Surname'" in out
    assert "8 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert CheckScore.objects.count() == 8
    assert set(CheckScore.objects.values_list("source", flat=True)) == {ScoreSource.IMPORT}
    ava = CheckScore.objects.get(placement=cw.places["ava"], date=dt.date(2026, 9, 28))
    assert (ava.value, ava.typed) == (41.5, "41.5")
    assert CheckScore.objects.filter(placement__intervention_id=MATHS_ID, value=12).count() == 1
    before = stored()
    out, _, error = import_checks(CLEAN, "--school", world.school.urn)
    assert error is None and "0 created, 0 updated, 8 unchanged, 0 rejected" in out
    assert stored() == before


def test_a_changed_score_is_updated(world, cw):
    import_checks(CLEAN, "--school", world.school.urn)
    CheckScore.objects.filter(placement=cw.places["ben"], date=dt.date(2026, 9, 14)).update(value=30, typed="30")
    out, _, error = import_checks(CLEAN, "--school", world.school.urn)
    assert error is None and "0 created, 1 updated, 7 unchanged" in out
    assert CheckScore.objects.get(placement=cw.places["ben"], date=dt.date(2026, 9, 14)).value == 35


def test_any_rejected_row_writes_nothing_and_exits_1(world, cw):
    out, _, error = import_checks(ERRORS, "--school", world.school.urn)
    assert error is not None and error.returncode == 1
    assert str(error) == "15 rows rejected: nothing was written. Fix them and import the file again."
    assert "Rejected rows:" in out
    assert "line 11, column 'Date': The register has the pupil absent" in out
    assert sum(1 for line in out.splitlines() if line.strip().startswith("line ")) == 15
    assert CheckScore.objects.count() == 0  # not even line 2
    with pytest.raises(SystemExit) as exit_info:
        Command(stdout=StringIO(), stderr=StringIO()).run_from_argv(
            ["manage.py", "import_checks", ERRORS, "--school", world.school.urn]
        )
    assert exit_info.value.code == 1


def test_a_dry_run_writes_nothing(world, cw):
    out, _, error = import_checks(CLEAN, "--school", world.school.urn, "--dry-run")
    assert error is None
    assert "8 created, 0 updated, 0 unchanged, 0 rejected" in out and "Dry run: nothing was written." in out
    assert CheckScore.objects.count() == 0


def test_an_excel_workbook_with_a_title_and_date_cells(world, cw):
    out, _, error = import_checks(XLSX, "--school", world.school.urn)
    assert error is None, out
    assert "checks.xlsx, sheet 'Weekly checks': 5 rows below the header on line 3" in out
    assert "Columns ignored: 'Name'" in out
    assert "5 created" in out
    cara = CheckScore.objects.get(placement=cw.places["cara"])
    assert (cara.date, cara.value, cara.typed) == (dt.date(2026, 10, 12), 51.5, "51.5")


def test_unknown_school_and_unreadable_file(world, cw, tmp_path):
    _, _, error = import_checks(CLEAN, "--school", "999999")
    assert error is not None and "No school has the URN '999999'" in str(error)
    _, err, error = import_checks(str(tmp_path / "missing.csv"), "--school", world.school.urn)
    assert error is not None and "Cannot read" in str(error)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    _, err, error = import_checks(str(empty), "--school", world.school.urn)
    assert error is not None and "The file is empty" in err


def test_scores_of_another_school_cannot_be_imported(world, cw):
    out, _, error = import_checks(CLEAN, "--school", world.other_school.urn)
    assert error is not None
    assert "No pupil with UPN" in out and CheckScore.objects.count() == 0


def test_an_import_is_in_the_audit_log(world, cw):
    import_checks(CLEAN, "--school", world.school.urn)
    entries = LogEntry.objects.filter(content_type__model="checkscore")
    assert entries.count() == 8
    ava = entries.filter(additional_data__pupil=cw.pupils["ava"].pk).first()
    assert ava.additional_data["school"] == world.school.pk
    assert ava.changes["value"] == [None, 40.0] or "value" in ava.changes
    summary = LogEntry.objects.get(content_type__model="dataimport", additional_data__kind="checks")
    assert summary.additional_data["counts"] == {"created": 8, "updated": 0, "unchanged": 0}


# --- The web pages ---------------------------------------------------------------------------------------------


def _upload(client, path: str) -> DataImport:
    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes())
    response = client.post(reverse("interventions:checks_import"), {"file": upload})
    record = DataImport.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse(
        "interventions:checks_import_preview", args=[record.pk]
    )
    assert record.kind == ImportKind.CHECKS
    return record


def test_upload_preview_and_confirm(client, world, cw):
    client.force_login(world.users["admin"])
    page = client.get(reverse("interventions:checks_import"))
    assert page.status_code == 200 and READING in page.content.decode() and str(MATHS_ID) in page.content.decode()
    record = _upload(client, CLEAN)
    preview = client.get(reverse("interventions:checks_import_preview", args=[record.pk])).content.decode()
    assert "scores to add" in preview and "Import 8 scores" in preview
    assert CheckScore.objects.count() == 0  # a preview writes nothing
    response = client.post(reverse("interventions:checks_import_preview", args=[record.pk]), {"action": "confirm"})
    assert response.status_code == 302
    assert CheckScore.objects.count() == 8
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and record.created_count == 8 and record.content == b""
    again = client.post(reverse("interventions:checks_import_preview", args=[record.pk]), {"action": "confirm"})
    assert again.status_code == 302 and CheckScore.objects.count() == 8  # applied once only
    record = _upload(client, CLEAN)
    preview = client.get(reverse("interventions:checks_import_preview", args=[record.pk])).content.decode()
    assert "Every score in this file is already recorded: there is nothing to import." in preview
    assert 'value="confirm"' not in preview


def test_a_file_with_rejected_rows_cannot_be_confirmed(client, world, cw):
    client.force_login(world.users["senco"])
    record = _upload(client, ERRORS)
    preview = client.get(reverse("interventions:checks_import_preview", args=[record.pk])).content.decode()
    assert "Nothing in this file can be imported until these rows are fixed" in preview
    assert 'value="confirm"' not in preview
    assert "The register has the pupil absent" in preview
    response = client.post(reverse("interventions:checks_import_preview", args=[record.pk]), {"action": "confirm"})
    assert response.status_code == 302 and CheckScore.objects.count() == 0
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW  # held: fix the file, or cancel
    client.post(reverse("interventions:checks_import_preview", args=[record.pk]), {"action": "cancel"})
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED and record.content == b""


def test_odd_files_and_actions_never_give_a_500(client, world, cw):
    client.force_login(world.users["senco"])
    for name, content in (("x.xlsx", b"PK\x03\x04 not really"), ("x.csv", b"\xff\xfe\x00"), ("x.csv", b";;;\n;;;")):
        response = client.post(
            reverse("interventions:checks_import"), {"file": SimpleUploadedFile(name, content)}, follow=True
        )
        assert response.status_code == 200
    record = DataImport.objects.filter(kind=ImportKind.CHECKS).latest("pk")
    url = reverse("interventions:checks_import_preview", args=[record.pk])
    assert client.post(url, {"action": "explode"}).status_code == 400
    wrong = client.post(reverse("interventions:checks_import"), {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert wrong.status_code == 200 and "upload the export as CSV" in wrong.content.decode()


def test_a_held_file_of_scores_opened_as_a_pupil_import_goes_to_its_own_preview(client, world, cw):
    client.force_login(world.users["senco"])
    record = _upload(client, CLEAN)
    response = client.get(reverse("pupils:import_preview", args=[record.pk]))
    assert response["Location"] == reverse("interventions:checks_import_preview", args=[record.pk])


def test_another_schools_import_is_not_found(client, world, cw):
    client.force_login(world.users["senco"])
    record = _upload(client, CLEAN)
    client.force_login(world.users["other_senco"])
    assert client.get(reverse("interventions:checks_import_preview", args=[record.pk])).status_code == 404


def test_rows_that_went_bad_after_the_preview_stop_the_whole_import(client, world, cw):
    from interventions.models import Attendance, Session

    client.force_login(world.users["senco"])
    record = _upload(client, CLEAN)
    assert (
        "Import 8 scores"
        in client.get(reverse("interventions:checks_import_preview", args=[record.pk])).content.decode()
    )
    # Meanwhile the register for Ben's check on 7 October is corrected: he was absent.
    session = Session.objects.create(intervention=cw.reading, date=dt.date(2026, 10, 7), minutes=30)
    Attendance.objects.create(session=session, placement=cw.places["ben"], present=False, absence_reason="unwell")
    response = client.post(reverse("interventions:checks_import_preview", args=[record.pk]), {"action": "confirm"})
    assert response.status_code == 302 and CheckScore.objects.count() == 0
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW
    page = client.get(reverse("interventions:checks_import_preview", args=[record.pk])).content.decode()
    assert "The register now has the pupil absent from the session on 07/10/2026" in page
    assert 'value="confirm"' not in page


def test_a_file_over_the_import_limits_is_refused_whole(client, world, cw, settings):
    settings.IMPORT_MAX_CELLS = 20  # the file has 45
    client.force_login(world.users["senco"])
    record = _upload(client, CLEAN)
    page = client.get(reverse("interventions:checks_import_preview", args=[record.pk])).content.decode()
    assert "This file cannot be imported" in page and CheckScore.objects.count() == 0


def test_an_intervention_cell_of_a_digit_that_is_not_a_number_is_a_row_error(world, cw):
    """``"²".isdigit()`` is true but ``int("²")`` fails: the cell is named as unknown rather than crashing the file."""
    upn = PUPILS["ava"][0]
    content = f"UPN,Intervention,Date,Score\r\n{upn},\u00b2,14/09/2026,12\r\n".encode()
    parsed = checks_parse(school=world.school, content=content, filename="checks.csv")
    assert not parsed.file_errors and not parsed.rows
    assert [(e.line, e.column) for e in parsed.errors] == [(2, "Intervention")]
