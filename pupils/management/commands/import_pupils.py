"""``python manage.py import_pupils FILE --school URN [--dry-run]``: the MIS import without the web pages."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision.models import School
from pupils.services import import_parse, pupils_import


class Command(BaseCommand):
    help = (
        "Import pupils from a school's MIS export (CSV or XLSX). Prints created/updated/unchanged/rejected "
        "counts and every rejected row; applies the valid rows unless --dry-run; exits with status 1 when "
        "any row was rejected or the file could not be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The MIS export: .csv, .txt or .xlsx")
        parser.add_argument("--school", required=True, metavar="URN", help="The school's six-digit URN")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but write nothing")

    def handle(self, *args, file: str, school: str, dry_run: bool, **options) -> None:
        urn = school.strip()
        found = School.objects.filter(urn=urn).first()
        if found is None:
            raise CommandError(f"No school has the URN {urn!r}.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc

        parsed = import_parse(school=found, content=content, filename=path.name)
        if parsed.file_errors:
            for problem in parsed.file_errors:
                self.stderr.write(problem)
            raise CommandError(f"{path.name} was not imported: nothing was written.")

        result = pupils_import(school=found, parsed=parsed, dry_run=dry_run)
        where = f", sheet '{parsed.sheet}'" if parsed.sheet else ""
        self.stdout.write(
            f"{path.name}{where}: {parsed.row_count} pupil rows below the header on line {parsed.header_line} "
            f"for {found}."
        )
        if result.ignored_columns:
            self.stdout.write("Columns ignored: " + ", ".join(f"'{name}'" for name in result.ignored_columns))
        self.stdout.write(result.summary())
        if result.classes_created:
            self.stdout.write("New classes: " + ", ".join(result.classes_created))
        if result.not_in_file:
            self.stdout.write(f"{result.not_in_file} pupils on roll are not in the file (left unchanged).")
        if result.errors:
            self.stdout.write("Rejected rows:")
            for error in result.errors:
                self.stdout.write(f"  {error}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if result.errors:
            applied = "" if dry_run else "; the other rows were applied"
            raise CommandError(f"{result.rejected_count} rows rejected{applied}.")
