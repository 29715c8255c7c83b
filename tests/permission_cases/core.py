"""Permission rows for the school frame, pupils, assessments and reports."""

from __future__ import annotations

import datetime as dt

from provision.models import Closure, ClosureKind, Term
from pupils.models import DataImport
from tests.factories import AssessmentFactory, ScaleFactory

from . import ACTORS, STAFF, Case, only

CASES: dict[str, Case] = {
    "reports:home": Case(allowed=STAFF + ["other_senco"], overrides={"parent": 302}),
    "provision:switch_school": Case(
        allowed=STAFF, ok=302, method="post", data={"school": "school"}, overrides={"parent": 404, "other_senco": 404}
    ),
    "provision:calendar": Case(allowed=STAFF + ["other_senco"]),
    "provision:academic_year_new": Case(allowed=only("admin", "leader")),
    "provision:term_edit": Case(allowed=only("admin", "leader"), args="term"),
    # Closures inside terms: the SENCO, admin and leaders; another school's term or closure is a 404.
    "provision:closure_new": Case(
        allowed=only("senco", "admin", "leader"), args="term", overrides={"other_senco": 404}
    ),
    "provision:closure_edit": Case(
        allowed=only("senco", "admin", "leader"), args="closure", overrides={"other_senco": 404}
    ),
    "provision:closure_delete": Case(
        allowed=only("senco", "admin", "leader"), ok=302, method="post", args="closure", overrides={"other_senco": 404}
    ),
    "provision:bank_holidays_add": Case(
        allowed=only("senco", "admin", "leader"), ok=302, method="post", args="term", overrides={"other_senco": 404}
    ),
    "provision:half_term_add": Case(
        allowed=only("senco", "admin", "leader"), ok=302, method="post", args="term", overrides={"other_senco": 404}
    ),
    "reports:identification": Case(allowed=only("senco", "leader", "other_senco")),
    # Posted with no data: back to the list with a message (each school's own setting).
    "reports:identification_window": Case(allowed=only("senco", "leader", "other_senco"), ok=302, method="post"),
    "reports:disadvantage_gap": Case(allowed=only("senco", "leader", "other_senco")),
    "reports:tracking": Case(allowed=only("senco", "leader", "teacher", "other_senco")),
    # Results history follows the tracking rule: SENCO and leaders, and teachers of the pupil's class (the
    # world's teacher teaches pupils[0]'s class); TAs and the admin are refused.
    "reports:pupil_progress": Case(
        allowed=only("senco", "leader", "teacher"), args="pupil", overrides={"other_senco": 404}
    ),
    "pupils:list": Case(allowed=STAFF + ["other_senco"]),
    "pupils:new": Case(allowed=only("senco", "admin", "other_senco")),
    "pupils:detail": Case(allowed=STAFF, args="pupil", overrides={"other_senco": 404}),
    "pupils:edit": Case(allowed=only("senco", "admin"), args="pupil", overrides={"other_senco": 404}),
    # The one-page profile: every member of staff reads and prints it; the SENCO and the teachers of the pupil's
    # class (the world's teacher teaches pupils[0]'s class) write it.
    "pupils:passport": Case(allowed=STAFF, args="pupil", overrides={"other_senco": 404}),
    "pupils:passport_edit": Case(allowed=only("senco", "teacher"), args="pupil", overrides={"other_senco": 404}),
    "pupils:sen_register": Case(allowed=only("senco", "leader", "teacher", "admin", "other_senco")),
    "pupils:sen_register_csv": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:results_grid": Case(allowed=only("teacher", "senco", "leader", "other_senco")),
    "pupils:assessments": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:assessment_new": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:assessment_edit": Case(
        allowed=only("senco", "leader", "admin"), args="assessment", overrides={"other_senco": 404}
    ),
    "pupils:scale_new": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:scale_edit": Case(allowed=only("senco", "leader", "admin"), args="scale", overrides={"other_senco": 404}),
    "pupils:import_upload": Case(allowed=only("senco", "admin", "other_senco")),
    "pupils:import_preview": Case(allowed=only("senco", "admin"), args="import", overrides={"other_senco": 404}),
    "pupils:results_import_upload": Case(allowed=only("senco", "admin", "other_senco")),
    "login": Case(allowed=[], denied=302, anonymous=200),
    "logout": Case(allowed=ACTORS, ok=302, method="post", anonymous=302),
    "password_change": Case(allowed=STAFF + ["parent", "other_senco"]),
    "password_change_done": Case(allowed=STAFF + ["parent", "other_senco"]),
}


def _import(world) -> list:
    batch = DataImport.objects.create(
        school=world.school, filename="export.csv", content=b"UPN,Surname,Forename,DOB,Year\r\n"
    )
    return [batch.pk]


def _closure(world) -> list:
    term = Term.objects.filter(academic_year__school=world.school).first()
    day = term.start_date + dt.timedelta(days=7)
    closure = Closure.objects.create(term=term, kind=ClosureKind.INSET, start_date=day, end_date=day)
    return [closure.pk]


ARGS = {
    "closure": _closure,
    "pupil": lambda world: [world.pupils[0].pk],
    "term": lambda world: [Term.objects.filter(academic_year__school=world.school).first().pk],
    "assessment": lambda world: [AssessmentFactory(school=world.school).pk],
    "scale": lambda world: [ScaleFactory(school=world.school).pk],
    "import": _import,
}
