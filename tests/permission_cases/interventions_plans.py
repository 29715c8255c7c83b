"""Permission rows for SEN support plans and reviews."""

from __future__ import annotations

from . import Case

CASES: dict[str, Case] = {}

ARGS: dict = {}
