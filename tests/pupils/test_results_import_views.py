"""Results import pages: upload -> preview -> confirm or cancel, and who may do it."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from django.urls import reverse

from pupils.models import DataImport, ImportKind, ImportStatus, Result
from tests.pupils import import_helpers
from tests.pupils.import_helpers import preview_url

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("autumn_2026")

FILES = Path(__file__).parent / "files"
UPLOAD = reverse("pupils:results_import_upload")


upload = partial(import_helpers.upload, url=UPLOAD)


def held(world, name: str = "results_long.csv") -> DataImport:
    return import_helpers.held(world, name, kind=ImportKind.RESULTS)


@pytest.mark.parametrize("role", ["senco", "admin"])
def test_upload_page_lists_the_columns_and_the_schools_assessments(client, world, rw, role):
    client.force_login(world.users[role])
    response = client.get(UPLOAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "Assessment Name" in page and "Standardised Score" in page and "Date Taken" in page
    assert 'id="school-assessments"' in page
    listed = {item["header"]: item["accepts"] for item in response.context["assessments"]}
    assert listed["Autumn reading test"] == "a whole number, 40 to 160"
    assert listed["Reading age"] == "3:00 to 18:00, as 8:06"
    assert listed["Writing TA"] == "Working towards (WTS); Expected (EXS); Greater depth (GDS)"
    # Two assessments share the name "Maths test": their headers carry the date.
    assert "Maths test (05/10/2026)" in listed and "Maths test (01/02/2027)" in listed and "Maths test" not in listed
    assert "<code>Maths test (05/10/2026)</code>" in page and "12/10/2026" in page


@pytest.mark.parametrize("role", ["teacher", "ta", "leader", "parent"])
def test_other_roles_may_not_import_results(client, world, rw, role):
    client.force_login(world.users[role])
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, "results_long.csv").status_code == 403
    record = held(world)
    assert client.get(preview_url(record)).status_code == 403
    assert client.post(preview_url(record), {"action": "confirm"}).status_code == 403
    assert DataImport.objects.count() == 1 and Result.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_upload_preview_confirm(client, world, rw):
    client.force_login(world.users["senco"])
    response = upload(client, "results_long.csv")
    record = DataImport.objects.get()
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert (record.kind, record.status, record.uploaded_by) == (
        ImportKind.RESULTS,
        ImportStatus.PREVIEW,
        world.users["senco"],
    )

    response = client.get(preview_url(record))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "pupils/results_import_preview.html"
    page = response.content.decode()
    result = response.context["result"]
    assert result.summary() == "created 9, updated 0, unchanged 0, rejected 9"
    assert 'id="rejected-rows"' in page and page.count('<td data-label="Line">') == 9 + 9
    assert "121 is outside the ks2 scaled score range 80-120" in page
    assert "is the name of 2 assessments" in page
    assert 'id="created-rows"' in page and "Ng, Ava" in page and "Reading age (12/10/2026)" in page
    assert "8:06" in page
    assert "Columns ignored: 'Surname', 'Forename'." in page
    assert "Confirm: create 9 and update 0 results" in page
    assert Result.objects.count() == 0  # the preview writes nothing

    response = client.post(preview_url(record), {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert Result.objects.filter(pupil__school=world.school).count() == 9
    assert set(Result.objects.values_list("entered_by", flat=True)) == {world.users["senco"].pk}
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and bytes(record.content) == b""
    assert (record.created_count, record.updated_count, record.unchanged_count, record.rejected_count) == (9, 0, 0, 9)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "results_long.csv imported: created 9, updated 0, unchanged 0, rejected 9. "
        "9 rejected results were not imported."
    ]

    page = client.get(preview_url(record)).content.decode()
    assert 'id="import-summary"' in page and 'id="applied-rejected-rows"' in page
    assert 'value="confirm"' not in page and "cannot be applied again" in page
    # Applying the same held file again does nothing.
    Result.objects.all().delete()
    client.post(preview_url(record), {"action": "confirm"})
    assert Result.objects.count() == 0


def test_preview_of_a_wide_xlsx_shows_changes_old_to_new(client, world, rw):
    Result.objects.create(pupil=rw.pupils["ava"], assessment=rw.assessments["autumn_reading"], value=99, typed="99")
    client.force_login(world.users["admin"])
    upload(client, "results_wide.xlsx")
    response = client.get(preview_url(DataImport.objects.get()))
    page = response.content.decode()
    result = response.context["result"]
    assert (result.created_count, result.updated_count, result.rejected_count, result.blank_count) == (10, 1, 5, 7)
    assert 'id="updated-rows"' in page and "99 &rarr; 104" in page
    assert 'id="assessment-columns"' in page and "'Maths test (05/10/2026)': Maths test (05/10/2026)" in page
    assert "blank" in page and "sheet 'Mark book'" in page
    # Cara's "-" for Writing TA is an absence, counted apart and listed.
    assert result.absent_count == 1 and 'id="absent-rows"' in page and "absence recorded" in page


def test_cancel(client, world, rw):
    client.force_login(world.users["admin"])
    record = held(world)
    response = client.post(preview_url(record), {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED and bytes(record.content) == b""
    client.post(preview_url(record), {"action": "confirm"})
    assert Result.objects.count() == 0
    assert "was cancelled" in client.get(preview_url(record)).content.decode()


def test_another_schools_results_import_is_not_found(client, world, rw):
    client.force_login(world.users["other_senco"])
    record = held(world)
    assert client.get(preview_url(record)).status_code == 404
    assert client.post(preview_url(record), {"action": "confirm"}).status_code == 404
    assert client.post(preview_url(record), {"action": "cancel"}).status_code == 404
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW and Result.objects.count() == 0


def test_a_file_that_cannot_be_used_shows_why_and_cannot_be_confirmed(client, world, rw):
    client.force_login(world.users["admin"])
    upload(client, "short.csv", b"UPN,Assessment\r\nX,Y\r\n")
    record = DataImport.objects.get()
    page = client.get(preview_url(record)).content.decode()
    assert 'id="file-errors"' in page and "the result (e.g. Result" in page and 'value="confirm"' not in page
    response = client.post(preview_url(record), {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW


def test_each_upload_page_lists_its_own_recent_imports(client, world, rw):
    client.force_login(world.users["admin"])
    held(world, "results_subject_date.csv")
    DataImport.objects.create(school=world.school, filename="pupils.csv", content=b"UPN\r\n")
    results_page = client.get(UPLOAD).content.decode()
    pupils_page = client.get(reverse("pupils:import_upload")).content.decode()
    assert "results_subject_date.csv" in results_page and "pupils.csv" not in results_page
    assert "pupils.csv" in pupils_page and "results_subject_date.csv" not in pupils_page
    assert UPLOAD in pupils_page  # the pupil import page points to this one


def test_upload_refuses_other_files(client, world):
    client.force_login(world.users["admin"])
    response = upload(client, "results.pdf", b"%PDF-1.4")
    assert response.status_code == 200 and "upload the export as CSV" in response.content.decode()
    assert DataImport.objects.count() == 0
