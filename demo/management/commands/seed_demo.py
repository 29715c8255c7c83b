"""``manage.py seed_demo``: a realistic, repeatable demo trust with a primary and a secondary school."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TextIO

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from demo.assessments import AssessmentSummary, assessments_create, assessments_delete
from demo.build.summary import InterventionSummary
from demo.data.sizes import DEFAULT_SECONDARY_PUPILS, MIN_TOTAL_PUPILS, PRIMARY_PUPILS
from demo.data.trust import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TRUST_NAME, PARENT_USERNAME, SCHOOL_SPECS
from demo.provision import interventions_create, interventions_delete
from demo.pupils import pupils_create
from demo.roll import RollSummary, roll_plan
from demo.school import DemoError, DemoFrame, demo_delete, frame_create
from provision.models import Role, School
from pupils import reference
from pupils.models import Assessment, Result, SenStatus

DEFAULT_SEED = 1


@dataclass
class DemoSummary:
    """What ``seed_demo`` made: the frame, the pupils, their assessment results, the provision for them and how
    long it took."""

    seed: int
    today: dt.date
    frame: DemoFrame
    roll: RollSummary
    assessments: AssessmentSummary
    interventions: InterventionSummary
    seconds: float

    @property
    def pupil_count(self) -> int:
        return sum(len(school_roll.pupils) for school_roll in self.roll.schools.values())

    def login_rows(self) -> list[tuple[str, str, str]]:
        """(username, role, school) for every demo login, in the order of the README."""
        rows = []
        for login in DEMO_LOGINS:
            roles = sorted({Role(role).label for _, role, _ in login.posts})
            schools = ", ".join(SCHOOL_SPECS[key].name for key, _, _ in login.posts)
            rows.append((login.username, " / ".join(roles), schools))
        children = " and ".join(
            f"{pupil.legal_first_name} ({reference.YEAR_GROUP_SHORT[pupil.year_group]})"
            for pupil in self.roll.parent_children
        )
        rows.append((PARENT_USERNAME, f"Parent of {children}", SCHOOL_SPECS["primary"].name))
        return rows

    def write(self, out: TextIO) -> None:
        out.write(
            f"Seeded '{DEMO_TRUST_NAME}' (seed {self.seed}, academic year {self.frame.start_year}/"
            f"{(self.frame.start_year + 1) % 100:02d}): {self.pupil_count:,} pupils in {self.seconds:.1f} s.\n\n"
        )
        header = ("School", "Pupils", "Classes", "Staff", "Guardians", "SEN K", "EHC", "PP", "FSM", "EAL", "LAC")
        rows = []
        for school_roll in self.roll.schools.values():
            pupils = school_roll.pupils
            total = len(pupils)

            def share(count: int, total: int = total) -> str:
                return f"{count:,} ({100 * count / total:.1f}%)"

            rows.append(
                (
                    school_roll.demo_school.school.name,
                    f"{total:,}",
                    str(len(school_roll.groups)),
                    str(school_roll.demo_school.staff_count),
                    f"{school_roll.guardians:,}",
                    share(sum(p.sen_status == SenStatus.SUPPORT for p in pupils)),
                    share(sum(p.sen_status == SenStatus.EHC_PLAN for p in pupils)),
                    share(sum(p.pupil_premium for p in pupils)),
                    share(sum(p.fsm for p in pupils)),
                    share(sum(p.eal for p in pupils)),
                    share(sum(p.looked_after for p in pupils)),
                )
            )
        _write_table(out, header, rows)
        out.write(f"\nAssessments: {self.assessments.describe()}\n")
        out.write(f"\nProvision: {self.interventions.describe()}\n")
        out.write(f"\nDemo logins (password: {DEMO_PASSWORD})\n")
        _write_table(out, ("Username", "Role", "School"), self.login_rows())
        out.write(
            "\nNo superuser is created: make one with `python manage.py createsuperuser` if you need the admin.\n"
        )


def _write_table(out: TextIO, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        out.write("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")


def seed_demo(
    *, pupils: int | None, seed: int, reset: bool, stdout: TextIO | None = None, today: dt.date | None = None
) -> DemoSummary:
    """Create the demo trust: the frame (``demo.school``), the pupils (``demo.pupils``), their assessment
    history (``demo.assessments``) and three terms of interventions, support plans and session logs
    (``demo.provision``), in one transaction. With ``reset``, an existing demo trust and its
    accounts are deleted first; without it, an existing demo raises ``DemoError``. The same seed and ``today``
    always give the same data.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    try:
        plan = roll_plan(total_pupils=pupils)
    except ValueError as exc:
        raise DemoError(str(exc)) from exc
    # Hash once: every demo account shares the password, and hashing is deliberately slow.
    password_hash = make_password(DEMO_PASSWORD)
    # The demo is made, not typed in: no audit entries for its hundreds of thousands of rows (and those of an
    # earlier demo go with it).
    with transaction.atomic(), disable_auditlog():
        if reset:
            _reset()
        frame = frame_create(
            seed=seed, today=today, password_hash=password_hash, class_teachers=plan.class_teachers_needed
        )
        roll = pupils_create(frame=frame, plan=plan)
        assessments = assessments_create(frame=frame, roll=roll)
        interventions = interventions_create(frame=frame, roll=roll, today=today)
    summary = DemoSummary(
        seed=seed,
        today=today,
        frame=frame,
        roll=roll,
        assessments=assessments,
        interventions=interventions,
        seconds=time.perf_counter() - started,
    )
    if stdout is not None:
        summary.write(stdout)
    return summary


def _reset() -> None:
    """Delete an earlier demo: its audit entries, provision, results and assessments, then its trust."""
    schools = list(School.objects.filter(trust__name=DEMO_TRUST_NAME))
    LogEntry.objects.filter(additional_data__school__in=[school.pk for school in schools]).delete()
    # Interventions protect the schools' own programmes, and placements point at results: both go first.
    interventions_delete(schools=schools)
    _results_delete(schools)
    # Assessments protect their subjects and scales, so they go before the schools (demo.school cannot see them).
    assessments_delete(schools=schools)
    demo_delete()


def _results_delete(schools: list[School]) -> None:
    """Delete these schools' results in one statement. Placements point at results (SET_NULL), so Django's
    delete would load every result to clear those links (none are left once ``interventions_delete`` has run)
    and send them as one UPDATE, which is slow and, for a big trust, too many variables for SQLite."""
    if not schools:
        return
    quote = connection.ops.quote_name
    result, assessment = Result._meta, Assessment._meta
    placeholders = ", ".join(["%s"] * len(schools))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(result.db_table)} WHERE {quote(result.get_field('assessment').column)} IN "
            f"(SELECT {quote(assessment.pk.column)} FROM {quote(assessment.db_table)} "
            f"WHERE {quote(assessment.get_field('school').column)} IN ({placeholders}))",
            [school.pk for school in schools],
        )


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2026-10-05, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        f"Create the demo trust '{DEMO_TRUST_NAME}': a primary of {PRIMARY_PUPILS} pupils (Reception to "
        f"Year 6) and a secondary (Years 7-11, {DEFAULT_SECONDARY_PUPILS:,} pupils unless --pupils is given), "
        f"with classes, staff, guardians, demo logins (password '{DEMO_PASSWORD}'), assessment results for "
        "the last four terms whose test week is over (at least last year's three), and three terms of "
        "interventions (waves 1-3) with placements, session logs, attendance and SEN support plans. "
        "The same seed gives the same pupils throughout an academic year; the SEN review dates are spread around "
        "today, and results exist only for test weeks that are over by today (--today fixes both)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pupils",
            type=int,
            default=None,
            metavar="N",
            help=(
                f"Pupils in the whole trust. The primary keeps its {PRIMARY_PUPILS}; the secondary gets the "
                f"other N - {PRIMARY_PUPILS}. At least {MIN_TOTAL_PUPILS}. Default: "
                f"{PRIMARY_PUPILS + DEFAULT_SECONDARY_PUPILS:,}."
            ),
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, metavar="S", help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete an existing demo trust, its schools (with all their data) and its accounts first.",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="Build the demo as if today were this date (it decides the academic year and review dates).",
        )

    def handle(self, *args, **options) -> None:
        try:
            seed_demo(
                pupils=options["pupils"],
                seed=options["seed"],
                reset=options["reset"],
                stdout=self.stdout,
                today=options["today"],
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
