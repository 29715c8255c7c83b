"""What the import commands share: the arguments, finding the school, reading the file with its kind's declaration
(``kinds``), the lines every import prints, and ending with the rejected rows and exit status 1 when any row was
rejected or the file could not be read. A command names its kind and adds its own lines (``describe``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision.models import School

from .kinds import kind_of


class FileImportCommand(BaseCommand):
    """``<command> FILE --school URN [--dry-run]`` for the import of ``kind``."""

    kind = ""  # the DataImport kind whose declaration reads and applies the file
    file_help = "The file: .csv, .txt or .xlsx"
    rows_noun = "rows"  # what the first line counts below the header

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=self.file_help)
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
        self.run(school=found, path=path, content=content, dry_run=dry_run)

    def run(self, *, school: School, path: Path, content: bytes, dry_run: bool) -> None:
        spec = kind_of(self.kind)
        parsed = spec.parse(school=school, content=content, filename=path.name)
        if parsed.file_errors:
            self.refuse_file(path, parsed.file_errors)
        result = spec.apply(school=school, parsed=parsed, dry_run=dry_run)
        where = f", sheet '{parsed.sheet}'" if parsed.sheet else ""
        self.stdout.write(
            f"{path.name}{where}: {parsed.row_count} {self.rows_noun} below the header on line {parsed.header_line} "
            f"for {school}{self.layout(parsed)}."
        )
        self.columns(result)
        if result.ignored_columns:
            self.stdout.write("Columns ignored: " + ", ".join(f"'{name}'" for name in result.ignored_columns))
        self.stdout.write(result.summary())
        self.describe(result)
        self.finish(errors=result.errors, rejected=result.rejected_count, noun=spec.noun, dry_run=dry_run)

    def layout(self, parsed: Any) -> str:
        """Said after the school on the first line (the results import names the file's layout)."""
        return ""

    def columns(self, result: Any) -> None:
        """Lines about the columns read, before the ignored ones."""

    def describe(self, result: Any) -> None:
        """Lines after the counts."""

    def refuse_file(self, path: Path, problems: list[str]) -> None:
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(f"{path.name} was not imported: nothing was written.")

    def finish(self, *, errors: list, rejected: int, noun: str, dry_run: bool) -> None:
        """Print every rejected row; fail (status 1) when there were any. A kind applied all or nothing wrote
        nothing then, and says so."""
        if errors:
            self.stdout.write("Rejected rows:")
            for error in errors:
                self.stdout.write(f"  {error}")
            if kind_of(self.kind).all_or_nothing:
                raise CommandError(
                    f"{rejected} rows rejected: nothing was written. Fix them and import the file again."
                )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if errors:
            applied = "" if dry_run else f"; the other {noun} were applied"
            raise CommandError(f"{rejected} {noun} rejected{applied}.")
