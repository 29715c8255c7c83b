"""Steps of the fault tests (tests/test_faults.py), each run in its own process against a scratch database named by
``DATABASE_URL``: ``python -m tests.faults_probe STEP [ARG]``. Prints one JSON line.

- ``setup``: migrate; a school with 40 pupils, an assessment and a held (read, previewed) results import of 40
  results; prints their ids.
- ``kill-applying ID``: applies the held import and kills its own process (SIGKILL, as the kernel's out-of-memory
  killer or ``kill -9`` would) once every result has been written but before the transaction commits.
- ``apply ID``: applies the held import normally.
- ``staff``: migrate; a school with a SENCO, ``senco`` / ``two-servers-pass`` (tests/test_two_servers.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys


def _setup() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from provision.models import School
    from pupils.imports.jobs import import_prepare
    from pupils.models import Assessment, DataImport, ImportKind, Pupil, Scale, ScaleKind, Subject

    school = School.objects.create(urn="999001", name="Fault Test School", lowest_year=7, highest_year=11)
    subject = Subject.objects.create(school=school, name="Maths")
    scale = Scale.objects.create(school=school, name="Standardised", kind=ScaleKind.STANDARDISED, min_value=40,
                                 max_value=160, expected=100, high=115)  # fmt: skip
    assessment = Assessment.objects.create(school=school, name="Autumn maths", subject=subject, scale=scale,
                                           taken_on=dt.date(2026, 10, 5))  # fmt: skip
    from pupils.reference import make_upn

    lines = ["UPN,Assessment,Result"]
    for index in range(40):
        upn = make_upn(f"{82010000000 + index:011d}0")
        Pupil.objects.create(school=school, upn=upn, legal_first_name=f"Pupil{index}", legal_last_name="Fault",
                             date_of_birth=dt.date(2013, 1, 1), year_group=8)  # fmt: skip
        lines.append(f"{upn},Autumn maths,{90 + index}")
    record = DataImport.objects.create(
        school=school, kind=ImportKind.RESULTS, filename="maths.csv", content=("\n".join(lines) + "\n").encode()
    )
    import_prepare(record.pk)
    record.refresh_from_db()
    return {"import": record.pk, "school": school.pk, "assessment": assessment.pk, "stage": record.stage}


def _kill_applying(import_id: int) -> dict:
    from pupils.imports import jobs as import_jobs
    from pupils.imports import results_apply as results_import

    real = results_import._write

    def write_then_die(rows, *, by_id):
        real(rows, by_id=by_id)
        os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction: every row written, nothing committed

    results_import._write = write_then_die
    import_jobs.import_apply(import_id, None)
    return {"survived": True}  # never reached


def _apply(import_id: int) -> dict:
    from pupils.imports import jobs as import_jobs

    result = import_jobs.import_apply(import_id, None)
    return {"summary": result.summary() if result else None}


def _staff() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from provision.models import Membership, Role, School

    call_command("migrate", verbosity=0)
    school = School.objects.create(urn="999002", name="Two Servers School", lowest_year=7, highest_year=11)
    user = get_user_model().objects.create_user(username="senco", password="two-servers-pass")
    Membership.objects.create(user=user, school=school, role=Role.SENCO)
    return {"user": user.pk}


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provision.settings")
    django.setup()
    step = sys.argv[1]
    if step == "setup":
        report = _setup()
    elif step == "kill-applying":
        report = _kill_applying(int(sys.argv[2]))
    elif step == "apply":
        report = _apply(int(sys.argv[2]))
    elif step == "staff":
        report = _staff()
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
