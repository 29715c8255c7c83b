"""Spreadsheet files (CSV or XLSX) as rows of cells, numbered as the spreadsheet numbers them. No Django imports.

Every import (pupils, results, progress check scores: see ``kinds``) reads its file through this module: recognising the format from the bytes, decoding CSV text and choosing its delimiter, opening
workbooks, finding the header row, reading a cell as the user sees it, reading day-first dates, and the
shape of a row-level problem (:class:`RowError`). What the columns mean is each importer's business: they
pass a ``score`` function that says how many columns of a candidate header row they recognise.

We read cells with the ``csv`` module and openpyxl directly rather than through pandas: pandas guesses
types column by column (a year group column becomes floats, "3.0"; a UPN column of digits loses its
leading zeros), and here every cell must be seen exactly as the school typed it.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# How far down a file we look for its header row (MIS reports often start with a title and a blank line).
HEADER_SEARCH_ROWS = 30

# A header scorer: how many distinct columns of a candidate header row the importer recognises.
HeaderScore = Callable[[list[object]], int]

# Told how reading goes: (stage, done, total); total is 0 when not known yet. Stages: "reading", "checking".
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Limits:
    """How much of a file is read, so that any accepted file fits in a worker's memory (bench: import_limits).

    Rows count every row of the sheet (blank ones too); columns count up to a row's last non-blank cell; cells
    count the non-blank ones. For an .xlsx, the size its parts unpack to and how far they are compressed are
    checked before anything is unpacked (a "zip bomb" is a few MB that unpack to gigabytes).
    """

    max_rows: int = 200_000
    max_columns: int = 100
    max_cells: int = 2_000_000
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 100


DEFAULT_LIMITS = Limits()


# --- Problems -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem with one cell (or one row) of the file, as the user will see it in their spreadsheet."""

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column '{self.column}': {self.reason} (value '{self.value}')"


class FileProblem(Exception):
    """The whole file cannot be read; the message says why, in the user's words."""


class CellProblem(Exception):
    """One cell's value cannot be accepted; the message is the reason shown to the user."""


# --- Headers and cells --------------------------------------------------------------------------------

# Invisible characters, and control characters other than tab and line breaks (no one types them; they break
# the database, charts and Excel files downstream): dropped from every cell.
INVISIBLE = dict.fromkeys(
    [*map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), *range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F],
    None,
)
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"})
# Excel's trick for keeping leading zeros in a CSV: ="0123".
_EXCEL_TEXT = re.compile(r'^="(.*)"$')


def normalise_header(text: str) -> str:
    """Lower case, no BOM or invisible characters, punctuation turned into single spaces."""
    text = unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE).replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def cell_text(value: object) -> str:
    """A cell as the user sees it: trimmed text; whole numbers without ".0"; dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).translate(INVISIBLE).strip()
    excel_text = _EXCEL_TEXT.match(text)
    return excel_text.group(1).strip() if excel_text else text


# Words some MIS put in front of every header ("Student Surname", "Pupil Year Group").
HEADER_PREFIXES = ("pupil", "pupils", "student", "students", "child", "learner")


def header_index(fields: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Normalised header spelling -> field name, from (field name, spellings) pairs.

    Raises AssertionError when one spelling is claimed by two fields: a header must mean one thing.
    """
    index: dict[str, str] = {}
    for name, spellings in fields:
        for spelling in spellings:
            key = normalise_header(spelling)
            if index.get(key, name) != name:
                raise AssertionError(f"header {spelling!r} is claimed by {index[key]} and {name}")
            index[key] = name
    return index


def match_header_in(index: dict[str, str], header: object) -> str | None:
    """The field (of ``index``) a column header means, or None when we do not recognise it.

    Tries the header as written; then with a parenthesised qualifier moved to the front
    ("Forename (Preferred)") or dropped ("Date of Birth (dd/mm/yyyy)"); then without a leading
    "Pupil"/"Student" word.
    """
    text = "" if header is None else str(header)
    candidates = [text]
    bracketed = re.match(r"^(.*?)[(\[](.*?)[)\]](.*)$", text)
    if bracketed:
        before, inside, after = bracketed.groups()
        candidates += [f"{inside} {before} {after}", f"{before} {after}"]
    for candidate in candidates:
        key = normalise_header(candidate)
        if key in index:
            return index[key]
        first, _, rest = key.partition(" ")
        if first in HEADER_PREFIXES and rest in index:
            return index[rest]
    return None


def header_text(value: object) -> str:
    """A header cell as written, with runs of spaces made single."""
    return " ".join(cell_text(value).split())


def cell_at(cells: list[object], index: int) -> object:
    """The cell at ``index``, or None past the end of a short row."""
    return cells[index] if index < len(cells) else None


def is_blank(cells: list[object]) -> bool:
    for cell in cells:
        if cell is None or (cell.__class__ is str and not cell.strip()):
            continue  # the common blanks, without the cost of cell_text
        if cell_text(cell):
            return False
    return True


# --- Dates --------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
} | {"sept": 9}

_WEEKDAY_PREFIX = re.compile(r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+", re.IGNORECASE)
_TIME_SUFFIX = re.compile(r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]m)?(?:Z|[+-]\d{2}:?\d{2})?$", re.I)
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d+)$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s./-]*([a-z]+)\.?[\s.,/-]*(\d+)$", re.IGNORECASE)
_MONTH_NAME_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d+)$", re.IGNORECASE)

# Excel stores dates as days since 30/12/1899; a number in a date cell of an .xlsx is one of those.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_SERIALS = range(18264, 73051)  # 1950 to 2099: any other number is not a date a school records


def _make_date(year_text: str, month: int, day: int) -> dt.date:
    if len(year_text) == 2:
        raise CellProblem("A two-digit year is ambiguous: write the year in full (dd/mm/yyyy)")
    if len(year_text) != 4:
        raise CellProblem("Not a date: the year must have four digits")
    year = int(year_text)
    if not 1 <= month <= 12:
        raise CellProblem(f"Not a date: there is no month {month}")
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise CellProblem(f"Not a real date: {calendar.month_name[month]} {year} has {last_day} days")
    return dt.date(year, month, day)


def parse_date(value: object) -> dt.date:
    """A date from an Excel date cell or from text written day first (or ISO year-month-day).

    Accepted: 14/03/2015, 4/3/2015, 14-03-2015, 14.03.2015, 2015-03-14, 14 Mar 2015, 14-Mar-2015,
    14th March 2015, March 14 2015 (the month named, so not ambiguous), with an optional time after it.
    Never month/day: 03/14/2015 is refused rather than guessed, and two-digit years are refused as ambiguous.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in _EXCEL_SERIALS:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellProblem("A number, not a date")
    written = cell_text(value)
    if not written:
        raise CellProblem("The date is blank")
    text = _TIME_SUFFIX.sub("", _WEEKDAY_PREFIX.sub("", written)).strip()
    if match := _DAY_FIRST.match(text):
        day, _, month, year = match.groups()
        if int(month) > 12 and int(day) <= 12:
            raise CellProblem(
                f"Not a date: there is no month {int(month)}. Dates are read day first (dd/mm/yyyy) "
                "and this looks like a US month/day date"
            )
        return _make_date(year, int(month), int(day))
    if match := _YEAR_FIRST.match(text):
        year, _, month, day = match.groups()
        return _make_date(year, int(month), int(day))
    for pattern, order in ((_DAY_MONTH_NAME, "dmy"), (_MONTH_NAME_DAY, "mdy")):
        if match := pattern.match(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = _MONTHS.get(parts["m"].lower())
            if month is None:
                raise CellProblem(f"Not a date: '{parts['m']}' is not a month")
            return _make_date(parts["y"], month, int(parts["d"]))
    raise CellProblem("Not a date: write it as dd/mm/yyyy")


# --- Reading the file into tables of cells ------------------------------------------------------------


@dataclass
class Table:
    """One worksheet (or the one table of a CSV): rows as (line as the spreadsheet numbers it, cells)."""

    rows: list[tuple[int, list[object]]]
    sheet: str | None = None


def _decode(content: bytes) -> str:
    """Text from bytes: UTF-16 when it says so, else UTF-8 (BOM or not), else Windows-1252, else Latin-1.

    Excel's "CSV" on Windows is code page 1252; "CSV UTF-8" has a BOM. Latin-1 decodes any byte, so it is
    the last resort for the few bytes 1252 leaves undefined.
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:  # a UTF-16 mark on a cut-short or damaged file
            raise FileProblem(
                "This file says it is UTF-16 text but cannot be read as it: save it again as CSV"
            ) from exc
    if b"\x00" in content[:4096]:
        raise FileProblem("This file has binary data in it: it is not a CSV or text export")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


_DELIMITERS = (",", ";", "\t", "|")


def _split(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True))


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):,.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:,.0f} KB"


class _Counted:
    """Rows as they are read, counted against the limits (a FileProblem as soon as one is passed), with trailing
    blank cells dropped and progress reported every few thousand rows."""

    def __init__(self, limits: Limits, progress: Progress, total: int) -> None:
        self.limits, self.progress, self.total = limits, progress, total
        self.rows = 0
        self.cells = 0

    def take(self, rows: Iterable[list[object]]) -> Iterator[tuple[int, list[object]]]:
        limits = self.limits
        for number, cells in enumerate(rows, 1):
            width = len(cells)
            while width and (cells[width - 1] is None or cells[width - 1] == ""):
                width -= 1
            if width > limits.max_columns:
                raise FileProblem(
                    f"Line {number} has {width:,} columns; at most {limits.max_columns:,} are read. "
                    "Export only the columns needed (or raise IMPORT_MAX_COLUMNS)."
                )
            self.rows += 1
            # Data rows, plus the title and header lines an MIS report may start with.
            if self.rows > limits.max_rows + HEADER_SEARCH_ROWS:
                raise FileProblem(
                    f"The file has more than {limits.max_rows:,} rows; at most {limits.max_rows:,} are read at "
                    "once. Split it into smaller files (or raise IMPORT_MAX_ROWS)."
                )
            if width < len(cells):
                cells = list(cells[:width])
            elif not isinstance(cells, list):
                cells = list(cells)
            self.cells += sum(1 for cell in cells if cell is not None and cell != "")
            if self.cells > limits.max_cells:
                raise FileProblem(
                    f"The file has more than {limits.max_cells:,} filled cells; split it into smaller files."
                )
            if number % 5000 == 0:
                self.progress("reading", number, max(self.total, number))
            yield number, cells


def _read_csv(
    content: bytes, score: HeaderScore, limits: Limits = DEFAULT_LIMITS, progress: Progress = no_progress
) -> Table:
    text = _decode(content).lstrip("\ufeff")
    # Excel's "sep=;" hint line: Excel hides it and numbers the next line 1, so we drop it too.
    forced = re.match(r"^sep=(.)\r?\n", text)
    if forced:
        text = text[forced.end() :]
    # Choose the delimiter that makes the best header out of the first rows.
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        if forced:
            delimiter = forced.group(1)
        else:
            scores = {d: best_header(enumerate(_split(sample, d), 1), score)[1] for d in _DELIMITERS}
            delimiter = max(_DELIMITERS, key=lambda d: (scores[d], -_DELIMITERS.index(d)))
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
        # Lines are numbered by record, as a spreadsheet numbers its rows (a quoted cell may span two text lines).
        counted = _Counted(limits, progress, total=text.count("\n") + 1)
        rows = list(counted.take(records))
    except csv.Error as exc:
        raise FileProblem(f"The file could not be read as CSV: {exc}") from exc
    return Table(rows=rows)


def check_workbook(content: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an .xlsx that would unpack to more than the limits allow, before unpacking any of it.

    The sizes are those the zip's directory declares; Python's zipfile never inflates a part past its declared
    size (it stops, and reports the part as damaged), so a lying directory cannot get more out than it says.
    Raises FileProblem with the reason.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileProblem(f"This file could not be opened as an Excel (.xlsx) workbook ({exc}).") from exc
    if len(parts) > 10_000:
        raise FileProblem(f"This workbook has {len(parts):,} parts: it is not an ordinary spreadsheet.")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise FileProblem(
            f"This workbook unpacks to {_size(unpacked)}; the largest accepted is {_size(limits.max_unpacked_bytes)}. "
            "Save it as CSV, or split it into smaller files."
        )
    for part in parts:
        # Small parts can compress far (a sheet of blanks); only a big part compressed beyond reason is refused.
        if part.file_size > 1024 * 1024 and part.file_size > limits.max_compression_ratio * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise FileProblem(
                f"This workbook is compressed {ratio:,.0f} to 1 ({part.filename} unpacks from "
                f"{_size(part.compress_size)} to {_size(part.file_size)}), far more than a real spreadsheet: it "
                "looks like a 'zip bomb' and was not opened."
            )


def _read_xlsx(content: bytes, limits: Limits = DEFAULT_LIMITS, progress: Progress = no_progress) -> list[Table]:
    from openpyxl import load_workbook

    check_workbook(content, limits)
    try:
        # Read-only mode streams the sheet's XML: a 100,000-row export opens in half the time.
        workbook = load_workbook(io.BytesIO(content), data_only=True, read_only=True)
        tables = []
        counted = _Counted(limits, progress, total=0)  # one count for the whole workbook
        for sheet in workbook.worksheets:
            # In read-only mode openpyxl trusts the sheet's stored dimensions, which some exporters get wrong
            # (A1:A1 for a whole sheet): forget them and read every row there is. Rows then end at their
            # last cell rather than at the widest row's, which the importers allow for.
            try:
                stated = int(sheet.max_row or 0)  # only an estimate, for the progress bar
            except (TypeError, ValueError):
                stated = 0
            sheet.reset_dimensions()
            counted.total = counted.rows + stated
            rows = list(counted.take(sheet.iter_rows(values_only=True)))
            tables.append(Table(rows=rows, sheet=sheet.title))
        workbook.close()
    except FileProblem:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise FileProblem(f"This file could not be opened as an Excel (.xlsx) workbook ({exc}).") from exc
    return tables


def read_tables(
    content: bytes, score: HeaderScore, *, limits: Limits = DEFAULT_LIMITS, progress: Progress = no_progress
) -> list[Table]:
    """The file's tables (one per worksheet for XLSX), recognising the format from the bytes, not the name.

    ``score`` picks a CSV file's delimiter: the one under which some early row reads as the best header.
    Raises FileProblem when the file is not a spreadsheet we can read, or passes one of ``limits``.
    """
    if not content.strip():
        raise FileProblem("The file is empty")
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content, limits, progress)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "This is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as .xlsx or as CSV."
        )
    head = content[:200].lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if head.startswith((b"<!doctype", b"<html", b"<table", b"<?xml")):
        raise FileProblem("This file is a web page or XML, not a spreadsheet: export it from the MIS as CSV or .xlsx.")
    return [_read_csv(content, score, limits, progress)]


# --- Header row ---------------------------------------------------------------------------------------


def best_header(rows: Iterable[tuple[int, list[object]]], score: HeaderScore) -> tuple[int | None, int]:
    """The position (in the first rows) of the row that names the most recognised columns, and how many."""
    best_position, best_score = None, 0
    for position, (_, cells) in enumerate(rows):
        if position >= HEADER_SEARCH_ROWS:
            break
        row_score = score(cells)
        if row_score > best_score:
            best_position, best_score = position, row_score
    return best_position, best_score


def find_header(tables: list[Table], score: HeaderScore) -> tuple[Table, int | None]:
    """The first worksheet whose first rows hold a recognisable header, and that row's position in it.

    When no worksheet has one, the first worksheet and None (the caller says what it looked for).
    """
    for table in tables:
        position, found = best_header(table.rows, score)
        if found:
            return table, position
    return tables[0], None


def first_row_shown(table: Table) -> str:
    """The first non-blank row's cells, quoted, for a "no header row found" message."""
    first = next((cells for _, cells in table.rows if not is_blank(cells)), [])
    return ", ".join(f"'{header_text(cell)}'" for cell in first if header_text(cell))[:300]


# --- What every import does with a file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column an import reads: its name, its label in messages, whether a file must have it, the header spellings
    it answers to (see :func:`match_header_in`), and how a cell of it is read (``parse``: the cell -> its value, or
    :class:`CellProblem`), where that needs nothing but the cell."""

    name: str
    label: str
    headers: tuple[str, ...]
    required: bool = False
    parse: Callable[[object], object] | None = None


class Columns:
    """An import's declared columns, looked up by name and by header."""

    def __init__(self, *columns: Column) -> None:
        self.all = columns
        self.by_name = {column.name: column for column in columns}
        self.index = header_index((column.name, column.headers) for column in columns)
        self.labels = {column.name: column.label for column in columns}
        self.required = tuple(column.name for column in columns if column.required)

    def __iter__(self) -> Iterator[Column]:
        return iter(self.all)

    def match(self, header: object) -> str | None:
        """The column a header means, or None when it names none of them."""
        return match_header_in(self.index, header)


@dataclass
class Header:
    """Where an import's header row is: its table, its position there, its line and its cells."""

    table: Table
    position: int
    line: int
    cells: list[object]

    def data_rows(self) -> list[tuple[int, list[object]]]:
        """The non-blank rows below the header, with their line numbers."""
        return [(line, cells) for line, cells in self.table.rows[self.position + 1 :] if not is_blank(cells)]


def open_header(
    parsed,
    content: bytes,
    score: HeaderScore,
    no_header: Callable[[str, str], str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = no_progress,
) -> Header | None:
    """Read ``content`` and find its header row (the one ``score`` likes best). Sets ``parsed.sheet`` (and
    ``parsed.header_line``); when the file cannot be read or has no header, adds the reason to
    ``parsed.file_errors`` and returns None. ``no_header(where, first_row)`` words the latter: ``where`` is
    " on sheet 'name'" for a workbook, and ``first_row`` the first row's cells, quoted ("" when there is none)."""
    try:
        tables = read_tables(content, score, limits=limits, progress=progress)
    except FileProblem as exc:
        parsed.file_errors.append(str(exc))
        return None
    table, position = find_header(tables, score)
    parsed.sheet = table.sheet
    if position is None:
        parsed.file_errors.append(
            no_header(f" on sheet '{table.sheet}'" if table.sheet else "", first_row_shown(table))
        )
        return None
    line, cells = table.rows[position]
    parsed.header_line = line
    return Header(table=table, position=position, line=line, cells=cells)


def reporting(rows: list, progress: Progress) -> Iterator:
    """``rows``, telling ``progress`` every 2,000 (the "checking" stage of the progress bar)."""
    for done, row in enumerate(rows, 1):
        if done % 2000 == 0:
            progress("checking", done, len(rows))
        yield row


def column_letter(index: int) -> str:
    """A spreadsheet's name for the column at ``index`` (0 is A, 26 is AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
