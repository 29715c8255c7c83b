"""Numbers in words on the impact pages, the dashboard and the governors' report: one place, so a missing value,
a sign, a percentage or a sum of money reads the same everywhere. A missing value (None, NaN, pandas' NA) is "-"
(or "" where a blank reads better); minus signs are true minus signs."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def as_number(value: Any) -> float | None:
    """A float, or None for missing values (NaN, NA, None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def signed(value: Any, places: int = 1) -> str:
    number = as_number(value)
    if number is None:
        return "-"
    text = f"{number:+.{places}f}"
    return text.replace("-", "\u2212")


def plain(value: Any, places: int = 2) -> str:
    number = as_number(value)
    return "-" if number is None else f"{number:.{places}f}".replace("-", "\u2212")


def interval(low: Any, high: Any, places: int = 2) -> str:
    if as_number(low) is None or as_number(high) is None:
        return ""
    return f"{plain(low, places)} to {plain(high, places)}"


def percent(value: Any) -> str:
    number = as_number(value)
    return "-" if number is None else f"{number:.0f}%"


def money(value: Any) -> str:
    number = as_number(value)
    return "-" if number is None else f"£{number:,.0f}"


def months_text(value: Any) -> str:
    number = as_number(value)
    if number is None:
        return ""
    whole = round(number)
    return f"{whole:+d} month{'s' if abs(whole) != 1 else ''}".replace("-", "\u2212")
