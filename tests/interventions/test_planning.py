"""The dates and names a group planned from "who needs support" starts with (interventions.groups.planning): pure."""

from __future__ import annotations

import datetime as dt

import pytest

from interventions.groups.planning import group_name, one_term_on, planned_start, years_text

D = dt.date
TERMS = [
    (D(2026, 9, 2), D(2026, 12, 18), "autumn"),
    (D(2027, 1, 5), D(2027, 3, 26), "spring"),
    (D(2027, 4, 13), D(2027, 7, 21), "summer"),
]


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (D(2026, 11, 25), D(2026, 11, 26)),  # Wednesday: Thursday
        (D(2026, 11, 27), D(2026, 11, 30)),  # Friday: Monday
        (D(2026, 12, 4), D(2026, 12, 7)),  # ten school days left from Monday 7th: still this term
        (D(2026, 12, 7), D(2027, 1, 5)),  # nine left from Tuesday 8th: next term
        (D(2026, 12, 20), D(2027, 1, 5)),  # the Christmas holiday: the next term's first day
        (D(2027, 7, 19), D(2027, 7, 20)),  # the last term on record: no later term to move to
        (D(2027, 8, 1), D(2027, 8, 2)),  # after every term: the next weekday
    ],
)
def test_a_planned_group_starts_on_the_next_school_day_or_next_term_near_the_end(today, start):
    assert planned_start(today, TERMS) == start


def test_a_planned_group_never_starts_in_a_closure():
    half_term = (D(2027, 2, 15), D(2027, 2, 19))
    inset = (D(2027, 2, 22), D(2027, 2, 22))
    # The Friday before half-term: not the Monday of the half-term, nor the INSET day after it, but the Tuesday.
    assert planned_start(D(2027, 2, 12), TERMS) == D(2027, 2, 15)
    assert planned_start(D(2027, 2, 12), TERMS, [half_term, inset]) == D(2027, 2, 23)
    # Near the end of a term the closed days are not school days left: a bank holiday tips it into next term.
    assert planned_start(D(2026, 12, 4), TERMS, [(D(2026, 12, 18), D(2026, 12, 18))]) == D(2027, 1, 5)
    # The next term's first day is an INSET day: the day after.
    assert planned_start(D(2026, 12, 20), TERMS, [(D(2027, 1, 5), D(2027, 1, 5))]) == D(2027, 1, 6)


def test_without_term_dates_it_starts_the_next_weekday_and_runs_twelve_weeks():
    assert planned_start(D(2026, 11, 27), []) == D(2026, 11, 30)
    assert one_term_on(D(2026, 11, 30), []) == D(2027, 2, 21)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2027, 1, 5), D(2027, 3, 26)),  # a term's first day: its last day
        (D(2026, 9, 2), D(2026, 12, 18)),
        (D(2026, 11, 26), D(2027, 3, 26)),  # mid-term: sixteen teaching weeks on, over Christmas
    ],
)
def test_a_group_runs_for_one_term_of_teaching_weeks(start, end):
    assert one_term_on(start, TERMS) == end


@pytest.mark.parametrize(
    ("years", "text"),
    [
        ([4], "Year 4"),
        ([5, 4], "Years 4 and 5"),
        ([3, 4, 6], "Years 3, 4 and 6"),
        ([0, 1], "Reception and Year 1"),
        ([], "All years"),
    ],
)
def test_year_groups_in_words(years, text):
    assert years_text(years) == text


def test_the_name_has_the_programme_years_and_term():
    assert group_name("Inference training", [4], D(2027, 1, 5), TERMS) == "Inference training: Year 4 (Spring 2027)"
    # Planned in a holiday: the term it falls before.
    assert group_name("Reading", [3], D(2026, 12, 28), TERMS) == "Reading: Year 3 (Spring 2027)"
    assert len(group_name("x" * 200, [4], D(2027, 1, 5), TERMS)) == 120
