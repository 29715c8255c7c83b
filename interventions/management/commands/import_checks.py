"""``python manage.py import_checks FILE --school URN [--dry-run]``: progress check scores from a file, without the
web pages (columns UPN, Intervention, Date, Score; see ``interventions.progress.checks_parsing``).

The same contract as the other imports, except that a file is all or nothing: with any rejected row, nothing is
written, every rejected row is printed with its line, column and reason, and the exit status is 1. Importing the
same file again changes nothing.
"""

from __future__ import annotations

from pupils.imports.command import FileImportCommand
from pupils.models import ImportKind


class Command(FileImportCommand):
    help = (
        "Import progress check scores (CSV or XLSX with columns UPN, Intervention, Date, Score). Prints "
        "created/updated/unchanged/rejected counts and every rejected row; writes the scores unless --dry-run or "
        "any row was rejected (then nothing is written and the exit status is 1)."
    )
    kind = ImportKind.CHECKS
    file_help = "The file of scores: .csv, .txt or .xlsx"
