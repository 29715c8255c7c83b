"""Permission rows for the provision map's exports (Excel, CSV, PDF): the same readers as the map page. Another
school's SENCO asks for their own school's map, which has no terms here: nothing to export, so a 404."""

from __future__ import annotations

from . import STAFF, Case

NO_TERMS = {"other_senco": 404}

CASES: dict[str, Case] = {
    "reports:map_xlsx": Case(allowed=STAFF, overrides=NO_TERMS),
    "reports:map_csv": Case(allowed=STAFF, overrides=NO_TERMS),
    "reports:map_pdf": Case(allowed=STAFF, overrides=NO_TERMS),
}

ARGS: dict = {}
