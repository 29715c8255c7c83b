"""When the demo's groups run: the four terms they run in (``Slot``), and the days and year groups they are for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from demo.assessments import assessment_week_monday
from demo.scenarios.calendar import term_dates
from provision.models import Term, TermName
from pupils import reference


@dataclass(frozen=True)
class Slot:
    """One term the demo's groups run in: ``position`` 0 and 1 are the terms before the current one (2),
    3 the next. ``test_monday`` is the Monday of the term's test week."""

    position: int
    label: str
    start: dt.date
    end: dt.date

    @property
    def test_monday(self) -> dt.date:
        return assessment_week_monday(self.end)

    @property
    def first_monday(self) -> dt.date:
        """Groups start in the term's second week at the earliest: the first is for settling in."""
        return monday(self.start) + dt.timedelta(days=7)


def slots(terms: list[Term], *, today: dt.date, start_year: int) -> dict[int, Slot]:
    """The term in progress on ``today`` (or the last one to start), the two before it and the next one, by
    position; ``terms`` in date order."""
    current = 0
    for index, term in enumerate(terms):
        if term.start_date <= today:
            current = index
    found: dict[int, Slot] = {}
    for position, index in ((0, current - 2), (1, current - 1), (2, current), (3, current + 1)):
        if 0 <= index < len(terms):
            term = terms[index]
            label = f"{TermName(term.name).label} {term.start_date.year}"
            found[position] = Slot(position, label, term.start_date, term.end_date)
    if 3 not in found:
        # The next term is in an academic year the frame did not make: its usual dates will do for plans.
        start, end = term_dates(start_year=start_year + 1)[TermName.AUTUMN]
        found[3] = Slot(3, f"Autumn {start.year}", start, end)
    return found


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def on_or_before(day: dt.date, days: Iterable[int]) -> dt.date:
    wanted = set(days)
    while day.weekday() not in wanted:
        day -= dt.timedelta(days=1)
    return day


def on_or_after(day: dt.date, days: Iterable[int]) -> dt.date:
    wanted = set(days)
    while day.weekday() not in wanted:
        day += dt.timedelta(days=1)
    return day


def key_stages(years: Iterable[int]) -> set[str]:
    stages = set()
    for year in years:
        stages.add(
            "EYFS" if year <= 0 else "KS1" if year <= 2 else "KS2" if year <= 6 else "KS3" if year <= 9 else "KS4"
        )
    return stages


def years_label(years: Iterable[int]) -> str:
    ordered = sorted(set(years))
    labels = [reference.YEAR_GROUP_LABELS[year] for year in ordered]
    if len(labels) == 1:
        return labels[0]
    numbers = [label.removeprefix("Year ") for label in labels]
    if all(label.startswith("Year ") for label in labels):
        return "Years " + " and ".join([", ".join(numbers[:-1]), numbers[-1]])
    return " and ".join([", ".join(labels[:-1]), labels[-1]])
