"""``python manage.py import_checks FILE --school URN [--dry-run]``: progress check scores from a file, without the
web pages (columns UPN, Intervention, Date, Score; see ``interventions.progress.importing``).

The same contract as the other imports, except that a file is all or nothing: with any rejected row, nothing is
written, every rejected row is printed with its line, column and reason, and the exit status is 1. Importing the
same file again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from interventions.progress.services import checks_import, checks_parse
from provision.models import School
from pupils.management.import_command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import progress check scores (CSV or XLSX with columns UPN, Intervention, Date, Score). Prints "
        "created/updated/unchanged/rejected counts and every rejected row; writes the scores unless --dry-run or "
        "any row was rejected (then nothing is written and the exit status is 1)."
    )
    file_help = "The file of scores: .csv, .txt or .xlsx"

    def run(self, *, school: School, path: Path, content: bytes, dry_run: bool) -> None:
        parsed = checks_parse(school=school, content=content, filename=path.name)
        if parsed.file_errors:
            self.refuse_file(path, parsed.file_errors)
        result = checks_import(school=school, parsed=parsed, dry_run=dry_run)
        where = f", sheet '{parsed.sheet}'" if parsed.sheet else ""
        self.stdout.write(
            f"{path.name}{where}: {parsed.row_count} rows below the header on line {parsed.header_line} for {school}."
        )
        if result.ignored_columns:
            self.stdout.write("Columns ignored: " + ", ".join(f"'{name}'" for name in result.ignored_columns))
        self.stdout.write(result.summary())
        if result.errors:
            self.stdout.write("Rejected rows:")
            for error in result.errors:
                self.stdout.write(f"  {error}")
            raise CommandError(
                f"{result.rejected_count} rows rejected: nothing was written. Fix them and import the file again."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
