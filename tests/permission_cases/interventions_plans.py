"""Permission rows for SEN support plans and reviews: the SENCO writes, senior leaders and teachers read, and
another school's SENCO gets a 404 for this school's pupils and plans."""

from __future__ import annotations

import datetime as dt

from interventions.models import SupportPlan
from tests.factories import PupilFactory

from . import Case, only

READERS = only("senco", "leader", "teacher")
WRITERS = only("senco")
OTHER_SCHOOL = {"other_senco": 404}


def _sen_pupil(world):
    return PupilFactory(school=world.school, sen_status="K", primary_need="SPLD")


def _plan(world) -> list:
    plan = SupportPlan.objects.create(
        pupil=_sen_pupil(world),
        start_date=dt.date(2026, 9, 14),
        review_date=dt.date(2026, 12, 11),
        needs={"CL": "Reading and spelling well below age."},
    )
    return [plan.pk]


CASES: dict[str, Case] = {
    "interventions:plans": Case(allowed=READERS + ["other_senco"]),
    "interventions:plan_new": Case(allowed=WRITERS, args="sen_pupil", overrides=OTHER_SCHOOL),
    "interventions:plan_detail": Case(allowed=READERS, args="plan", overrides=OTHER_SCHOOL),
    "interventions:plan_edit": Case(allowed=WRITERS, args="plan", overrides=OTHER_SCHOOL),
    "interventions:review_new": Case(allowed=WRITERS, args="plan", overrides=OTHER_SCHOOL),
    "interventions:plan_close": Case(allowed=WRITERS, ok=302, method="post", args="plan", overrides=OTHER_SCHOOL),
}

ARGS = {
    "sen_pupil": lambda world: [_sen_pupil(world).pk],
    "plan": _plan,
}
