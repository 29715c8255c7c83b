"""Each assessment scale accepts exactly its own values: tested at the edges."""

from __future__ import annotations

import pytest

from pupils import scales
from pupils.scales import ScaleError, ScaleSpec


def spec(kind: str, **overrides) -> ScaleSpec:
    values = {k: v for k, v in scales.DEFAULTS[kind].items() if k != "drop_concern"} | overrides
    return ScaleSpec(kind=kind, **values)


@pytest.mark.parametrize(("typed", "stored"), [("80", 80), ("100", 100), ("120", 120), (" 104 ", 104), ("110.0", 110)])
def test_ks2_scaled_accepts_80_to_120(typed, stored):
    assert scales.parse(spec(scales.KS2_SCALED), typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("79", "outside"), ("121", "outside"), ("104.5", "whole number"), ("abc", "not a number"), ("", "No value")],
)
def test_ks2_scaled_rejects(typed, reason):
    with pytest.raises(ScaleError, match=reason):
        scales.parse(spec(scales.KS2_SCALED), typed)


@pytest.mark.parametrize(("typed", "ok"), [("39", False), ("40", True), ("160", True), ("161", False)])
def test_standardised_range_40_to_160(typed, ok):
    if ok:
        assert scales.parse(spec(scales.STANDARDISED), typed) == int(typed)
    else:
        with pytest.raises(ScaleError, match="outside"):
            scales.parse(spec(scales.STANDARDISED), typed)


@pytest.mark.parametrize(
    ("typed", "months"), [("8:06", 102), ("8:11", 107), ("9:00", 108), ("8:6", 102), ("8y 6m", 102)]
)
def test_age_equivalent_in_years_and_months(typed, months):
    assert scales.parse(spec(scales.AGE), typed) == months
    assert scales.age_to_months(typed) == months


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("8:12", "months run from 0 to 11"), ("8.06", "years:months"), ("2:11", "outside"), ("18:01", "outside")],
)
def test_age_equivalent_rejects(typed, reason):
    with pytest.raises(ScaleError, match=reason):
        scales.parse(spec(scales.AGE), typed)


def test_months_to_age_round_trip():
    assert scales.months_to_age(102) == "8:06"
    assert scales.months_to_age(107.6) == "9:00"
    assert scales.display(spec(scales.AGE), 96) == "8:00"


def test_raw_score_out_of_max():
    raw = spec(scales.RAW, max_value=40)
    assert scales.parse(raw, "0") == 0 and scales.parse(raw, "40") == 40 and scales.parse(raw, "12.5") == 12.5
    with pytest.raises(ScaleError, match="more than the 40 marks"):
        scales.parse(raw, "41")
    with pytest.raises(ScaleError, match="below 0"):
        scales.parse(raw, "-1")


def test_bands_by_label_or_code_case_insensitive():
    bands = spec(scales.BANDS, bands=("Working towards", "Expected", "Greater depth"), band_codes=("WTS", "EXS", "GDS"))
    assert scales.parse(bands, "working towards") == 1
    assert scales.parse(bands, "GDS") == 3
    assert scales.display(bands, 2) == "Expected"
    with pytest.raises(ScaleError, match="not one of this scale's bands"):
        scales.parse(bands, "Emerging")


def test_band_definitions_must_be_ordered_and_distinct():
    assert scales.validate_bands(["WTS", "EXS", "GDS"], [1, 2, 3]) == []
    assert "out of order" in " ".join(scales.validate_bands(["WTS", "EXS", "GDS"], [2, 1, 3]))
    assert "gaps or repeats" in " ".join(scales.validate_bands(["WTS", "EXS", "GDS"], [1, 1, 3]))
    assert "twice" in " ".join(scales.validate_bands(["EXS", "exs"]))
    assert "at least two" in " ".join(scales.validate_bands(["Only"]))


def test_gcse_grades_9_to_1_and_u():
    gcse = spec(scales.GCSE)
    assert scales.parse(gcse, "U") == 0 and scales.parse(gcse, "u") == 0
    assert scales.parse(gcse, "9") == 9 and scales.parse(gcse, "1") == 1
    assert scales.display(gcse, 0) == "U"
    for bad in ("0", "10", "A*", "4.5"):
        with pytest.raises(ScaleError):
            scales.parse(gcse, bad)


def test_scale_settings_are_checked():
    assert scales.validate_spec(spec(scales.KS2_SCALED)) == []
    assert "above the expected" in " ".join(scales.validate_spec(spec(scales.KS2_SCALED, expected=110, high=100)))
    assert "within the scale's range" in " ".join(scales.validate_spec(spec(scales.KS2_SCALED, expected=130)))
    assert "below the highest" in " ".join(scales.validate_spec(spec(scales.RAW, min_value=10, max_value=5)))


# --- age-equivalents (moved from reports.impact.stats: one copy of the arithmetic) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months"), [("8:06", 102), ("0:00", 0), ("10:11", 131), (" 8:6 ", 102), ("18:00", 216)]
)
def test_age_to_months(text, months):
    assert scales.age_to_months(text) == months


@pytest.mark.parametrize("text", ["8:12", "8", "eight", "8:-1", "", "8.06", None, 8])
def test_age_to_months_refuses_what_is_not_years_and_months(text):
    with pytest.raises(ValueError):
        scales.age_to_months(text)


def test_age_to_months_says_months_run_to_eleven():
    with pytest.raises(ValueError, match="0 to 11"):
        scales.age_to_months("8:12")


@pytest.mark.parametrize(
    ("months", "text"),
    [
        (102, "8:06"),
        (0, "0:00"),
        (131, "10:11"),
        (101.5, "8:06"),
        (101.4, "8:05"),
        (100.5, "8:05"),
        (-14, "-1:02"),
        (-0.4, "0:00"),
    ],
)
def test_months_to_age(months, text):
    assert scales.months_to_age(months) == text


def test_age_round_trip():
    assert all(scales.age_to_months(scales.months_to_age(m)) == m for m in range(0, 217))


def test_reports_use_the_one_copy_of_the_age_arithmetic():
    from reports.impact import stats as impact

    assert not hasattr(impact, "months_to_age")
    assert not hasattr(impact, "age_to_months")
