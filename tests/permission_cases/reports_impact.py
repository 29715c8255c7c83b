"""Permission rows for the impact pages: the SENCO, senior leaders and the school admin read them for their own
school; teachers, TAs and parents do not. Another school's SENCO sees their own school's overview and list, and a
404 for this school's intervention or programme (nothing confirms that it exists)."""

from __future__ import annotations

from tests.factories import InterventionFactory, PlacementFactory, ProgrammeFactory

from . import ACTORS, Case, only

READERS = only("senco", "leader", "admin")
CROSS_SCHOOL = {"other_senco": 404}


def _intervention(world) -> list[int]:
    intervention = InterventionFactory(school=world.school)
    PlacementFactory(intervention=intervention, pupil=world.pupils[0])
    return [intervention.pk]


def _programme(world) -> list[int]:
    programme = ProgrammeFactory(school=None, name="Impact permission programme")
    PlacementFactory(intervention=InterventionFactory(school=world.school, programme=programme), pupil=world.pupils[0])
    return [programme.pk]


CASES: dict[str, Case] = {
    "reports:impact_overview": Case(allowed=READERS + ["other_senco"]),
    "reports:impact_intervention": Case(allowed=READERS, args="impact_intervention", overrides=CROSS_SCHOOL),
    "reports:impact_programme": Case(allowed=READERS, args="impact_programme", overrides=CROSS_SCHOOL),
    "reports:impact_rethink": Case(allowed=READERS + ["other_senco"]),
    # How impact is judged: no school's data, open to everyone (governors reading the report may have no account).
    "reports:impact_method": Case(allowed=ACTORS, anonymous=200),
}

ARGS = {
    "impact_intervention": _intervention,
    "impact_programme": _programme,
}
