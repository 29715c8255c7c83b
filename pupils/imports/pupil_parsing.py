"""Reading a school's MIS export (CSV or XLSX) into checked pupil rows. No Django imports.

Exports from SIMS, Arbor, Bromcom, ScholarPack and friends differ in file format, encoding, header
spellings and value vocabularies. This module is generous in what it *recognises* (many header
spellings, UTF-8 with or without a BOM, Windows code page 1252, semicolons or tabs, Excel date cells,
"Year 4", "K - SEN Support") and strict in what it *accepts*: every value is parsed into exactly one
meaning or the row is rejected with the line, the column as written in the file, the value and a reason.

Entry point: :func:`parse_pupil_file`. Writing to the database is ``pupils.services``' job. Reading the
bytes into rows of cells (format, encoding, delimiter, worksheets, line numbers) is ``pupils.imports.reader``'s,
shared with the results import.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import reference
from .reader import (
    EXCEL_ERRORS,
    HEADER_PREFIXES,
    HEADER_SEARCH_ROWS,
    CellProblem,
    Column,
    Columns,
    Progress,
    RowError,
    cell_at,
    cell_text,
    column_letter,
    header_text,
    no_progress,
    normalise_header,
    open_header,
    parse_date,
    reporting,
)

# Pupils younger or older than this on the day of the import are a typo, not a pupil.
YOUNGEST_AGE = 2
OLDEST_AGE = 20

MAX_NAME_LENGTH = 100
MAX_CLASS_LENGTH = 40


# --- Results ------------------------------------------------------------------------------------------


@dataclass
class PupilRow:
    """A row that passed every check. ``fields`` holds canonical values for the columns the file has:
    a field whose column is absent is missing from the dict, so an update leaves it alone."""

    line: int
    fields: dict[str, object]

    @property
    def upn(self) -> str:
        return str(self.fields["upn"])


@dataclass
class ParsedFile:
    """Everything read from one file. ``file_errors`` non-empty means nothing in it can be imported."""

    filename: str
    rows: list[PupilRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> header as written
    ignored_columns: list[str] = field(default_factory=list)
    header_line: int | None = None
    sheet: str | None = None  # the worksheet read, for XLSX files
    seen_upns: set[str] = field(default_factory=set)  # every UPN in the file, valid or not
    row_count: int = 0  # non-blank rows below the header

    @property
    def present_fields(self) -> frozenset[str]:
        return frozenset(self.columns)

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})


# --- Cells --------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.sub(r"[^0-9A-Z]+", " ", unicodedata.normalize("NFKC", text).upper().replace("&", " AND ")).split()


# --- UPN, names, classes ------------------------------------------------------------------------------


def parse_upn(value: object) -> str:
    upn = reference.normalise_upn(cell_text(value))
    problem = reference.upn_problem(upn)
    if problem:
        raise CellProblem(problem)
    return upn


def parse_name(value: object, *, label: str, required: bool) -> str:
    """A name kept as typed (case, accents, apostrophes, hyphens), trimmed, with runs of spaces made single.

    Accents typed as a letter plus a combining mark (as some Mac exports do) are composed (NFC), so the
    same name always compares equal on re-import.
    """
    text = " ".join(unicodedata.normalize("NFC", cell_text(value)).split())
    if not text:
        if required:
            raise CellProblem(f"The {label} is blank")
        return ""
    if len(text) > MAX_NAME_LENGTH:
        raise CellProblem(f"The {label} is {len(text)} characters long; the most is {MAX_NAME_LENGTH}")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn") for char in text):
        raise CellProblem(f"The {label} contains a control character")
    if not any(unicodedata.category(char)[0] == "L" for char in text):
        raise CellProblem(f"The {label} has no letters in it")
    return text


def parse_registration_group(value: object) -> str:
    text = " ".join(cell_text(value).split())
    if len(text) > MAX_CLASS_LENGTH:
        raise CellProblem(f"A class name can be at most {MAX_CLASS_LENGTH} characters, this one is {len(text)}")
    return text


# --- Dates of birth -----------------------------------------------------------------------------------


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_date_of_birth(value: object, *, today: dt.date) -> dt.date:
    born = parse_date(value)
    if born >= today:
        raise CellProblem(f"The date of birth {born:%d/%m/%Y} is not in the past")
    age = _age_on(born, today)
    if not YOUNGEST_AGE <= age <= OLDEST_AGE:
        raise CellProblem(
            f"A date of birth of {born:%d/%m/%Y} makes the pupil {age} years old; "
            f"pupils are {YOUNGEST_AGE} to {OLDEST_AGE}"
        )
    return born


# --- Year groups --------------------------------------------------------------------------------------

_YEAR_WORDS = {
    "R": 0,
    "REC": 0,
    "RECEPTION": 0,
    "YR": 0,
    "YEAR R": 0,
    "Y R": 0,
    "RECEPTION YEAR": 0,
    "YEAR RECEPTION": 0,
    "F2": 0,
    "FS2": 0,
    "FOUNDATION 2": 0,
    "FOUNDATION STAGE 2": 0,
    "N1": -2,
    "NURSERY 1": -2,
    "N2": -1,
    "NURSERY 2": -1,
    "NURSERY": -1,
    "NUR": -1,
    "F1": -1,
    "FS1": -1,
    "FOUNDATION 1": -1,
    "FOUNDATION STAGE 1": -1,
}
_YEAR_NUMBER = re.compile(r"^(?:(?:NC\s*)?(?:YEAR GROUP|YEAR|YR|Y|NCY|NC)\s*)?0*(\d{1,2})(?:\.0+)?$")


def year_label(year: int) -> str:
    return reference.YEAR_GROUP_LABELS.get(year, f"year {year}")


def parse_year_group(value: object) -> int:
    """A national curriculum year as the model stores it: N1 -2, N2/Nursery -1, Reception 0, then 1 to 14."""
    if isinstance(value, bool):
        raise CellProblem("Not a year group")
    if isinstance(value, (int, float)):
        if not float(value).is_integer():
            raise CellProblem("Not a year group")
        number = int(value)
    else:
        written = cell_text(value)
        if not written:
            raise CellProblem("The year group is blank")
        if written.startswith("-"):
            raise CellProblem("Not a year group: use N1 or N2 for nursery, R for Reception, or 1 to 14")
        text = " ".join(re.sub(r"[^0-9A-Z.]+", " ", written.upper()).split())
        if text in _YEAR_WORDS:
            return _YEAR_WORDS[text]
        match = _YEAR_NUMBER.match(text)
        if not match:
            raise CellProblem("Not a year group: use N1, N2, R (Reception) or 1 to 14")
        number = int(match.group(1))
    if not 0 <= number <= 14:
        raise CellProblem(f"Year {number} is not a national curriculum year: use N1, N2, R (Reception) or 1 to 14")
    return number


# --- Gender and yes/no flags --------------------------------------------------------------------------

_GENDERS = {"M": "M", "MALE": "M", "BOY": "M", "F": "F", "FEMALE": "F", "GIRL": "F", "": ""}
# What MIS exports write when no gender is recorded: the census's U (unknown), X, and the words. They are
# stored as blank, as if the cell were empty, since the pupil record holds only M, F or nothing.
_GENDER_NOT_RECORDED = {"U", "X", "UNKNOWN", "NOT KNOWN", "NOT STATED", "NOT RECORDED", "UNSPECIFIED"}


def parse_gender(value: object) -> str:
    """M or F from M/F, Male/Female, Boy/Girl in any case. Blank, U, X, Unknown, Not known and Not stated
    mean not recorded and give "" (blank). Anything else is refused."""
    written = " ".join(cell_text(value).upper().split())
    if written in _GENDER_NOT_RECORDED:
        return ""
    gender = _GENDERS.get(written)
    if gender is None:
        raise CellProblem(
            "Not a gender this system records: use M or F, or leave it blank (U, X or Unknown are read as blank)"
        )
    return gender


_YES = {"Y", "YES", "TRUE", "T", "1"}
_NO = {"N", "NO", "FALSE", "F", "0", ""}


def parse_yes_no(value: object) -> bool:
    """Y/N, Yes/No, True/False, T/F, 1/0 in any case; blank is No. Anything else is refused, not guessed."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    written = cell_text(value)
    if written.upper() in _YES:
        return True
    if written.upper() in _NO:
        return False
    raise CellProblem("Not yes or no: use Y or N (Yes/No, True/False, 1/0), or leave it blank")


# --- SEN status and need types ------------------------------------------------------------------------

_STOP_WORDS = {"AND", "OR", "OF", "THE", "WITH"}


def _vocabulary_key(text: str) -> str:
    """Words in upper case without punctuation, filler words or plural endings, so that
    "Speech, Language & Communication Needs" and "speech language and communication need" meet."""
    words = []
    for word in _words(text):
        if word in _STOP_WORDS:
            continue
        if len(word) > 4 and word.endswith("IES"):
            word = word[:-3] + "Y"
        elif len(word) > 3 and word.endswith("S") and not word.endswith("SS"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


_LEGACY_SEN = "legacy"
_SEN_STATUS_WORDS = {
    "N": "N",
    "NO SEN": "N",
    "NONE": "N",
    "NO": "N",
    "NOT SEN": "N",
    "NON SEN": "N",
    "NO SPECIAL EDUCATIONAL NEED": "N",
    "K": "K",
    "SEN SUPPORT": "K",
    "SUPPORT": "K",
    "SEN K": "K",
    "E": "E",
    "EHC PLAN": "E",
    "EHCP": "E",
    "EHC": "E",
    "EDUCATION HEALTH CARE PLAN": "E",
    "STATEMENT": "E",
    "STATEMENTED": "E",
    "STATEMENT SEN": "E",
    "STATEMENT SPECIAL EDUCATIONAL NEED": "E",
    "S": "E",
    "A": _LEGACY_SEN,
    "P": _LEGACY_SEN,
    "SCHOOL ACTION": _LEGACY_SEN,
    "SCHOOL ACTION PLUS": _LEGACY_SEN,
    "SA": _LEGACY_SEN,
    "SAP": _LEGACY_SEN,
}
_SEN_STATUS_INDEX = {_vocabulary_key(words): code for words, code in _SEN_STATUS_WORDS.items()}


def _lookup_coded(text: str, index: dict[str, str]) -> str | None:
    """Look ``text`` up as a whole, or as "CODE - description" / "description (CODE)" whose parts agree.

    Returns None when not recognised. When a recognised code comes with a description that names a
    different entry, raises, because we cannot tell which one the school meant.
    """
    key = _vocabulary_key(text)
    if key in index:
        return index[key]
    words = key.split()
    if len(words) < 2:
        return None
    for code_word, rest in ((words[0], words[1:]), (words[-1], words[:-1])):
        code = index.get(code_word)
        if code is None:
            continue
        described = index.get(" ".join(rest))
        if described is not None and described != code:
            raise CellProblem("The code and the description name different things")
        return code
    return None


def parse_sen_status(value: object) -> str:
    """N (no SEN), K (SEN support) or E (EHC plan), from the code, the words, or "K - SEN Support".

    Statements of SEN were converted to EHC plans, so they are read as E. School Action (A) and School
    Action Plus (P) were replaced by SEN support in 2015 and have no single equivalent, so they are refused.
    """
    written = cell_text(value)
    if not written:
        return "N"
    status = _lookup_coded(written, _SEN_STATUS_INDEX)
    if status == _LEGACY_SEN:
        raise CellProblem(
            "A pre-2015 code: School Action (A) and School Action Plus (P) were replaced by "
            "K (SEN support) in 2015; record K or E"
        )
    if status is None:
        raise CellProblem("Not an SEN status: use N (no SEN), K (SEN support) or E (EHC plan)")
    return status


_NEED_SYNONYMS: dict[str, tuple[str, ...]] = {
    "SLCN": ("Speech language and communication", "Speech and language", "SLC"),
    "ASD": (
        "Autism",
        "Autism spectrum disorder",
        "Autistic spectrum condition",
        "Autism spectrum condition",
        "ASC",
    ),
    "SPLD": (),
    "MLD": (),
    "SLD": (),
    "PMLD": ("Profound multiple learning difficulty",),
    "SEMH": ("Social emotional and mental health difficulties", "Social emotional and mental health needs"),
    "HI": ("Hearing impaired", "Hearing loss"),
    "VI": ("Visually impaired", "Vision impairment"),
    "MSI": ("Multisensory impairment", "Multi sensory impaired"),
    "PD": (),
    "OTH": ("Other", "Other difficulty/disability"),
    "NSA": (
        "No specialist assessment",
        "No specialist assessment of type of need",
        "SEN support but no specialist assessment",
    ),
}
_LEGACY_NEED = "legacy"
_NEED_INDEX: dict[str, str] = {}
for _code, (_label, _area) in reference.NEED_TYPES.items():
    for _text in (_code, _label, *_NEED_SYNONYMS.get(_code, ())):
        _NEED_INDEX[_vocabulary_key(_text)] = _code
for _text in ("BESD", "Behaviour emotional and social difficulty", "Behavioural emotional and social difficulty"):
    _NEED_INDEX[_vocabulary_key(_text)] = _LEGACY_NEED
_NO_NEED = {_vocabulary_key(text) for text in ("", "None", "N/A", "NA", "Not applicable", "No need", "No SEN")}


def parse_need(value: object) -> str:
    """A DfE need-type code ("SPLD"), from the code in any case, its description, or "CODE - description".
    Blank, "None" and "N/A" mean no need recorded ("")."""
    written = cell_text(value)
    if _vocabulary_key(written) in _NO_NEED:
        return ""
    need = _lookup_coded(written, _NEED_INDEX)
    if need == _LEGACY_NEED:
        raise CellProblem(
            "A pre-2015 need type: BESD was replaced by SEMH (social, emotional and mental health) "
            "in 2015; record the current need type"
        )
    if need is None:
        codes = ", ".join(reference.NEED_TYPES)
        raise CellProblem(f"Not a need type: use a DfE need-type code ({codes}) or its description")
    return need


# --- Columns ------------------------------------------------------------------------------------------


def _name(label: str, required: bool) -> Callable[[object], str]:
    return lambda value: parse_name(value, label=label, required=required)


# Each column's parser reads one cell; the date of birth's also needs the day of the import (``_field_parsers``).
FIELDS = Columns(
    Column(
        "upn",
        "UPN",
        required=True,
        parse=parse_upn,
        headers=("UPN", "Unique Pupil Number", "Unique Pupil No", "Pupil UPN", "UPN Number"),
    ),
    Column(
        "legal_last_name",
        "legal surname",
        required=True,
        parse=_name("legal surname", True),
        headers=(
            "Legal Surname",
            "Surname",
            "Last Name",
            "Family Name",
            "Legal Last Name",
            "Lastname",
            "Legal Family Name",
        ),
    ),
    Column(
        "legal_first_name",
        "legal forename",
        required=True,
        parse=_name("legal forename", True),
        headers=(
            "Legal Forename",
            "Forename",
            "First Name",
            "Given Name",
            "Legal First Name",
            "Firstname",
            "Forenames",
            "First Names",
            "Given Names",
            "Legal Forenames",
            "Legal Given Name",
        ),
    ),
    Column(
        "preferred_first_name",
        "preferred forename",
        required=False,
        parse=_name("preferred forename", False),
        headers=(
            "Preferred Forename",
            "Preferred First Name",
            "Known As",
            "Chosen Forename",
            "Chosen First Name",
            "Preferred Name",
            "Preferred Given Name",
            "Known As Forename",
            "Chosen Name",
            "Known As Name",
        ),
    ),
    Column(
        "preferred_last_name",
        "preferred surname",
        required=False,
        parse=_name("preferred surname", False),
        headers=(
            "Preferred Surname",
            "Preferred Last Name",
            "Chosen Surname",
            "Known As Surname",
            "Preferred Family Name",
        ),
    ),
    Column(
        "date_of_birth",
        "date of birth",
        required=True,
        parse=None,
        headers=("DOB", "Date of Birth", "Birth Date", "Birthdate", "D.O.B."),
    ),
    Column(
        "year_group",
        "year group",
        required=True,
        parse=parse_year_group,
        headers=(
            "Year",
            "Year Group",
            "NC Year",
            "National Curriculum Year",
            "Curriculum Year",
            "NC Year Group",
            "National Curriculum Year Group",
            "Year Grp",
            "Yr",
            "Yr Group",
            "NCY",
            "NC Year Actual",
            "Actual NC Year",
            "Yr Grp",
        ),
    ),
    Column(
        "registration_group",
        "registration class",
        required=False,
        parse=parse_registration_group,
        headers=(
            "Reg",
            "Reg Group",
            "Registration Group",
            "Form",
            "Tutor Group",
            "Class",
            "Registration Form",
            "Reg Form",
            "Form Group",
            "Registration Class",
            "Reg Class",
            "Tutor",
            "Form Class",
            "Class Name",
            "Registration",
            "Reg Grp",
            "Tutor Grp",
            "Class Group",
        ),
    ),
    Column("gender", "gender", required=False, parse=parse_gender, headers=("Gender", "Sex", "Legal Sex")),
    Column(
        "pupil_premium",
        "pupil premium",
        required=False,
        parse=parse_yes_no,
        headers=(
            "Pupil Premium",
            "PP",
            "Pupil Premium Indicator",
            "PP Eligible",
            "Disadvantaged",
            "Pupil Premium Eligible",
            "Pupil Premium Eligibility",
            "PP Indicator",
            "PPG",
            "PP Status",
            "Disadvantaged Pupil",
            "Pupil Premium Grant",
        ),
    ),
    Column(
        "fsm",
        "free school meals",
        required=False,
        parse=parse_yes_no,
        headers=(
            "FSM",
            "FSM Eligible",
            "Free School Meals",
            "FSM Eligibility",
            "FSM Indicator",
            "Free School Meals Eligible",
            "Free School Meal Eligible",
            "Eligible for FSM",
            "FSM Status",
        ),
    ),
    Column(
        "eal",
        "EAL",
        required=False,
        parse=parse_yes_no,
        headers=(
            "EAL",
            "English as an Additional Language",
            "EAL Status",
            "English Additional Language",
            "EAL Indicator",
            "EAL Flag",
        ),
    ),
    Column(
        "looked_after",
        "looked after",
        required=False,
        parse=parse_yes_no,
        headers=(
            "Looked After",
            "In Care",
            "CLA",
            "LAC",
            "Child Looked After",
            "Looked After Child",
            "Children Looked After",
            "In LA Care",
            "Looked After Status",
            "CLA Status",
        ),
    ),
    Column(
        "sen_status",
        "SEN status",
        required=False,
        parse=parse_sen_status,
        headers=(
            "SEN Status",
            "SEN Provision",
            "SEN Stage",
            "SEN",
            "SEND Status",
            "SEN Code",
            "SEN Provision Type",
            "SEND",
        ),
    ),
    Column(
        "primary_need",
        "primary need",
        required=False,
        parse=parse_need,
        headers=(
            "Primary Need",
            "SEN Primary Need",
            "Primary SEN Need",
            "SEN Need Type",
            "Primary Need Type",
            "SEN Need",
            "Need Type",
            "Primary SEN Type",
            "SEND Primary Need",
            "Primary Need Code",
            "SEN Type",
            "SEN Type 1",
            "SEN Need 1",
            "SEN Need Type 1",
        ),
    ),
    Column(
        "secondary_need",
        "secondary need",
        required=False,
        parse=parse_need,
        headers=(
            "Secondary Need",
            "SEN Secondary Need",
            "Secondary SEN Need",
            "Secondary Need Type",
            "Secondary SEN Type",
            "SEND Secondary Need",
            "Secondary Need Code",
            "SEN Type 2",
            "SEN Need 2",
            "SEN Need Type 2",
        ),
    ),
)

FIELDS_BY_NAME = FIELDS.by_name
REQUIRED_FIELDS = FIELDS.required
HEADER_INDEX = FIELDS.index


def match_header(header: object) -> str | None:
    """The canonical pupil field a column header means, or None when we do not recognise it.

    Matching ignores case, spacing and punctuation, a parenthesised qualifier ("Forename (Preferred)" is the
    preferred forename; "Date of Birth (dd/mm/yyyy)" the date of birth) and a leading "Pupil"/"Student" word
    (see ``reader.match_header_in``).
    """
    return FIELDS.match(header)


# --- Header row ---------------------------------------------------------------------------------------


def _header_score(cells: list[object]) -> int:
    return len({field for field in map(match_header, cells) if field})


def _header_words(header: str) -> frozenset[str]:
    words = normalise_header(header).split()
    if words and words[0] in HEADER_PREFIXES:
        words = words[1:]
    return frozenset(words)


def _more_specific(header: str, other: str) -> bool:
    """Whether ``header`` names the detail more precisely than ``other`` (both already give the same field).

    It does when it says everything ``other`` says and more ("Legal Surname" over "Surname", "NC Year" over
    "Year"), or when it is the legal version and ``other`` is not ("Legal Forename" over "First Name"). MIS
    exports often carry both a legal and a plain column; the legal one is what this field stores.
    """
    words, other_words = _header_words(header), _header_words(other)
    return other_words < words or ("legal" in words and "legal" not in other_words)


@dataclass
class _Layout:
    columns: dict[str, int]  # canonical field -> column index
    headers: list[str]  # every header as written
    ignored: list[str]


def _layout(header_cells: list[object]) -> tuple[_Layout, list[str]]:
    """Map header cells to fields. Returns the layout and the whole-file problems with it.

    When several columns give one field, the most specific header is used and the others are ignored
    (and listed as such); the same header twice, or two headers neither of which is more specific than
    the other ("DOB" and "Date of Birth"), is a problem with the file: we cannot know which one to trust.
    """
    headers = [header_text(cell) for cell in header_cells]
    claims: dict[str, list[int]] = {}
    unrecognised: list[int] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        field_name = match_header(header)
        if field_name is None:
            unrecognised.append(index)
        else:
            claims.setdefault(field_name, []).append(index)
    columns: dict[str, int] = {}
    superseded: list[int] = []
    problems: list[str] = []
    for field_name, indexes in claims.items():
        label = FIELDS_BY_NAME[field_name].label
        first_seen: dict[str, int] = {}
        repeated = None
        for index in indexes:
            key = normalise_header(headers[index])
            if key in first_seen:
                repeated = (first_seen[key], index)
                break
            first_seen[key] = index
        if repeated:
            earlier, later = repeated
            problems.append(
                f"The column '{headers[later]}' appears twice (columns {column_letter(earlier)} and "
                f"{column_letter(later)}), both giving the {label}: remove one of them."
            )
            continue
        chosen = next(
            (
                index
                for index in indexes
                if all(_more_specific(headers[index], headers[other]) for other in indexes if other != index)
            ),
            None,
        )
        if chosen is None:
            first, second = indexes[0], indexes[1]
            problems.append(
                f"Columns '{headers[first]}' and '{headers[second]}' both give the {label}: "
                "remove or rename one of them."
            )
            continue
        columns[field_name] = chosen
        superseded += [index for index in indexes if index != chosen]
    missing = [FIELDS_BY_NAME[name] for name in REQUIRED_FIELDS if name not in columns and name not in claims]
    if missing:
        found = ", ".join(f"'{header}'" for header in headers if header) or "none"
        needed = "; ".join(f"{spec.label} (e.g. {', '.join(spec.headers[:3])})" for spec in missing)
        problems.insert(0, f"The file has no column for: {needed}. Columns found: {found}.")
    ignored = [headers[index] for index in sorted(unrecognised + superseded)]
    columns = dict(sorted(columns.items(), key=lambda item: item[1]))
    return _Layout(columns=columns, headers=headers, ignored=ignored), problems


# --- Rows ---------------------------------------------------------------------------------------------


def _field_parsers(today: dt.date) -> dict[str, Callable[[object], object]]:
    parsers = {column.name: column.parse for column in FIELDS if column.parse}
    return parsers | {"date_of_birth": lambda value: parse_date_of_birth(value, today=today)}


def _cross_checks(
    values: dict[str, object], *, lowest_year: int, highest_year: int, today: dt.date
) -> list[tuple[str, str]]:
    """Problems between fields of one row, as (field, reason); only for fields that parsed."""
    problems: list[tuple[str, str]] = []
    year = values.get("year_group")
    born = values.get("date_of_birth")
    if isinstance(year, int):
        if not lowest_year <= year <= highest_year:
            problems.append(
                (
                    "year_group",
                    f"{year_label(year)} is not taught at this school "
                    f"({year_label(lowest_year)} to {year_label(highest_year)})",
                )
            )
        elif isinstance(born, dt.date):
            expected = reference.expected_year_group(born, today)
            if abs(expected - year) > 1:
                problems.append(
                    (
                        "year_group",
                        f"A pupil born on {born:%d/%m/%Y} would be in {year_label(expected)} this school year, "
                        f"not {year_label(year)}",
                    )
                )
    status = values.get("sen_status")
    primary = values.get("primary_need")
    secondary = values.get("secondary_need")
    if status == "N":
        for need_field in ("primary_need", "secondary_need"):
            if values.get(need_field):
                problems.append((need_field, "A need is given but the SEN status is N (no SEN)"))
    if primary and secondary and primary == secondary:
        problems.append(("secondary_need", f"The secondary need is the same as the primary need ({primary})"))
    if secondary and primary == "":
        problems.append(("secondary_need", "A secondary need is given without a primary need"))
    return problems


def _no_header(where: str, first_row: str) -> str:
    return (
        f"No header row found{where}: expected columns such as UPN, Surname, Forename, Date of birth and "
        f"Year group in the first {HEADER_SEARCH_ROWS} rows. The first row reads: {first_row or '(nothing)'}."
    )


def parse_pupil_file(
    content: bytes,
    filename: str,
    *,
    lowest_year: int,
    highest_year: int,
    today: dt.date,
    progress: Progress = no_progress,
    **reading,
) -> ParsedFile:
    """Read an MIS export and check every row.

    ``lowest_year``/``highest_year`` are the school's year groups (Reception is 0); ``today`` dates the
    age and year-group checks. Rows with any problem are left out of ``rows`` and every problem is in
    ``errors``; a file that cannot be used at all has ``file_errors`` and no rows. ``reading`` holds the reader's
    ``limits``.
    """
    parsed = ParsedFile(filename=filename)
    header = open_header(parsed, content, _header_score, _no_header, progress=progress, **reading)
    if header is None:
        return parsed
    layout, problems = _layout(header.cells)
    parsed.columns = {name: layout.headers[index] for name, index in layout.columns.items()}
    parsed.ignored_columns = layout.ignored
    if problems:
        parsed.file_errors.extend(problems)
        return parsed

    parsers = _field_parsers(today)
    first_line_of: dict[str, int] = {}
    data_rows = header.data_rows()
    if not data_rows:
        parsed.file_errors.append(f"There are no pupils in the file: nothing below the header on line {header.line}.")
        return parsed

    for line, cells in reporting(data_rows, progress):
        parsed.row_count += 1
        values: dict[str, object] = {}
        row_errors: list[RowError] = []
        for field_name, index in layout.columns.items():
            raw = cell_at(cells, index)
            if cell_text(raw).upper() in EXCEL_ERRORS:
                row_errors.append(_error(layout, line, cells, field_name, "The spreadsheet shows an error here"))
                continue
            try:
                values[field_name] = parsers[field_name](raw)
            except CellProblem as exc:
                row_errors.append(_error(layout, line, cells, field_name, str(exc)))

        # A value under no header means the row is shifted, usually an unquoted comma in a CSV.
        for index, cell in enumerate(cells):
            if cell_text(cell) and (index >= len(layout.headers) or not layout.headers[index]):
                row_errors.append(
                    RowError(
                        line,
                        f"column {index + 1} (no header)",
                        cell_text(cell),
                        "A value under no column header: is a comma in a name missing its quotes?",
                    )
                )

        for field_name, reason in _cross_checks(
            values, lowest_year=lowest_year, highest_year=highest_year, today=today
        ):
            row_errors.append(_error(layout, line, cells, field_name, reason))

        upn_text = reference.normalise_upn(cell_text(cell_at(cells, layout.columns["upn"])))
        if upn_text:
            parsed.seen_upns.add(upn_text)
        if "upn" in values:
            upn = str(values["upn"])
            if upn in first_line_of:
                reason = f"UPN {upn} is already on line {first_line_of[upn]}: each pupil may appear only once"
                row_errors.append(_error(layout, line, cells, "upn", reason))
            else:
                first_line_of[upn] = line

        if row_errors:
            parsed.errors.extend(sorted(row_errors, key=lambda error: _column_order(error, layout)))
        else:
            parsed.rows.append(PupilRow(line=line, fields=values))
    return parsed


def _error(layout: _Layout, line: int, cells: list[object], field_name: str, reason: str) -> RowError:
    index = layout.columns[field_name]
    return RowError(line, layout.headers[index], cell_text(cell_at(cells, index)), reason)


def _column_order(error: RowError, layout: _Layout) -> int:
    try:
        return layout.headers.index(error.column)
    except ValueError:
        return len(layout.headers)


def recognised_columns() -> list[tuple[str, bool, tuple[str, ...]]]:
    """(label, required, example headers) for each field, for help texts."""
    return [(spec.label, spec.required, spec.headers) for spec in FIELDS]
