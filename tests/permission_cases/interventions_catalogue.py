"""Permission rows for the programme catalogue and staff training.

The catalogue is for staff who plan or deliver interventions (not the school admin); only the SENCO adds or edits
the school's own programmes. The training record lists all staff, so it is for the SENCO (who keeps it) and senior
leaders (read-only); teachers and assistants see who is trained on each programme's catalogue page.
"""

from __future__ import annotations

import datetime as dt

from interventions.models import Training
from tests.factories import ProgrammeFactory

from . import Case, only

CASES: dict[str, Case] = {
    "interventions:catalogue": Case(allowed=only("senco", "teacher", "ta", "leader", "other_senco")),
    "interventions:programme_detail": Case(
        allowed=only("senco", "teacher", "ta", "leader"), args="catalogue_programme", overrides={"other_senco": 404}
    ),
    "interventions:programme_new": Case(allowed=only("senco", "other_senco")),
    "interventions:programme_edit": Case(
        allowed=only("senco"), args="catalogue_programme", overrides={"other_senco": 404}
    ),
    "interventions:training": Case(allowed=only("senco", "leader", "other_senco")),
    # An empty form is re-shown with its errors (200) to whoever may record training.
    "interventions:training_add": Case(allowed=only("senco", "other_senco"), method="post"),
    "interventions:training_delete": Case(
        allowed=only("senco"), ok=302, method="post", args="catalogue_training", overrides={"other_senco": 404}
    ),
}


def _training(world) -> list:
    record = Training.objects.create(
        school=world.school,
        user=world.users["ta"],
        programme=ProgrammeFactory(school=world.school),
        trained_on=dt.date(2025, 9, 1),
    )
    return [record.pk]


ARGS = {
    # Named for this area so that another area's "programme" cannot replace them when the tables are merged.
    "catalogue_programme": lambda world: [ProgrammeFactory(school=world.school).pk],
    "catalogue_training": _training,
}
