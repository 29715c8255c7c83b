"""The school calendar's arithmetic: which days a school is open, England and Wales bank holidays, and a
suggested half-term week. Pure: no Django imports (``provision.calendar`` loads a school's terms and closures
into a ``SchoolDays``; ``interventions.costing`` counts planned sessions on it).

**A school day** is a weekday inside one of the school's terms and not inside one of its closures (a half-term
week, an INSET day, a bank holiday, any other day the school is shut). ``SchoolDays`` turns the terms and the
closures into the spans the school is open, once, so that asking about a day is a binary search and listing the
days between two dates walks only the open spans.

**Bank holidays** (``bank_holidays``) follow the standing rules for England and Wales: New Year's Day, Good
Friday, Easter Monday, the first and last Mondays of May, the last Monday of August, Christmas Day and Boxing
Day, with a holiday that falls on a weekend moved to the next weekday that is not already a holiday. Easter
Sunday comes from the Gregorian computus (``easter_sunday``). One-off changes made by proclamation cannot be
computed (the early May holiday moved to Friday 8 May 2020 for VE Day; the spring holiday moved to 2 June and
an extra one on 3 June 2022; 19 September 2022; 8 May 2023): the calendar offers these dates and the school
edits or adds any of them, like every other closure.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)
Span = tuple[dt.date, dt.date]


def open_spans(terms: Iterable[Span], closures: Iterable[Span] = ()) -> tuple[Span, ...]:
    """The spans (first, last inclusive) a school is open: its terms, merged where they overlap, less its
    closures, in date order. Weekends are still inside the spans (``SchoolDays`` skips them)."""
    merged: list[list[dt.date]] = []
    for start, end in sorted(terms):
        if start > end:
            continue
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    spans: list[Span] = []
    shut = sorted((start, end) for start, end in closures if start <= end)
    for start, end in merged:
        day = start
        for closed_from, closed_to in shut:
            if closed_to < day or closed_from > end:
                continue
            if closed_from > day:
                spans.append((day, closed_from - ONE_DAY))
            day = max(day, closed_to + ONE_DAY)
            if day > end:
                break
        if day <= end:
            spans.append((day, end))
    return tuple(spans)


@dataclass(frozen=True)
class SchoolDays:
    """The days a school is open: weekdays inside a term and outside every closure.

    ``terms`` and ``closures`` are (first, last) pairs, inclusive; ``half_terms`` are the closures that are
    half-term weeks (where a term splits into its two half terms). Build it once per school
    (``provision.calendar.school_calendar``) and pass it to everything that counts school days."""

    terms: tuple[Span, ...]
    closures: tuple[Span, ...] = ()
    half_terms: tuple[Span, ...] = ()
    spans: tuple[Span, ...] = field(init=False, repr=False, compare=False)
    _starts: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spans = open_spans(self.terms, self.closures)
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "_starts", tuple(start for start, _end in spans))

    @classmethod
    def of(cls, terms: SchoolDays | Sequence[Span], closures: Iterable[Span] = ()) -> SchoolDays:
        """``terms`` as they are when already a ``SchoolDays``; otherwise the calendar of those term dates (and
        ``closures``)."""
        if isinstance(terms, SchoolDays):
            return terms
        return cls(tuple(sorted(terms)), tuple(sorted(closures)))

    def is_school_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        index = bisect_right(self._starts, day) - 1
        return index >= 0 and day <= self.spans[index][1]

    def days_between(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """The school days from ``first`` to ``last`` inclusive, in order."""
        for start, end in self.spans:
            if end < first:
                continue
            if start > last:
                return
            day = max(first, start)
            final = min(end, last)
            while day <= final:
                if day.weekday() < 5:
                    yield day
                day += ONE_DAY

    def weekdays_between(self, first: dt.date, last: dt.date, weekdays: Iterable[int]) -> list[dt.date]:
        """The school days from ``first`` to ``last`` that fall on ``weekdays`` (0 = Monday), in order: each
        weekday is stepped a week at a time through each open span, so a long run costs little."""
        wanted = sorted({day for day in weekdays if 0 <= day < 5})
        out: list[dt.date] = []
        for start, end in self.spans:
            if end < first:
                continue
            if start > last:
                break
            low, high = max(first, start), min(end, last)
            for weekday in wanted:
                day = low + dt.timedelta(days=(weekday - low.weekday()) % 7)
                while day <= high:
                    out.append(day)
                    day += dt.timedelta(days=7)
        out.sort()
        return out

    def count_between(self, first: dt.date, last: dt.date) -> int:
        """How many school days there are from ``first`` to ``last`` inclusive (0 when ``last`` < ``first``)."""
        return len(self.weekdays_between(first, last, range(5))) if first <= last else 0

    def days_before(self, today: dt.date, days: int) -> dt.date:
        """The first of the last ``days`` school days up to and including ``today`` (a school day itself): where
        "the last two school weeks" start, skipping holidays and closures. With no term at all, weekdays."""
        if not self.spans:
            day, counted = today, 0
            while True:
                if day.weekday() < 5:
                    counted += 1
                    if counted >= days:
                        return day
                day -= ONE_DAY
        counted = 0
        day = today
        for start, end in reversed(self.spans):
            if start > today:
                continue
            day = min(end, today)
            while day >= start:
                if day.weekday() < 5:
                    counted += 1
                    if counted >= days:
                        return day
                day -= ONE_DAY
        return day  # fewer school days than asked for since the first term: its first day


# --- Bank holidays ------------------------------------------------------------------------------------------


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, as set out by Meeus in
    *Astronomical Algorithms*): the Sunday after the ecclesiastical full moon on or after 21 March."""
    golden = year % 19
    century, rest = divmod(year, 100)
    leap_century, century_rest = divmod(century, 4)
    moon_correction = (century + 8) // 25
    solar = (century - moon_correction + 1) // 3
    epact = (19 * golden + century - leap_century - solar + 15) % 30
    leap_year, year_rest = divmod(rest, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_year - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - ONE_DAY
    return last - dt.timedelta(days=last.weekday())


@dataclass(frozen=True, order=True)
class BankHoliday:
    date: dt.date
    name: str


def bank_holidays(year: int) -> list[BankHoliday]:
    """England and Wales bank holidays of calendar year ``year`` by the standing rules (see the module docstring;
    changes made by proclamation are not known here), in date order."""
    easter = easter_sunday(year)
    fixed = [
        BankHoliday(easter - dt.timedelta(days=2), "Good Friday"),
        BankHoliday(easter + ONE_DAY, "Easter Monday"),
        BankHoliday(_first_monday(year, 5), "Early May bank holiday"),
        BankHoliday(_last_monday(year, 5), "Spring bank holiday"),
        BankHoliday(_last_monday(year, 8), "Summer bank holiday"),
    ]
    # New Year's Day, Christmas Day and Boxing Day: one on a weekday keeps its date; one on a weekend moves to the
    # next weekday that is not already a holiday (Christmas on a Sunday: Boxing Day Monday, Christmas Tuesday).
    movable = [("New Year's Day", dt.date(year, 1, 1)), ("Christmas Day", dt.date(year, 12, 25)),
               ("Boxing Day", dt.date(year, 12, 26))]  # fmt: skip
    taken = {day for _name, day in movable if day.weekday() < 5}
    out = list(fixed)
    for name, day in movable:
        if day.weekday() < 5:
            out.append(BankHoliday(day, name))
            continue
        substitute = day
        while substitute.weekday() >= 5 or substitute in taken:
            substitute += ONE_DAY
        taken.add(substitute)
        out.append(BankHoliday(substitute, f"{name} (substitute day)"))
    return sorted(out)


def bank_holidays_between(first: dt.date, last: dt.date) -> list[BankHoliday]:
    """The bank holidays from ``first`` to ``last`` inclusive."""
    return [
        holiday
        for year in range(first.year, last.year + 1)
        for holiday in bank_holidays(year)
        if first <= holiday.date <= last
    ]


def suggested_half_term(start: dt.date, end: dt.date) -> Span | None:
    """A Monday-to-Friday half-term week for a term from ``start`` to ``end``: the week whose Monday is nearest
    the term's middle, or, when the spring bank holiday falls inside the term (a summer term), its week, as most
    English schools take it. None for a term too short to have one (under four weeks). The school edits it."""
    if (end - start).days < 28:
        return None
    spring = _last_monday(start.year, 5)
    if start < spring and spring + dt.timedelta(days=4) < end:
        return spring, spring + dt.timedelta(days=4)
    middle = start + (end - start) / 2
    monday = middle - dt.timedelta(days=middle.weekday())
    if (middle - monday).days > 3:
        monday += dt.timedelta(days=7)
    # Keep at least one school week either side.
    monday = max(monday, start + dt.timedelta(days=7 + (7 - start.weekday()) % 7))
    if monday + dt.timedelta(days=4) >= end:
        return None
    return monday, monday + dt.timedelta(days=4)
