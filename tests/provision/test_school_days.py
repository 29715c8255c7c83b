"""The school calendar's pure arithmetic: bank holidays against published dates, Easter, the suggested half-term
week, and school days with closures (checked against counting day by day)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from provision.school_days import SchoolDays, bank_holidays, easter_sunday, open_spans, suggested_half_term

D = dt.date


def _dates(year: int) -> list[tuple[str, str]]:
    return [(holiday.date.isoformat(), holiday.name) for holiday in bank_holidays(year)]


# --- Bank holidays, against the dates GOV.UK published for England and Wales ------------------------------


def test_bank_holidays_2025():
    assert [day for day, _ in _dates(2025)] == [
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25",
        "2025-12-26",
    ]  # fmt: skip


def test_bank_holidays_2026_boxing_day_on_a_saturday_moves_to_monday():
    assert _dates(2026) == [
        ("2026-01-01", "New Year's Day"),
        ("2026-04-03", "Good Friday"),
        ("2026-04-06", "Easter Monday"),
        ("2026-05-04", "Early May bank holiday"),
        ("2026-05-25", "Spring bank holiday"),
        ("2026-08-31", "Summer bank holiday"),
        ("2026-12-25", "Christmas Day"),
        ("2026-12-28", "Boxing Day (substitute day)"),
    ]


def test_bank_holidays_2027_christmas_and_boxing_day_on_the_weekend():
    assert [day for day, _ in _dates(2027)] == [
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27",
        "2027-12-28",
    ]  # fmt: skip


def test_substitutes_when_christmas_falls_on_a_sunday_and_new_year_on_a_weekend():
    # 2022: New Year's Day Saturday -> Monday 3 January; Christmas Sunday: Boxing Day keeps Monday 26 December
    # and Christmas Day's substitute is Tuesday 27 December (as published).
    holidays = dict(_dates(2022))
    assert holidays["2022-01-03"] == "New Year's Day (substitute day)"
    assert holidays["2022-12-26"] == "Boxing Day"
    assert holidays["2022-12-27"] == "Christmas Day (substitute day)"
    # 2023: New Year's Day Sunday -> Monday 2 January.
    assert dict(_dates(2023))["2023-01-02"] == "New Year's Day (substitute day)"


def test_one_off_changes_are_not_computable_so_the_standing_rule_is_offered():
    # In 2020 the early May bank holiday was moved to Friday 8 May (VE Day) by proclamation: the rule gives Monday
    # 4 May, which the school edits (README, "School year").
    assert "2020-05-04" in dict(_dates(2020)) and "2020-05-08" not in dict(_dates(2020))


@pytest.mark.parametrize(
    "year, sunday",
    [(2000, D(2000, 4, 23)), (2008, D(2008, 3, 23)), (2011, D(2011, 4, 24)), (2019, D(2019, 4, 21)),
     (2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28)),
     (2038, D(2038, 4, 25))],
)  # fmt: skip
def test_easter_sunday(year, sunday):
    assert easter_sunday(year) == sunday


def test_every_bank_holiday_is_a_weekday_and_each_year_has_eight():
    for year in range(1995, 2100):
        holidays = bank_holidays(year)
        assert len(holidays) == 8 and len({h.date for h in holidays}) == 8, year
        assert all(h.date.weekday() < 5 for h in holidays), year


# --- The suggested half-term week ----------------------------------------------------------------------


def test_half_term_is_the_week_nearest_the_middle_or_the_spring_bank_holiday_week():
    assert suggested_half_term(D(2026, 9, 2), D(2026, 12, 18)) == (D(2026, 10, 26), D(2026, 10, 30))
    assert suggested_half_term(D(2027, 1, 5), D(2027, 3, 26)) == (D(2027, 2, 15), D(2027, 2, 19))
    # Summer: the week of the spring bank holiday (Monday 31 May 2027).
    assert suggested_half_term(D(2027, 4, 13), D(2027, 7, 21)) == (D(2027, 5, 31), D(2027, 6, 4))
    assert suggested_half_term(D(2027, 1, 5), D(2027, 1, 22)) is None  # under four weeks


# --- School days ---------------------------------------------------------------------------------------

AUTUMN = (D(2026, 9, 2), D(2026, 12, 18))
HALF_TERM = (D(2026, 10, 26), D(2026, 10, 30))
INSET = (D(2026, 9, 2), D(2026, 9, 2))


def test_closures_are_not_school_days():
    days = SchoolDays((AUTUMN,), (HALF_TERM, INSET))
    assert not days.is_school_day(D(2026, 9, 2))  # INSET
    assert days.is_school_day(D(2026, 9, 3))
    assert not days.is_school_day(D(2026, 10, 28))  # half-term
    assert days.is_school_day(D(2026, 10, 23)) and days.is_school_day(D(2026, 11, 2))
    assert not days.is_school_day(D(2026, 10, 24))  # a Saturday
    assert not days.is_school_day(D(2026, 12, 21))  # the Christmas holiday
    # 78 weekdays from Wed 2 Sep to Fri 18 Dec, less the INSET day and the five days of half-term.
    assert days.count_between(*AUTUMN) == 72
    assert SchoolDays((AUTUMN,)).count_between(*AUTUMN) == 78


def test_the_last_two_school_weeks_reach_back_over_half_term():
    days = SchoolDays((AUTUMN,), (HALF_TERM,))
    # Friday 6 November: 2-6 November, then 19-23 October.
    assert days.days_before(D(2026, 11, 6), 10) == D(2026, 10, 19)
    assert SchoolDays((AUTUMN,)).days_before(D(2026, 11, 6), 10) == D(2026, 10, 26)
    # In the half-term week itself, the ten school days before it.
    assert days.days_before(D(2026, 10, 28), 10) == D(2026, 10, 12)
    # No terms at all: weekdays.
    assert SchoolDays(()).days_before(D(2026, 11, 6), 10) == D(2026, 10, 26)


def test_open_spans_merge_overlapping_terms_and_cut_out_closures():
    spans = open_spans([AUTUMN, (D(2026, 12, 1), D(2026, 12, 20))], [HALF_TERM, (D(2026, 12, 19), D(2027, 1, 3))])
    assert spans == ((D(2026, 9, 2), D(2026, 10, 25)), (D(2026, 10, 31), D(2026, 12, 18)))


def test_weekdays_between_matches_counting_day_by_day():
    rng = random.Random(14)
    terms = [(D(2026, 9, 2), D(2026, 12, 18)), (D(2027, 1, 5), D(2027, 3, 26)), (D(2027, 4, 13), D(2027, 7, 21))]
    for _ in range(200):
        closures = []
        for _ in range(rng.randint(0, 6)):
            first = D(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 330))
            closures.append((first, first + dt.timedelta(days=rng.randint(0, 8))))
        days = SchoolDays(tuple(terms), tuple(closures))
        start = D(2026, 8, 20) + dt.timedelta(days=rng.randint(0, 300))
        end = start + dt.timedelta(days=rng.randint(0, 200))
        weekdays = set(rng.sample(range(7), rng.randint(1, 5)))
        expected, day = [], start
        while day <= end:
            in_term = any(a <= day <= b for a, b in terms)
            closed = any(a <= day <= b for a, b in closures)
            if day.weekday() < 5 and in_term and not closed:
                assert days.is_school_day(day)
                if day.weekday() in weekdays:
                    expected.append(day)
            else:
                assert not days.is_school_day(day)
            day += dt.timedelta(days=1)
        assert days.weekdays_between(start, end, weekdays) == expected
        assert list(days.days_between(start, end)) == days.weekdays_between(start, end, range(5))
        assert days.count_between(start, end) == len(list(days.days_between(start, end)))


def test_a_recorded_half_term_splits_the_term_into_its_half_terms():
    import pandas as pd

    from pupils.identification import half_terms

    half_term_of = half_terms([AUTUMN], [HALF_TERM])
    assert half_term_of(D(2026, 10, 23)) == pd.Timestamp(2026, 9, 2)
    assert half_term_of(D(2026, 10, 28)) == pd.Timestamp(2026, 9, 2)  # in the half-term week: the half before
    assert half_term_of(D(2026, 11, 2)) == pd.Timestamp(2026, 10, 31)
    # Without it, the middle (Sunday 25 October): Monday 26 October would already be in the second half.
    assert half_terms([AUTUMN])(D(2026, 10, 26)) == pd.Timestamp(2026, 10, 25)
