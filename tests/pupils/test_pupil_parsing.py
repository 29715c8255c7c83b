"""The MIS export parser (pupils.imports.pupil_parsing): pure functions, no database."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from pupils.imports import pupil_parsing as importing
from pupils.imports.pupil_parsing import CellProblem, match_header, parse_pupil_file
from pupils.reference import make_upn

FILES = Path(__file__).parent / "files"
TODAY = dt.date(2026, 10, 1)  # autumn term of 2026/27
HEADER = "UPN,Surname,Forename,DOB,Year"


def upn(serial: int) -> str:
    return make_upn(f"8012001190{serial:02d}")


def wrong_letter(value: str) -> str:
    return ("B" if value[0] != "B" else "C") + value[1:]


def parse(content: str | bytes, filename: str = "export.csv", *, lowest: int = 0, highest: int = 6):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return parse_pupil_file(data, filename, lowest_year=lowest, highest_year=highest, today=TODAY)


def csv_of(header: str, *rows: str) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def one_row(header: str, row: str):
    """Parse a file of one pupil; return (fields or None, errors)."""
    parsed = parse(csv_of(header, row))
    assert not parsed.file_errors, parsed.file_errors
    return (parsed.rows[0].fields if parsed.rows else None), parsed.errors


def xlsx_of(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- The real exports in tests/pupils/files -----------------------------------------------------------


def test_sims_export_with_bom_crlf_and_bad_rows():
    parsed = parse((FILES / "sims_export.csv").read_bytes(), "sims_export.csv")
    assert parsed.file_errors == []
    assert parsed.header_line == 1
    assert parsed.ignored_columns == ["Ethnicity"]
    assert parsed.columns["upn"] == "UPN"  # the BOM is not part of the first header
    assert [row.line for row in parsed.rows] == [2, 3, 4, 5, 6, 7, 8, 18]
    names = [(row.fields["legal_first_name"], row.fields["legal_last_name"]) for row in parsed.rows]
    assert names == [
        ("Aoife", "O'Connor"),
        ("Zoë", "Brontë"),
        ("Siân", "Jones"),
        ("José", "García López"),
        ("Minh", "Nguyễn"),
        ("Łukasz", "Kowalski"),
        ("Mary-Jane", "Smith-Jones"),
        ("Ella Rose", "Hughes"),
    ]
    first = parsed.rows[0].fields
    assert first["date_of_birth"] == dt.date(2019, 3, 14)
    assert first["year_group"] == 3
    sian = parsed.rows[2].fields
    assert (sian["sen_status"], sian["primary_need"], sian["secondary_need"]) == ("E", "ASD", "SLCN")
    assert parsed.rows[5].fields["sen_status"] == "K"  # "K - SEN Support"
    assert parsed.rows[6].fields["year_group"] == 0  # "R"
    assert parsed.rows[7].fields["fsm"] is True  # "Yes"

    by_line = {error.line: error for error in parsed.errors}
    assert sorted(by_line) == list(range(9, 18))
    expected = {
        9: ("UPN", "check letter"),
        10: ("DOB", "US month/day"),
        11: ("DOB", "February 2018 has 28 days"),
        12: ("DOB", "two-digit year"),
        13: ("Year", "not taught at this school"),
        14: ("SEN Status", "replaced by K (SEN support) in 2015"),
        15: ("Primary Need", "SEN status is N"),
        16: ("UPN", "already on line 2"),
        17: ("Year", "would be in Year 3"),
    }
    for line, (column, reason) in expected.items():
        assert by_line[line].column == column
        assert reason in by_line[line].reason, by_line[line]


def test_every_error_names_its_line_column_value_and_reason():
    parsed = parse((FILES / "sims_export.csv").read_bytes())
    for error in parsed.errors:
        assert error.line > 1 and error.column and error.reason
        text = str(error)
        assert text.startswith(f"line {error.line}, column '{error.column}': ")
        assert text.endswith(f"(value '{error.value}')")


def test_semicolon_cp1252_export():
    parsed = parse((FILES / "semicolon_cp1252.csv").read_bytes(), "semicolon_cp1252.csv")
    assert parsed.file_errors == [] and parsed.errors == []
    fields = [row.fields for row in parsed.rows]
    assert [(f["legal_first_name"], f["legal_last_name"]) for f in fields] == [
        ("Chloé", "O’Brien"),
        ("Renée", "Lefèvre"),
        ("Jürgen", "Müller"),
    ]
    assert fields[0]["date_of_birth"] == dt.date(2019, 3, 14)  # 14.03.2019
    assert [f["year_group"] for f in fields] == [3, 4, 2]  # "Y3"
    assert [f["sen_status"] for f in fields] == ["N", "K", "E"]
    assert fields[0]["gender"] == "F" and fields[0]["pupil_premium"] is True
    assert "fsm" not in fields[0]  # no FSM column: not sent, so not overwritten


def test_arbor_xlsx_with_title_rows_and_date_cells():
    parsed = parse((FILES / "arbor_export.xlsx").read_bytes(), "arbor_export.xlsx")
    assert parsed.file_errors == []
    assert (parsed.sheet, parsed.header_line) == ("Students", 3)
    assert [row.line for row in parsed.rows] == [4, 5, 6, 7]
    first, reception, numeric_year, _ = (row.fields for row in parsed.rows)
    assert first["date_of_birth"] == dt.date(2017, 10, 3)
    assert first["year_group"] == 4  # "Year 4"
    assert first["pupil_premium"] is True and first["looked_after"] is False  # Yes / No
    assert first["primary_need"] == "SLCN"
    assert reception["year_group"] == 0 and reception["legal_last_name"] == "D'Souza"
    assert numeric_year["year_group"] == 3  # the number 3.0
    assert numeric_year["legal_last_name"] == "Ó Súilleabháin"
    assert numeric_year["sen_status"] == "E" and numeric_year["primary_need"] == "SEMH"
    assert {(e.line, e.column) for e in parsed.errors} == {(8, "Date of birth"), (8, "Pupil Premium")}


# --- Headers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("UPN", "upn"),
        ("Unique Pupil Number", "upn"),
        ("upn", "upn"),
        ("Legal Surname", "legal_last_name"),
        ("Surname", "legal_last_name"),
        ("Last Name", "legal_last_name"),
        ("Family name", "legal_last_name"),
        ("Legal Forename", "legal_first_name"),
        ("Forename", "legal_first_name"),
        ("First Name", "legal_first_name"),
        ("Given name", "legal_first_name"),
        ("Preferred Forename", "preferred_first_name"),
        ("Preferred First Name", "preferred_first_name"),
        ("Known As", "preferred_first_name"),
        ("Chosen forename", "preferred_first_name"),
        ("Preferred Surname", "preferred_last_name"),
        ("DOB", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("Date of Birth", "date_of_birth"),
        ("Birth Date", "date_of_birth"),
        ("Date of Birth (dd/mm/yyyy)", "date_of_birth"),
        ("Year", "year_group"),
        ("Year Group", "year_group"),
        ("NC Year", "year_group"),
        ("National Curriculum Year", "year_group"),
        ("Curriculum Year", "year_group"),
        ("Reg", "registration_group"),
        ("Reg Group", "registration_group"),
        ("Registration Group", "registration_group"),
        ("Form", "registration_group"),
        ("Tutor Group", "registration_group"),
        ("Class", "registration_group"),
        ("Registration Form", "registration_group"),
        ("Gender", "gender"),
        ("Sex", "gender"),
        ("Pupil Premium", "pupil_premium"),
        ("PP", "pupil_premium"),
        ("Pupil Premium Indicator", "pupil_premium"),
        ("PP Eligible", "pupil_premium"),
        ("Disadvantaged", "pupil_premium"),
        ("FSM", "fsm"),
        ("FSM Eligible", "fsm"),
        ("Free School Meals", "fsm"),
        ("FSM Eligibility", "fsm"),
        ("EAL", "eal"),
        ("English as an Additional Language", "eal"),
        ("EAL Status", "eal"),
        ("Looked After", "looked_after"),
        ("In Care", "looked_after"),
        ("CLA", "looked_after"),
        ("LAC", "looked_after"),
        ("Child Looked After", "looked_after"),
        ("Looked After Child", "looked_after"),
        ("SEN Status", "sen_status"),
        ("SEN Provision", "sen_status"),
        ("SEN Stage", "sen_status"),
        ("SEN", "sen_status"),
        ("Primary Need", "primary_need"),
        ("SEN Primary Need", "primary_need"),
        ("Primary SEN Need", "primary_need"),
        ("SEN Need Type", "primary_need"),
        ("Primary Need Type", "primary_need"),
        ("Secondary Need", "secondary_need"),
        # spelling, case, punctuation and invisible characters do not matter
        ("\ufeffUPN", "upn"),
        ("  LEGAL   SURNAME  ", "legal_last_name"),
        ("legal_surname", "legal_last_name"),
        ("Date-of-Birth", "date_of_birth"),
        ("Pupil Premium?", "pupil_premium"),
        ("Looked-After", "looked_after"),
        ("Student Surname", "legal_last_name"),
        ("Pupil Year Group", "year_group"),
        ("Forename (Preferred)", "preferred_first_name"),
        ("Surname (Legal)", "legal_last_name"),
    ],
)
def test_header_spellings(header, field):
    assert match_header(header) == field


@pytest.mark.parametrize(
    "headers",
    [
        # SIMS
        "Adno,UPN,Legal Surname,Legal Forename,Preferred Forename,Gender,DOB,Year,Reg,FSM Eligible,"
        "Pupil Premium Indicator,EAL,In Care,SEN Status,SEN Need Type",
        # Arbor
        "UPN,Legal first name,Legal last name,Preferred first name,Date of birth,Year group,Registration form,"
        "Gender,Pupil Premium,FSM,EAL,Looked after,SEN status,Primary SEN need",
        # Bromcom
        "Admission No,UPN,Legal Surname,Legal Forename,Date Of Birth,NC Year Actual,Reg Group,Gender,FSM,"
        "Pupil Premium,EAL,Looked After,SEN Status,SEN Primary Need,SEN Secondary Need",
        # ScholarPack
        "UPN,Surname,Forename,Known As,DOB,Year,Class,Gender,FSM,PP,EAL,CLA,SEN,Primary Need",
    ],
)
def test_whole_header_rows_from_each_mis(headers):
    parsed = parse(csv_of(headers))
    assert parsed.file_errors == ["There are no pupils in the file: nothing below the header on line 1."]
    assert set(importing.REQUIRED_FIELDS) <= set(parsed.columns)
    assert set(parsed.ignored_columns) <= {"Adno", "Admission No"}


@pytest.mark.parametrize("header", ["Ethnicity", "Admission Date", "Name", "Ever 6 FSM", "", "Home Language"])
def test_other_headers_are_not_guessed(header):
    assert match_header(header) is None


def test_unknown_columns_are_ignored_and_reported():
    parsed = parse(csv_of(HEADER + ",Ethnicity,Attendance %", f"{upn(1)},Ng,Ana,14/03/2019,3,WBRI,97.5"))
    assert parsed.ignored_columns == ["Ethnicity", "Attendance %"]
    assert len(parsed.rows) == 1 and parsed.errors == []


def test_missing_required_columns_reject_the_whole_file():
    parsed = parse(csv_of("UPN,Surname,Forename,Class", f"{upn(1)},Ng,Ana,3B"))
    assert parsed.rows == [] and parsed.errors == []
    (problem,) = parsed.file_errors
    assert "date of birth" in problem and "year group" in problem
    assert "'UPN', 'Surname', 'Forename', 'Class'" in problem


def test_the_more_specific_of_two_columns_for_one_field_is_used_and_the_other_ignored():
    header = "UPN,Surname,Legal Surname,First Name,Forename,Legal Forename,DOB,Year,NC Year"
    parsed = parse(csv_of(header, f"{upn(1)},Ng,Nguyen,Annie,Ann,Anh,14/03/2019,2,3"))
    assert parsed.file_errors == []
    assert parsed.columns == {
        "upn": "UPN",
        "legal_last_name": "Legal Surname",
        "legal_first_name": "Legal Forename",
        "date_of_birth": "DOB",
        "year_group": "NC Year",
    }
    assert parsed.ignored_columns == ["Surname", "First Name", "Forename", "Year"]
    (row,) = parsed.rows
    assert (row.fields["legal_last_name"], row.fields["legal_first_name"], row.fields["year_group"]) == (
        "Nguyen",
        "Anh",
        3,
    )


def test_a_pupil_prefix_does_not_make_a_header_more_specific():
    parsed = parse(csv_of("UPN,Surname,Pupil Surname,Forename,DOB,Year", f"{upn(1)},Ng,Ng,Ana,14/03/2019,3"))
    assert parsed.rows == []
    assert parsed.file_errors == [
        "Columns 'Surname' and 'Pupil Surname' both give the legal surname: remove or rename one of them."
    ]


def test_two_columns_neither_more_specific_reject_the_whole_file():
    parsed = parse(csv_of("UPN,Surname,DOB,Forename,Date of Birth,Year", f"{upn(1)},Ng,14/03/2019,Ana,14/03/2019,3"))
    assert parsed.rows == []
    assert parsed.file_errors == [
        "Columns 'DOB' and 'Date of Birth' both give the date of birth: remove or rename one of them."
    ]


@pytest.mark.parametrize("second", ["Surname", "SURNAME", " surname "])
def test_the_same_header_twice_rejects_the_whole_file(second):
    parsed = parse(csv_of(f"UPN,Surname,Forename,DOB,Year,{second}", f"{upn(1)},Ng,Ana,14/03/2019,3,Ng"))
    assert parsed.rows == []
    (problem,) = parsed.file_errors
    assert problem.startswith(f"The column '{second.strip()}' appears twice (columns B and F)")
    assert "legal surname: remove one of them" in problem


def test_a_repeated_plain_header_is_refused_even_beside_a_legal_one():
    parsed = parse(csv_of("UPN,Legal Surname,Surname,Forename,DOB,Year,Surname", f"{upn(1)},Ng,Ng,Ana,14/03/2019,3,Ng"))
    assert parsed.rows == [] and "appears twice (columns C and G)" in parsed.file_errors[0]


def test_column_letters():
    assert [importing.column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_title_rows_above_the_header_keep_spreadsheet_line_numbers():
    text = csv_of(
        "Pupil list,,,,", "Exported 01/10/2026,,,,", ",,,,", HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3", "", "x,,,,"
    )
    parsed = parse(text)
    assert parsed.header_line == 4
    assert [row.line for row in parsed.rows] == [5]
    assert {error.line for error in parsed.errors} == {7}  # the blank line 6 is skipped but still counted


def test_no_header_row():
    parsed = parse("1,2,3\r\n4,5,6\r\n")
    (problem,) = parsed.file_errors
    assert "No header row found" in problem and "'1', '2', '3'" in problem


def test_header_only_is_a_file_error():
    parsed = parse(HEADER + "\r\n")
    assert parsed.file_errors and "no pupils" in parsed.file_errors[0]


# --- Formats and encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_recognised(delimiter):
    text = csv_of(HEADER.replace(",", delimiter), delimiter.join([upn(1), "Ng", "Ana", "14/03/2019", "3"]))
    parsed = parse(text, "export.txt")
    assert parsed.errors == [] and parsed.rows[0].fields["legal_first_name"] == "Ana"


def test_excel_sep_hint_line():
    parsed = parse("sep=;\r\n" + csv_of(HEADER.replace(",", ";"), f"{upn(1)};Ng;Ana;14/03/2019;3"))
    assert parsed.header_line == 1 and [row.line for row in parsed.rows] == [2]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings(encoding):
    text = csv_of(HEADER, f"{upn(1)},Lefèvre,Renée,14/03/2019,3")
    parsed = parse(text.encode(encoding))
    assert parsed.rows[0].fields["legal_last_name"] == "Lefèvre"


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_endings(newline):
    text = newline.join([HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3", f"{upn(2)},Ng,Bo,14/03/2019,3"]) + newline
    parsed = parse(text)
    assert [row.line for row in parsed.rows] == [2, 3]


def test_quoted_cells_with_commas_and_excel_text_cells():
    text = csv_of(HEADER + ",Class", f'="{upn(1)}","Ng, Jr",Ana,14/03/2019,3,="03"')
    fields, errors = one_row(HEADER + ",Class", f'="{upn(1)}",Ng,Ana,14/03/2019,3,="03"')
    assert errors == [] and fields["upn"] == upn(1) and fields["registration_group"] == "03"
    parsed = parse(text)
    assert parsed.rows[0].fields["legal_last_name"] == "Ng, Jr"  # quoted, so read whole


def test_unquoted_comma_shifts_the_row_and_is_reported():
    parsed = parse(csv_of(HEADER, f"{upn(1)},Ng,Jr,Ana,14/03/2019,3"))
    assert parsed.rows == []
    assert any("no header" in error.column for error in parsed.errors)


def test_xlsx_uses_the_first_sheet_with_a_header_and_reads_typed_cells():
    content = xlsx_of(
        ("Read me", [["This export was made by the MIS"], ["Do not edit"]]),
        (
            "Pupils",
            [
                ["UPN", "Surname", "Forename", "DOB", "NC Year", "Reg", "FSM"],
                [upn(1), "Ng", "Ana", dt.datetime(2019, 3, 14), 3, 4, True],
                [upn(2), "Ng", "Bo", dt.date(2019, 3, 15), 3.0, "3B", 0],
                [upn(3), "Ng", "Cy", 43538, "Y3", None, 1],  # an unformatted Excel date serial: 14/03/2019
            ],
        ),
    )
    parsed = parse(content, "export.xlsx")
    assert parsed.sheet == "Pupils" and parsed.errors == []
    first, second, third = (row.fields for row in parsed.rows)
    assert first["date_of_birth"] == dt.date(2019, 3, 14) and first["registration_group"] == "4"
    assert second["year_group"] == 3 and second["fsm"] is False
    assert third["date_of_birth"] == dt.date(2019, 3, 14) and third["fsm"] is True


def test_excel_error_values_are_rejected():
    content = xlsx_of(("Pupils", [["UPN", "Surname", "Forename", "DOB", "Year"], [upn(1), "Ng", "Ana", "#N/A", 3]]))
    parsed = parse(content, "export.xlsx")
    (error,) = parsed.errors
    assert (error.line, error.column, error.value) == (2, "DOB", "#N/A")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97-2003"),
        (b"<html><table><tr><td>UPN</td></tr></table></html>", "web page"),
        (b"PK\x03\x04 not really a zip", "could not be opened"),
        (b"UPN,Surname\x00\x00\x00", "binary"),
    ],
)
def test_unreadable_files(content, reason):
    parsed = parse(content)
    assert parsed.rows == [] and reason in parsed.file_errors[0]


# --- Values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("14/03/2015", dt.date(2015, 3, 14)),
        ("4/3/2015", dt.date(2015, 3, 4)),
        ("04/03/2015", dt.date(2015, 3, 4)),  # day first, never US
        ("14-03-2015", dt.date(2015, 3, 14)),
        ("14.03.2015", dt.date(2015, 3, 14)),
        ("2015-03-14", dt.date(2015, 3, 14)),
        ("2015-03-14T00:00:00", dt.date(2015, 3, 14)),
        ("14/03/2015 00:00:00", dt.date(2015, 3, 14)),
        ("14 Mar 2015", dt.date(2015, 3, 14)),
        ("14-Mar-2015", dt.date(2015, 3, 14)),
        ("14 March 2015", dt.date(2015, 3, 14)),
        ("14th Sept 2015", dt.date(2015, 9, 14)),
        ("March 14, 2015", dt.date(2015, 3, 14)),
        ("29/02/2016", dt.date(2016, 2, 29)),
        (dt.datetime(2015, 3, 14, 0, 0), dt.date(2015, 3, 14)),
    ],
)
def test_dates(written, expected):
    assert importing.parse_date(written) == expected


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("03/14/2015", "US month/day"),
        ("31/02/2015", "February 2015 has 28 days"),
        ("29/02/2015", "February 2015 has 28 days"),
        ("31/04/2015", "April 2015 has 30 days"),
        ("14/13/2015", "no month 13"),
        ("14/03/15", "two-digit year"),
        ("14-Mar-15", "two-digit year"),
        ("14 Smarch 2015", "not a month"),
        ("yesterday", "dd/mm/yyyy"),
        ("", "blank"),
        ("2015", "dd/mm/yyyy"),
    ],
)
def test_bad_dates(written, reason):
    with pytest.raises(CellProblem, match=reason):
        importing.parse_date(written)


@pytest.mark.parametrize(
    ("written", "reason"),
    [("01/10/2026", "not in the past"), ("01/01/2030", "not in the past"), ("01/01/1990", "36 years old")],
)
def test_implausible_dates_of_birth(written, reason):
    with pytest.raises(CellProblem, match=reason):
        importing.parse_date_of_birth(written, today=TODAY)


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("R", 0),
        ("Rec", 0),
        ("reception", 0),
        ("YR", 0),
        ("Year R", 0),
        ("N1", -2),
        ("N2", -1),
        ("Nursery", -1),
        ("1", 1),
        ("01", 1),
        ("14", 14),
        ("Y3", 3),
        ("Year 3", 3),
        ("Yr 3", 3),
        ("Year 03", 3),
        ("NC Year 3", 3),
        ("3.0", 3),
        (3, 3),
        (3.0, 3),
    ],
)
def test_year_groups(written, year):
    assert importing.parse_year_group(written) == year


@pytest.mark.parametrize("written", ["15", "X", "Year Ten", "3.5", 3.5, "-1", "", "Y"])
def test_bad_year_groups(written):
    with pytest.raises(CellProblem):
        importing.parse_year_group(written)


def test_year_group_must_be_taught_and_fit_the_date_of_birth():
    header = HEADER
    fields, errors = one_row(header, f"{upn(1)},Ng,Ana,14/03/2019,4")  # one year ahead of Year 3: allowed
    assert fields["year_group"] == 4
    fields, errors = one_row(header, f"{upn(1)},Ng,Ana,14/03/2019,2")  # held back a year: allowed
    assert fields["year_group"] == 2
    _, errors = one_row(header, f"{upn(1)},Ng,Ana,14/03/2019,5")
    assert errors[0].column == "Year" and "born on 14/03/2019 would be in Year 3" in errors[0].reason
    parsed = parse(csv_of(header, f"{upn(1)},Ng,Ana,14/03/2013,Y9"), lowest=0, highest=6)
    assert "Year 9 is not taught at this school (Reception to Year 6)" in parsed.errors[0].reason
    parsed = parse(csv_of(header, f"{upn(1)},Ng,Ana,14/03/2013,Y9"), lowest=7, highest=11)
    assert parsed.errors == []


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("Y", True),
        ("y", True),
        ("Yes", True),
        ("TRUE", True),
        ("T", True),
        ("1", True),
        (1, True),
        (True, True),
        ("N", False),
        ("No", False),
        ("false", False),
        ("F", False),
        ("0", False),
        ("", False),
        (None, False),
        (False, False),
    ],
)
def test_yes_no(written, value):
    assert importing.parse_yes_no(written) is value


@pytest.mark.parametrize("written", ["Maybe", "2", "X", "Eligible", "-"])
def test_bad_yes_no(written):
    with pytest.raises(CellProblem, match="Not yes or no"):
        importing.parse_yes_no(written)


@pytest.mark.parametrize(
    ("written", "gender"),
    [("M", "M"), ("m", "M"), ("Male", "M"), ("Boy", "M"), ("F", "F"), ("Female", "F"), ("girl", "F"), ("", "")],
)
def test_gender(written, gender):
    assert importing.parse_gender(written) == gender


@pytest.mark.parametrize("written", ["U", "u", "X", "Unknown", "Not known", "NOT  KNOWN", "Not stated", None])
def test_gender_not_recorded_is_stored_blank(written):
    assert importing.parse_gender(written) == ""


def test_gender_not_recorded_is_not_an_error_in_a_file():
    fields, errors = one_row(HEADER + ",Gender", f"{upn(1)},Ng,Ana,14/03/2019,3,Not stated")
    assert errors == [] and fields["gender"] == ""


@pytest.mark.parametrize("written", ["Q", "Other", "MF", "Non-binary"])
def test_bad_gender(written):
    with pytest.raises(CellProblem, match="M or F"):
        importing.parse_gender(written)


def spellings(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(spelling, what it means) for each spelling in ``table`` (what it means -> the ways an MIS writes it)."""
    return [(written, meaning) for meaning, ways in table.items() for written in ways]


@pytest.mark.parametrize(
    ("written", "status"),
    spellings(
        {
            "N": ["N", "", "No SEN", "No Special Educational Need", "None"],
            "K": ["K", "k", "SEN Support", "K - SEN Support", "SEN Support (K)"],
            "E": ["E", "EHC Plan", "EHCP", "Education, Health and Care Plan", "E - EHC Plan", "Statement", "S"],
        }
    ),
)
def test_sen_status(written, status):
    assert importing.parse_sen_status(written) == status


@pytest.mark.parametrize("written", ["A", "P", "School Action", "School Action Plus", "P - School Action Plus"])
def test_pre_2015_sen_codes_are_refused_with_the_reason(written):
    with pytest.raises(CellProblem, match="replaced by K \\(SEN support\\) in 2015"):
        importing.parse_sen_status(written)


@pytest.mark.parametrize("written", ["SEN", "Yes", "Q", "K - EHC Plan"])
def test_bad_sen_status(written):
    with pytest.raises(CellProblem):
        importing.parse_sen_status(written)


@pytest.mark.parametrize(
    ("written", "code"),
    spellings(
        {
            "SPLD": [
                "SPLD",
                "SpLD",
                "spld",
                "Specific Learning Difficulty",
                "Specific learning difficulties",
                "SPLD - Specific learning difficulty",
            ],
            "ASD": ["Autistic Spectrum Disorder", "Autism", "ASD - Autistic spectrum disorder"],
            "SEMH": ["Social, Emotional and Mental Health"],
            "SLCN": ["Speech, Language and Communication Needs"],
            "MLD": ["Moderate Learning Difficulty", "Moderate Learning Difficulty (MLD)"],
            "SLD": ["Severe Learning Difficulty"],
            "PMLD": ["Profound & Multiple Learning Difficulty"],
            "HI": ["Hearing Impairment"],
            "VI": ["Visual Impairment"],
            "MSI": ["Multi-Sensory Impairment"],
            "PD": ["Physical Disability"],
            "OTH": ["Other Difficulty/Disability"],
            "NSA": ["SEN support but no specialist assessment of type of need"],
            "": ["", "None", "N/A"],
        }
    ),
)
def test_need_types(written, code):
    assert importing.parse_need(written) == code


@pytest.mark.parametrize(
    ("written", "reason"),
    [("BESD", "replaced by SEMH"), ("Dyslexia", "Not a need type"), ("MLD - Hearing impairment", "different")],
)
def test_bad_need_types(written, reason):
    with pytest.raises(CellProblem, match=reason):
        importing.parse_need(written)


NEEDS_HEADER = HEADER + ",SEN Status,Primary Need,Secondary Need"


def test_needs_must_agree_with_the_status_and_each_other():
    fields, errors = one_row(NEEDS_HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3,K,SpLD,SLCN")
    assert (fields["primary_need"], fields["secondary_need"]) == ("SPLD", "SLCN")
    _, errors = one_row(NEEDS_HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3,N,SpLD,")
    assert [(e.column, e.reason) for e in errors] == [
        ("Primary Need", "A need is given but the SEN status is N (no SEN)")
    ]
    _, errors = one_row(NEEDS_HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3,K,ASD,Autism")
    assert errors[0].column == "Secondary Need" and "same as the primary" in errors[0].reason
    _, errors = one_row(NEEDS_HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3,K,,ASD")
    assert errors[0].column == "Secondary Need" and "without a primary need" in errors[0].reason


NAMES_HEADER = HEADER + ",Preferred Forename"


@pytest.mark.parametrize(
    ("surname", "forename", "kept"),
    [
        ("O'Brien", "Zoë", ("O'Brien", "Zoë")),
        ("D’Souza", "Siân", ("D’Souza", "Siân")),
        ("Nguyễn", "Łukasz", ("Nguyễn", "Łukasz")),
        ("van der Berg", "Anne-Marie", ("van der Berg", "Anne-Marie")),
        ("  MACDONALD  ", "mary  ellen", ("MACDONALD", "mary ellen")),  # trimmed, case kept
        ("St. John", "José", ("St. John", "José")),
        ("Surname12", "Pupil12", ("Surname12", "Pupil12")),  # not our business to judge
    ],
)
def test_names_are_kept_as_written(surname, forename, kept):
    fields, errors = one_row(NAMES_HEADER, f'{upn(1)},"{surname}","{forename}",14/03/2019,3,')
    assert errors == []
    assert (fields["legal_last_name"], fields["legal_first_name"]) == kept
    assert fields["preferred_first_name"] == ""


def test_combining_accents_are_composed():
    fields, _ = one_row(HEADER, f"{upn(1)},Ng,Zoe\u0308,14/03/2019,3")
    assert fields["legal_first_name"] == "Zoë"


@pytest.mark.parametrize(
    ("surname", "reason"),
    [("", "legal surname is blank"), ("x" * 101, "101 characters"), ("--", "no letters"), ("1234", "no letters")],
)
def test_bad_names(surname, reason):
    _, errors = one_row(HEADER, f"{upn(1)},{surname},Ana,14/03/2019,3")
    assert errors[0].column == "Surname" and reason in errors[0].reason


def test_class_names():
    fields, _ = one_row(HEADER + ",Reg", f"{upn(1)},Ng,Ana,14/03/2019,3,  Class  3B ")
    assert fields["registration_group"] == "Class 3B"
    fields, _ = one_row(HEADER + ",Reg", f"{upn(1)},Ng,Ana,14/03/2019,3,")
    assert fields["registration_group"] == ""
    _, errors = one_row(HEADER + ",Reg", f"{upn(1)},Ng,Ana,14/03/2019,3,{'x' * 41}")
    assert "at most 40" in errors[0].reason


def test_upn_is_normalised_and_checked():
    fields, _ = one_row(HEADER, f"{upn(1)[:5].lower()} {upn(1)[5:]},Ng,Ana,14/03/2019,3")
    assert fields["upn"] == upn(1)
    _, errors = one_row(HEADER, f"{wrong_letter(upn(1))},Ng,Ana,14/03/2019,3")
    assert errors[0].column == "UPN" and "check letter is wrong" in errors[0].reason
    _, errors = one_row(HEADER, ",Ng,Ana,14/03/2019,3")
    assert "missing" in errors[0].reason


def test_duplicate_upn_rejects_the_later_row_naming_the_earlier_line():
    parsed = parse(
        csv_of(
            HEADER,
            f"{upn(1)},Ng,Ana,14/03/2019,3",
            f"{upn(2)},Ng,Bo,14/03/2019,3",
            f"{upn(1).lower()},Ng,Ana,14/03/2019,3",
        )
    )
    assert [row.line for row in parsed.rows] == [2, 3]
    (error,) = parsed.errors
    assert (error.line, error.column) == (4, "UPN") and "already on line 2" in error.reason


def test_every_problem_in_a_row_is_reported():
    header = HEADER + ",Gender,FSM,SEN Status"
    _, errors = one_row(header, f"{wrong_letter(upn(1))},,Ana,31/02/2019,Y20,Q,Maybe,A")
    assert [error.column for error in errors] == ["UPN", "Surname", "DOB", "Year", "Gender", "FSM", "SEN Status"]
    assert all(error.line == 2 for error in errors)


def test_absent_optional_columns_are_absent_from_the_row():
    fields, _ = one_row(HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3")
    assert set(fields) == {"upn", "legal_last_name", "legal_first_name", "date_of_birth", "year_group"}


def test_seen_upns_include_rejected_rows():
    parsed = parse(csv_of(HEADER, f"{upn(1)},Ng,Ana,14/03/2019,3", f"{upn(2)},Ng,Bo,31/02/2019,3"))
    assert parsed.seen_upns == {upn(1), upn(2)}
    assert parsed.rejected_lines == [3]
