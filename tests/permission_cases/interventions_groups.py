"""Permission rows for interventions (groups), placements and staff rates.

Everyone on the staff sees the list; a teaching assistant sees only the groups they run, so the world's group (run
by nobody) is a 404 for them. Only the SENCO plans and changes groups and placements. Staff rates are for the SENCO
and the school admin. Another school's SENCO gets a 404 for this school's objects and their own school's pages.
"""

from __future__ import annotations

from tests.factories import InterventionFactory, PlacementFactory

from . import Case, only

CROSS_SCHOOL = {"other_senco": 404}

CASES: dict[str, Case] = {
    "interventions:list": Case(allowed=only("senco", "teacher", "ta", "leader", "admin", "other_senco")),
    "interventions:intervention_new": Case(allowed=only("senco", "other_senco")),
    "interventions:detail": Case(
        allowed=only("senco", "teacher", "leader", "admin"), args="intervention", overrides={"ta": 404, **CROSS_SCHOOL}
    ),
    "interventions:edit": Case(allowed=only("senco"), args="intervention", overrides=CROSS_SCHOOL),
    "interventions:status": Case(
        allowed=only("senco"),
        ok=302,
        method="post",
        data={"action": "complete"},
        args="intervention",
        overrides=CROSS_SCHOOL,
    ),  # fmt: skip
    "interventions:placements_add": Case(allowed=only("senco"), args="intervention", overrides=CROSS_SCHOOL),
    "interventions:placement_edit": Case(allowed=only("senco"), args="placement", overrides=CROSS_SCHOOL),
    "interventions:placement_exit": Case(allowed=only("senco"), args="placement", overrides=CROSS_SCHOOL),
    # Posted with nothing ticked: back to the identification list with a message.
    "interventions:add_from_identification": Case(allowed=only("senco", "other_senco"), ok=302, method="post"),
    # Posted with nothing ticked: back to the list; with pupils, on to the new group's form (never another
    # school's pupils: tests/interventions/test_placements.py).
    "interventions:plan_from_identification": Case(allowed=only("senco", "other_senco"), ok=302, method="post"),
    "interventions:staff_rates": Case(allowed=only("senco", "admin", "other_senco")),
}

ARGS = {
    "intervention": lambda world: [InterventionFactory(school=world.school).pk],
    "placement": lambda world: [
        PlacementFactory(intervention=InterventionFactory(school=world.school), pupil=world.pupils[0]).pk
    ],
}
