"""``manage.py import_pupils FILE --school URN [--dry-run]``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pupils.management.commands.import_pupils import Command
from pupils.models import Pupil, TeachingGroup
from tests.pupils.import_helpers import run_command

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

FILES = Path(__file__).parent / "files"
SIMS = str(FILES / "sims_export.csv")


def import_pupils(*args: str) -> tuple[str, str, CommandError | None]:
    return run_command("import_pupils", *args)


def test_prints_counts_and_every_rejected_row_and_fails(world):
    out, _, error = import_pupils(SIMS, "--school", world.school.urn)
    assert "created 8, updated 0, unchanged 0, rejected 9" in out
    assert "line 10, column 'DOB': Not a date: there is no month 14." in out
    assert "(value '03/14/2017')" in out
    assert "line 14, column 'SEN Status': A pre-2015 code" in out
    assert "line 16, column 'UPN': UPN" in out and "already on line 2" in out
    assert sum(1 for line in out.splitlines() if line.strip().startswith("line ")) == 9
    assert "Columns ignored: 'Ethnicity'" in out
    assert "3 pupils on roll are not in the file" in out
    assert error is not None and error.returncode == 1 and "9 rows rejected" in str(error)
    # the valid rows were applied
    assert Pupil.objects.filter(school=world.school).count() == 3 + 8


def test_exit_status_is_1_when_rows_are_rejected(world):
    with pytest.raises(SystemExit) as exit_info:
        Command(stdout=StringIO(), stderr=StringIO()).run_from_argv(
            ["manage.py", "import_pupils", SIMS, "--school", world.school.urn]
        )
    assert exit_info.value.code == 1


def test_a_clean_file_succeeds_and_a_rerun_changes_nothing(world):
    path = str(FILES / "semicolon_cp1252.csv")
    out, _, error = import_pupils(path, "--school", world.school.urn)
    assert error is None and "created 3, updated 0, unchanged 0, rejected 0" in out
    assert Pupil.objects.filter(legal_first_name="Chloé", legal_last_name="O’Brien").exists()
    out, _, error = import_pupils(path, "--school", world.school.urn)
    assert error is None and "created 0, updated 0, unchanged 3, rejected 0" in out


def test_xlsx(world):
    out, _, error = import_pupils(str(FILES / "arbor_export.xlsx"), "--school", world.school.urn)
    assert "sheet 'Students'" in out
    assert "created 4, updated 0, unchanged 0, rejected 1" in out
    assert "line 8, column 'Date of birth'" in out and "line 8, column 'Pupil Premium'" in out
    assert error is not None


def test_dry_run_writes_nothing(world):
    pupils, groups = Pupil.objects.count(), TeachingGroup.objects.count()
    out, _, error = import_pupils(SIMS, "--school", world.school.urn, "--dry-run")
    assert "created 8, updated 0, unchanged 0, rejected 9" in out
    assert "Dry run: nothing was written." in out
    assert error is not None  # rejected rows still fail the command
    assert (Pupil.objects.count(), TeachingGroup.objects.count()) == (pupils, groups)


def test_unknown_urn(world):
    with pytest.raises(CommandError, match="No school has the URN '999999'"):
        call_command("import_pupils", SIMS, "--school", "999999", stdout=StringIO())


def test_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_pupils", str(tmp_path / "nope.csv"), "--school", world.school.urn, stdout=StringIO())


def test_a_file_missing_columns_is_refused_whole(world, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("UPN,Surname,Forename\r\nX,Y,Z\r\n", encoding="utf-8")
    out, err, error = import_pupils(str(path), "--school", world.school.urn)
    assert error is not None and "nothing was written" in str(error)
    assert "date of birth" in err and "year group" in err
    assert Pupil.objects.count() == 4


def test_school_option_is_required(world):
    with pytest.raises(CommandError):
        call_command("import_pupils", SIMS, stdout=StringIO(), stderr=StringIO())
