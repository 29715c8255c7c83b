"""The results file parser (pupils.imports.results_parsing): pure functions, no database."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from pupils import scales
from pupils.imports.reader import CellProblem
from pupils.imports.results_parsing import (
    LONG,
    NOT_SAT,
    NOT_SAT_EXAMPLES,
    WIDE,
    AssessmentRef,
    PupilRef,
    accepted_values,
    match_header,
    parse_results_file,
    value_text,
    year_group_on,
)
from tests.pupils.results_world import ASSESSMENT_IDS as A
from tests.pupils.results_world import PUPIL_IDS as P
from tests.pupils.results_world import PUPILS, TODAY, UNKNOWN_UPN, refs

FILES = Path(__file__).parent / "files"
UPN = {key: value[0] for key, value in PUPILS.items()}
STANDARDISED = scales.ScaleSpec(kind=scales.STANDARDISED, min_value=40, max_value=160)
AGE = scales.ScaleSpec(kind=scales.AGE, min_value=36, max_value=216)
GCSE = scales.ScaleSpec(kind=scales.GCSE, min_value=0, max_value=9)
RAW = scales.ScaleSpec(kind=scales.RAW, min_value=0, max_value=50)


def parse(content: str | bytes, filename: str = "results.csv", *, assessments=None, pupils=None):
    default_assessments, default_pupils = refs()
    data = content.encode("utf-8") if isinstance(content, str) else content
    return parse_results_file(
        data,
        filename,
        assessments=default_assessments if assessments is None else assessments,
        pupils=default_pupils if pupils is None else pupils,
        today=TODAY,
    )


def csv_of(header: str, *rows: str) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def xlsx_of(*rows: list) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def found(parsed) -> list[tuple[int, int, int, float, str]]:
    return [(row.line, row.pupil_id, row.assessment_id, row.value, row.typed) for row in parsed.rows]


def problems(parsed) -> list[tuple[int, str]]:
    return [(error.line, error.column) for error in parsed.errors]


# --- The committed files ------------------------------------------------------------------------------


def test_long_csv_with_bom_crlf_day_first_dates_and_bad_rows():
    parsed = parse((FILES / "results_long.csv").read_bytes(), "results_long.csv")
    assert parsed.file_errors == []
    assert (parsed.layout, parsed.header_line, parsed.sheet, parsed.row_count) == (LONG, 1, None, 18)
    assert parsed.columns == {
        "upn": "UPN",
        "assessment": "Assessment",
        "subject": "Subject",
        "date": "Date",
        "value": "Result",
    }
    assert parsed.ignored_columns == ["Surname", "Forename"]
    assert found(parsed) == [
        (2, P["ava"], A["autumn_reading"], 104.0, "104"),
        (3, P["ben"], A["autumn_reading"], 96.0, "96"),
        (4, P["cara"], A["maths_autumn"], 105.0, "105"),
        (6, P["ava"], A["reading_age"], 102.0, "8:06"),
        (9, P["ava"], A["writing"], 2.0, "Expected"),
        (10, P["ben"], A["writing"], 1.0, "wts"),
        (11, P["ava"], A["spelling"], 99.0, "99"),
        (16, P["eli"], A["summer_reading"], 101.0, "101"),
        (17, P["ben"], A["summer_reading"], 95.0, "95"),
    ]
    assert parsed.rejected_count == 9 and parsed.rejected_lines == [5, 7, 8, 12, 13, 14, 15, 18, 19]
    reasons = {(error.line, error.column): error.reason for error in parsed.errors}
    assert reasons == {
        (5, "Result"): "121 is outside the ks2 scaled score range 80-120",
        (7, "Result"): "'8:12' has 12 months; months run from 0 to 11 (8:11 is followed by 9:00)",
        (8, "Assessment"): "Reading age (12/10/2026) is for Year 3 and Year 4; this pupil was in Year 5 on 12/10/2026",
        (12, "UPN"): f"No pupil with UPN {UNKNOWN_UPN} at this school: add or import the pupil first",
        (13, "Assessment"): "'Maths test' is the name of 2 assessments (Maths test (05/10/2026), "
        "Maths test (01/02/2027)): give the date in a Date column",
        (14, "Assessment"): "There is no assessment called 'Science quiz' at this school",
        (15, "UPN"): f"UPN {UPN['ava']} is already on line 2 for Autumn reading test (05/10/2026): "
        "a pupil has one result per assessment",
        (18, "Assessment"): "Summer reading test (08/07/2026) is for Year 3; this pupil was in Year 2 on 08/07/2026",
        (19, "Result"): "No result given: every row needs its result (leave out pupils who did not sit it)",
    }
    assert {(e.line, e.value) for e in parsed.errors if e.line in (5, 7, 12)} == {
        (5, "121"),
        (7, "8:12"),
        (12, UNKNOWN_UPN),
    }
    assert set(parsed.assessments) == {A[key] for key in ("autumn_reading", "maths_autumn", "reading_age")} | {
        A["writing"],
        A["spelling"],
        A["summer_reading"],
    }


def test_every_error_reads_as_line_column_reason_and_value():
    parsed = parse((FILES / "results_long.csv").read_bytes())
    assert str(parsed.errors[0]) == (
        "line 5, column 'Result': 121 is outside the ks2 scaled score range 80-120 (value '121')"
    )


def test_semicolon_cp1252_file_naming_assessments_by_subject_and_date():
    parsed = parse((FILES / "results_subject_date.csv").read_bytes())
    assert parsed.file_errors == [] and parsed.errors == []
    assert parsed.columns == {"upn": "UPN", "subject": "Subject", "date": "Test date", "value": "Score"}
    assert parsed.ignored_columns == ["Élève"]
    assert found(parsed) == [
        (2, P["ava"], A["spelling"], 99.0, "99"),
        (3, P["ben"], A["spelling"], 101.0, "101"),
        (4, P["cara"], A["autumn_reading"], 88.0, "88"),
    ]


def test_wide_xlsx_mark_book_with_number_time_and_date_cells():
    parsed = parse((FILES / "results_wide.xlsx").read_bytes(), "results_wide.xlsx")
    assert parsed.file_errors == []
    assert (parsed.layout, parsed.sheet, parsed.header_line, parsed.row_count) == (WIDE, "Mark book", 3, 6)
    assert parsed.columns == {"upn": "UPN"}
    assert {header: a.id for header, a in parsed.assessment_columns.items()} == {
        "Autumn reading test": A["autumn_reading"],
        "Reading age": A["reading_age"],
        "Maths test (05/10/2026)": A["maths_autumn"],
        "Writing TA": A["writing"],
    }
    assert parsed.ignored_columns == ["Name"]
    assert found(parsed) == [
        (4, P["ava"], A["autumn_reading"], 104.0, "104"),
        (4, P["ava"], A["reading_age"], 102.0, "8:06"),  # a time cell read back as the age typed
        (4, P["ava"], A["maths_autumn"], 100.0, "100"),
        (4, P["ava"], A["writing"], 2.0, "Expected"),
        (5, P["ben"], A["autumn_reading"], 96.0, "96"),  # the number 96.0 is "96"
        (5, P["ben"], A["reading_age"], 107.0, "8:11"),
        (5, P["ben"], A["maths_autumn"], 88.0, "88"),
        (5, P["ben"], A["writing"], 3.0, "Greater depth"),
        (6, P["cara"], A["autumn_reading"], 101.0, "101"),
        (6, P["cara"], A["writing"], None, "-"),  # absent, as the grid reads "-"
        (7, P["dan"], A["maths_autumn"], 112.0, "112"),
        (7, P["dan"], A["writing"], 3.0, "GDS"),
    ]
    assert [(e.line, e.column, e.value) for e in parsed.errors] == [
        (6, "Reading age", "9:01"),
        (6, "Maths test (05/10/2026)", "121"),
        (8, "Autumn reading test", "104.5"),
        (8, "Reading age", "08/06/2026"),
        (9, "UPN", UNKNOWN_UPN),
    ]
    assert "is for Year 3 and Year 4; this pupil was in Year 5" in parsed.errors[0].reason
    assert parsed.errors[2].reason == "'104.5' is not a whole number; scores are whole numbers"
    assert parsed.errors[3].reason.startswith("Excel has turned this into a date (08/06/2026) (an age is written 8:06)")
    # Results, not rows: two refused on line 6, two on line 8, the one result of the unknown pupil on line 9.
    assert parsed.rejected_count == 5
    # Blank cells: 2 on line 7, 2 on line 8, 3 on line 9 ("-" on line 6 is an absence).
    assert parsed.blank_count == 7


# --- Headers and layouts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("UPN", "upn"),
        ("Pupil UPN", "upn"),
        ("Unique Pupil Number", "upn"),
        ("Assessment", "assessment"),
        ("Assessment name", "assessment"),
        ("Test", "assessment"),
        ("Subject", "subject"),
        ("Aspect", "subject"),
        ("Date", "date"),
        ("Assessment date", "date"),
        ("Test Date", "date"),
        ("Date taken", "date"),
        ("Date (dd/mm/yyyy)", "date"),
        ("Result", "value"),
        ("Value", "value"),
        ("Score", "value"),
        ("Mark", "value"),
        ("Grade", "value"),
        ("Outcome", "value"),
        ("Standardised score", "value"),
        ("Reading age", "value"),
        ("Spelling age", "value"),
        ("Surname", None),
        ("Name", None),
        ("Date of birth", None),
        ("Year", None),
    ],
)
def test_header_spellings(header, field):
    assert match_header(header) == field


def test_name_and_other_columns_are_ignored_and_reported():
    parsed = parse(
        csv_of(
            "Name,UPN,Year,Class,Assessment name,Date taken,Standardised score",
            f"Ava Ng,{UPN['ava']},3,3B,Autumn reading test,05/10/2026,104",
        )
    )
    assert parsed.ignored_columns == ["Name", "Year", "Class"]
    assert found(parsed) == [(2, P["ava"], A["autumn_reading"], 104.0, "104")]


def test_an_assessment_named_like_a_result_column_in_a_long_file_is_its_result_column():
    parsed = parse(csv_of("UPN,Date,Subject,Reading age", f"{UPN['ava']},12/10/2026,Reading,8:06"))
    assert parsed.layout == LONG and parsed.columns["value"] == "Reading age"
    assert found(parsed) == [(2, P["ava"], A["reading_age"], 102.0, "8:06")]


def test_a_wide_header_may_carry_the_date_to_tell_same_named_assessments_apart():
    parsed = parse(
        csv_of(
            "UPN,Maths test (01/02/2027),Maths test 05/10/2026,Spelling test [5 Oct 2026]",
            f"{UPN['dan']},101,99,100",
        )
    )
    assert parsed.file_errors == [] and parsed.errors == []
    assert [row.assessment_id for row in parsed.rows] == [A["maths_spring"], A["maths_autumn"], A["spelling"]]


def test_a_wide_header_that_could_be_two_assessments_refuses_the_file():
    parsed = parse(csv_of("UPN,Maths test", f"{UPN['dan']},101"))
    assert parsed.rows == []
    assert parsed.file_errors == [
        "The column 'Maths test' could be any of 2 assessments (Maths test (05/10/2026), Maths test (01/02/2027)): "
        "head it with the name and the date, like 'Maths test (05/10/2026)'."
    ]


def test_two_columns_for_one_assessment_refuse_the_file():
    parsed = parse(csv_of("UPN,Autumn reading test,autumn reading test (05/10/2026)", f"{UPN['ava']},101,102"))
    assert parsed.rows == []
    assert parsed.file_errors == [
        "The columns 'Autumn reading test' and 'autumn reading test (05/10/2026)' are both for "
        "Autumn reading test (05/10/2026): remove one of them."
    ]


def test_a_file_mixing_the_layouts_is_refused():
    parsed = parse(csv_of("UPN,Assessment,Result,Writing TA", f"{UPN['ava']},Autumn reading test,104,EXS"))
    (problem,) = parsed.file_errors
    assert "one result per row (it has a 'Assessment' column)" in problem and "'Writing TA'" in problem
    parsed = parse(csv_of("UPN,Score,Writing TA", f"{UPN['ava']},104,EXS"))
    (problem,) = parsed.file_errors
    assert problem.startswith("The column 'Score' gives results one per row") and "'Writing TA'" in problem


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("UPN,Assessment", "the result (e.g. Result, Score"),
        ("Assessment,Result", "UPN (e.g. UPN, Unique Pupil Number)"),
        ("UPN,Result,Subject", "the date (with the subject) or the assessment's name"),
        ("UPN,Result,Date", "the subject (with the date) or the assessment's name"),
        ("UPN,Score", "the assessment (an Assessment column with its name, or Subject and Date columns)"),
    ],
)
def test_missing_columns_refuse_the_file(header, missing):
    parsed = parse(csv_of(header, ",".join(["x"] * len(header.split(",")))))
    assert parsed.rows == [] and parsed.errors == []
    (problem,) = parsed.file_errors
    assert problem.startswith("The file has no column for: ") and missing in problem
    assert "Columns found: " in problem


def test_two_result_columns_refuse_the_file():
    parsed = parse(csv_of("UPN,Assessment,Score,Grade", f"{UPN['ava']},Autumn reading test,104,B"))
    assert parsed.file_errors == ["Columns 'Score' and 'Grade' both give the result: remove or rename one of them."]


def test_no_header_row_and_no_rows():
    parsed = parse("1,2,3\r\n4,5,6\r\n")
    (problem,) = parsed.file_errors
    assert problem.startswith("No header row found") and "'1', '2', '3'" in problem
    parsed = parse("UPN,Assessment,Result\r\n,,\r\n")
    assert parsed.file_errors == ["There are no results in the file: nothing below the header on line 1."]


def test_title_rows_keep_spreadsheet_line_numbers():
    parsed = parse(
        csv_of("Results export,,", ",,", "UPN,Assessment,Result", f"{UPN['ava']},Autumn reading test,104", ",,")
    )
    assert parsed.header_line == 3 and found(parsed) == [(4, P["ava"], A["autumn_reading"], 104.0, "104")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "The file is empty"), (b"\xd0\xcf\x11\xe0rest", "Excel 97-2003"), (b"<html><table>", "web page")],
)
def test_unreadable_files(content, reason):
    (problem,) = parse(content).file_errors
    assert reason in problem


# --- Finding the assessment ---------------------------------------------------------------------------


def one_row(header: str, row: str):
    parsed = parse(csv_of(header, row))
    assert parsed.file_errors == [], parsed.file_errors
    return parsed


@pytest.mark.parametrize(
    ("row", "assessment"),
    [
        ("Maths test,Maths,05/10/2026,100", "maths_autumn"),
        ("MATHS TEST,,01/02/2027,100", "maths_spring"),
        (",Maths,1 Feb 2027,100", "maths_spring"),
        (",maths,2026-10-05,100", "maths_autumn"),
        ("Spelling test,,,100", "spelling"),
        ("Spelling test,Spelling,,100", "spelling"),
    ],
)
def test_an_assessment_is_found_by_name_or_subject_and_date(row, assessment):
    parsed = one_row("UPN,Assessment,Subject,Date,Result", f"{UPN['dan']},{row}")
    assert parsed.errors == [] and [r.assessment_id for r in parsed.rows] == [A[assessment]]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("Maths test,Reading,,100", "Subject", "'Maths test' is an assessment of Maths, not of Reading"),
        ("Maths test,Science,,100", "Subject", "There is no subject called 'Science' at this school"),
        (
            "Maths test,,06/10/2026,100",
            "Date",
            "There is no 'Maths test' on 06/10/2026: it is dated 05/10/2026 and 01/02/2027",
        ),
        (
            ",Maths,06/10/2026,100",
            "Date",
            "There is no Maths assessment on 06/10/2026: Maths assessments are dated 05/10/2026 and 01/02/2027",
        ),
        (",Maths,,100", "Date", "No date: give the assessment's date (or its name in the Assessment column)"),
        (",,05/10/2026,100", "Assessment", "No assessment given: write its name (or its subject and date)"),
        ("Maths test,,10/05/2026x,100", "Date", "Not a date: write it as dd/mm/yyyy"),
        ("Maths test,,10/14/2026,100", "Date", "this looks like a US month/day date"),
    ],
)
def test_an_assessment_that_cannot_be_found_says_why(row, column, reason):
    parsed = one_row("UPN,Assessment,Subject,Date,Result", f"{UPN['dan']},{row}")
    assert parsed.rows == []
    (error,) = parsed.errors
    assert error.column == column and reason in error.reason


def test_subject_and_date_naming_two_assessments_asks_for_the_name():
    same_day = AssessmentRef(99, "Reading comprehension", "Reading", dt.date(2026, 10, 5), STANDARDISED)
    assessments, pupils = refs()
    parsed = parse(
        csv_of("UPN,Subject,Date,Result", f"{UPN['ava']},Reading,05/10/2026,100"),
        assessments=[*assessments, same_day],
        pupils=pupils,
    )
    (error,) = parsed.errors
    assert error.column == "Subject" and error.reason == (
        "There are 2 Reading assessments on 05/10/2026 ('Autumn reading test', 'Reading comprehension'): "
        "give the assessment's name in an Assessment column"
    )


def test_a_name_and_date_in_two_subjects_asks_for_the_subject():
    twin = AssessmentRef(99, "Autumn reading test", "Phonics", dt.date(2026, 10, 5), STANDARDISED)
    assessments, pupils = refs()
    parsed = parse(
        csv_of("UPN,Assessment,Date,Result", f"{UPN['ava']},Autumn reading test,05/10/2026,100"),
        assessments=[*assessments, twin],
        pupils=pupils,
    )
    (error,) = parsed.errors
    assert error.reason == (
        "'Autumn reading test' on 05/10/2026 is an assessment of Phonics, Reading: give the subject in a Subject column"
    )


# --- Pupils -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("", "The UPN is blank"),
        ("B801200260001", "UPN check letter is wrong"),
        ("X123", "UPN must be 13 characters, not 4"),
        (UNKNOWN_UPN, f"No pupil with UPN {UNKNOWN_UPN} at this school"),
    ],
)
def test_a_pupil_is_found_by_upn_or_the_reason_is_given(written, reason):
    parsed = one_row("UPN,Assessment,Result", f"{written},Autumn reading test,100")
    (error,) = parsed.errors
    assert error.column == "UPN" and reason in error.reason


def test_upns_are_matched_ignoring_case_and_spaces_and_pupils_who_left_count():
    spaced = UPN["eli"].lower()[:5] + " " + UPN["eli"].lower()[5:]
    parsed = one_row("UPN,Assessment,Result", f"{spaced},Autumn reading test,100")
    assert parsed.errors == [] and parsed.rows[0].pupil_id == P["eli"]


def test_the_same_pupil_and_assessment_twice_rejects_the_later_naming_the_earlier():
    parsed = parse(
        csv_of(
            "UPN,Assessment,Date,Result",
            f"{UPN['dan']},Maths test,05/10/2026,100",
            f"{UPN['dan']},Maths test,01/02/2027,102",  # another assessment: fine
            f"{UPN['dan']},maths test,5/10/2026,104",
        )
    )
    assert [row.line for row in parsed.rows] == [2, 3]
    (error,) = parsed.errors
    assert (error.line, error.column) == (
        4,
        "UPN",
    ) and "is already on line 2 for Maths test (05/10/2026)" in error.reason


def test_a_pupil_twice_in_a_wide_file_rejects_the_repeated_results_only():
    parsed = parse(
        csv_of(
            "UPN,Autumn reading test,Spelling test",
            f"{UPN['ava']},100,",
            f"{UPN['ava']},101,95",
        )
    )
    assert found(parsed) == [(2, P["ava"], A["autumn_reading"], 100.0, "100"), (3, P["ava"], A["spelling"], 95.0, "95")]
    assert problems(parsed) == [(3, "Autumn reading test")] and parsed.rejected_count == 1
    assert "is already on line 2" in parsed.errors[0].reason


def test_a_wide_row_with_nothing_in_it_is_not_an_error_even_for_an_unknown_pupil():
    parsed = parse(csv_of("UPN,Name,Autumn reading test", f"{UNKNOWN_UPN},Who,", f"{UPN['ava']},Ava,"))
    assert parsed.errors == [] and parsed.rows == [] and parsed.blank_count == 2 and parsed.row_count == 2


@pytest.mark.parametrize(
    ("pupil", "day", "year"),
    [
        (PupilRef(1, 4), dt.date(2026, 10, 12), 4),  # this school year
        (PupilRef(1, 4), dt.date(2026, 7, 8), 3),  # last summer
        (PupilRef(1, 4), dt.date(2026, 9, 1), 4),  # the first day of this school year
        (PupilRef(1, 4), dt.date(2026, 8, 31), 3),  # the last day of the one before
        (PupilRef(1, 4), dt.date(2027, 9, 10), 5),  # next year's
        (PupilRef(1, 3, left_on=dt.date(2026, 7, 20)), dt.date(2026, 7, 8), 3),  # left as a Year 3
        (PupilRef(1, 3, left_on=dt.date(2026, 7, 20)), dt.date(2026, 10, 12), 4),
    ],
)
def test_year_group_on_the_day_of_an_assessment(pupil, day, year):
    assert year_group_on(pupil, day, today=TODAY) == year


# --- Values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "spec", "text"),
    [
        (None, STANDARDISED, ""),
        (104, STANDARDISED, "104"),
        (104.0, STANDARDISED, "104"),
        (104.5, STANDARDISED, "104.5"),
        (0.1 + 0.2, RAW, "0.3"),
        ("  104 ", STANDARDISED, "104"),
        ('="104"', STANDARDISED, "104"),
        (dt.time(8, 6), AGE, "8:06"),
        (dt.timedelta(hours=10, minutes=11), AGE, "10:11"),
        (dt.datetime(1899, 12, 30, 8, 6), AGE, "8:06"),
        ("08:06:00", AGE, "08:06"),
        ("8:06", AGE, "8:06"),
        ("Greater  depth", STANDARDISED, "Greater depth"),
    ],
)
def test_value_text_reads_cells_as_typed(cell, spec, text):
    assert value_text(cell, spec) == text


@pytest.mark.parametrize(
    ("cell", "spec", "reason"),
    [
        (dt.time(8, 6), STANDARDISED, "Excel has turned this into a time of day (8:06)"),
        (dt.time(8, 6, 30), AGE, "Excel has turned this into a time of day (8:06)"),
        (dt.datetime(2026, 6, 8), AGE, "Excel has turned this into a date (08/06/2026) (an age is written 8:06)"),
        (dt.date(2026, 6, 8), STANDARDISED, "Excel has turned this into a date (08/06/2026): format"),
        (dt.timedelta(days=2), AGE, "a length of time"),
        (True, STANDARDISED, "TRUE is not a result"),
    ],
)
def test_value_text_refuses_cells_excel_has_changed(cell, spec, reason):
    with pytest.raises(CellProblem, match=reason.replace("(", r"\(").replace(")", r"\)")):
        value_text(cell, spec)


def custom(*specs: scales.ScaleSpec):
    """A school with one assessment per spec (ids 1, 2 ...) and one Year 3 pupil (id 7)."""
    assessments = [
        AssessmentRef(number, f"Test {number}", "Subject", dt.date(2026, 10, 5), spec)
        for number, spec in enumerate(specs, start=1)
    ]
    return {"assessments": assessments, "pupils": {UPN["ava"]: PupilRef(7, 3)}}


@pytest.mark.parametrize(
    ("spec", "cell", "value"),
    [
        (GCSE, "U", 0.0),
        (GCSE, "u", 0.0),
        (GCSE, 9, 9.0),
        (AGE, dt.time(10, 11), 131.0),
        (RAW, 12.5, 12.5),
        (scales.ScaleSpec(kind=scales.BANDS, bands=("Below", "At", "Above"), band_codes=("B", "A", "AB")), "A", 2.0),
    ],
)
def test_values_are_read_on_the_assessments_scale(spec, cell, value):
    parsed = parse(xlsx_of(["UPN", "Test 1"], [UPN["ava"], cell]), **custom(spec))
    assert parsed.errors == [] and [row.value for row in parsed.rows] == [value]


def test_a_band_coded_like_a_not_sat_marker_is_a_band():
    bands = scales.ScaleSpec(kind=scales.BANDS, bands=("Absent", "Present"), band_codes=("ABS", "P"))
    parsed = parse(csv_of("UPN,Test 1", f"{UPN['ava']},abs"), **custom(bands))
    assert [row.value for row in parsed.rows] == [1.0] and parsed.blank_count == 0


@pytest.mark.parametrize("marker", ["-", "N/A", "Absent", "abs", "A", "Not sat", "did not sit"])
def test_not_sat_markers_are_absences_in_both_layouts_as_in_the_grid(marker):
    wide = parse(csv_of("UPN,Test 1", f"{UPN['ava']},{marker}"), **custom(STANDARDISED))
    long = parse(csv_of("UPN,Test,Result", f"{UPN['ava']},Test 1,{marker}"), **custom(STANDARDISED))
    for parsed in (wide, long):
        (row,) = parsed.rows
        assert (row.absent, row.value, row.typed, parsed.errors, parsed.blank_count) == (True, None, marker, [], 0)


def test_excel_errors_and_stray_values_are_reported():
    parsed = parse(
        csv_of("UPN,Test,Result", f"{UPN['ava']},Test 1,#N/A", f"{UPN['ava']},Test 2,100,oops"),
        **custom(STANDARDISED, STANDARDISED),
    )
    assert [(e.line, e.column, e.reason) for e in parsed.errors] == [
        (2, "Result", "The spreadsheet shows an error here"),
        (3, "column 4 (no header)", "A value under no column header: is a comma missing its quotes?"),
    ]
    assert parsed.rejected_count == 2


def test_true_and_1_are_told_apart_though_they_are_equal():
    parsed = parse(xlsx_of(["UPN", "Test 1", "Test 2"], [UPN["ava"], True, 1]), **custom(RAW, RAW))
    assert [row.typed for row in parsed.rows] == ["1"]
    assert [e.reason for e in parsed.errors] == ["TRUE is not a result"]


def test_a_long_band_label_is_kept_as_typed():
    label = "Working at greater depth within the expected standard"
    bands = scales.ScaleSpec(kind=scales.BANDS, bands=("Below", label), band_codes=("B", "GDS"))
    parsed = parse(csv_of("UPN,Test 1", f"{UPN['ava']},{label}"), **custom(bands))
    assert [(row.value, row.typed) for row in parsed.rows] == [(2.0, label)]


def test_accepted_values_for_the_upload_page():
    assert accepted_values(STANDARDISED) == "a whole number, 40 to 160"
    assert accepted_values(AGE) == "3:00 to 18:00, as 8:06"
    assert accepted_values(GCSE) == "a grade, 9 to 1, or U"
    bands = scales.ScaleSpec(kind=scales.BANDS, bands=("Below", "At"), band_codes=("B", ""))
    assert accepted_values(bands) == "Below (B); At"


def test_the_not_sat_markers_shown_on_the_upload_page_are_the_ones_read():
    assert {marker.upper() for marker in NOT_SAT_EXAMPLES} <= NOT_SAT
