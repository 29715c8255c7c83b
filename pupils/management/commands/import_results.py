"""``python manage.py import_results FILE --school URN [--dry-run]``: the results import without the web pages.

The same contract as ``import_pupils``: the counts in the same words, every rejected row, the valid results
applied unless ``--dry-run``, and exit status 1 when any result was rejected or the file could not be read.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision.models import School
from pupils.results_import import results_import, results_parse
from pupils.results_importing import LAYOUTS


class Command(BaseCommand):
    help = (
        "Import assessment results (CSV or XLSX: one result per row, or one row per pupil with a column per "
        "assessment). Prints created/updated/unchanged/rejected counts and every rejected row; applies the "
        "valid results unless --dry-run; exits with status 1 when any result was rejected or the file could "
        "not be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The results file: .csv, .txt or .xlsx")
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

        parsed = results_parse(school=found, content=content, filename=path.name)
        if parsed.file_errors:
            for problem in parsed.file_errors:
                self.stderr.write(problem)
            raise CommandError(f"{path.name} was not imported: nothing was written.")

        result = results_import(school=found, parsed=parsed, dry_run=dry_run)
        where = f", sheet '{parsed.sheet}'" if parsed.sheet else ""
        self.stdout.write(
            f"{path.name}{where}: {parsed.row_count} rows below the header on line {parsed.header_line} "
            f"for {found} ({LAYOUTS[parsed.layout]})."
        )
        for header, assessment in result.assessment_columns.items():
            self.stdout.write(f"Column '{header}': {assessment}")
        if result.ignored_columns:
            self.stdout.write("Columns ignored: " + ", ".join(f"'{name}'" for name in result.ignored_columns))
        self.stdout.write(result.summary())
        if result.blank_count:
            self.stdout.write(f"{result.blank_count} blank cells skipped (not sat).")
        if result.errors:
            self.stdout.write("Rejected rows:")
            for error in result.errors:
                self.stdout.write(f"  {error}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if result.errors:
            applied = "" if dry_run else "; the other results were applied"
            raise CommandError(f"{result.rejected_count} results rejected{applied}.")
