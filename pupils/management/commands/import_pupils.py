"""``python manage.py import_pupils FILE --school URN [--dry-run]``: the MIS import without the web pages."""

from __future__ import annotations

from pathlib import Path

from provision.models import School
from pupils.management.import_command import FileImportCommand
from pupils.services import import_parse, pupils_import


class Command(FileImportCommand):
    help = (
        "Import pupils from a school's MIS export (CSV or XLSX). Prints created/updated/unchanged/rejected "
        "counts and every rejected row; applies the valid rows unless --dry-run; exits with status 1 when "
        "any row was rejected or the file could not be read."
    )
    file_help = "The MIS export: .csv, .txt or .xlsx"

    def run(self, *, school: School, path: Path, content: bytes, dry_run: bool) -> None:
        parsed = import_parse(school=school, content=content, filename=path.name)
        if parsed.file_errors:
            self.refuse_file(path, parsed.file_errors)
        result = pupils_import(school=school, parsed=parsed, dry_run=dry_run)
        where = f", sheet '{parsed.sheet}'" if parsed.sheet else ""
        self.stdout.write(
            f"{path.name}{where}: {parsed.row_count} pupil rows below the header on line {parsed.header_line} "
            f"for {school}."
        )
        if result.ignored_columns:
            self.stdout.write("Columns ignored: " + ", ".join(f"'{name}'" for name in result.ignored_columns))
        self.stdout.write(result.summary())
        if result.classes_created:
            self.stdout.write("New classes: " + ", ".join(result.classes_created))
        if result.not_in_file:
            self.stdout.write(f"{result.not_in_file} pupils on roll are not in the file (left unchanged).")
        self.finish(errors=result.errors, rejected=result.rejected_count, noun="rows", dry_run=dry_run)
