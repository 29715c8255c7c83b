"""Writes the MIS export fixtures in this folder. Run once: ``.venv/bin/python -m tests.pupils.files.make_files``.

The files are committed; this script documents how they were made and can remake them. Dates suit the
school year 2026/27 (the tests freeze "today" at 1 October 2026) at a Reception to Year 6 school.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

from pupils.reference import make_upn

HERE = Path(__file__).resolve().parent


def upn(serial: int, year: str = "19") -> str:
    return make_upn(f"8012001{year}{serial:03d}")


def wrong_check_letter(value: str) -> str:
    return ("B" if value[0] != "B" else "C") + value[1:]


SIMS_HEADER = (
    "UPN,Legal Surname,Legal Forename,Preferred Forename,Preferred Surname,DOB,Gender,Year,Reg,"
    "FSM Eligible,Pupil Premium Indicator,EAL,In Care,SEN Status,Primary Need,Secondary Need,Ethnicity"
)
SIMS_ROWS = [
    # line 2 onwards; lines 9-17 are deliberately wrong
    f"{upn(1)},O'Connor,Aoife,,,14/03/2019,F,3,3B,N,N,N,N,N,,,WIRI",
    f"{upn(2)},Brontë,Zoë,Zo,,02/09/2018,F,3,3B,Y,Y,N,N,K,SpLD,,WBRI",
    f"{upn(3)},Jones,Siân,,,30/11/2017,F,4,4R,N,Y,N,Y,E,Autistic Spectrum Disorder,SLCN,WBRI",
    f'{upn(4)},García López,José,,,05/01/2020,M,2,2W,N,N,Y,N,N,,,"WOTH"',
    f'{upn(5)},Nguyễn,Minh,,,21/07/2021,M,1,1G,N,N,Y,N,K,"Speech, Language and Communication Needs",,AVIE',
    f"{upn(6)},Kowalski,Łukasz,Luke,,12/12/2015,M,6,6T,N,Y,Y,N,K - SEN Support,SEMH,MLD,WPOL",
    f"{upn(7)},Smith-Jones,Mary-Jane,,,01/09/2021,F,R,RB,N,N,N,N,N,,,WBRI",
    f"{wrong_check_letter(upn(8))},Patel,Aarav,,,10/10/2016,M,5,5P,N,N,Y,N,N,,,AIND",
    f"{upn(9)},Brown,Oliver,,,03/14/2017,M,4,4R,N,N,N,N,N,,,WBRI",
    f"{upn(10)},Wilson,Amelia,,,31/02/2018,F,3,3B,N,N,N,N,N,,,WBRI",
    f"{upn(11)},Taylor,Noah,,,14/03/17,M,4,4R,N,N,N,N,N,,,WBRI",
    f"{upn(12)},Evans,Grace,,,15/04/2016,F,9,9E,N,N,N,N,N,,,WBRI",
    f"{upn(13)},Thomas,Jack,,,20/06/2019,M,3,3B,N,N,N,N,A,,,WBRI",
    f"{upn(14)},Roberts,Isla,,,08/08/2020,F,2,2W,N,N,N,N,N,MLD,,WBRI",
    f"{upn(1)},O'Connor,Aoife,,,14/03/2019,F,3,3B,N,N,N,N,N,,,WIRI",
    f"{upn(15)},Davies,Harry,,,14/03/2019,M,6,6T,N,N,N,N,N,,,WBRI",
    f"{upn(16)},Hughes,Ella  Rose,,,19/05/2018,F,4,4R,Yes,No,N,N,N,,,WBRI",
]


def sims_export() -> bytes:
    """SIMS "CSV UTF-8" from Excel on Windows: a BOM, CRLF line endings, day-first dates."""
    text = "\r\n".join([SIMS_HEADER, *SIMS_ROWS]) + "\r\n"
    return text.encode("utf-8-sig")


def semicolon_cp1252() -> bytes:
    """Excel's plain "CSV" in a European locale: code page 1252, semicolons, dotted dates, curly apostrophe."""
    rows = [
        "UPN;Surname;Forename;Date of Birth;NC Year;Class;Gender;PP;SEN",
        f"{upn(31, '20')};O’Brien;Chloé;14.03.2019;Y3;3B;Female;Y;N",
        f"{upn(32, '20')};Lefèvre;Renée;01.12.2017;Y4;4R;Female;N;K",
        f"{upn(33, '20')};Müller;Jürgen;07.07.2020;Y2;2W;Male;N;E",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def arbor_export() -> bytes:
    """Arbor-style .xlsx: a title row and a blank row above the header, real date cells, "Year 4" year groups,
    Yes/No flags, a year group stored as the number 3.0 and one bad row (line 8)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Students"
    sheet.append(["Student list: Oak Primary", None, None, "Exported 01/10/2026"])
    sheet.append([])
    sheet.append(
        [
            "UPN",
            "Legal first name",
            "Legal last name",
            "Preferred first name",
            "Date of birth",
            "Year group",
            "Registration form",
            "Gender",
            "Pupil Premium",
            "FSM",
            "EAL",
            "Looked after",
            "SEN status",
            "Primary SEN need",
            "Ethnicity",
        ]
    )
    rows = [
        [upn(41, "21"), "Amara", "Okafor", "", dt.datetime(2017, 10, 3), "Year 4", "4R", "Female"]
        + ["Yes", "Yes", "Yes", "No", "SEN Support", "Speech, language and communication needs", "BNGN"],
        [upn(42, "21"), "Oscar", "D'Souza", "Ozzy", dt.datetime(2021, 9, 30), "Reception", "RB", "Male"]
        + ["No", "No", "No", "No", "No SEN", None, "AIND"],
        [upn(43, "21"), "Freya", "Ó Súilleabháin", None, dt.datetime(2019, 6, 1), 3.0, "3B", "Female"]
        + ["No", "No", "No", "Yes", "EHC Plan", "Social, Emotional and Mental Health", "WIRI"],
        [upn(44, "21"), "Leo", "Hall", None, dt.datetime(2016, 10, 20), "Year 5", "5P", "Male"]
        + ["Yes", "Yes", "No", "No", "SEN Support", "Specific Learning Difficulty", "WBRI"],
        [upn(45, "21"), "Maya", "Khan", None, "31/02/2019", "Year 2", "2W", "Female"]
        + ["Maybe", "No", "Yes", "No", "No SEN", None, "APKN"],
    ]
    for row in rows:
        sheet.append(row)
    for cell in sheet["E"][3:]:
        cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    (HERE / "sims_export.csv").write_bytes(sims_export())
    (HERE / "semicolon_cp1252.csv").write_bytes(semicolon_cp1252())
    (HERE / "arbor_export.xlsx").write_bytes(arbor_export())


if __name__ == "__main__":
    main()
