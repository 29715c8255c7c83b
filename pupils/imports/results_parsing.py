"""Reading a file of assessment results (CSV or XLSX) into checked results. No Django imports.

The school's assessments and pupils come in as plain values (:class:`AssessmentRef`, :class:`PupilRef`), so
every check here is a pure function of the file and those values; ``results_apply`` loads them,
compares the results with what is stored and writes the difference.

Two layouts are read:

* **one result per row** ("long"): a UPN, which assessment, and the result. The assessment is given by its
  name (an *Assessment* column), or by its subject and date (*Subject* and *Date* columns), or by both when a
  name alone is ambiguous (the same name on several dates, or in several subjects).
* **one row per pupil** ("wide", as MIS and spreadsheet mark books export them): a UPN and one column per
  assessment, headed with the assessment's name as the school named it here, optionally followed by its date
  ("Autumn reading test (05/10/2026)", the form the upload page lists them in).

How we tell: a header row with an Assessment, Subject or Date column is the long layout; otherwise a header
row with columns named after the school's assessments is the wide layout. A file that mixes the two is
refused as a whole, as is a header that names no assessment or several: header problems are file problems.

Blank results and absences: in the wide layout a blank cell gives nothing (counted as blank). The marks for "did
not sit" the results grid accepts (``scales.ABSENCE_MARKERS``: "-", "N/A", "Absent", "Abs", "A", "Not sat", "Did
not sit"...) are read as an absence, as the grid reads them, unless the scale itself accepts them (a band coded
"A"): a :class:`ResultRow` with no value, which ``results_apply`` stores as an ``Absence``. In the long layout a
row is there to give one result or absence, so a row with neither is an error naming that row.

Counting: the unit is one result (one row of a long file, one non-blank cell of a wide file). A problem with a
whole row (unknown UPN, a value under no header) refuses every result on that row; a problem with one cell
refuses that result only. Every problem names the line, the column as written and the reason.

Values are read with ``pupils.scales.parse`` against the assessment's scale. Excel cells are read as the
user saw them: a number cell 104 is "104", never "104.0"; a cell that Excel turned into a time (an age typed
as 8:06) is read back as "8:06" for an age scale, and refused with the reason for any other scale; a cell
Excel turned into a date (8/06 typed for an age) is refused with the reason, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .. import reference, scales
from ..reference import normalise_upn, upn_problem
from .pupil_parsing import FIELDS_BY_NAME as PUPIL_FIELDS
from .pupil_parsing import year_label
from .reader import (
    DEFAULT_LIMITS,
    EXCEL_ERRORS,
    HEADER_SEARCH_ROWS,
    INVISIBLE,
    CellProblem,
    Column,
    Columns,
    Limits,
    Progress,
    RowError,
    cell_at,
    cell_text,
    header_text,
    is_blank,
    no_progress,
    open_header,
    parse_date,
    reporting,
)  # fmt: skip

LONG = "long"
WIDE = "wide"
LAYOUTS = {LONG: "one result per row", WIDE: "one row per pupil, one column per assessment"}

# Result.typed's max_length: what was typed is kept up to this many characters.
TYPED_MAX_LENGTH = 60  # Result.typed

# Markers for "did not sit" in a mark book (shared with the results grid: ``scales.ABSENCE_MARKERS``). Read as an
# absence unless the scale accepts them.
NOT_SAT = scales.ABSENCE_MARKERS
NOT_SAT_EXAMPLES = scales.ABSENCE_EXAMPLES


# --- What the school has ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRef:
    """One of the school's assessments, as plain values."""

    id: int
    name: str
    subject: str
    taken_on: dt.date
    spec: scales.ScaleSpec
    year_groups: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} ({self.taken_on:%d/%m/%Y})"

    def covers(self, year_group: int) -> bool:
        return not self.year_groups or year_group in self.year_groups


@dataclass(frozen=True)
class PupilRef:
    """One of the school's pupils (on roll or left), as plain values."""

    id: int
    year_group: int
    left_on: dt.date | None = None


def year_group_on(pupil: PupilRef, day: dt.date, *, today: dt.date) -> int:
    """The year group ``pupil`` was (or will be) in on ``day`` (see ``reference.year_group_on``)."""
    return reference.year_group_on(pupil.year_group, day, today=today, left_on=pupil.left_on)


# --- What was read ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ResultRow:
    """One result that passed every check: the pupil, the assessment, the number on the scale and the text
    as typed (trimmed, at most TYPED_MAX_LENGTH characters). An absence ("Abs", as the grid reads it) has no
    number."""

    line: int
    column: str
    pupil_id: int
    assessment_id: int
    value: float | None
    typed: str

    @property
    def absent(self) -> bool:
        return self.value is None


@dataclass
class ParsedResults:
    """Everything read from one file. ``file_errors`` non-empty means nothing in it can be imported."""

    filename: str
    layout: str | None = None  # LONG or WIDE once the header is read
    rows: list[ResultRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    assessment_columns: dict[str, AssessmentRef] = field(default_factory=dict)  # wide: header -> assessment
    ignored_columns: list[str] = field(default_factory=list)
    header_line: int | None = None
    sheet: str | None = None
    row_count: int = 0  # non-blank lines below the header
    blank_count: int = 0  # wide layout: blank cells, skipped
    rejected_count: int = 0  # results refused
    assessments: dict[int, AssessmentRef] = field(default_factory=dict)  # those the accepted rows are for

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})


# --- Columns ------------------------------------------------------------------------------------------


FIELDS = Columns(
    Column("upn", "UPN", PUPIL_FIELDS["upn"].headers),
    Column(
        "assessment",
        "assessment",
        ("Assessment", "Assessment Name", "Test", "Test Name", "Assessment Title", "Assessment Point", "Paper"),
    ),
    Column("subject", "subject", ("Subject", "Aspect", "Subject Name", "Subject Area", "Strand")),
    Column(
        "date",
        "date",
        (
            "Date",
            "Assessment Date",
            "Test Date",
            "Date Taken",
            "Date Assessed",
            "Date of Assessment",
            "Date Sat",
            "Taken On",
        ),
    ),
    Column(
        "value",
        "result",
        (
            "Result",
            "Value",
            "Score",
            "Mark",
            "Marks",
            "Grade",
            "Outcome",
            "Standardised Score",
            "Standardised",
            "Standard Score",
            "SAS",
            "Scaled Score",
            "Raw Score",
            "Reading Age",
            "Spelling Age",
            "Age Equivalent",
            "Band",
            "Level",
            "Attainment",
            "Result Value",
        ),
    ),
)
FIELDS_BY_NAME = FIELDS.by_name
IDENTITY_FIELDS = ("assessment", "subject", "date")


def match_header(header: object) -> str | None:
    """The results field a column header means (upn, assessment, subject, date, value) or None."""
    return FIELDS.match(header)


def name_key(text: object) -> str:
    """How assessment and subject names are compared: case, surrounding and repeated spaces ignored."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE).casefold().split())


_DATED_HEADER = re.compile(
    r"^(?P<name>.+?)[\s,;:-]*(?:[(\[]\s*(?P<bracketed>[^()\[\]]+?)\s*[)\]]|\s(?P<plain>\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}))$"
)


class Catalogue:
    """The school's assessments, looked up the ways a file names them."""

    def __init__(self, assessments: Iterable[AssessmentRef]) -> None:
        self.all = sorted(assessments, key=lambda a: (a.taken_on, a.subject, a.name))
        self.by_name: dict[str, list[AssessmentRef]] = {}
        for assessment in self.all:
            self.by_name.setdefault(name_key(assessment.name), []).append(assessment)
        self.subjects = {name_key(a.subject): a.subject for a in self.all}

    def named_by_header(self, header: str) -> list[AssessmentRef]:
        """The assessments a wide-layout header names: by name, or by name and date written after it."""
        found = self.by_name.get(name_key(header))
        if found:
            return found
        match = _DATED_HEADER.match(header.strip())
        if match:
            try:
                day = parse_date(match.group("bracketed") or match.group("plain"))
            except CellProblem:
                return []
            return [a for a in self.by_name.get(name_key(match.group("name")), []) if a.taken_on == day]
        return []


def _dates(assessments: Iterable[AssessmentRef]) -> str:
    days = sorted({a.taken_on for a in assessments})
    shown = [f"{day:%d/%m/%Y}" for day in days]
    return shown[0] if len(shown) == 1 else _list(shown[:-1], limit=5) + f" and {shown[-1]}"


def _years(year_groups: Iterable[int]) -> str:
    labels = [year_label(year) for year in sorted(year_groups)]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _list(labels: list[str], limit: int = 6) -> str:
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


@dataclass
class _Layout:
    kind: str
    headers: list[str]
    columns: dict[str, int]  # field -> column index
    assessment_columns: list[tuple[int, AssessmentRef]]  # wide: (column index, assessment)
    ignored: list[str]
    unheaded: frozenset[int]  # indexes of blank headers inside the header row


def _score(catalogue: Catalogue):
    def score(cells: list[object]) -> int:
        fields, assessments = set(), 0
        for cell in cells:
            text = header_text(cell)
            if not text:
                continue
            found = match_header(text)
            if found:
                fields.add(found)
            elif catalogue.named_by_header(text):
                assessments += 1
        return len(fields) + assessments

    return score


def _layout(header_cells: list[object], catalogue: Catalogue) -> tuple[_Layout, list[str]]:
    """Which layout the header row describes, and the whole-file problems with it."""
    headers = [header_text(cell) for cell in header_cells]
    claims: dict[str, list[int]] = {}
    named: list[tuple[int, list[AssessmentRef]]] = []
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        found = match_header(header)
        assessments = catalogue.named_by_header(header) if found in (None, "value") else []
        if found == "value" and assessments:
            # A header that is both a result word and an assessment's name ("Reading age"): the layout decides.
            named.append((index, assessments))
            claims.setdefault("value", []).append(index)
        elif found:
            claims.setdefault(found, []).append(index)
        elif assessments:
            named.append((index, assessments))
        else:
            ignored.append(header)
    problems: list[str] = []
    identity = [name for name in IDENTITY_FIELDS if name in claims]
    kind = LONG if identity or not named else WIDE
    if kind == LONG:
        named_only = [(index, found) for index, found in named if index not in claims.get("value", [])]
        if identity and named_only:
            shown = ", ".join(f"'{headers[index]}'" for index, _ in named_only[:3])
            problems.append(
                f"This file has one result per row (it has a '{headers[claims[identity[0]][0]]}' column), but the "
                f"columns {shown} are named after assessments, as in a file with one column per assessment: "
                "use one layout or the other."
            )
    else:
        named_indexes = {index for index, _ in named}
        extra_values = [index for index in claims.get("value", []) if index not in named_indexes]
        if extra_values:
            header = headers[extra_values[0]]
            problems.append(
                f"The column '{header}' gives results one per row, but this file has no Assessment column (or "
                "Subject and Date columns) to say which assessment each row is for, and its other columns "
                f"are named after assessments ({', '.join(repr(headers[i]) for i, _ in named[:3])}). Use one "
                "layout or the other."
            )
        claims.pop("value", None)
    columns: dict[str, int] = {}
    for name, indexes in claims.items():
        if len(indexes) > 1:
            problems.append(
                f"Columns '{headers[indexes[0]]}' and '{headers[indexes[1]]}' both give the "
                f"{FIELDS_BY_NAME[name].label}: remove or rename one of them."
            )
        else:
            columns[name] = indexes[0]
    assessment_columns: list[tuple[int, AssessmentRef]] = []
    if kind == WIDE:
        used: dict[int, int] = {}
        for index, found in named:
            if len(found) > 1:
                problems.append(
                    f"The column '{headers[index]}' could be any of {len(found)} assessments "
                    f"({_list([a.label for a in found])}): head it with the name and the date, like "
                    f"'{found[0].label}'."
                )
                continue
            (assessment,) = found
            if assessment.id in used:
                problems.append(
                    f"The columns '{headers[used[assessment.id]]}' and '{headers[index]}' are both for "
                    f"{assessment.label}: remove one of them."
                )
                continue
            used[assessment.id] = index
            assessment_columns.append((index, assessment))
    missing = []
    if "upn" not in claims:
        missing.append("UPN (e.g. UPN, Unique Pupil Number)")
    if kind == LONG:
        if "value" not in claims:
            missing.append("the result (e.g. Result, Score, Grade, Standardised score, Reading age)")
        if "assessment" not in claims and not ("subject" in claims and "date" in claims):
            have = [name for name in ("subject", "date") if name in claims]
            if have:
                need = "date" if have == ["subject"] else "subject"
                missing.append(f"the {need} (with the {have[0]}) or the assessment's name")
            else:
                missing.append("the assessment (an Assessment column with its name, or Subject and Date columns)")
    if missing:
        found_headers = ", ".join(f"'{header}'" for header in headers if header) or "none"
        problems.insert(
            0,
            f"The file has no column for: {'; '.join(missing)}. Columns found: {found_headers}. A file with "
            "one row per pupil needs a UPN column and one column per assessment, headed with the "
            "assessment's name as it is listed on the upload page.",
        )
    unheaded = frozenset(index for index, header in enumerate(headers) if not header)
    layout = _Layout(
        kind=kind,
        headers=headers,
        columns=columns,
        assessment_columns=assessment_columns,
        ignored=ignored,
        unheaded=unheaded,
    )
    return layout, problems


# --- Cells --------------------------------------------------------------------------------------------


def value_text(value: object, spec: scales.ScaleSpec) -> str:
    """A result cell as the user typed it. Raises CellProblem for cells Excel has turned into something else.

    Numbers as written (104, not 104.0; 0.1 + 0.2 as 0.3, as Excel shows it). A time cell is how Excel
    stores an age typed as 8:06: read back as "8:06" on an age scale, refused on any other. A date cell is
    refused: it is what Excel makes of "8/06" or "8-6", and we will not guess what was meant.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellProblem(f"{'TRUE' if value else 'FALSE'} is not a result")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, dt.datetime) and value.date() in (dt.date(1899, 12, 30), dt.date(1899, 12, 31)):
        value = value.time()  # an Excel time with its zero date
    if isinstance(value, dt.timedelta):
        if value.days == 0 and value.seconds % 60 == 0:
            value = dt.time(value.seconds // 3600, value.seconds // 60 % 60)
        else:
            raise CellProblem("Excel holds a length of time here, not a result: format the column as Text")
    if isinstance(value, dt.time):
        written = f"{value.hour}:{value.minute:02d}"
        if spec.kind == scales.AGE and value.second == 0 and not value.microsecond:
            return written
        raise CellProblem(
            f"Excel has turned this into a time of day ({written}): format the column as Text and type it again"
        )
    if isinstance(value, (dt.date, dt.datetime)):
        shown = value.strftime("%d/%m/%Y")
        hint = " (an age is written 8:06)" if spec.kind == scales.AGE else ""
        raise CellProblem(
            f"Excel has turned this into a date ({shown}){hint}: format the column as Text and type it again"
        )
    text = cell_text(value)
    if spec.kind == scales.AGE:
        # An age cell exported to CSV from a time-formatted column reads 08:06:00.
        text = re.sub(r"^(\d{1,2}):(\d{2}):00$", r"\1:\2", text)
    return " ".join(text.split())


def _upn_problem(written: str) -> str:
    upn = normalise_upn(written)
    if not upn:
        return "The UPN is blank"
    problem = upn_problem(upn)
    if problem:
        return problem
    return f"No pupil with UPN {upn} at this school: add or import the pupil first"


# --- Rows ---------------------------------------------------------------------------------------------


def _key(raw: object) -> object:
    return raw if raw.__class__ is str else (raw.__class__, raw)


class _Reader:
    """Row-by-row checks, with look-ups remembered: a file of 100,000 results names a few thousand pupils,
    a few dozen assessments and a few hundred distinct values, so each is resolved once."""

    def __init__(self, catalogue: Catalogue, pupils: Mapping[str, PupilRef], today: dt.date) -> None:
        self.catalogue = catalogue
        self.pupils = pupils
        self.today = today
        self._pupil_cache: dict[object, PupilRef | str] = {}
        self._value_cache: dict[tuple[int, object], tuple[float, str] | str | None] = {}
        self._assessment_cache: dict[tuple, AssessmentRef | tuple[str, str]] = {}
        self._year_cache: dict[tuple[int, dt.date], int] = {}

    # Cells from the csv module and openpyxl are str, numbers, dates, times or None: all usable as keys,
    # with their type where it is not text, since True == 1 == 1.0 and they read differently.

    def pupil(self, raw: object) -> PupilRef | str:
        """The pupil a UPN cell names, or the reason it names none."""
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        outcome = self._pupil_cache.get(key)
        if outcome is None:
            written = cell_text(raw)
            found = self.pupils.get(normalise_upn(written))
            outcome = self._pupil_cache[key] = found if found is not None else _upn_problem(written)
        return outcome

    def value(self, assessment: AssessmentRef, raw: object) -> tuple[float | None, str] | str | None:
        """(number on the scale, text to keep), (None, the mark) for an absence (a "not sat" marker the scale does
        not accept), the reason the cell is refused, or None for a blank."""
        key = (assessment.id, raw) if raw.__class__ is str else (assessment.id, raw.__class__, raw)
        try:
            return self._value_cache[key]
        except KeyError:
            outcome = self._value_cache[key] = self._read_value(assessment, raw)
            return outcome

    @staticmethod
    def _read_value(assessment: AssessmentRef, raw: object) -> tuple[float | None, str] | str | None:
        try:
            typed = value_text(raw, assessment.spec)
        except CellProblem as exc:
            return str(exc)
        if not typed:
            return None
        if typed.upper() in EXCEL_ERRORS:
            return "The spreadsheet shows an error here"
        try:
            number = scales.parse(assessment.spec, typed)
        except scales.ScaleError as exc:
            if typed.upper() in NOT_SAT:
                return None, typed[:TYPED_MAX_LENGTH]
            return str(exc)
        return number, typed[:TYPED_MAX_LENGTH]

    def year_problem(self, pupil: PupilRef, assessment: AssessmentRef) -> str | None:
        """Why ``pupil`` cannot have a result in ``assessment`` (not in a year group it is for), or None."""
        if not assessment.year_groups:
            return None
        key = (pupil.id, assessment.taken_on)
        year = self._year_cache.get(key)
        if year is None:
            year = self._year_cache[key] = year_group_on(pupil, assessment.taken_on, today=self.today)
        if assessment.covers(year):
            return None
        return (
            f"{assessment.label} is for {_years(assessment.year_groups)}; this pupil was in {year_label(year)} "
            f"on {assessment.taken_on:%d/%m/%Y}"
        )

    def assessment(self, name_raw: object, subject_raw: object, date_raw: object) -> AssessmentRef | tuple[str, str]:
        """The assessment a long-layout row names, or (field, reason) for the column at fault."""
        key = (name_raw, subject_raw, date_raw)
        if bool in (name_raw.__class__, subject_raw.__class__, date_raw.__class__):
            key = (_key(name_raw), _key(subject_raw), _key(date_raw))  # True == 1, but they read differently
        outcome = self._assessment_cache.get(key)
        if outcome is None:
            outcome = self._assessment_cache[key] = self._resolve(name_raw, subject_raw, date_raw)
        return outcome

    def _resolve(self, name_raw: object, subject_raw: object, date_raw: object) -> AssessmentRef | tuple[str, str]:
        catalogue = self.catalogue
        name = " ".join(cell_text(name_raw).split())
        subject = " ".join(cell_text(subject_raw).split())
        day = None
        if cell_text(date_raw):
            try:
                day = parse_date(date_raw)
            except CellProblem as exc:
                return "date", str(exc)
        if not name and not (subject and day):
            if subject:
                return "date", "No date: give the assessment's date (or its name in the Assessment column)"
            return "assessment", "No assessment given: write its name (or its subject and date)"
        candidates = catalogue.all
        if name:
            candidates = catalogue.by_name.get(name_key(name), [])
            if not candidates:
                return "assessment", f"There is no assessment called '{name}' at this school"
        if subject:
            of_subject = [a for a in candidates if name_key(a.subject) == name_key(subject)]
            if not of_subject:
                if name_key(subject) not in catalogue.subjects:
                    return "subject", f"There is no subject called '{subject}' at this school"
                subjects = _list(sorted({a.subject for a in candidates}))
                return "subject", f"'{name}' is an assessment of {subjects}, not of {subject}"
            candidates = of_subject
        if day is not None:
            on_day = [a for a in candidates if a.taken_on == day]
            if not on_day:
                if name:
                    return "date", f"There is no '{name}' on {day:%d/%m/%Y}: it is dated {_dates(candidates)}"
                return "date", (
                    f"There is no {subject} assessment on {day:%d/%m/%Y}: {subject} assessments are dated "
                    f"{_dates(candidates)}"
                )
            candidates = on_day
        if len(candidates) == 1:
            return candidates[0]
        if name and day is None:
            return "assessment", (
                f"'{name}' is the name of {len(candidates)} assessments ({_list([a.label for a in candidates])}): "
                "give the date in a Date column"
            )
        if not name:
            names = _list([f"'{a.name}'" for a in candidates])
            return "subject", (
                f"There are {len(candidates)} {subject} assessments on {day:%d/%m/%Y} ({names}): "
                "give the assessment's name in an Assessment column"
            )
        subjects = _list(sorted(a.subject for a in candidates))
        return "assessment", (
            f"'{name}' on {day:%d/%m/%Y} is an assessment of {subjects}: give the subject in a Subject column"
        )


def _no_header(where: str, first_row: str) -> str:
    return (
        f"No header row found{where}: expected a UPN column and either Assessment (or Subject and Date) "
        f"and Result columns, or columns named after this school's assessments, in the first "
        f"{HEADER_SEARCH_ROWS} rows. The first row reads: {first_row or '(nothing)'}."
    )


def parse_results_file(
    content: bytes,
    filename: str,
    *,
    assessments: Iterable[AssessmentRef],
    pupils: Mapping[str, PupilRef],
    today: dt.date,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress = no_progress,
) -> ParsedResults:
    """Read a results file and check every result against the school's ``assessments`` and ``pupils``.

    ``pupils`` maps each pupil's UPN (upper case, no spaces) to the pupil; pupils who have left count.
    ``today`` dates the year-group check (see :func:`year_group_on`). Results with any problem are left out
    of ``rows`` and every problem is in ``errors``; a file that cannot be used at all has ``file_errors``.
    """
    parsed = ParsedResults(filename=filename)
    catalogue = Catalogue(assessments)
    score = _score(catalogue)
    header = open_header(parsed, content, score, _no_header, limits=limits, progress=progress)
    if header is None:
        return parsed
    layout, problems = _layout(header.cells, catalogue)
    parsed.layout = layout.kind
    parsed.columns = {name: layout.headers[index] for name, index in layout.columns.items()}
    parsed.assessment_columns = {layout.headers[index]: a for index, a in layout.assessment_columns}
    parsed.ignored_columns = layout.ignored
    if problems:
        parsed.file_errors.extend(problems)
        return parsed

    data_rows = header.data_rows()
    if not data_rows:
        parsed.file_errors.append(f"There are no results in the file: nothing below the header on line {header.line}.")
        return parsed
    if layout.kind != LONG:
        # One result per filled assessment cell: count them before making any (the row limit is on results too).
        columns = [index for index, _ in layout.assessment_columns]
        filled = sum(1 for _, cells in data_rows for index in columns if not is_blank([cell_at(cells, index)]))
        if filled > limits.max_rows:
            parsed.file_errors.append(
                f"The file holds {filled:,} results; at most {limits.max_rows:,} are read at once. "
                "Split it into smaller files (or raise IMPORT_MAX_ROWS)."
            )
            return parsed
    reader = _Reader(catalogue, pupils, today)
    reported = reporting(data_rows, progress)
    if layout.kind == LONG:
        _read_long(parsed, layout, reader, reported)
    else:
        _read_wide(parsed, layout, reader, reported)
    return parsed


def _stray_cells(layout: _Layout, line: int, cells: list[object]) -> list[tuple[int, RowError]]:
    """Values under no header: the row is shifted, usually by an unquoted comma in a CSV."""
    width = len(layout.headers)
    if len(cells) <= width and not layout.unheaded:
        return []
    problems = []
    for index, cell in enumerate(cells):
        if (index >= width or index in layout.unheaded) and cell_text(cell):
            reason = "A value under no column header: is a comma missing its quotes?"
            problems.append((index, RowError(line, f"column {index + 1} (no header)", cell_text(cell), reason)))
    return problems


def _duplicate(upn_raw: object, assessment: AssessmentRef, earlier: int) -> str:
    upn = normalise_upn(cell_text(upn_raw))
    return f"UPN {upn} is already on line {earlier} for {assessment.label}: a pupil has one result per assessment"


def _read_long(parsed: ParsedResults, layout: _Layout, reader: _Reader, data_rows) -> None:
    columns, headers = layout.columns, layout.headers
    width = len(headers)
    upn_at, value_at = columns["upn"], columns["value"]
    name_at, subject_at, date_at = (columns.get(name) for name in IDENTITY_FIELDS)
    # A problem with the assessment is reported against its name column, else the subject's, else the date's.
    identity_at = {name: columns.get(name) for name in IDENTITY_FIELDS}
    fallback = next(index for index in (name_at, subject_at, date_at) if index is not None)
    first_line_of: dict[tuple[int, int], int] = {}
    rows, errors, used = parsed.rows, parsed.errors, parsed.assessments

    def error(index: int, line: int, cells: list[object], reason: str) -> tuple[int, RowError]:
        return index, RowError(line, headers[index], cell_text(cells[index]), reason)

    for line, cells in data_rows:
        parsed.row_count += 1
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        problems = _stray_cells(layout, line, cells)
        upn_raw = cells[upn_at]
        pupil = reader.pupil(upn_raw)
        if pupil.__class__ is str:
            problems.append(error(upn_at, line, cells, pupil))
            pupil = None
        assessment = reader.assessment(
            None if name_at is None else cells[name_at],
            None if subject_at is None else cells[subject_at],
            None if date_at is None else cells[date_at],
        )
        if assessment.__class__ is tuple:
            at_fault, reason = assessment
            index = identity_at[at_fault]
            problems.append(error(fallback if index is None else index, line, cells, reason))
            assessment = None
        outcome = None
        if assessment is not None:
            raw = cells[value_at]
            outcome = reader.value(assessment, raw)
            if outcome is None:
                reason = "No result given: every row needs its result (leave out pupils who did not sit it)"
                problems.append(error(value_at, line, cells, reason))
            elif outcome.__class__ is str:
                problems.append(error(value_at, line, cells, outcome))
            if pupil is not None:
                year_problem = reader.year_problem(pupil, assessment)
                if year_problem:
                    problems.append(error(fallback if name_at is None else name_at, line, cells, year_problem))
                earlier = first_line_of.setdefault((pupil.id, assessment.id), line)
                if earlier != line:
                    problems.append(error(upn_at, line, cells, _duplicate(upn_raw, assessment, earlier)))
        if problems:
            problems.sort(key=lambda item: item[0])
            errors.extend(problem for _, problem in problems)
            parsed.rejected_count += 1
            continue
        value, typed = outcome
        rows.append(ResultRow(line, headers[value_at], pupil.id, assessment.id, value, typed))
        used[assessment.id] = assessment


def _read_wide(parsed: ParsedResults, layout: _Layout, reader: _Reader, data_rows) -> None:
    headers = layout.headers
    upn_at = layout.columns["upn"]
    first_line_of: dict[tuple[int, int], int] = {}
    rows, errors, used = parsed.rows, parsed.errors, parsed.assessments

    for line, cells in data_rows:
        parsed.row_count += 1
        results: list[tuple[int, AssessmentRef, tuple[float | None, str]]] = []
        problems: list[tuple[int, RowError]] = []
        refused = 0
        for index, assessment in layout.assessment_columns:
            raw = cell_at(cells, index)
            outcome = reader.value(assessment, raw)
            if outcome is None:
                parsed.blank_count += 1
            elif isinstance(outcome, str):
                problems.append((index, RowError(line, headers[index], cell_text(raw), outcome)))
                refused += 1
            else:
                results.append((index, assessment, outcome))
        if not results and not problems:
            continue  # a pupil who sat none of these: nothing to import, nothing wrong
        row_problems = _stray_cells(layout, line, cells)
        upn_raw = cell_at(cells, upn_at)
        pupil = reader.pupil(upn_raw)
        if isinstance(pupil, str):
            row_problems.append((upn_at, RowError(line, headers[upn_at], cell_text(upn_raw), pupil)))
        if row_problems:
            # The whole row is refused: say so once, with how many results it held.
            problems += row_problems
            refused += len(results)
            results = []
        else:
            kept = []
            for index, assessment, outcome in results:
                reason = reader.year_problem(pupil, assessment)
                key = (pupil.id, assessment.id)
                earlier = first_line_of.setdefault(key, line)
                if earlier != line:
                    reason = _duplicate(upn_raw, assessment, earlier)
                if reason:
                    problems.append((index, RowError(line, headers[index], outcome[1], reason)))
                    refused += 1
                else:
                    kept.append((index, assessment, outcome))
            results = kept
        if problems:
            problems.sort(key=lambda item: item[0])
            errors.extend(problem for _, problem in problems)
            parsed.rejected_count += refused
        for index, assessment, (value, typed) in results:
            rows.append(ResultRow(line, headers[index], pupil.id, assessment.id, value, typed))
            used[assessment.id] = assessment


def recognised_columns() -> list[tuple[str, tuple[str, ...]]]:
    """(label, example headers) for each column of the one-result-per-row layout, for help texts."""
    return [(column.label, column.headers) for column in FIELDS]


def accepted_values(spec: scales.ScaleSpec) -> str:
    """What a result on this scale is written as, for the upload page."""
    low, high = scales.display(spec, spec.min_value), scales.display(spec, spec.max_value)
    if spec.kind in (scales.KS2_SCALED, scales.STANDARDISED):
        return f"a whole number, {low} to {high}"
    if spec.kind == scales.AGE:
        return f"{low} to {high}, as 8:06"
    if spec.kind == scales.RAW:
        return f"a mark, {low} to {high}"
    if spec.kind == scales.BANDS:
        codes = spec.band_codes or ("",) * len(spec.bands)
        return "; ".join(f"{label} ({code})" if code else label for label, code in zip(spec.bands, codes, strict=False))
    if spec.kind == scales.GCSE:
        return "a grade, 9 to 1, or U"
    return ""
