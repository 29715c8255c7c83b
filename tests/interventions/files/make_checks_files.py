"""Writes the progress check import fixtures in this folder. Run once:
``.venv/bin/python -m tests.interventions.files.make_checks_files``.

The files are committed; this script documents how they were made and can remake them. They are written for the
groups and pupils of ``tests.interventions.checks_world``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from tests.interventions.checks_world import MATHS_ID, PUPILS, READING, UNKNOWN_UPN

HERE = Path(__file__).resolve().parent
UPN = {key: value[0] for key, value in PUPILS.items()}

CLEAN = [
    "UPN,Surname,Intervention,Date,Score",
    f"{UPN['ava']},Ng,{READING},14/09/2026,40",  # 2
    f"{UPN['ava']},Ng,{READING},2026-09-21,42",  # 3 ISO date
    f"{UPN['ava']},Ng,{READING},28/09/2026,41.5",  # 4
    f"{UPN['ben']},Ola,{READING},14/09/2026,35",  # 5
    f"{UPN['ben']},Ola,{READING},07/10/2026,36",  # 6 (the Wednesday after his absence)
    f"{UPN['cara']},Dee,{READING},05/10/2026,50",  # 7 present that day
    f"{UPN['dan']},Eze,{READING},12/10/2026,30",  # 8 before he left
    f"{UPN['ava']},Ng,{MATHS_ID},21/09/2026,12",  # 9 the maths group by its id
]

ERRORS = [
    "UPN,Intervention,Date,Score",
    f"{UPN['ava']},{READING},14/09/2026,40",  # 2 fine, but nothing is written: other rows are rejected
    f"{UNKNOWN_UPN},{READING},14/09/2026,40",  # 3 no such pupil
    f"X{UPN['ava'][1:]},{READING},14/09/2026,40",  # 4 wrong check letter
    f"{UPN['ava']},year 3 Reading Group,21/09/2026,40",  # 5 not the exact name
    f"{UPN['ava']},Spelling group,21/09/2026,40",  # 6 no check set up
    f"{UPN['ava']},Twin group,21/09/2026,40",  # 7 two groups of that name
    f"{UPN['ava']},{READING},09/28/2026,40",  # 8 month/day
    f"{UPN['ava']},{READING},23/11/2026,40",  # 9 in the future
    f"{UPN['dan']},{READING},02/11/2026,30",  # 10 after he left
    f"{UPN['ben']},{READING},05/10/2026,33",  # 11 absent that day
    f"{UPN['cara']},{READING},12/10/2026,abc",  # 12 not a number
    f"{UPN['cara']},{READING},14/10/2026,250",  # 13 above the highest possible score
    f"{UPN['ava']},{READING},14/09/2026,41",  # 14 already on line 2
    f"{UPN['eli']},{READING},14/09/2026,20",  # 15 not in the group
    f"{UPN['cara']},{READING},16/10/2026,",  # 16 blank score
    f"{UPN['cara']},,16/10/2026,22",  # 17 blank group
]


def write_xlsx(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Weekly checks"
    sheet.append(["Year 3 reading group: weekly checks, autumn 2026"])  # a title row
    sheet.append([])
    sheet.append(["Pupil UPN", "Name", "Group", "Check date", "Score"])  # the header on line 3
    rows = [
        (UPN["ava"], "Ava Ng", READING, dt.datetime(2026, 9, 14), 40),
        (UPN["ava"], "Ava Ng", READING, dt.datetime(2026, 9, 21), 42),
        (UPN["ben"], "Ben Ola", READING, dt.datetime(2026, 9, 14), 35),
        (UPN["cara"], "Cara Dee", READING, "12/10/2026", 51.5),  # a date typed as text
        (UPN["ava"], "Ava Ng", str(MATHS_ID), dt.datetime(2026, 9, 21), 12),
    ]
    for row in rows:
        sheet.append(list(row))
    for cell in sheet["D"][3:]:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "dd/mm/yyyy"
    workbook.save(path)


def main() -> None:
    (HERE / "checks_clean.csv").write_bytes(("\r\n".join(CLEAN) + "\r\n").encode("utf-8-sig"))
    (HERE / "checks_errors.csv").write_bytes(("\r\n".join(ERRORS) + "\r\n").encode("utf-8"))
    write_xlsx(HERE / "checks.xlsx")


if __name__ == "__main__":
    main()
