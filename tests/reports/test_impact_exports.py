"""The governors' impact report, PDF and Excel, over the school year of tests/reports/test_dashboard.py: opened with
pypdf and openpyxl and read back. Governors must not be able to identify a child: no pupil names, small counts
suppressed."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from pupils.models import Pupil
from reports.dashboard.governors import GLOSSARY
from reports.impact import evaluation
from tests.reports.test_dashboard import make_oak, trust_leader  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def spring_day(time_machine):
    from tests.reports.test_dashboard import TODAY

    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def oak(world):
    return make_oak(world.school, world.pupils)


def _download(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content[:500]
    return response


def _pdf_text(response) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _surnames() -> list[str]:
    return list(Pupil.objects.values_list("legal_last_name", flat=True))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_report_for_governors(client, world, oak):
    response = _download(client, world.users["leader"], "reports:impact_report_pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="impact-report-{world.school.urn}-2026-27.pdf"'
    reader, text = _pdf_text(response)
    flat = _flat(text)
    assert len(reader.pages) >= 3
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    assert "Impact of intervention" in flat and "Oak Primary" in flat and "2026/27" in flat
    # The cover summary in plain words.
    assert "In 2026/27, 10 pupils at Oak Primary had support in 4 interventions" in flat
    assert "1 showed strong evidence of impact" in flat
    assert "Exit results were recorded for 67% of the places that finished (6 of 9)" in flat
    # The verdict table, the thresholds and the glossary.
    assert "Reading catch-up" in flat and "Strong evidence of impact" in flat and "Too little data" in flat
    assert "£50" in flat  # cost per pupil
    assert _flat(evaluation.thresholds_text(evaluation.THRESHOLDS)[0])[:60] in flat
    for term, _meaning in GLOSSARY:
        assert term in flat
    assert "Interventions ranked by impact" in flat  # the chart's title, kept as text in the SVG
    assert "http://testserver/impact/how-judged/" in flat  # where a governor reads the method in full
    # Nobody named; the 3 Year 4 pupils in provision are "fewer than 5"; the reading gap, with only 4 pupil
    # premium pupils tested, is not described (on the dashboard, for staff, it is).
    assert not [name for name in _surnames() if name in flat]
    assert "fewer than 5" in flat
    assert "of pupil premium pupils were at or above" not in flat
    assert "Too few pupils at each assessment to show percentages" in flat  # the governors' gap chart


def test_pdf_for_one_term(client, world, oak):
    response = _download(
        client, world.users["senco"], "reports:impact_report_pdf", period=f"term-{oak['terms']['autumn'].pk}"
    )
    flat = _flat(_pdf_text(response)[1])
    assert "Autumn 2026/27" in flat and "Reading catch-up" in flat
    assert "Talk group" not in flat  # it ran in the spring


def test_excel_report_for_governors(client, world, oak):
    response = _download(client, world.users["admin"], "reports:impact_report_xlsx")
    assert response["Content-Disposition"].endswith('-2026-27.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Interventions", "Programmes", "Pupils in provision", "Needs attention"]

    summary = [c for row in book["Summary"].iter_rows(values_only=True) for c in row if c]
    assert any(str(c).startswith("In 2026/27, 10 pupils at Oak Primary") for c in summary)
    assert any("No pupil is named" in str(c) for c in summary)
    assert "Explained in plain English: http://testserver/impact/how-judged/" in summary

    sheet = book["Interventions"]
    header = [c.value for c in sheet[4]]
    assert header[:3] == ["Intervention", "Programme", "Wave"] and "Cost per pupil" in header
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]}
    catch_up = rows["Reading catch-up"]
    assert catch_up["Verdict"] == "Strong evidence of impact" and catch_up["Recommendation"] == "Continue"
    assert catch_up["How judged"] == "Compared with similar pupils" and catch_up["Effect size g"] > 0.4
    assert catch_up["95% CI low"] > 0 and catch_up["Pupils"] == 6 and catch_up["Cost per pupil"] == 50
    assert rows["Talk group"]["Verdict"] == "Too little data"

    pupils = list(book["Pupils in provision"].iter_rows(values_only=True))
    by_label = {row[0]: row[1:] for row in pupils if row and row[0]}
    assert by_label["Wave 2: small-group catch-up"] == (8, pytest.approx(100 * 8 / 18, abs=0.1))
    assert by_label["Year 4"] == ("fewer than 5", None)  # 3 pupils: suppressed, percentage too
    assert by_label["Year 3"] == (7, pytest.approx(58.3, abs=0.1))

    attention = [c for row in book["Needs attention"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Running past the planned end date" in attention and "Talk group" in attention
    assert "Maths boost" in attention

    everything = " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None
    )
    assert not [name for name in _surnames() if name in everything]


def test_excel_side_by_side_has_a_school_column(client, world, oak, trust_leader):  # noqa: F811
    response = _download(client, trust_leader, "reports:impact_report_xlsx", school="all")
    assert 'filename="impact-report-trust-2026-27.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Interventions"]
    assert sheet["A4"].value == "School"
    lines = {(row[0], row[1]) for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert {("Elm Academy", "Elm literacy"), ("Oak Primary", "Reading catch-up")} <= lines
    header = [c.value for c in book["Pupils in provision"][4]]
    assert header[1:5] == [
        "Elm Academy: pupils",
        "Elm Academy: % of roll",
        "Oak Primary: pupils",
        "Oak Primary: % of roll",
    ]


def test_reports_need_a_term(client, world):
    client.force_login(world.users["other_senco"])  # Elm has no terms here
    assert client.get(reverse("reports:impact_report_pdf")).status_code == 404
    assert client.get(reverse("reports:impact_report_xlsx")).status_code == 404
