"""Held imports are read once, in the background when large, within limits; the page can always preview, confirm
or cancel them, and a zip bomb or an oversized file is refused before it is unpacked."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from provision import tasks
from pupils.imports import jobs as import_jobs
from pupils.imports import results_apply as results_import
from pupils.imports.reader import FileProblem, Limits, check_workbook, read_tables
from pupils.models import DataImport, ImportKind, ImportStage, ImportStatus, Result

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

FILES = Path(__file__).parent / "files"
UPLOAD = reverse("pupils:results_import_upload")


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["admin"])
    return client


def upload(client, name: str, content: bytes | None = None):
    content = (FILES / name).read_bytes() if content is None else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def latest() -> DataImport:
    return DataImport.objects.latest("uploaded_at")


def page_of(client, record: DataImport) -> str:
    response = client.get(reverse("pupils:import_preview", args=[record.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def parses(monkeypatch):
    """Counts how often a results file is parsed."""
    calls = []
    real = results_import.parse_results_file

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(results_import, "parse_results_file", counting)
    return calls


# --- Read once, stored ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_is_parsed_once_however_often_its_preview_is_opened_and_when_confirmed(admin, rw, parses):
    assert upload(admin, "results_long.csv").status_code == 302
    record = latest()
    assert record.stage == ImportStage.READY and record.parsed and record.preview
    for _ in range(3):
        assert "Confirm" in page_of(admin, record)
    response = admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "confirm"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and Result.objects.filter(assessment__school=record.school).exists()
    assert len(parses) == 1
    # What was read (children's data) goes with the file once applied.
    assert bytes(record.content) == bytes(record.parsed) == bytes(record.preview) == b""


@pytest.mark.django_db
def test_a_preview_older_than_the_schools_data_says_so_and_check_again_needs_no_second_parse(
    admin, world, rw, parses, committed
):
    committed()
    upload(admin, "results_long.csv")
    record = latest()
    assert 'id="import-outdated"' not in page_of(admin, record)
    pupil = world.pupils[0]
    pupil.eal = not pupil.eal
    pupil.save()
    committed()
    assert 'id="import-outdated"' in page_of(admin, record)
    admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "recheck"})
    assert 'id="import-outdated"' not in page_of(admin, record)
    assert len(parses) == 1


@pytest.mark.django_db
def test_stored_rows_that_fail_their_seal_are_read_again_from_the_file(admin, rw, parses):
    upload(admin, "results_long.csv")
    record = latest()
    DataImport.objects.filter(pk=record.pk).update(parsed=b"\0" * 40 + bytes(record.parsed)[40:])
    record.refresh_from_db()
    with pytest.raises(import_jobs.SealBroken):
        import_jobs.unseal(record.parsed)
    admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "confirm"})
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert len(parses) == 2


def _sealed_under(old_module: str, new_module: str, value) -> bytes:
    """``value`` sealed as an older version wrote it: its classes named by the module they lived in then."""
    import pickle
    import zlib

    from django.utils.crypto import salted_hmac

    data = pickle.dumps(value, protocol=0).replace(f"c{new_module}\n".encode(), f"c{old_module}\n".encode())
    assert old_module.encode() in data
    data = zlib.compress(data)
    return salted_hmac(import_jobs._SEAL_SALT, data, algorithm="sha256").digest() + data


def test_rows_stored_before_the_imports_package_existed_are_still_read():
    from pupils.imports.reader import RowError

    error = RowError(line=3, column="UPN", value="X", reason="No such pupil")
    assert import_jobs.unseal(_sealed_under("pupils.tabular", "pupils.imports.reader", error)) == error


@pytest.mark.django_db
def test_a_stored_preview_no_version_can_read_is_worked_out_again_not_a_500(admin, rw, parses):
    from pupils.imports.reader import RowError

    upload(admin, "results_long.csv")
    record = latest()
    gone = _sealed_under("pupils.gone_module", "pupils.imports.reader", RowError(1, "UPN", "X", "gone"))
    DataImport.objects.filter(pk=record.pk).update(parsed=gone, preview=gone)
    with pytest.raises(import_jobs.SealBroken):
        import_jobs.unseal(gone)
    assert "Confirm" in page_of(admin, record)  # read again from the held file
    record.refresh_from_db()
    assert import_jobs.stored_preview(record) is not None
    assert len(parses) == 2


# --- Background reading, progress, failure, cancel ------------------------------------------------------------


@pytest.fixture
def queued(settings, monkeypatch):
    """Tasks queued instead of run (as with a worker that has not got to them yet); ``run()`` runs them."""
    settings.TASKS_INLINE = False
    settings.IMPORT_INLINE_BYTES = 0
    waiting = []

    def enqueue(func, *args, job_id=None, description="", **kwargs):
        waiting.append((func, args, kwargs))
        return True

    monkeypatch.setattr(tasks, "enqueue", enqueue)

    def run() -> None:
        while waiting:
            func, args, kwargs = waiting.pop(0)
            func(*args, **kwargs)

    run.waiting = waiting
    return run


@pytest.mark.django_db
def test_a_large_upload_is_read_in_the_background_with_a_progress_bar_then_confirmed_in_the_background(
    admin, rw, queued
):
    assert upload(admin, "results_long.csv").status_code == 302
    record = latest()
    assert record.stage == ImportStage.READING and [f.__name__ for f, _, _ in queued.waiting] == ["import_prepare"]
    page = page_of(admin, record)
    assert 'id="import-progress-bar"' in page and 'http-equiv="refresh"' in page
    assert 'value="cancel"' in page and 'value="confirm"' not in page

    queued()
    record.refresh_from_db()
    assert record.stage == ImportStage.READY and record.progress == 100
    page = page_of(admin, record)
    assert 'value="confirm"' in page and 'http-equiv="refresh"' not in page

    admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "confirm"})
    record.refresh_from_db()
    assert record.stage == ImportStage.APPLYING and record.status == ImportStatus.PREVIEW
    assert "Applying" in page_of(admin, record)
    # A second click while it is being applied changes nothing.
    response = admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "confirm"}, follow=True)
    assert "not ready to confirm" in response.content.decode()
    queued()
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and record.created_count > 0
    assert Result.objects.filter(assessment__school=record.school).count() == record.created_count


@pytest.mark.django_db
def test_an_import_can_be_cancelled_while_it_is_being_read(admin, rw, queued):
    upload(admin, "results_long.csv")
    record = latest()
    admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "cancel"})
    queued()  # the task finds it cancelled and does nothing
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED and not record.preview and not record.parsed


@pytest.mark.django_db
def test_a_task_that_died_is_offered_again_and_the_retry_reads_the_file(admin, rw, queued):
    upload(admin, "results_long.csv")
    record = latest()
    queued.waiting.clear()  # the worker was killed: the task never ran
    assert 'id="import-stopped"' not in page_of(admin, record)
    DataImport.objects.filter(pk=record.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=10))
    page = page_of(admin, record)
    assert 'id="import-stopped"' in page and 'value="retry"' in page and 'http-equiv="refresh"' not in page
    admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "retry"})
    queued()
    record.refresh_from_db()
    assert record.stage == ImportStage.READY and record.preview


@pytest.mark.django_db
def test_an_error_while_reading_is_shown_with_try_again_not_a_500(admin, rw, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(import_jobs, "_compare", broken)
    assert upload(admin, "results_long.csv").status_code == 302
    record = latest()
    assert record.stage == ImportStage.FAILED
    page = page_of(admin, record)
    assert "could not be read" in page and 'value="retry"' in page and 'value="cancel"' in page


@pytest.mark.django_db
def test_an_error_while_applying_writes_nothing_and_is_shown(admin, rw, monkeypatch):
    upload(admin, "results_long.csv")
    record = latest()
    real = results_import._write

    def write_then_fail(rows, *, by_id):
        real(rows, by_id=by_id)
        raise RuntimeError("disk full")

    monkeypatch.setattr(results_import, "_write", write_then_fail)
    response = admin.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "confirm"}, follow=True)
    assert "nothing was changed" in response.content.decode()
    record.refresh_from_db()
    assert record.stage == ImportStage.FAILED and record.status == ImportStatus.PREVIEW
    assert not Result.objects.filter(assessment__school=record.school).exists()


# --- Limits -------------------------------------------------------------------------------------------------


def _bomb(unpacked_mb: int = 60) -> bytes:
    """A workbook-shaped zip whose sheet is ``unpacked_mb`` MB of repeated rows: a few hundred KB packed."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = row * (unpacked_mb * 1024 * 1024 // len(row))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + sheet + b"</sheetData></worksheet>")
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    content = _bomb()
    assert len(content) < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(FileProblem, match="zip bomb"):
        read_tables(content, lambda cells: 1)
    assert time.perf_counter() - started < 5  # refused from the zip's directory: bench import_limits times it
    with pytest.raises(FileProblem, match="unpacks to 60 MB"):
        check_workbook(content, Limits(max_unpacked_bytes=50 * 1024 * 1024, max_compression_ratio=10_000))


@pytest.mark.django_db
def test_an_uploaded_zip_bomb_gets_a_clear_message(admin, rw):
    assert upload(admin, "marks.xlsx", _bomb()).status_code == 302
    page = page_of(admin, latest())
    assert "zip bomb" in page and "cannot be imported" in page


def _csv(rows: int, columns: int = 4) -> bytes:
    header = ",".join(["UPN", "Assessment", "Result"] + [f"Note {i}" for i in range(columns - 3)])
    lines = [header] + [",".join(["A123", "Maths", "100"] + ["x"] * (columns - 3)) for _ in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("limits", "content", "message"),
    [
        (Limits(max_rows=50), _csv(50), None),
        (Limits(max_rows=50), _csv(81), "more than 50 rows"),
        (Limits(max_columns=5), _csv(3, columns=5), None),
        (Limits(max_columns=5), _csv(3, columns=6), "6 columns; at most 5"),
        (Limits(max_cells=100), _csv(30, columns=4), "more than 100 filled cells"),
    ],
)
def test_row_column_and_cell_limits(limits, content, message):
    if message is None:
        (table,) = read_tables(content, lambda cells: 1, limits=limits)
        assert table.rows
    else:
        with pytest.raises(FileProblem, match=message):
            read_tables(content, lambda cells: 1, limits=limits)


def test_the_limits_apply_to_xlsx_too_and_trailing_blank_cells_do_not_count():
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(40):
        sheet.append(["UPN", "Maths", 100, None, None])
    sheet.cell(row=1, column=30, value="")  # a formatted but empty far cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    (table,) = read_tables(buffer.getvalue(), lambda cells: 1, limits=Limits(max_columns=3))
    assert all(len(cells) <= 3 for _, cells in table.rows)
    # Data rows, with room above them for an MIS report's title lines and header (30 rows).
    read_tables(buffer.getvalue(), lambda cells: 1, limits=Limits(max_rows=10, max_columns=3))
    with pytest.raises(FileProblem, match="more than 5 rows"):
        read_tables(buffer.getvalue(), lambda cells: 1, limits=Limits(max_rows=5, max_columns=3))


@pytest.mark.django_db
def test_the_settings_set_the_limits_and_the_page_names_the_setting(admin, rw, settings):
    settings.IMPORT_MAX_ROWS = 1
    header = "UPN,Assessment,Result\n"
    content = (header + "A123,Maths,100\n" * 40).encode()
    upload(admin, "many.csv", content)
    page = page_of(admin, latest())
    assert "IMPORT_MAX_ROWS" in page and "cannot be imported" in page
    assert latest().kind == ImportKind.RESULTS
