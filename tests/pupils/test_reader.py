"""The spreadsheet reader both imports share (pupils.imports.reader): pure functions, no database."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest

from pupils.imports import reader as tabular

FILES = Path(__file__).parent / "files"


def with_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with every sheet's stored dimension replaced, as some exporters write it wrongly."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            target.writestr(item, data)
    return buffer.getvalue()


def test_a_workbook_with_a_wrong_stored_dimension_is_read_whole():
    content = (FILES / "results_wide.xlsx").read_bytes()
    (table,) = tabular.read_tables(with_dimension(content, "A1:A1"), lambda cells: 1)
    assert table.sheet == "Mark book" and [line for line, _ in table.rows] == list(range(1, 10))
    assert table.rows[3][1][:4] == ["Y801200260001", "Ng, Ava", 104, dt.time(8, 6)]
    assert table.rows[2][1] == [
        "UPN",
        "Name",
        "Autumn reading test",
        "Reading age",
        "Maths test (05/10/2026)",
        "Writing TA",
    ]


def test_csv_lines_are_numbered_by_record_and_the_delimiter_is_the_one_giving_the_best_header():
    text = b'A;B\r\n"two\r\nlines";x\r\n3;4\r\n'

    def score(cells: list[object]) -> int:
        return sum(1 for cell in cells if cell in ("A", "B"))

    (table,) = tabular.read_tables(text, score)
    assert table.rows == [(1, ["A", "B"]), (2, ["two\r\nlines", "x"]), (3, ["3", "4"])]


@pytest.mark.parametrize(
    ("cells", "blank"),
    [([], True), ([None, "", "  "], True), (["\ufeff", None], True), ([None, 0], False), (["", "x"], False)],
)
def test_is_blank(cells, blank):
    assert tabular.is_blank(cells) is blank


def test_headers_match_ignoring_case_spacing_punctuation_brackets_and_a_pupil_prefix():
    index = tabular.header_index([("upn", ["UPN"]), ("born", ["Date of Birth"])])
    assert tabular.match_header_in(index, "Pupil-upn ") == "upn"
    assert tabular.match_header_in(index, "date-of-birth (dd/mm/yyyy)") == "born"
    assert tabular.match_header_in(index, "Birthday") is None
    with pytest.raises(AssertionError, match="claimed by"):
        tabular.header_index([("a", ["Name"]), ("b", ["name"])])
