"""Permission rows for interventions (groups), placements and staff rates."""

from __future__ import annotations

from . import Case

CASES: dict[str, Case] = {}

ARGS: dict = {}
