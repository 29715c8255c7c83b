"""Upload -> preview -> confirm or cancel, and who may do it."""

from __future__ import annotations

import datetime as dt
from functools import partial
from html import escape
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pupils.models import DataImport, ImportKind, ImportStatus, Pupil, TeachingGroup
from tests.pupils import import_helpers
from tests.pupils.import_helpers import preview_url

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

FILES = Path(__file__).parent / "files"
UPLOAD = reverse("pupils:import_upload")


upload = partial(import_helpers.upload, url=UPLOAD)


def held(world, name: str = "sims_export.csv") -> DataImport:
    return import_helpers.held(world, name, kind=ImportKind.PUPILS)


@pytest.mark.parametrize("role", ["senco", "admin"])
def test_upload_page_lists_the_recognised_columns(client, world, role):
    client.force_login(world.users[role])
    response = client.get(UPLOAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "Unique Pupil Number" in page and "Date of Birth" in page and "Tutor Group" in page


@pytest.mark.parametrize("role", ["teacher", "ta", "leader", "parent"])
def test_other_roles_may_not_import(client, world, role):
    client.force_login(world.users[role])
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, "sims_export.csv").status_code == 403
    record = held(world)
    assert client.get(preview_url(record)).status_code == 403
    assert client.post(preview_url(record), {"action": "confirm"}).status_code == 403
    assert DataImport.objects.count() == 1 and Pupil.objects.count() == 4


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_upload_preview_confirm(client, world):
    client.force_login(world.users["admin"])
    response = upload(client, "sims_export.csv")
    record = DataImport.objects.get()
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert (record.school, record.uploaded_by, record.filename) == (
        world.school,
        world.users["admin"],
        "sims_export.csv",
    )
    assert bytes(record.content) == (FILES / "sims_export.csv").read_bytes()
    assert record.status == ImportStatus.PREVIEW

    response = client.get(preview_url(record))
    assert response.status_code == 200
    page = response.content.decode()
    result = response.context["result"]
    assert result.summary() == "created 8, updated 0, unchanged 0, rejected 9"
    assert 'id="rejected-rows"' in page
    rejected = [(e.line, e.column) for e in result.errors]
    assert (10, "DOB") in rejected and (14, "SEN Status") in rejected
    assert '<td data-label="Line">10</td>' in page
    assert "this looks like a US month/day date" in page
    assert "replaced by K (SEN support) in 2015" in page
    assert "Zoë" in page and "O&#x27;Connor" in page and "Nguyễn" in page
    assert "Columns ignored: 'Ethnicity'." in page
    assert 'value="confirm"' in page
    assert Pupil.objects.count() == 4  # nothing written by the preview

    response = client.post(preview_url(record), {"action": "confirm"})
    # The record's page then shows what was done and the rows to fix.
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert Pupil.objects.filter(school=world.school).count() == 3 + 8
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and bytes(record.content) == b""
    assert (record.created_count, record.updated_count, record.unchanged_count, record.rejected_count) == (8, 0, 0, 9)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "sims_export.csv imported: created 8, updated 0, unchanged 0, rejected 9. 9 rejected rows were not imported."
    ]


def test_an_applied_import_cannot_be_applied_again(client, world):
    client.force_login(world.users["senco"])
    record = held(world)
    client.post(preview_url(record), {"action": "confirm"})
    Pupil.objects.filter(legal_first_name="Zoë").delete()  # if it were applied again, Zoë would come back
    response = client.post(preview_url(record), {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert not Pupil.objects.filter(legal_first_name="Zoë").exists()
    response = client.get(preview_url(record))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="import-summary"' in page
    assert 'value="confirm"' not in page and "cannot be applied again" in page


def test_cancel(client, world):
    client.force_login(world.users["admin"])
    record = held(world)
    response = client.post(preview_url(record), {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED and bytes(record.content) == b""
    assert Pupil.objects.count() == 4
    assert client.post(preview_url(record), {"action": "confirm"}).status_code == 302
    assert Pupil.objects.count() == 4
    assert "was cancelled" in client.get(preview_url(record)).content.decode()


def test_another_schools_import_is_not_found(client, world):
    client.force_login(world.users["other_senco"])
    record = held(world)
    assert client.get(preview_url(record)).status_code == 404
    assert client.post(preview_url(record), {"action": "confirm"}).status_code == 404
    assert client.post(preview_url(record), {"action": "cancel"}).status_code == 404
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW and Pupil.objects.count() == 4


def test_preview_lists_changes_to_existing_pupils(client, world):
    client.force_login(world.users["senco"])
    pupil = world.pupils[0]
    content = (
        "UPN,Surname,Forename,DOB,Year,Class,SEN Status,Primary Need\r\n"
        f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},14/03/2019,3,3C,K,ASD\r\n"
    ).encode()
    upload(client, "changes.csv", content)
    record = DataImport.objects.get()
    page = client.get(preview_url(record)).content.decode()
    assert 'id="updated-rows"' in page
    assert "3B &rarr; 3C" in page and "N (No SEN) &rarr; K (SEN support)" in page and "(blank) &rarr; ASD" in page
    assert "New classes to create: 3C" in page
    client.post(preview_url(record), {"action": "confirm"})
    pupil.refresh_from_db()
    assert (pupil.registration_group.name, pupil.sen_status, pupil.primary_need) == ("3C", "K", "ASD")
    assert TeachingGroup.objects.filter(school=world.school, name="3C").exists()


def test_xlsx_upload(client, world):
    client.force_login(world.users["admin"])
    upload(client, "arbor_export.xlsx")
    result = client.get(preview_url(DataImport.objects.get())).context["result"]
    assert (result.created_count, result.rejected_count, result.sheet, result.header_line) == (4, 1, "Students", 3)


def test_a_file_that_cannot_be_read_shows_why_and_cannot_be_confirmed(client, world):
    client.force_login(world.users["admin"])
    upload(client, "short.csv", b"UPN,Surname,Forename\r\nX,Y,Z\r\n")
    record = DataImport.objects.get()
    response = client.get(preview_url(record))
    page = response.content.decode()
    assert 'id="file-errors"' in page and "date of birth" in page and 'value="confirm"' not in page
    response = client.post(preview_url(record), {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW and Pupil.objects.count() == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pupils.pdf", b"%PDF-1.4", "upload the export as CSV"),
        ("pupils", b"UPN", "without an extension"),
        ("pupils.csv", b"", "empty"),
    ],
)
def test_upload_refuses_other_files(client, world, name, content, message):
    client.force_login(world.users["admin"])
    response = upload(client, name, content)
    assert response.status_code == 200 and message in response.content.decode()
    assert DataImport.objects.count() == 0


def test_upload_refuses_files_over_the_limit(client, world, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(world.users["admin"])
    response = upload(client, "sims_export.csv")
    assert response.status_code == 200 and "the largest file accepted is 100" in response.content.decode()
    assert DataImport.objects.count() == 0


def test_upload_without_a_file(client, world):
    client.force_login(world.users["admin"])
    response = client.post(UPLOAD, {})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_unknown_action(client, world):
    client.force_login(world.users["admin"])
    assert client.post(preview_url(held(world)), {"action": "explode"}).status_code == 400


def test_upload_under_another_field_name(client, world):
    client.force_login(world.users["admin"])
    content = (FILES / "semicolon_cp1252.csv").read_bytes()
    response = client.post(UPLOAD, {"export": SimpleUploadedFile("pupils.csv", content)})
    assert response.status_code == 302 and DataImport.objects.get().filename == "pupils.csv"


@pytest.mark.django_db
def test_rejected_rows_stay_on_record_after_applying(client, world):
    content = (FILES / "sims_export.csv").read_bytes()
    client.force_login(world.users["admin"])
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, 0), tick=False):
        client.post(reverse("pupils:import_upload"), {"file": SimpleUploadedFile("sims_export.csv", content)})
        record = DataImport.objects.get(school=world.school)
        client.post(reverse("pupils:import_preview", args=[record.pk]), {"action": "confirm"})
        record.refresh_from_db()
        page = client.get(reverse("pupils:import_preview", args=[record.pk])).content.decode()
    assert bytes(record.content) == b""
    assert record.rejected_count > 0
    assert len({row["line"] for row in record.rejected_rows}) == record.rejected_count
    assert all({"line", "column", "value", "reason"} <= set(row) for row in record.rejected_rows)
    first = record.rejected_rows[0]
    assert f"<td>{first['line']}</td>" in page and escape(first["reason"]) in page


@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("pupils:import_upload", "MIS export"),
        ("pupils:results_import_upload", "Results file"),
        ("interventions:checks_import", "File of scores"),
    ],
)
def test_each_kind_names_its_file_on_the_upload_page_and_after_a_refused_upload(client, world, url_name, label):
    client.force_login(world.users["admin"])
    url = reverse(url_name)
    for response in (client.get(url), client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF")})):
        assert response.status_code == 200
        assert response.context["form"]["file"].label == label
    assert "upload the export as CSV" in response.content.decode()
