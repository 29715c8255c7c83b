"""Who is trained to deliver what. Structured programmes work when delivered as designed, so an intervention
whose staff are not (or no longer) trained in its programme gets a warning."""

from __future__ import annotations

import datetime as dt

from interventions.models import Intervention, InterventionStaff, Training


def untrained_staff(
    *, intervention: Intervention, today: dt.date, trainings: list[Training] | None = None
) -> list[InterventionStaff]:
    """The intervention's school staff with no current training in its programme (external tutors are assumed
    to bring their own). Empty for bespoke interventions. Pass ``trainings`` (the school's, for this programme)
    and a prefetched ``intervention.staff`` to avoid queries; otherwise two queries."""
    if intervention.programme_id is None:
        return []
    if trainings is None:
        trainings = list(
            Training.objects.filter(school_id=intervention.school_id, programme_id=intervention.programme_id)
        )
    trained = {
        t.user_id
        for t in trainings
        if t.school_id == intervention.school_id and t.programme_id == intervention.programme_id and t.is_current(today)
    }
    return [member for member in intervention.staff.all() if member.user_id and member.user_id not in trained]
