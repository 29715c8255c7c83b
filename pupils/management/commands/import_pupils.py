"""``python manage.py import_pupils FILE --school URN [--dry-run]``: the MIS import without the web pages."""

from __future__ import annotations

from pupils.imports.command import FileImportCommand
from pupils.models import ImportKind


class Command(FileImportCommand):
    help = (
        "Import pupils from a school's MIS export (CSV or XLSX). Prints created/updated/unchanged/rejected "
        "counts and every rejected row; applies the valid rows unless --dry-run; exits with status 1 when "
        "any row was rejected or the file could not be read."
    )
    kind = ImportKind.PUPILS
    file_help = "The MIS export: .csv, .txt or .xlsx"
    rows_noun = "pupil rows"

    def describe(self, result) -> None:
        if result.classes_created:
            self.stdout.write("New classes: " + ", ".join(result.classes_created))
        if result.not_in_file:
            self.stdout.write(f"{result.not_in_file} pupils on roll are not in the file (left unchanged).")
