"""Reference facts about English pupil data, with no Django imports.

The codes are the DfE's (school census): SEN provision N/K/E, the SEN need-type codes and the four broad
areas of need of the SEND Code of Practice (2015), national curriculum year groups and the UPN format.
The functions here are shared by the models, the forms and the MIS import parser.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum.gb import upn as stdnum_upn

# --- SEN provision -----------------------------------------------------------------------------------

SEN_STATUS_LABELS = {
    "N": "No SEN",
    "K": "SEN support",
    "E": "EHC plan",
}

# --- Need types and broad areas ----------------------------------------------------------------------

AREA_LABELS = {
    "CI": "Communication and interaction",
    "CL": "Cognition and learning",
    "SEMH": "Social, emotional and mental health",
    "SP": "Sensory and/or physical",
    "OTHER": "Other",
}

# code -> (label, broad area)
NEED_TYPES: dict[str, tuple[str, str]] = {
    "SLCN": ("Speech, language and communication needs", "CI"),
    "ASD": ("Autistic spectrum disorder", "CI"),
    "SPLD": ("Specific learning difficulty", "CL"),
    "MLD": ("Moderate learning difficulty", "CL"),
    "SLD": ("Severe learning difficulty", "CL"),
    "PMLD": ("Profound and multiple learning difficulty", "CL"),
    "SEMH": ("Social, emotional and mental health", "SEMH"),
    "HI": ("Hearing impairment", "SP"),
    "VI": ("Visual impairment", "SP"),
    "MSI": ("Multi-sensory impairment", "SP"),
    "PD": ("Physical disability", "SP"),
    "OTH": ("Other difficulty or disability", "OTHER"),
    "NSA": ("SEN support but no specialist assessment of type of need", "OTHER"),
}


def need_area(code: str) -> str:
    """The broad area of need ("CI", "CL", "SEMH", "SP" or "OTHER") of a DfE need-type code."""
    return NEED_TYPES[code][1]


# --- Year groups -------------------------------------------------------------------------------------

# Stored as a small integer so that ranges and ages are arithmetic: nursery -2/-1, Reception 0, then 1-14.
YEAR_GROUP_LABELS = {-2: "Nursery 1", -1: "Nursery 2", 0: "Reception"} | {n: f"Year {n}" for n in range(1, 15)}
YEAR_GROUP_SHORT = {-2: "N1", -1: "N2", 0: "R"} | {n: f"Y{n}" for n in range(1, 15)}


def academic_year_start(day: dt.date) -> int:
    """The calendar year in which the English academic year containing ``day`` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def expected_year_group(date_of_birth: dt.date, on: dt.date) -> int:
    """The national curriculum year group of a child born on ``date_of_birth``, in the academic year of ``on``.

    A child starts Reception in the September after their fourth birthday; the cohort runs from
    1 September to 31 August, so a child born on 31 August is the youngest of their year.
    """
    cohort = date_of_birth.year if date_of_birth.month >= 9 else date_of_birth.year - 1
    return academic_year_start(on) - cohort - 5


# --- UPN -----------------------------------------------------------------------------------------------

_UPN_PERMANENT = re.compile(r"^[A-Z]\d{12}$")
_UPN_TEMPORARY = re.compile(r"^[A-Z]\d{11}[A-Z]$")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def normalise_upn(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def upn_problem(value: str) -> str | None:
    """Why ``value`` is not a valid UPN, or None when it is.

    The check letter is computed from the other twelve characters with python-stdnum's
    ``gb.upn.calc_check_digit`` (the DfE's modulus-23 weighting). We do not call stdnum's ``validate``
    because it also rejects local-authority numbers missing from its 2011 list, which would refuse real
    pupils: UPNs issued in Dorset (838), Bournemouth, Christchurch and Poole (839), the Northamptonshire
    and Cumbria unitaries (940-943) or in Wales keep those numbers for life.
    """
    upn = normalise_upn(value)
    if not upn:
        return "UPN is missing"
    if len(upn) != 13:
        return f"UPN must be 13 characters, not {len(upn)}"
    if not (_UPN_PERMANENT.match(upn) or _UPN_TEMPORARY.match(upn)):
        return "UPN must be a check letter, 11 digits and a final digit (or a letter for a temporary UPN)"
    if upn[-1].isalpha() and upn[-1] not in _UPN_LETTERS:
        return f"UPN ends in '{upn[-1]}', which is not used in UPNs (I, O and S are never used)"
    expected = stdnum_upn.calc_check_digit(upn[1:])
    if upn[0] != expected:
        return f"UPN check letter is wrong: '{upn[0]}' given, the digits give '{expected}'"
    return None


def make_upn(body: str) -> str:
    """A valid UPN from its twelve characters after the check letter (used by the demo seed and tests)."""
    return stdnum_upn.calc_check_digit(body) + body


def age_in_months(date_of_birth: dt.date, on: dt.date) -> int:
    """Chronological age in completed months, as reading-age tests report it (7:10 until the day before 7:11)."""
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    if on.day < date_of_birth.day:
        months -= 1
    return months


def year_group_on(year_group: int, day: dt.date, *, today: dt.date, left_on: dt.date | None = None) -> int:
    """The year group a pupil in ``year_group`` (today, or when they left) was in on ``day``.

    Each 1 September between the two dates is one year group: last summer's Year 3 test was sat by today's
    Year 4. ``Assessment.year_groups`` always means the year groups of the pupils when they sat it.
    """
    now = min(left_on, today) if left_on else today
    return year_group - (academic_year_start(now) - academic_year_start(day))


# --- Classes over time ---------------------------------------------------------------------------------


def class_on(
    day: dt.date,
    *,
    current: object,
    history: list[tuple[dt.date | None, dt.date, object]],
    now: dt.date,
    unknown: object = None,
) -> object:
    """The class a pupil was in on ``day``: ``current`` is their class now (or when they left), ``history`` the
    classes recorded when their class changed, as (since or None, until, class) each, and ``now`` today (or the
    day they left).

    A recorded class covers its own dates. After the last recorded change the pupil is in ``current``; with no
    change recorded, ``current`` is taken to hold from the start of the academic year of ``now`` (classes change
    with the year), and an earlier day gives ``unknown``, as does a day before the first record or in a gap.
    """
    for since, until, group in sorted(history, key=lambda row: row[1]):
        if day <= until:
            return group if since is None or since <= day else unknown
    if history:
        return current  # after the last recorded change
    year_start = dt.date(academic_year_start(now), 9, 1)
    return current if day >= year_start else unknown
