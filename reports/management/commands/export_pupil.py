"""``python manage.py export_pupil UPN --school URN --out FILE.zip``: everything held about one pupil.

The same zip as the pupil page's "Download everything held" (reports.records.pupil_data), for a data protection officer
answering a subject access request from the command line. The export is in the school's audit log.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provision.models import School
from pupils.models import Pupil
from pupils.reference import normalise_upn
from reports.records.pupil_data import pupil_export_zip_for_operators


class Command(BaseCommand):
    help = "Write everything held about one pupil (CSV per table, support plans and provision map as PDF) to a zip."

    def add_arguments(self, parser) -> None:
        parser.add_argument("upn", help="the pupil's UPN")
        parser.add_argument("--school", required=True, metavar="URN", help="the school's six-digit URN")
        parser.add_argument("--out", required=True, metavar="FILE.zip", help="where to write the zip")

    def handle(self, *args, **options) -> None:
        school = School.objects.filter(urn=options["school"].strip()).first()
        if school is None:
            raise CommandError(f"No school with URN {options['school']!r}.")
        upn = normalise_upn(options["upn"])
        pupil = Pupil.objects.filter(school=school, upn=upn, erased_on__isnull=True).first()
        if pupil is None:
            raise CommandError(f"No pupil with UPN {upn!r} at {school.name}.")
        out = Path(options["out"])
        if out.suffix.lower() != ".zip":
            raise CommandError(f"--out must name a .zip file, not {out.name!r}.")
        if not out.parent.exists():
            raise CommandError(f"The folder {out.parent} does not exist.")
        out.write_bytes(pupil_export_zip_for_operators(pupil, school=school))
        self.stdout.write(f"Wrote everything held about {pupil.full_name} ({pupil.upn}) to {out}.")
