"""results_import and friends: what is written, what is left alone, idempotence, and how many queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pupils.imports import results_apply as service
from pupils.imports.records import ImportClosed
from pupils.imports.results_apply import results_import, results_import_file, results_parse
from pupils.imports.results_parsing import TYPED_MAX_LENGTH, ResultRow
from pupils.models import Absence, DataImport, ImportKind, ImportStatus, Result, ScaleBand
from pupils.reference import make_upn
from tests import factories as f
from tests.pupils import results_world

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

FILES = Path(__file__).parent / "files"


def run(school, name: str, *, dry_run: bool = False, by=None, content: bytes | None = None):
    data = (FILES / name).read_bytes() if content is None else content
    return results_import_file(school=school, content=data, filename=name, dry_run=dry_run, by=by)


def stored(school) -> dict[tuple[str, str], tuple[float, str]]:
    return {
        (r.pupil.legal_first_name, r.assessment.name + r.assessment.taken_on.strftime(" %d/%m")): (r.value, r.typed)
        for r in Result.objects.filter(pupil__school=school).select_related("pupil", "assessment")
    }


def counts(result) -> tuple[int, int, int, int]:
    return result.created_count, result.updated_count, result.unchanged_count, result.rejected_count


def test_long_file_creates_the_valid_results_and_reports_the_rest(world, rw):
    result = run(world.school, "results_long.csv", by=world.users["senco"])
    assert counts(result) == (9, 0, 0, 9)
    assert result.summary() == "created 9, updated 0, unchanged 0, rejected 9"
    assert result.rejected_lines == [5, 7, 8, 12, 13, 14, 15, 18, 19] and not result.ok
    assert stored(world.school) == {
        ("Ava", "Autumn reading test 05/10"): (104.0, "104"),
        ("Ben", "Autumn reading test 05/10"): (96.0, "96"),
        ("Cara", "Maths test 05/10"): (105.0, "105"),
        ("Ava", "Reading age 12/10"): (102.0, "8:06"),
        ("Ava", "Writing TA 16/10"): (2.0, "Expected"),
        ("Ben", "Writing TA 16/10"): (1.0, "wts"),
        ("Ava", "Spelling test 05/10"): (99.0, "99"),
        ("Eli", "Summer reading test 08/07"): (101.0, "101"),
        ("Ben", "Summer reading test 08/07"): (95.0, "95"),
    }
    assert set(Result.objects.values_list("entered_by", flat=True)) == {world.users["senco"].pk}


def test_reimporting_the_same_file_changes_nothing(world, rw):
    run(world.school, "results_long.csv")
    before = list(Result.objects.order_by("pk").values())
    again = run(world.school, "results_long.csv", by=world.users["admin"])
    assert counts(again) == (0, 0, 9, 9)
    assert list(Result.objects.order_by("pk").values()) == before  # not even updated_at or entered_by


def test_wide_xlsx(world, rw):
    result = run(world.school, "results_wide.xlsx")
    assert counts(result) == (11, 0, 0, 5) and result.blank_count == 7 and result.absent_count == 1
    assert result.layout == "wide" and result.sheet == "Mark book"
    assert list(Absence.objects.values_list("pupil__legal_first_name", "assessment__name", "typed")) == [
        ("Cara", "Writing TA", "-")
    ]
    assert result.assessment_columns["Maths test (05/10/2026)"] == "Maths test (05/10/2026)"
    assert stored(world.school)[("Ava", "Reading age 12/10")] == (102.0, "8:06")
    again = run(world.school, "results_wide.xlsx")
    assert counts(again) == (0, 0, 12, 5) and again.absent_count == 0  # the absence is unchanged too


def test_a_changed_value_or_a_changed_spelling_is_an_update(world, rw):
    run(world.school, "results_subject_date.csv")
    edited = (FILES / "results_subject_date.csv").read_bytes().replace(b";99", b";100").replace(b";88", b";088")
    result = run(world.school, "edited.csv", content=edited, by=world.users["admin"])
    assert counts(result) == (0, 2, 1, 0)
    assert [(c.pupil_name, c.assessment, c.old, c.new) for c in result.updated_sample] == [
        ("Ng, Ava", "Spelling test (05/10/2026)", "99", "100"),
        ("Dee, Cara", "Autumn reading test (05/10/2026)", "88", "088"),  # same number, typed differently
    ]
    ava = Result.objects.get(pupil=rw.pupils["ava"], assessment=rw.assessments["spelling"])
    assert (ava.value, ava.typed, ava.entered_by) == (100.0, "100", world.users["admin"])


def test_results_the_file_does_not_mention_are_left_alone(world, rw):
    kept = Result.objects.create(
        pupil=rw.pupils["dan"], assessment=rw.assessments["maths_spring"], value=101, typed="101"
    )
    run(world.school, "results_long.csv")
    kept.refresh_from_db()
    assert (kept.value, kept.typed) == (101, "101") and Result.objects.count() == 10


def test_dry_run_writes_nothing_and_counts_the_same(world, rw):
    dry = run(world.school, "results_long.csv", dry_run=True)
    assert counts(dry) == (9, 0, 0, 9) and dry.dry_run
    assert Result.objects.count() == 0
    assert [(c.line, c.upn, c.pupil_name, c.assessment, c.old, c.new) for c in dry.created_sample[:2]] == [
        (2, results_world.PUPILS["ava"][0], "Ng, Ava", "Autumn reading test (05/10/2026)", "", "104"),
        (3, results_world.PUPILS["ben"][0], "Ola, Ben", "Autumn reading test (05/10/2026)", "", "96"),
    ]
    assert counts(run(world.school, "results_long.csv")) == (9, 0, 0, 9)


def test_a_file_that_cannot_be_read_writes_nothing(world, rw):
    parsed = results_parse(school=world.school, content=b"UPN,Assessment\r\nX,Y\r\n", filename="bad.csv")
    result = results_import(school=world.school, parsed=parsed, dry_run=False)
    assert result.file_errors == parsed.file_errors and "the result (e.g. Result" in result.file_errors[0]
    assert counts(result) == (0, 0, 0, 0) and Result.objects.count() == 0


def test_another_schools_pupils_and_assessments_are_unknown_here(world, rw):
    elsewhere = f.AssessmentFactory(
        school=world.other_school, name="Autumn reading test", taken_on=dt.date(2026, 10, 5)
    )
    content = (
        "UPN,Assessment,Date,Result\r\n"
        f"{world.other_pupil.upn},Autumn reading test,05/10/2026,100\r\n"
        f"{results_world.PUPILS['ava'][0]},Autumn reading test,05/10/2026,100\r\n"
    ).encode()
    result = run(world.school, "x.csv", content=content)
    assert counts(result) == (1, 0, 0, 1) and "No pupil with UPN" in result.errors[0].reason
    assert not Result.objects.filter(assessment=elsewhere).exists()


def test_a_long_band_label_is_kept_whole_and_a_reimport_is_still_unchanged(world, rw):
    assert Result._meta.get_field("typed").max_length == TYPED_MAX_LENGTH
    label = "Working at greater depth within the expected standard"
    ScaleBand.objects.filter(scale=rw.assessments["writing"].scale, rank=3).update(label=label)
    content = f"UPN,Writing TA\r\n{results_world.PUPILS['ava'][0]},{label}\r\n".encode()
    assert counts(run(world.school, "x.csv", content=content)) == (1, 0, 0, 0)
    assert Result.objects.get().typed == label
    assert counts(run(world.school, "x.csv", content=content)) == (0, 0, 1, 0)


def test_writing_is_an_upsert_so_a_result_entered_meanwhile_does_not_break_the_import(world, rw):
    ava, reading = rw.pupils["ava"], rw.assessments["autumn_reading"]
    Result.objects.create(pupil=ava, assessment=reading, value=90, typed="90")  # entered after the comparison
    service._write([ResultRow(2, "Result", ava.pk, reading.pk, 104.0, "104")], by_id=world.users["senco"].pk)
    result = Result.objects.get()
    assert (result.value, result.typed, result.entered_by_id) == (104.0, "104", world.users["senco"].pk)


# --- Queries ------------------------------------------------------------------------------------------


def big_school(world, pupils: int):
    """``pupils`` pupils in Year 3 and five assessments: up to 5 x ``pupils`` results."""
    school = world.school
    made = [
        f.PupilFactory(school=school, upn=make_upn(f"80120027{n:04d}"), year_group=3, registration_group=None)
        for n in range(pupils)
    ]
    scale = f.ScaleFactory(school=school, name="Std")
    tests = [
        f.AssessmentFactory(school=school, name=f"Test {n}", scale=scale, taken_on=dt.date(2026, 10, n + 1))
        for n in range(5)
    ]
    return made, tests


def long_file(pupils, tests, *, shift: int = 0) -> bytes:
    rows = [f"{p.upn},{t.name},{90 + (i + shift) % 20}" for t in tests for i, p in enumerate(pupils)]
    return ("\r\n".join(["UPN,Assessment,Result", *rows]) + "\r\n").encode()


def queries(school, content: bytes, *, dry_run: bool = False) -> int:
    with CaptureQueriesContext(connection) as captured:
        results_import_file(school=school, content=content, filename="q.csv", dry_run=dry_run)
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_file(world):
    pupils, tests = big_school(world, 40)
    small, large = long_file(pupils[:4], tests), long_file(pupils, tests)  # 20 and 200 results
    small_school_counts = []
    for content in (small, large):
        Result.objects.all().delete()
        small_school_counts.append(
            (
                queries(world.school, content, dry_run=True),
                queries(world.school, content),  # all created
                queries(world.school, content),  # all unchanged
            )
        )
    assert small_school_counts[0] == small_school_counts[1]
    Result.objects.all().delete()
    queries(world.school, small)
    updating_small = queries(world.school, long_file(pupils[:4], tests, shift=1))
    queries(world.school, large)
    updating_large = queries(world.school, long_file(pupils, tests, shift=1))
    assert updating_small == updating_large
    assert Result.objects.count() == 200


def test_parsing_takes_three_queries(world, rw, django_assert_num_queries):
    with django_assert_num_queries(3):  # assessments with scales, their bands, the pupils
        results_parse(school=world.school, content=(FILES / "results_long.csv").read_bytes(), filename="x.csv")


# --- Held uploads -------------------------------------------------------------------------------------


def held(world, name: str = "results_long.csv") -> DataImport:
    return DataImport.objects.create(
        school=world.school, kind=ImportKind.RESULTS, filename=name, content=(FILES / name).read_bytes()
    )


def test_a_held_file_is_previewed_then_applied_once(world, rw):
    record = held(world)
    preview = service.results_record_preview(record=record)
    assert counts(preview) == (9, 0, 0, 9) and Result.objects.count() == 0
    applied = service.results_record_apply(record=record, by=world.users["admin"])
    assert counts(applied) == (9, 0, 0, 9) and Result.objects.count() == 9
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and bytes(record.content) == b""
    assert (record.created_count, record.updated_count, record.unchanged_count, record.rejected_count) == (9, 0, 0, 9)
    assert record.rejected_rows[0] == {
        "line": 5,
        "column": "Result",
        "value": "121",
        "reason": "121 is outside the ks2 scaled score range 80-120",
    }
    with pytest.raises(ImportClosed):
        service.results_record_apply(record=record)


def test_a_held_file_that_cannot_be_read_stays_open(world, rw):
    record = DataImport.objects.create(
        school=world.school, kind=ImportKind.RESULTS, filename="x.csv", content=b"UPN,Result\r\nX,1\r\n"
    )
    assert service.results_record_apply(record=record).file_errors
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW


def test_a_pupil_import_is_not_applied_as_results(world):
    record = DataImport.objects.create(school=world.school, filename="x.csv", content=b"UPN\r\n")
    with pytest.raises(ValueError, match="not a results import"):
        service.results_record_apply(record=record)
