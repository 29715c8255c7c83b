"""UPN check letters, year groups from dates of birth, and ages in completed months."""

from __future__ import annotations

import datetime as dt

import pytest

from pupils.reference import age_in_months, expected_year_group, make_upn, upn_problem


def test_published_upn_example_is_valid_and_a_changed_letter_is_not():
    assert upn_problem("B801200005001") is None  # the worked example in python-stdnum's documentation
    assert "check letter is wrong" in upn_problem("A801200005001")
    assert upn_problem(" b801 2000 05001 ") is None  # spaces and lower case are tidied


@pytest.mark.parametrize("la", ["838", "839", "940", "941", "942", "943", "660", "681"])
def test_upns_from_newer_english_and_welsh_authorities_are_accepted(la):
    assert upn_problem(make_upn(f"{la}200119001")) is None


def test_temporary_upn_ends_in_a_letter_but_never_i_o_or_s():
    assert upn_problem(make_upn("80120011900A")) is None
    assert "never used" in upn_problem("A80120011900S")


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "missing"), ("B80120000500", "13 characters"), ("B80120000X001", "check letter, 11 digits")],
)
def test_malformed_upns(value, reason):
    assert reason in upn_problem(value)


@pytest.mark.parametrize(
    ("born", "year"),
    [(dt.date(2019, 9, 1), 2), (dt.date(2019, 8, 31), 3), (dt.date(2020, 8, 31), 2), (dt.date(2022, 1, 1), 0)],
)
def test_year_group_from_date_of_birth_in_2026_27(born, year):
    assert expected_year_group(born, dt.date(2026, 11, 24)) == year
    assert expected_year_group(born, dt.date(2027, 7, 1)) == year  # same academic year


@pytest.mark.parametrize(
    ("on", "months"),
    [(dt.date(2027, 1, 13), 93), (dt.date(2027, 1, 14), 94), (dt.date(2027, 2, 1), 94), (dt.date(2027, 3, 14), 96)],
)
def test_age_in_completed_months(on, months):
    assert age_in_months(dt.date(2019, 3, 14), on) == months
