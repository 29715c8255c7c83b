"""Reading values from a query string or a form's raw data, where anything may arrive."""

from __future__ import annotations


def int_param(value: str | None) -> int | None:
    """An id or count from the query string, or None when it is missing or not a whole number ("", "abc", "1.5")."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
