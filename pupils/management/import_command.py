"""What the import commands share: the arguments, finding the school, reading the file, and ending with the
rejected rows and exit status 1 when any row was rejected or the file could not be read."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision.models import School


class FileImportCommand(BaseCommand):
    """``<command> FILE --school URN [--dry-run]``; subclasses implement ``run``."""

    file_help = "The file: .csv, .txt or .xlsx"

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
        raise NotImplementedError

    def refuse_file(self, path: Path, problems: list[str]) -> None:
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(f"{path.name} was not imported: nothing was written.")

    def finish(self, *, errors: list, rejected: int, noun: str, dry_run: bool) -> None:
        """Print every rejected row; fail (status 1) when there were any."""
        if errors:
            self.stdout.write("Rejected rows:")
            for error in errors:
                self.stdout.write(f"  {error}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if errors:
            applied = "" if dry_run else f"; the other {noun} were applied"
            raise CommandError(f"{rejected} {noun} rejected{applied}.")
