"""Permission rows for session logs and attendance."""

from __future__ import annotations

from . import Case

CASES: dict[str, Case] = {}

ARGS: dict = {}
