"""Permission rows for session logs and attendance.

The group in these rows is led by the world's TA. Logging is for whoever runs a group (and the SENCO, for any
group of the school): a teacher or leader who does not run it gets a 404, as if it did not exist. Every member of
staff sees a group's session history except a TA, who sees only the groups they run. Parents see none of it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import InterventionFactory, PlacementFactory, SessionFactory

from . import STAFF, Case, only

NOT_THEIR_GROUP = {"teacher": 404, "leader": 404, "other_senco": 404}

CASES: dict[str, Case] = {
    "interventions:today": Case(allowed=only("senco", "teacher", "ta", "leader", "other_senco")),
    "interventions:session_log": Case(allowed=only("senco", "ta"), args="sessions_group", overrides=NOT_THEIR_GROUP),
    "interventions:sessions": Case(allowed=STAFF, args="sessions_group", overrides={"other_senco": 404}),
    "interventions:session_delete": Case(
        allowed=only("senco", "ta"), ok=302, method="post", args="sessions_logged", overrides=NOT_THEIR_GROUP
    ),
}


def _run_intervention(world):
    """A running group at the world's school, led by its TA, with one pupil, that met today."""
    today = timezone.localdate()
    group = InterventionFactory(
        school=world.school, lead=world.users["ta"], start_date=today - dt.timedelta(days=28), end_date=None
    )
    PlacementFactory(intervention=group, pupil=world.pupils[0])
    return group


def _run_session(world) -> list:
    group = _run_intervention(world)
    session = SessionFactory(intervention=group, date=timezone.localdate())
    return [group.pk, session.pk]


ARGS = {
    "sessions_group": lambda world: [_run_intervention(world).pk],
    "sessions_logged": _run_session,
}
