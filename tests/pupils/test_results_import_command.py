"""``manage.py import_results FILE --school URN [--dry-run]``: the same contract as import_pupils."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pupils.management.commands.import_results import Command
from pupils.models import Result
from tests.pupils.import_helpers import run_command

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

FILES = Path(__file__).parent / "files"
LONG = str(FILES / "results_long.csv")


def import_results(*args: str) -> tuple[str, str, CommandError | None]:
    return run_command("import_results", *args)


def test_prints_counts_and_every_rejected_row_and_fails(world, rw):
    out, _, error = import_results(LONG, "--school", world.school.urn)
    assert f"results_long.csv: 18 rows below the header on line 1 for {world.school} (one result per row)." in out
    assert "Columns ignored: 'Surname', 'Forename'" in out
    assert "created 9, updated 0, unchanged 0, rejected 9" in out
    assert "line 5, column 'Result': 121 is outside the ks2 scaled score range 80-120 (value '121')" in out
    assert "line 13, column 'Assessment': 'Maths test' is the name of 2 assessments" in out
    assert sum(1 for line in out.splitlines() if line.strip().startswith("line ")) == 9
    assert error is not None and error.returncode == 1
    assert str(error) == "9 results rejected; the other results were applied."
    assert Result.objects.count() == 9


def test_exit_status_is_1_when_results_are_rejected(world, rw):
    with pytest.raises(SystemExit) as exit_info:
        Command(stdout=StringIO(), stderr=StringIO()).run_from_argv(
            ["manage.py", "import_results", LONG, "--school", world.school.urn]
        )
    assert exit_info.value.code == 1


def test_a_clean_file_succeeds_and_a_rerun_changes_nothing(world, rw):
    path = str(FILES / "results_subject_date.csv")
    out, _, error = import_results(path, "--school", world.school.urn)
    assert error is None and "created 3, updated 0, unchanged 0, rejected 0" in out
    out, _, error = import_results(path, "--school", world.school.urn)
    assert error is None and "created 0, updated 0, unchanged 3, rejected 0" in out
    assert "Rejected rows" not in out


def test_xlsx_in_one_row_per_pupil(world, rw):
    out, _, error = import_results(str(FILES / "results_wide.xlsx"), "--school", world.school.urn)
    assert "results_wide.xlsx, sheet 'Mark book': 6 rows below the header on line 3" in out
    assert "(one row per pupil, one column per assessment)" in out
    assert "Column 'Maths test (05/10/2026)': Maths test (05/10/2026)" in out
    assert "created 11, updated 0, unchanged 0, rejected 5, 1 absence recorded" in out
    assert "7 blank cells skipped." in out
    assert "line 8, column 'Reading age': Excel has turned this into a date (08/06/2026)" in out
    assert error is not None and "5 results rejected" in str(error)


def test_dry_run_writes_nothing(world, rw):
    out, _, error = import_results(LONG, "--school", world.school.urn, "--dry-run")
    assert "created 9, updated 0, unchanged 0, rejected 9" in out
    assert "Dry run: nothing was written." in out
    assert error is not None and str(error) == "9 results rejected."
    assert Result.objects.count() == 0


def test_unknown_urn(world):
    with pytest.raises(CommandError, match="No school has the URN '999999'"):
        call_command("import_results", LONG, "--school", "999999", stdout=StringIO())


def test_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_results", str(tmp_path / "nope.csv"), "--school", world.school.urn, stdout=StringIO())


def test_a_file_that_cannot_be_used_is_refused_whole(world, rw, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("UPN,Assessment\r\nX,Y\r\n", encoding="utf-8")
    out, err, error = import_results(str(path), "--school", world.school.urn)
    assert error is not None and str(error) == "short.csv was not imported: nothing was written."
    assert "the result (e.g. Result, Score" in err
    assert Result.objects.count() == 0


def test_school_option_is_required(world):
    with pytest.raises(CommandError):
        call_command("import_results", LONG, stdout=StringIO(), stderr=StringIO())
