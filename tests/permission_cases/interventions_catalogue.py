"""Permission rows for the programme catalogue and staff training."""

from __future__ import annotations

from . import Case

CASES: dict[str, Case] = {}

ARGS: dict = {}
