"""Writes the results-import fixtures in this folder. Run once: ``.venv/bin/python -m tests.pupils.files.make_results_files``.

The files are committed; this script documents how they were made and can remake them. They are written for
the assessments and pupils of ``tests.pupils.results_world``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

from tests.pupils.results_world import PUPILS, UNKNOWN_UPN

HERE = Path(__file__).resolve().parent
UPN = {key: value[0] for key, value in PUPILS.items()}

LONG_HEADER = "UPN,Surname,Forename,Assessment,Subject,Date,Result"
LONG_ROWS = [
    # line 2 onwards
    f"{UPN['ava']},Ng,Ava,Autumn reading test,,05/10/2026,104",  # 2 created
    f"{UPN['ben']},Ola,Ben,autumn  reading test ,,05/10/2026,96",  # 3 created: name case and spaces ignored
    f"{UPN['cara']},Dee,Cara,Maths test,,05/10/2026,105",  # 4 created: the date picks one of two
    f"{UPN['dan']},Eze,Dan,Maths test,,05/10/2026,121",  # 5 rejected: outside 80-120
    f"{UPN['ava']},Ng,Ava,Reading age,,12/10/2026,8:06",  # 6 created
    f"{UPN['ben']},Ola,Ben,Reading age,,12/10/2026,8:12",  # 7 rejected: 12 months
    f"{UPN['cara']},Dee,Cara,Reading age,,12/10/2026,9:01",  # 8 rejected: for Years 3 and 4 only
    f"{UPN['ava']},Ng,Ava,Writing TA,,16/10/2026,Expected",  # 9 created: a band by label
    f"{UPN['ben']},Ola,Ben,Writing TA,,16/10/2026,wts",  # 10 created: a band by code
    f"{UPN['ava']},Ng,Ava,,Spelling,05/10/2026,99",  # 11 created: subject and date
    f"{UNKNOWN_UPN},Who,Nobody,Autumn reading test,,05/10/2026,100",  # 12 rejected: no such pupil
    f"{UPN['dan']},Eze,Dan,Maths test,,,100",  # 13 rejected: two Maths tests, no date
    f"{UPN['dan']},Eze,Dan,Science quiz,,05/10/2026,7",  # 14 rejected: no such assessment
    f"{UPN['ava']},Ng,Ava,Autumn reading test,,05/10/2026,110",  # 15 rejected: already on line 2
    f"{UPN['eli']},Fox,Eli,Summer reading test,,08/07/2026,101",  # 16 created: left, was in Year 3
    f"{UPN['ben']},Ola,Ben,Summer reading test,,08/07/2026,95",  # 17 created: Year 4 now, Year 3 then
    f"{UPN['ava']},Ng,Ava,Summer reading test,,08/07/2026,99",  # 18 rejected: was in Year 2 then
    f"{UPN['cara']},Dee,Cara,Autumn reading test,,05/10/2026,",  # 19 rejected: no result
]


def results_long() -> bytes:
    """Excel's "CSV UTF-8" on Windows: a BOM, CRLF line endings, day-first dates, name columns to ignore."""
    return ("\r\n".join([LONG_HEADER, *LONG_ROWS]) + "\r\n").encode("utf-8-sig")


def results_subject_date() -> bytes:
    """A clean file in Excel's European "CSV": semicolons, code page 1252, assessments by subject and date."""
    rows = [
        "UPN;Élève;Subject;Test date;Score",
        f"{UPN['ava']};Ng Ava;Spelling;05.10.2026;99",
        f"{UPN['ben']};Ola Ben;spelling;5 Oct 2026;101",
        f"{UPN['cara']};Dee Cara;Reading;2026-10-05;88",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def results_wide() -> bytes:
    """A mark book in Excel: a title row and a blank row above the header, one column per assessment, number
    cells, an age Excel turned into a time (8:06) and one it turned into a date (8/06)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Mark book"
    sheet.append(["Autumn assessments 2026/27"])
    sheet.append([])
    sheet.append(["UPN", "Name", "Autumn reading test", "Reading age", "Maths test (05/10/2026)", "Writing TA"])
    rows = [
        [UPN["ava"], "Ng, Ava", 104, dt.time(8, 6), 100, "Expected"],  # line 4: four created
        [UPN["ben"], "Ola, Ben", 96.0, "8:11", 88, "Greater depth"],  # line 5: four created
        [UPN["cara"], "Dee, Cara", 101, dt.time(9, 1), 121, "-"],  # line 6: one created, two rejected, "-" blank
        [UPN["dan"], "Eze, Dan", None, None, 112.0, "GDS"],  # line 7: two created, two blank
        [UPN["eli"], "Fox, Eli", 104.5, dt.datetime(2026, 6, 8), None, None],  # line 8: two rejected, two blank
        [UNKNOWN_UPN, "Who, Nobody", 100, None, None, None],  # line 9: one rejected (no such pupil), three blank
    ]
    for row in rows:
        sheet.append(row)
    sheet["D4"].number_format = "h:mm"
    sheet["D6"].number_format = "h:mm"
    sheet["D8"].number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# A mark book with absence marks, for pupils the tests give a score or an absence first (``test_results_import_safety``).
ABSENCES_ROWS = [
    # line 2 onwards
    f"{UPN['ava']},Autumn reading test,Abs",  # 2 an absence: nothing stored before
    f"{UPN['ben']},Autumn reading test,A",  # 3 an absence over Ben's stored 96
    f"{UPN['cara']},Autumn reading test,105",  # 4 a score over Cara's stored absence
    f"{UPN['dan']},Autumn reading test,-",  # 5 an absence: nothing stored before
    f"{UPN['ava']},Spelling test,99",  # 6 a score: nothing stored before
]


def results_absences() -> bytes:
    """One result per row, three of them "did not sit" marks as the grid accepts them."""
    return ("\r\n".join(["UPN,Assessment,Result", *ABSENCES_ROWS]) + "\r\n").encode()


def results_absences_wide() -> bytes:
    """The same in a one-row-per-pupil Excel mark book, with a blank cell beside the absence marks."""
    book = Workbook()
    sheet = book.active
    sheet.append(["UPN", "Name", "Autumn reading test", "Spelling test"])
    sheet.append([UPN["ava"], "Ng, Ava", "ABS", 99])  # line 2: an absence, a score
    sheet.append([UPN["ben"], "Ola, Ben", "Absent", None])  # line 3: an absence over 96, a blank
    sheet.append([UPN["cara"], "Dee, Cara", 105, "N/A"])  # line 4: a score over an absence, an absence
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    (HERE / "results_long.csv").write_bytes(results_long())
    (HERE / "results_subject_date.csv").write_bytes(results_subject_date())
    (HERE / "results_wide.xlsx").write_bytes(results_wide())
    (HERE / "results_absences.csv").write_bytes(results_absences())
    (HERE / "results_absences_wide.xlsx").write_bytes(results_absences_wide())


if __name__ == "__main__":
    main()
