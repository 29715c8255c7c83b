"""Permission rows for progress checks.

The group in these rows is led by the world's TA and has a progress check. The SENCO sets up checks and targets and
acknowledges decisions; scores are recorded by whoever runs the group, or the SENCO (a teacher or leader who does not
run it gets a 404, as for the session log). Files of scores are imported by the SENCO and the school admin. Another
school's SENCO gets a 404 for this school's objects. Parents see none of it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from interventions.models import ProgressCheck
from pupils.models import DataImport, ImportKind
from tests.factories import InterventionFactory, PlacementFactory

from . import Case, only

CROSS_SCHOOL = {"other_senco": 404}
NOT_THEIR_GROUP = {"teacher": 404, "leader": 404, "other_senco": 404}

CASES: dict[str, Case] = {
    "interventions:checks_setup": Case(allowed=only("senco"), args="checks_group", overrides=CROSS_SCHOOL),
    "interventions:checks_record": Case(allowed=only("senco", "ta"), args="checks_group", overrides=NOT_THEIR_GROUP),
    "interventions:checks_review": Case(allowed=only("senco"), args="checks_placement", overrides=CROSS_SCHOOL),
    "interventions:checks_import": Case(allowed=only("senco", "admin", "other_senco")),
    "interventions:checks_import_preview": Case(
        allowed=only("senco", "admin"), args="checks_import", overrides=CROSS_SCHOOL
    ),
}


def _group(world):
    """A running group at the world's school, led by its TA, with a progress check and one pupil."""
    today = timezone.localdate()
    group = InterventionFactory(
        school=world.school,
        lead=world.users["ta"],
        start_date=today - dt.timedelta(days=28),
        end_date=today + dt.timedelta(days=28),
    )
    ProgressCheck.objects.create(intervention=group, name="Words read correctly in a minute", unit="words")
    placement = PlacementFactory(intervention=group, pupil=world.pupils[0])
    return group, placement


def _import(world) -> list:
    content = b"UPN,Intervention,Date,Score\r\n"
    record = DataImport.objects.create(
        school=world.school, kind=ImportKind.CHECKS, filename="checks.csv", content=content
    )
    return [record.pk]


ARGS = {
    "checks_group": lambda world: [_group(world)[0].pk],
    "checks_placement": lambda world: [_group(world)[1].pk],
    "checks_import": _import,
}
