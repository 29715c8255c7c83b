"""Permission rows for the provision maps: every member of staff reads the school map and a pupil's individual
map at their own school (another school's pupil is a 404); only the SENCO copies a term's provision forward.
Another school's SENCO reaches the map and the copy only for their own school (which has no terms here)."""

from __future__ import annotations

from . import STAFF, Case, only

OTHER_SCHOOL = {"other_senco": 404}

CASES: dict[str, Case] = {
    "reports:map": Case(allowed=STAFF + ["other_senco"]),
    "reports:map_copy_forward": Case(allowed=only("senco", "other_senco"), ok=302, method="post"),
    "reports:pupil_map": Case(allowed=STAFF, args="map_pupil", overrides=OTHER_SCHOOL),
}

ARGS = {
    "map_pupil": lambda world: [world.pupils[0].pk],
}
