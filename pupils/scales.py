"""Assessment scales: reading what a teacher typed into a number on the scale, and back. No Django imports.

Every result is stored as a number on its scale so that gains and comparisons are arithmetic:

| kind          | typed            | stored                       | default range   | expected | high |
|---------------|------------------|------------------------------|-----------------|----------|------|
| ks2_scaled    | 104              | 104                          | 80-120          | 100      | 110  |
| standardised  | 92               | 92                           | 40-160          | 85       | 115  |
| age           | 8:06 (yrs:mths)  | 102 (months)                 | 3:00-18:00      | chronological age | - |
| raw           | 34               | 34                           | 0-max marks     | set by the school | - |
| bands         | Expected         | the band's rank (1 = lowest) | the bands       | a band   | a band |
| gcse          | 9 ... 1, U       | 9 ... 1, U = 0               | U-9             | 4        | 7    |

The KS2 figures are the STA's (scaled scores 80-120, 100 = the expected standard, 110 = the high score). A
standardised score has mean 100 and standard deviation 15; 85 (one SD below the mean) is the conventional
"below average" line. GCSE grade 4 is the DfE's standard pass and 7 the old A.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

KS2_SCALED = "ks2_scaled"
STANDARDISED = "standardised"
AGE = "age"
RAW = "raw"
BANDS = "bands"
GCSE = "gcse"

KINDS = {
    KS2_SCALED: "KS2 scaled score",
    STANDARDISED: "Standardised score",
    AGE: "Age-equivalent (years:months)",
    RAW: "Raw score",
    BANDS: "Teacher assessment bands",
    GCSE: "GCSE grade (9-1)",
}

DEFAULTS = {
    KS2_SCALED: {"min_value": 80, "max_value": 120, "expected": 100, "high": 110, "drop_concern": 5},
    STANDARDISED: {"min_value": 40, "max_value": 160, "expected": 85, "high": 115, "drop_concern": 5},
    AGE: {"min_value": 36, "max_value": 216, "expected": None, "high": None, "drop_concern": None},
    RAW: {"min_value": 0, "max_value": 50, "expected": None, "high": None, "drop_concern": None},
    BANDS: {"min_value": None, "max_value": None, "expected": None, "high": None, "drop_concern": 1},
    GCSE: {"min_value": 0, "max_value": 9, "expected": 4, "high": 7, "drop_concern": 1},
}


class ScaleError(ValueError):
    """A typed value that does not fit the scale; the message is written for the teacher."""


@dataclass(frozen=True)
class ScaleSpec:
    """What a scale accepts. ``bands`` are the labels from lowest to highest (rank 1 upwards)."""

    kind: str
    min_value: float | None = None
    max_value: float | None = None
    expected: float | None = None
    high: float | None = None
    bands: tuple[str, ...] = field(default_factory=tuple)
    band_codes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_age(self) -> bool:
        return self.kind == AGE


_AGE = re.compile(r"^(\d{1,2})\s*[:;]\s*(\d{1,2})$")
_AGE_WORDS = re.compile(r"^(\d{1,2})\s*y(?:ears?|rs?)?\s*(\d{1,2})\s*m(?:onths?|ths?)?$", re.IGNORECASE)
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def age_to_months(text: str) -> int:
    """``"8:06"`` -> 102. Years and months, months 0 to 11. Also ``8y 6m``."""
    if not isinstance(text, str):
        raise ScaleError(f"{text!r} is not an age in years:months, like 8:06")
    value = text.strip()
    match = _AGE.match(value) or _AGE_WORDS.match(value)
    if not match:
        raise ScaleError(f"'{text}' is not an age in years:months, like 8:06")
    years, months = int(match.group(1)), int(match.group(2))
    if months > 11:
        raise ScaleError(f"'{text}' has {months} months; months run from 0 to 11 (8:11 is followed by 9:00)")
    return years * 12 + months


def months_to_age(months: float) -> str:
    """A number of months as years:months: 102 -> ``"8:06"``.

    Fractions of a month are rounded to the nearest month, halves away from zero (100.5 -> ``"8:05"``, as a
    teacher rounds; Python's ``round`` would give ``"8:04"``); a negative number of months (a fall in a gain
    column) keeps its sign: -14 -> ``"-1:02"``. The one copy of this rule: reports import it from here.
    """
    if not math.isfinite(months):
        raise ValueError(f"{months!r} is not a number of months")
    whole = int(math.floor(abs(months) + 0.5))
    sign = "-" if months < 0 and whole else ""
    return f"{sign}{whole // 12}:{whole % 12:02d}"


def _integer(text: str, what: str) -> int:
    value = text.strip()
    if not _INTEGER.match(value):
        if _NUMBER.match(value):
            raise ScaleError(f"'{text}' is not a whole number; {what} are whole numbers")
        raise ScaleError(f"'{text}' is not a number")
    return int(float(value))


def _in_range(value: float, spec: ScaleSpec, text: str, label: str) -> None:
    low, high = spec.min_value, spec.max_value
    if low is not None and value < low or high is not None and value > high:
        raise ScaleError(f"{text.strip()} is outside the {label} range {_fmt(low)}-{_fmt(high)}")


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


# What a mark book writes for a pupil who did not sit an assessment. One definition for the file import and the
# results grid: such a mark is never a score, unless the scale itself reads it as one (a band coded "A").
ABSENCE_MARKERS = frozenset({"-", "–", "—", "N/A", "NA", "A", "ABS", "ABSENT", "NOT SAT", "DID NOT SIT", "DNS"})
ABSENCE_EXAMPLES = ("Abs", "Absent", "A", "-", "N/A", "Not sat", "Did not sit", "DNS")


def is_absence(spec: ScaleSpec, text: str) -> bool:
    """Whether ``text`` marks a pupil absent from an assessment on this scale: one of ``ABSENCE_MARKERS`` (any
    case) that the scale does not read as a result."""
    if (text or "").strip().upper() not in ABSENCE_MARKERS:
        return False
    try:
        parse(spec, text)
    except ScaleError:
        return True
    return False


def parse(spec: ScaleSpec, text: str) -> float:
    """The number on the scale for what was typed, or ScaleError saying why it does not fit."""
    if text is None or not str(text).strip():
        raise ScaleError("No value given")
    text = str(text).strip()
    if spec.kind in (KS2_SCALED, STANDARDISED):
        value = _integer(text, "scores")
        _in_range(value, spec, text, KINDS[spec.kind].lower())
        return float(value)
    if spec.kind == AGE:
        months = age_to_months(text)
        low, high = spec.min_value, spec.max_value
        if low is not None and months < low or high is not None and months > high:
            raise ScaleError(
                f"{text} is outside this test's range {months_to_age(low or 0)}-{months_to_age(high or 0)}"
            )
        return float(months)
    if spec.kind == RAW:
        if not _NUMBER.match(text):
            raise ScaleError(f"'{text}' is not a number of marks")
        value = float(text)
        if spec.min_value is not None and value < spec.min_value:
            raise ScaleError(f"{text} is below {_fmt(spec.min_value)}")
        if spec.max_value is not None and value > spec.max_value:
            raise ScaleError(f"{text} is more than the {_fmt(spec.max_value)} marks available")
        return value
    if spec.kind == BANDS:
        wanted = text.casefold()
        for rank, label in enumerate(spec.bands, start=1):
            code = spec.band_codes[rank - 1] if rank - 1 < len(spec.band_codes) else ""
            if wanted in (label.casefold(), code.casefold()) and wanted:
                return float(rank)
        names = ", ".join(
            f"{label} ({code})" if code else label
            for label, code in zip(spec.bands, spec.band_codes or ("",) * len(spec.bands), strict=False)
        )
        raise ScaleError(f"'{text}' is not one of this scale's bands: {names}")
    if spec.kind == GCSE:
        if text.upper() == "U":
            return 0.0
        value = _integer(text, "GCSE grades")
        if not 1 <= value <= 9:
            raise ScaleError(f"{text} is not a GCSE grade; grades run from 9 (highest) to 1, then U")
        return float(value)
    raise ScaleError(f"Unknown scale kind {spec.kind!r}")


def display(spec: ScaleSpec, value: float | None) -> str:
    """How a stored value is shown to people (the inverse of ``parse``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if spec.kind == AGE:
        return months_to_age(value)
    if spec.kind == BANDS:
        rank = int(round(value))
        return spec.bands[rank - 1] if 1 <= rank <= len(spec.bands) else str(rank)
    if spec.kind == GCSE:
        return "U" if value == 0 else str(int(value))
    return _fmt(value)


def validate_bands(labels: list[str], ranks: list[int] | None = None) -> list[str]:
    """Problems with a school's band definition (empty when it is fine).

    Bands must be named, distinct and ordered: ranks, when given, run 1, 2, 3 ... from the lowest band with no
    gaps or repeats, so that "above" and "below" mean something.
    """
    problems = []
    if len(labels) < 2:
        problems.append("A band scale needs at least two bands")
    cleaned = [label.strip() for label in labels]
    if any(not label for label in cleaned):
        problems.append("Every band needs a name")
    seen: set[str] = set()
    for label in cleaned:
        if label.casefold() in seen:
            problems.append(f"Band '{label}' appears twice")
        seen.add(label.casefold())
    if ranks is not None:
        if sorted(ranks) != list(range(1, len(labels) + 1)):
            problems.append("Band ranks must run 1, 2, 3 ... from the lowest band, with no gaps or repeats")
        elif ranks != sorted(ranks):
            problems.append("Bands are out of order: list them from lowest to highest")
    return problems


def validate_spec(spec: ScaleSpec) -> list[str]:
    """Problems with a scale's own settings (range, thresholds, bands)."""
    problems = []
    if spec.kind not in KINDS:
        return [f"Unknown scale kind {spec.kind!r}"]
    if spec.kind == BANDS:
        problems += validate_bands(list(spec.bands))
        top = len(spec.bands)
        for name, value in (("expected", spec.expected), ("high", spec.high)):
            if value is not None and not 1 <= value <= top:
                problems.append(f"The {name} band must be one of the bands")
    else:
        if spec.min_value is not None and spec.max_value is not None and spec.min_value >= spec.max_value:
            problems.append("The lowest value must be below the highest")
        for name, value in (("expected", spec.expected), ("high", spec.high)):
            outside = value is not None and (
                spec.min_value is not None
                and value < spec.min_value
                or spec.max_value is not None
                and value > spec.max_value
            )
            if outside:
                problems.append(f"The {name} standard must lie within the scale's range")
    if spec.expected is not None and spec.high is not None and spec.high <= spec.expected:
        problems.append("The high standard must be above the expected standard")
    return problems
