"""Reading a file of progress check scores (CSV or XLSX) into checked rows. No Django imports.

One score per row, in four columns: ``UPN``, ``Intervention`` (the group's exact name, or its id), ``Date``
(dd/mm/yyyy or ISO) and ``Score``. What the columns are is declared once, in ``COLUMNS`` (a column's field, its
label and the header spellings it answers to); everything else about reading the file (the format from its bytes,
the delimiter, the header row further down, dates written day first) is ``pupils.imports.reader``'s, shared with the
pupil and results imports. The school's pupils, groups and places come in as plain values (:class:`School`), so
every check is a pure function of the file and those values; ``checks_apply`` loads them,
compares the scores with what is stored and writes the difference.

Each row must name a pupil of the school, a group of the school that has a progress check set up, a date on which
the pupil was placed in that group (not in the future, and not a day the register has them absent from the
group's session), and a score the check allows. A row with any problem is rejected with every problem named
(line, column, reason); the service then writes nothing at all (a file of scores is one teacher's record of a
term: half of it is worse than none).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from pupils.imports.pupil_parsing import FIELDS_BY_NAME as PUPIL_FIELDS
from pupils.imports.reader import (
    INVISIBLE,
    CellProblem,
    Column,
    Columns,
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
)
from pupils.reference import normalise_upn, upn_problem

TYPED_MAX_LENGTH = 30  # CheckScore.typed


# --- The columns --------------------------------------------------------------------------------------------


COLUMNS = Columns(
    Column("upn", "UPN", PUPIL_FIELDS["upn"].headers),
    Column(
        "intervention",
        "Intervention",
        (
            "Intervention",
            "Intervention Name",
            "Intervention ID",
            "Group",
            "Group Name",
            "Group ID",
            "Intervention Group",
        ),
    ),
    Column("date", "Date", ("Date", "Check Date", "Date of Check", "Date Checked", "Probe Date", "Date Taken")),
    Column(
        "score", "Score", ("Score", "Check Score", "Progress Check Score", "Probe Score", "Result", "Value", "Mark")
    ),
)
LABELS = COLUMNS.labels


def recognised_columns() -> list[tuple[str, tuple[str, ...]]]:
    """(label, header spellings) for the upload page."""
    return [(column.label, column.headers) for column in COLUMNS]


# --- What the school has ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRef:
    """One of the school's groups, with its progress check when it has one."""

    id: int
    name: str
    has_check: bool = False
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class PlaceRef:
    """A pupil's place in a group: from ``entry_date`` to ``exit_date`` (None: still in it)."""

    id: int
    group_id: int
    pupil_id: int
    entry_date: dt.date
    exit_date: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.entry_date <= day and (self.exit_date is None or day <= self.exit_date)


@dataclass
class School:
    """The school's pupils (UPN -> id), groups, places by (group, pupil), and the (place, day) pairs the register
    has as absent from the group's session."""

    pupils: Mapping[str, int]
    groups: list[GroupRef]
    places: Mapping[tuple[int, int], list[PlaceRef]]
    absent: set[tuple[int, dt.date]]
    today: dt.date

    def __post_init__(self) -> None:
        self.by_id = {group.id: group for group in self.groups}
        self.by_name: dict[str, list[GroupRef]] = {}
        self.by_folded: dict[str, list[GroupRef]] = {}
        for group in self.groups:
            self.by_name.setdefault(group.name.strip(), []).append(group)
            self.by_folded.setdefault(_fold(group.name), []).append(group)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).translate(INVISIBLE).casefold().split())


# --- What was read ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ScoreRow:
    """One score that passed every check."""

    line: int
    placement_id: int
    pupil_id: int
    group_id: int
    date: dt.date
    value: float
    typed: str


@dataclass
class ParsedChecks:
    """Everything read from one file. ``file_errors`` non-empty means nothing in it can be read."""

    filename: str
    rows: list[ScoreRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    ignored_columns: list[str] = field(default_factory=list)
    header_line: int | None = None
    sheet: str | None = None
    row_count: int = 0  # non-blank rows below the header

    @property
    def rejected_count(self) -> int:
        return len({error.line for error in self.errors})


# --- Cells --------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def score_value(raw: object, *, min_value: float | None, max_value: float | None) -> tuple[float, str]:
    """(the score as a number, the text to keep) from a cell or a typed box; CellProblem says why not."""
    if isinstance(raw, bool | dt.date | dt.time):
        raise CellProblem("Not a score: write the score as a number, e.g. 12 or 12.5")
    if isinstance(raw, int | float):
        value, typed = float(raw), cell_text(raw)
    else:
        typed = " ".join(cell_text(raw).split())
        if not typed:
            raise CellProblem("The score is blank")
        if not _NUMBER.match(typed):
            raise CellProblem(f"'{typed[:30]}' is not a score: write it as a number, e.g. 12 or 12.5")
        value = float(typed)
    if not math.isfinite(value):
        raise CellProblem("Not a score: write it as a number, e.g. 12 or 12.5")
    if min_value is not None and value < min_value:
        raise CellProblem(f"{value:g} is below the lowest possible score ({min_value:g})")
    if max_value is not None and value > max_value:
        raise CellProblem(f"{value:g} is above the highest possible score ({max_value:g})")
    if len(typed) > TYPED_MAX_LENGTH:
        typed = f"{value:g}"
    return value, typed


def group_for(school: School, raw: object) -> GroupRef:
    """The group a cell names: its exact name, or else its id. CellProblem says why none (or several)."""
    written = " ".join(cell_text(raw).split())
    if not written:
        raise CellProblem("The intervention is blank: give the group's exact name or its id")
    named = school.by_name.get(written, [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(str(group.id) for group in named)
        raise CellProblem(f"{len(named)} groups are named '{written}': give the id of the one you mean ({ids})")
    if written.isascii() and written.isdigit() and int(written) in school.by_id:
        return school.by_id[int(written)]
    near = school.by_folded.get(_fold(written), [])
    if near:
        raise CellProblem(f"No group is named exactly '{written}': did you mean '{near[0].name}'?")
    raise CellProblem(f"No group named '{written}' (or with that id) at this school")


def _place(school: School, group: GroupRef, pupil_id: int, day: dt.date) -> PlaceRef | str:
    places = school.places.get((group.id, pupil_id), [])
    covering = [place for place in places if place.covers(day)]
    if covering:
        return max(covering, key=lambda place: place.entry_date)
    if not places:
        return f"The pupil is not in {group.name}"
    spans = "; ".join(
        f"{place.entry_date:%d/%m/%Y} to {place.exit_date:%d/%m/%Y}"
        if place.exit_date
        else f"from {place.entry_date:%d/%m/%Y}"
        for place in sorted(places, key=lambda place: place.entry_date)
    )
    return f"The pupil was not in {group.name} on {day:%d/%m/%Y} (in it {spans})"


# --- The file -----------------------------------------------------------------------------------------------


def _score_header(cells: list[object]) -> int:
    return len({name for cell in cells if (name := COLUMNS.match(cell)) is not None})


def _no_header(where: str, first_row: str) -> str:
    wanted = ", ".join(column.label for column in COLUMNS)
    return f"No header row found: the file needs the columns {wanted}." + (
        f" Its first row is {first_row}." if first_row else ""
    )


def parse_checks_file(
    content: bytes,
    filename: str,
    school: School,
    *,
    progress: Progress = no_progress,
    **reading,
) -> ParsedChecks:
    """Read and check every row of a file of scores (see the module's docstring), within the reader's ``limits``
    (in ``reading``), telling ``progress`` how far it has got."""
    parsed = ParsedChecks(filename=filename)
    header = open_header(parsed, content, _score_header, _no_header, progress=progress, **reading)
    if header is None:
        return parsed
    header_line, header_cells = header.line, header.cells
    wanted = ", ".join(column.label for column in COLUMNS)
    at: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        name = COLUMNS.match(cell)
        if name is None:
            if header_text(cell):
                parsed.ignored_columns.append(header_text(cell))
        elif name in at:
            parsed.file_errors.append(
                f"Two columns mean {LABELS[name]}: '{header_text(header_cells[at[name]])}' and '{header_text(cell)}'. "
                "Keep one."
            )
        else:
            at[name] = index
            parsed.columns[name] = header_text(cell)
    missing = [column.label for column in COLUMNS if column.name not in at]
    if missing:
        parsed.file_errors.append(
            f"The header on line {header_line} has no {' or '.join(missing)} column: the file needs the columns {wanted}."
        )
    if parsed.file_errors:
        return parsed

    seen: dict[tuple[int, dt.date], int] = {}
    for line, cells in reporting(header.table.rows[header.position + 1 :], progress):
        if is_blank(cells):
            continue
        parsed.row_count += 1
        problems: list[RowError] = []

        def problem(name: str, reason: str, *, line=line, cells=cells, problems=problems) -> None:
            value = cell_text(cell_at(cells, at[name]))
            problems.append(RowError(line=line, column=parsed.columns[name], value=value[:60], reason=reason))

        written_upn = normalise_upn(cell_text(cell_at(cells, at["upn"])))
        pupil_id = school.pupils.get(written_upn)
        if pupil_id is None:
            problem("upn", upn_problem(written_upn) or f"No pupil with UPN {written_upn} at this school")
        group = None
        try:
            group = group_for(school, cell_at(cells, at["intervention"]))
        except CellProblem as exc:
            problem("intervention", str(exc))
        if group is not None and not group.has_check:
            problem("intervention", f"{group.name} has no progress check set up: set one up on the group's page first")
            group = None
        day = None
        try:
            day = parse_date(cell_at(cells, at["date"]))
        except CellProblem as exc:
            problem("date", str(exc))
        if day is not None and day > school.today:
            problem("date", f"{day:%d/%m/%Y} is in the future")
            day = None
        value = None
        try:
            value = score_value(
                cell_at(cells, at["score"]),
                min_value=group.min_value if group else None,
                max_value=group.max_value if group else None,
            )
        except CellProblem as exc:
            problem("score", str(exc))
        place = None
        if pupil_id is not None and group is not None and day is not None:
            found = _place(school, group, pupil_id, day)
            if isinstance(found, str):
                problem("date", found)
            elif (found.id, day) in school.absent:
                problem(
                    "date",
                    f"The register has the pupil absent from {group.name}'s session on {day:%d/%m/%Y}: correct the "
                    "register, or leave this score out",
                )
            elif (found.id, day) in seen:
                problem(
                    "date",
                    f"The pupil already has a score for {group.name} on {day:%d/%m/%Y} on line {seen[(found.id, day)]}",
                )
            else:
                place = found
                seen[(found.id, day)] = line
        if problems:
            parsed.errors.extend(problems)
        elif place is not None and value is not None:
            parsed.rows.append(
                ScoreRow(
                    line=line,
                    placement_id=place.id,
                    pupil_id=place.pupil_id,
                    group_id=place.group_id,
                    date=day,
                    value=value[0],
                    typed=value[1],
                )
            )
    return parsed
