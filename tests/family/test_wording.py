"""Plain words for parents: worked examples of every sentence the child page builds."""

from __future__ import annotations

import datetime as dt

import pytest

from family import wording as w


@pytest.mark.parametrize(
    ("days", "minutes", "expected"),
    [
        ([0, 2, 4], 30, "3 times a week (Monday, Wednesday and Friday), 30 minutes each time"),
        ([1], 60, "Once a week (Tuesday), 1 hour each time"),
        ([3, 0], 20, "Twice a week (Monday and Thursday), 20 minutes each time"),
        ([0, 1, 2, 3, 4], 10, "Every school day, 10 minutes each time"),
        ([0, 1, 2, 3], 90, "4 times a week (Monday, Tuesday, Wednesday and Thursday), 1 hour 30 minutes each time"),
        ([], 30, ""),
    ],
)
def test_how_often(days, minutes, expected):
    assert w.how_often(days, minutes) == expected


def test_minutes_and_durations():
    assert w.minutes_words(1) == "1 minute"
    assert w.minutes_words(120) == "2 hours"
    assert w.duration_words(9) == "9 months"
    assert w.duration_words(12) == "1 year"
    assert w.duration_words(14) == "1 year 2 months"
    assert w.duration_words(99) == "8 years 3 months"
    assert w.duration_words(1) == "1 month"
    assert w.duration_words(0) == "0 months"


def test_time_between_uses_weeks_under_two_months_then_months():
    start = dt.date(2026, 9, 14)
    assert w.time_between(start, start) == "1 week"
    assert w.time_between(start, dt.date(2026, 10, 26)) == "6 weeks"
    assert w.time_between(start, dt.date(2027, 1, 14)) == "4 months"
    assert w.time_between(start, dt.date(2027, 11, 14)) == "1 year 2 months"


def test_who_helps_names_roles_once_and_never_people():
    assert w.who_helps(["ta"]) == "A teaching assistant"
    assert w.who_helps(["ta", "teacher", "ta"]) == "A teaching assistant and a teacher"
    assert w.who_helps(["external"]) == "A tutor or specialist from outside the school"
    assert w.who_helps([]) == "Staff at the school"


def test_reading_age_change_in_months_and_the_time_it_took():
    text = w.change_words("age", "Reading", 95, 104, started=dt.date(2026, 9, 14), finished=dt.date(2027, 1, 14))
    assert text == "Reading age went up 9 months in 4 months. It went from 7 years 11 months to 8 years 8 months."


def test_an_age_that_fell_or_stayed_says_so():
    down = w.change_words("age", "Spelling", 100, 98, started=dt.date(2026, 9, 1), finished=dt.date(2026, 12, 1))
    assert down.startswith("Spelling age went down 2 months in 3 months.")
    same = w.change_words("age", "Reading", 100, 100, started=dt.date(2026, 9, 1), finished=dt.date(2026, 10, 13))
    assert same.startswith("Reading age stayed the same over 6 weeks.")


@pytest.mark.parametrize(
    ("kind", "start", "end", "extra", "expected"),
    [
        ("standardised", 82, 90, {}, "Maths score went from 82 to 90."),
        ("ks2_scaled", 98, 98, {}, "Maths score stayed at 98."),
        (
            "bands",
            1,
            3,
            {"bands": ["Emerging", "Developing", "Expected"]},
            "Maths level went from “Emerging” to “Expected”.",
        ),
        ("gcse", 0, 4, {}, "Predicted maths grade went from U to 4."),
        ("raw", 12, 20, {"out_of": 30}, "Maths score went from 12 out of 30 to 20 out of 30."),
    ],
)
def test_scores_say_where_they_went_from_and_to(kind, start, end, extra, expected):
    day = dt.date(2026, 9, 1)
    assert w.change_words(kind, "Maths", start, end, started=day, finished=day, **extra) == expected


def test_target_in_words():
    by = dt.date(2026, 12, 3)
    assert w.target_words("age", "Reading", 99, by=by) == "reading age of 8 years 3 months by 3 December 2026"
    assert w.target_words("standardised", "Maths", 90, by=None) == "maths score of 90"


def test_attendance():
    assert w.attendance_words("Evie", 18, 20, finished=False) == "Evie went to 18 of the 20 sessions so far."
    assert w.attendance_words("Evie", 1, 1, finished=True) == "Evie went to 1 of the 1 session."
    assert w.attendance_words("Evie", 0, 0, finished=False) == "No sessions have been recorded yet."
    assert w.attendance_words("Evie", 0, 0, finished=True) == ""


def test_outcomes_and_early_endings_never_give_the_staff_reason():
    assert w.outcome_words("met", "Evie") == "Evie reached the target."
    assert w.outcome_words("partly", "Evie") == "Evie got part of the way to the target."
    assert w.outcome_words("not_met", "Evie") == "Evie did not reach the target this time."
    assert w.outcome_words("", "Evie") == ""
    assert "ended early" in w.ended_early_words("not_working")
    assert w.ended_early_words("completed") == ""


def test_sen_status_is_explained_not_coded():
    support = w.sen_words("K", "Evie")
    assert "SEN support" in support and " K" not in support
    plan = w.sen_words("E", "Evie")
    assert "Education, Health and Care plan" in plan and "EHCP" not in plan
    assert w.sen_words("N", "Evie") == ""


def test_year_words():
    assert w.year_words(0) == "Reception"
    assert w.year_words(4) == "Year 4"
    assert w.year_words(-1) == "Nursery"


def test_ratings():
    assert w.rating_words("Evie", 2, 4) == "How confident Evie felt, out of 5: 2 at the start and 4 at the end."
    assert w.rating_words("Evie", None, None) == ""
