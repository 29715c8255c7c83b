"""pupils_import and the held-upload helpers: what is written, what is left alone, and how many queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pupils.imports import pupil_apply, records
from pupils.imports.pupil_apply import import_parse, pupils_import
from pupils.imports.pupil_parsing import ParsedFile, PupilRow
from pupils.imports.records import ImportClosed
from pupils.models import DataImport, ImportStatus, Pupil, TeachingGroup
from pupils.reference import make_upn
from tests import factories as f

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

FILES = Path(__file__).parent / "files"
HEADER = "UPN,Surname,Forename,DOB,Year"


def upn(serial: int) -> str:
    return make_upn(f"80120012{serial:04d}")


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig")


def run(school, content: bytes, *, dry_run: bool = False, filename: str = "export.csv"):
    return pupils_import(
        school=school, parsed=import_parse(school=school, content=content, filename=filename), dry_run=dry_run
    )


def sims() -> bytes:
    return (FILES / "sims_export.csv").read_bytes()


def test_sims_export_creates_the_valid_rows_and_reports_the_rest(world):
    result = run(world.school, sims(), filename="sims_export.csv")
    assert (result.created_count, result.updated_count, result.unchanged_count, result.rejected_count) == (8, 0, 0, 9)
    assert result.summary() == "created 8, updated 0, unchanged 0, rejected 9"
    assert result.rejected_lines == list(range(9, 18))
    assert result.not_in_file == 3  # the world's pupils, left on roll
    assert Pupil.objects.filter(school=world.school, left_on__isnull=True).count() == 3 + 8

    zoe = Pupil.objects.get(school=world.school, legal_first_name="Zoë")
    assert (zoe.legal_last_name, zoe.preferred_first_name, zoe.date_of_birth) == ("Brontë", "Zo", dt.date(2018, 9, 2))
    assert (zoe.year_group, zoe.sen_status, zoe.primary_need, zoe.fsm, zoe.pupil_premium) == (
        3,
        "K",
        "SPLD",
        True,
        True,
    )
    assert zoe.registration_group.name == "3B"  # the existing class, not a new one
    assert TeachingGroup.objects.filter(school=world.school, name="3B").count() == 1
    assert result.classes_created == ["1G", "2W", "4R", "6T", "RB"]
    assert TeachingGroup.objects.get(school=world.school, name="RB").year_group == 0
    assert Pupil.objects.get(school=world.school, legal_last_name="O'Connor").legal_first_name == "Aoife"


def test_reimporting_the_same_file_changes_nothing(world):
    run(world.school, sims())
    before = list(Pupil.objects.filter(school=world.school).order_by("pk").values())
    again = run(world.school, sims())
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 8)
    assert again.classes_created == []
    assert list(Pupil.objects.filter(school=world.school).order_by("pk").values()) == before


def test_every_format_is_idempotent(world):
    for name in ("sims_export.csv", "arbor_export.xlsx", "semicolon_cp1252.csv"):
        first = run(world.school, (FILES / name).read_bytes(), filename=name)
        assert first.created_count > 0, name
        second = run(world.school, (FILES / name).read_bytes(), filename=name)
        assert (second.created_count, second.updated_count) == (0, 0), name


def test_changed_rows_are_updated_with_their_changes_listed(world):
    pupil = world.pupils[0]  # Year 3, born 14/03/2019, class 3B, no SEN
    header = HEADER + ",Reg,SEN Status,Primary Need,Pupil Premium"
    row = f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},14/03/2019,4,4Z,K,SpLD,Y"
    result = run(world.school, csv_bytes(header, row))
    assert (result.created_count, result.updated_count) == (0, 1)
    changes = {change.field: (change.old, change.new) for change in result.updated[0].changes}
    assert changes == {
        "year_group": ("Year 3", "Year 4"),
        "registration_group": ("3B", "4Z"),
        "pupil_premium": ("No", "Yes"),
        "sen_status": ("N (No SEN)", "K (SEN support)"),
        "primary_need": ("", "SPLD"),
    }
    pupil.refresh_from_db()
    assert (pupil.year_group, pupil.registration_group.name, pupil.sen_status, pupil.primary_need) == (
        4,
        "4Z",
        "K",
        "SPLD",
    )
    assert pupil.registration_group.year_group == 4


def test_columns_absent_from_the_file_are_left_alone(world):
    pupil = world.pupils[0]
    Pupil.objects.filter(pk=pupil.pk).update(
        pupil_premium=True, eal=True, sen_status="K", primary_need="SPLD", preferred_first_name="Al"
    )
    row = f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},14/03/2019,3"
    result = run(world.school, csv_bytes(HEADER, row))
    assert (result.updated_count, result.unchanged_count) == (0, 1)
    pupil.refresh_from_db()
    assert (pupil.pupil_premium, pupil.eal, pupil.sen_status, pupil.primary_need) == (True, True, "K", "SPLD")
    assert (pupil.preferred_first_name, pupil.registration_group.name, pupil.gender) == ("Al", "3B", "F")


def test_blank_cells_in_present_columns_do_overwrite(world):
    pupil = world.pupils[0]
    Pupil.objects.filter(pk=pupil.pk).update(pupil_premium=True, preferred_first_name="Al")
    row = f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},14/03/2019,3,,,"
    result = run(world.school, csv_bytes(HEADER + ",PP,Known As,Class", row))
    assert {change.field for change in result.updated[0].changes} == {
        "pupil_premium",
        "preferred_first_name",
        "registration_group",
    }
    pupil.refresh_from_db()
    assert (pupil.pupil_premium, pupil.preferred_first_name, pupil.registration_group) == (False, "", None)


def test_leaving_the_sen_register_clears_needs_the_file_does_not_mention(world):
    pupil = world.pupils[0]
    Pupil.objects.filter(pk=pupil.pk).update(sen_status="K", primary_need="SPLD", secondary_need="SLCN")
    row = f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},14/03/2019,3,N"
    result = run(world.school, csv_bytes(HEADER + ",SEN Status", row))
    assert {change.field for change in result.updated[0].changes} == {"sen_status", "primary_need", "secondary_need"}
    pupil.refresh_from_db()
    assert (pupil.sen_status, pupil.primary_need, pupil.secondary_need) == ("N", "", "")


def test_a_need_for_a_pupil_not_on_the_sen_register_is_rejected(world):
    pupil = world.pupils[0]  # SEN status N in the database; the file has no status column
    row = f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},14/03/2019,3,ASD"
    result = run(world.school, csv_bytes(HEADER + ",Primary Need", row))
    assert (result.updated_count, result.rejected_count) == (0, 1)
    (error,) = result.errors
    assert (error.line, error.column, error.value) == (2, "Primary Need", "ASD")
    assert "SEN status is N" in error.reason
    pupil.refresh_from_db()
    assert pupil.primary_need == ""


def test_dry_run_writes_nothing_and_reports_the_same(world):
    pupils_before = Pupil.objects.count()
    groups_before = TeachingGroup.objects.count()
    preview = run(world.school, sims(), dry_run=True)
    assert Pupil.objects.count() == pupils_before and TeachingGroup.objects.count() == groups_before
    assert preview.dry_run and preview.summary() == "created 8, updated 0, unchanged 0, rejected 9"
    applied = run(world.school, sims())
    assert applied.summary() == preview.summary()
    assert [row.line for row in applied.created] == [row.line for row in preview.created]


def test_a_file_that_cannot_be_read_writes_nothing(world):
    result = run(world.school, csv_bytes("UPN,Surname", f"{upn(1)},Ng"))
    assert result.file_errors and result.created == [] and Pupil.objects.count() == 4


def test_same_upn_at_another_school_is_another_pupil(world):
    other = world.other_pupil
    row = f"{other.upn},Ng,Ana,14/03/2019,3"
    result = run(world.school, csv_bytes(HEADER, row))
    assert result.created_count == 1
    other.refresh_from_db()
    assert other.legal_first_name != "Ana" and other.school == world.other_school


def test_class_names_match_ignoring_case_and_mixed_age_classes_have_no_year(world):
    rows = [f"{upn(1)},Ng,Ana,14/03/2019,3,3b", f"{upn(2)},Ng,Bo,14/03/2018,4,Oak", f"{upn(3)},Ng,Cy,14/03/2019,3,oak"]
    result = run(world.school, csv_bytes(HEADER + ",Class", *rows))
    assert result.classes_created == ["Oak"]
    oak = TeachingGroup.objects.get(school=world.school, name="Oak")
    assert oak.year_group is None
    assert set(Pupil.objects.filter(registration_group=oak).values_list("legal_first_name", flat=True)) == {"Bo", "Cy"}
    assert Pupil.objects.get(legal_first_name="Ana").registration_group.name == "3B"


def _file_of(count: int, *, start: int = 0) -> bytes:
    """``count`` Year 3 pupils in four classes of their own (named after ``start``), all on SEN support."""
    header = HEADER + ",Known As,Gender,Class,PP,FSM,EAL,CLA,SEN Status,Primary Need"
    rows = [
        f"{upn(start + n)},Surname{n},Forename{n},14/03/2019,3,,F,{start}{'ABCD'[n % 4]},Y,N,N,N,K,SPLD"
        for n in range(count)
    ]
    return csv_bytes(header, *rows)


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_number_of_queries_does_not_grow_with_the_file(world, dry_run):
    ContentType.objects.get_for_model(DataImport)  # the audit log's content types are looked up once per process
    counts = {}
    for size in (20, 200):
        content = _file_of(size, start=size)  # separate UPNs: both sizes create
        with CaptureQueriesContext(connection) as creating:
            assert run(world.school, content, dry_run=dry_run).created_count == size
        counts[size] = len(creating)
    # At most 10 to write, and one insert for the audit log.
    assert counts[20] == counts[200] <= 11, [query["sql"][:80] for query in creating.captured_queries]


def test_the_number_of_queries_for_updates_does_not_grow_with_the_file(world):
    ContentType.objects.get_for_model(DataImport)  # the audit log's content types are looked up once per process
    counts = {}
    for size in (20, 200):
        run(world.school, _file_of(size, start=size))
        changed = _file_of(size, start=size).replace(b",Y,N,N,N,", b",N,Y,N,N,")
        with CaptureQueriesContext(connection) as updating:
            assert run(world.school, changed).updated_count == size
        counts[size] = len(updating)
    assert counts[20] == counts[200] <= 11, [query["sql"][:80] for query in updating.captured_queries]


def test_a_row_the_database_refuses_is_rejected_alone(world, monkeypatch):
    """If the checks miss a rule the database enforces, that row is rejected and the rest still written."""
    good = PupilRow(
        line=2,
        fields={
            "upn": upn(1),
            "legal_first_name": "Ana",
            "legal_last_name": "Ng",
            "date_of_birth": dt.date(2019, 3, 14),
            "year_group": 3,
            "registration_group": "New",
        },
    )
    bad = PupilRow(
        line=3,
        fields={
            "upn": upn(2),
            "legal_first_name": "Bo",
            "legal_last_name": "Ng",
            "date_of_birth": dt.date(2019, 3, 14),
            "year_group": 3,
            "sen_status": "N",
            "primary_need": "SPLD",
        },
    )
    parsed = ParsedFile(filename="made-up.csv", rows=[good, bad], columns={"upn": "UPN"}, seen_upns={upn(1), upn(2)})
    monkeypatch.setattr(pupil_apply, "_row_problems", lambda pupil, row, columns: [])
    result = pupils_import(school=world.school, parsed=parsed, dry_run=False)
    assert [row.line for row in result.created] == [2]
    (error,) = result.errors
    assert (error.line, error.column) == (3, "UPN") and "database refused" in error.reason
    assert Pupil.objects.filter(upn=upn(1), registration_group__name="New").exists()
    assert not Pupil.objects.filter(upn=upn(2)).exists()


# --- Held uploads --------------------------------------------------------------------------------------


def test_apply_a_held_upload_once(world):
    user = world.users["admin"]
    record = records.import_record_create(school=world.school, by=user, filename="sims_export.csv", content=sims())
    preview = pupil_apply.import_record_preview(record=record)
    assert preview.created_count == 8 and Pupil.objects.count() == 4
    result = pupil_apply.import_record_apply(record=record, by=user)
    assert result.created_count == 8 and Pupil.objects.count() == 12
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and record.applied_at is not None
    assert (record.created_count, record.updated_count, record.unchanged_count, record.rejected_count) == (8, 0, 0, 9)
    assert bytes(record.content) == b""
    with pytest.raises(ImportClosed):
        pupil_apply.import_record_apply(record=record, by=user)
    with pytest.raises(ImportClosed):
        records.import_record_cancel(record=record)
    assert Pupil.objects.count() == 12


def test_cancel_a_held_upload(world):
    record = records.import_record_create(school=world.school, by=None, filename="sims_export.csv", content=sims())
    records.import_record_cancel(record=record)
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED and bytes(record.content) == b""
    with pytest.raises(ImportClosed):
        pupil_apply.import_record_apply(record=record)
    assert Pupil.objects.count() == 4


def test_a_held_file_that_cannot_be_read_stays_open(world):
    record = DataImport.objects.create(school=world.school, filename="x.csv", content=b"UPN,Surname\r\n")
    result = pupil_apply.import_record_apply(record=record)
    assert result.file_errors
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW


def test_school_factory_years_are_respected(db):
    secondary = f.SchoolFactory(lowest_year=7, highest_year=11)
    row = f"{upn(1)},Ng,Ana,14/03/2019,3"
    result = run(secondary, csv_bytes(HEADER, row))
    assert result.rejected_count == 1 and "not taught" in result.errors[0].reason
