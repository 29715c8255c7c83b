"""``python manage.py import_results FILE --school URN [--dry-run]``: the results import without the web pages.

The same contract as ``import_pupils``: the counts in the same words, every rejected row, the valid results
applied unless ``--dry-run``, and exit status 1 when any result was rejected or the file could not be read.
"""

from __future__ import annotations

from pathlib import Path

from provision.models import School
from pupils.management.import_command import FileImportCommand
from pupils.results_import import results_import, results_parse
from pupils.results_importing import LAYOUTS


class Command(FileImportCommand):
    help = (
        "Import assessment results (CSV or XLSX: one result per row, or one row per pupil with a column per "
        "assessment). Prints created/updated/unchanged/rejected counts and every rejected row; applies the "
        "valid results unless --dry-run; exits with status 1 when any result was rejected or the file could "
        "not be read."
    )
    file_help = "The results file: .csv, .txt or .xlsx"

    def run(self, *, school: School, path: Path, content: bytes, dry_run: bool) -> None:
        parsed = results_parse(school=school, content=content, filename=path.name)
        if parsed.file_errors:
            self.refuse_file(path, parsed.file_errors)
        result = results_import(school=school, parsed=parsed, dry_run=dry_run)
        where = f", sheet '{parsed.sheet}'" if parsed.sheet else ""
        self.stdout.write(
            f"{path.name}{where}: {parsed.row_count} rows below the header on line {parsed.header_line} "
            f"for {school} ({LAYOUTS[parsed.layout]})."
        )
        for header, assessment in result.assessment_columns.items():
            self.stdout.write(f"Column '{header}': {assessment}")
        if result.ignored_columns:
            self.stdout.write("Columns ignored: " + ", ".join(f"'{name}'" for name in result.ignored_columns))
        self.stdout.write(result.summary())
        if result.blank_count:
            self.stdout.write(f"{result.blank_count} blank cells skipped (not sat).")
        self.finish(errors=result.errors, rejected=result.rejected_count, noun="results", dry_run=dry_run)
