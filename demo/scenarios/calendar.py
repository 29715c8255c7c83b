"""Closures and the calendar: typical English term dates for any academic year, relative to today, with the
closures a school has in each term (the half-term week, INSET days and the bank holidays), so that session
schedules skip them and the calendar page has something in every term."""

from __future__ import annotations

import datetime as dt

from provision.calendar import HALF_TERM_NAMES
from provision.models import ClosureKind, TermName
from provision.school_days import bank_holidays_between, suggested_half_term


def academic_year_start(day: dt.date) -> int:
    """The calendar year in which the academic year containing ``day`` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _previous_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _friday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def term_dates(*, start_year: int) -> dict[str, tuple[dt.date, dt.date]]:
    """Typical English term dates for the academic year starting in September of ``start_year``.

    Autumn from the first weekday on or after 3 September to the last Friday on or before 20 December;
    spring from the first Monday on or after 4 January to the last Friday on or before 1 April; summer
    after a two-week Easter break until the last weekday on or before 22 July.
    """
    autumn = (_next_weekday(dt.date(start_year, 9, 3)), _friday_on_or_before(dt.date(start_year, 12, 20)))
    spring_end = _friday_on_or_before(dt.date(start_year + 1, 4, 1))
    spring = (_monday_on_or_after(dt.date(start_year + 1, 1, 4)), spring_end)
    summer = (spring_end + dt.timedelta(days=17), _previous_weekday(dt.date(start_year + 1, 7, 22)))
    return {TermName.AUTUMN: autumn, TermName.SPRING: spring, TermName.SUMMER: summer}


def term_closures(name: str, start: dt.date, end: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """The demo's closures in one term, as (kind, name, first day, last day): the suggested half-term week, an
    INSET day on the first day of the autumn and spring terms and on the Friday before the summer half-term,
    and the England and Wales bank holidays on weekdays the others leave open."""
    closures: list[tuple[str, str, dt.date, dt.date]] = []
    week = suggested_half_term(start, end)
    if week:
        closures.append((ClosureKind.HALF_TERM, HALF_TERM_NAMES[name], week[0], week[1]))
    if name in (TermName.AUTUMN, TermName.SPRING):
        closures.append((ClosureKind.INSET, "Staff training day", start, start))
    elif week:
        friday = week[0] - dt.timedelta(days=3)
        closures.append((ClosureKind.INSET, "Staff training day", friday, friday))
    for holiday in bank_holidays_between(start, end):
        covered = any(first <= holiday.date <= last for _kind, _name, first, last in closures)
        if holiday.date.weekday() < 5 and not covered:
            closures.append((ClosureKind.BANK_HOLIDAY, holiday.name, holiday.date, holiday.date))
    return sorted(closures, key=lambda closure: closure[2])
