"""``python manage.py import_results FILE --school URN [--dry-run]``: the results import without the web pages.

The same contract as ``import_pupils``: the counts in the same words, every rejected row, the valid results
applied unless ``--dry-run``, and exit status 1 when any result was rejected or the file could not be read.
"""

from __future__ import annotations

from pupils.imports.command import FileImportCommand
from pupils.imports.results_parsing import LAYOUTS
from pupils.models import ImportKind


class Command(FileImportCommand):
    help = (
        "Import assessment results (CSV or XLSX: one result per row, or one row per pupil with a column per "
        "assessment). Prints created/updated/unchanged/rejected counts and every rejected row; applies the "
        "valid results unless --dry-run; exits with status 1 when any result was rejected or the file could "
        "not be read."
    )
    kind = ImportKind.RESULTS
    file_help = "The results file: .csv, .txt or .xlsx"

    def layout(self, parsed) -> str:
        return f" ({LAYOUTS[parsed.layout]})"

    def columns(self, result) -> None:
        for header, assessment in result.assessment_columns.items():
            self.stdout.write(f"Column '{header}': {assessment}")

    def describe(self, result) -> None:
        if result.blank_count:
            self.stdout.write(f"{result.blank_count} blank cells skipped.")
