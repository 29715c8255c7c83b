"""The provision map's exports: Excel, CSV and PDF, as pure functions over a hand-built map and through the views."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from provision.models import Term
from reports.maps.build import VIEWS, Cell, Period, Provision, ProvisionMap, Row
from reports.maps.exports import map_to_csv, map_to_pdf, map_to_xlsx
from tests import factories as f

D = Decimal
AUTUMN = Period(label="Autumn 2026/27", start=dt.date(2026, 9, 2), end=dt.date(2026, 12, 18))


def _provision(name: str, *, wave: int = 2, cost: str = "100.00", pupils: list[str] | None = None, **extra):
    pupils = ["Ash, Ann", "Birch, Ben"] if pupils is None else pupils
    fields = {
        "intervention_id": abs(hash(name)) % 1000,
        "name": name,
        "programme": "Toe by Toe",
        "wave": wave,
        "status": "running",
        "status_label": "Running",
        "staff_roles": ["Teaching assistant"],
        "staff_names": ["Tia Assistant"],
        "frequency": "3 x 30 min a week",
        "group_size": "Group of 2",
        "pupil_count": len(pupils),
        "pupil_names": pupils,
        "cost": D(cost),
        "funding_source": "pupil_premium",
        "funding_label": "Pupil premium",
        "start_date": dt.date(2026, 9, 14),
        "end_date": dt.date(2026, 12, 11),
    }
    fields.update(extra)
    return Provision(**fields)


def sample_map(view: str = "year") -> ProvisionMap:
    """Two rows: Year 3 with a wave 1 strategy and a catch-up group; Year 4 with a 1:1 whose name is a formula."""
    timetables = _provision(
        "Visual timetables", wave=1, cost="20.00", pupils=[], frequency="Ongoing", group_size="Whole class"
    )
    reading = _provision("Reading boost", cost="235.00")
    sneaky = _provision(
        "=HYPERLINK(\"http://evil\")", wave=3, cost="132.86", pupils=["-Dee, Dot"], status="planned",
        status_label="Planned", end_date=None,
    )  # fmt: skip
    year3 = Row(
        key="3",
        label="Year 3",
        cells={1: Cell([timetables]), 2: Cell([reading]), 3: Cell()},
        pupil_count=2,
        cost=D("255.00"),
    )
    year4 = Row(
        key="4", label="Year 4", cells={1: Cell(), 2: Cell(), 3: Cell([sneaky])}, pupil_count=1, cost=D("132.86")
    )
    return ProvisionMap(
        school_name="Oak Primary",
        period=AUTUMN,
        view=view,
        rows=[year3, year4],
        wave_costs={1: D("20.00"), 2: D("235.00"), 3: D("132.86")},
        wave_pupils={1: 0, 2: 2, 3: 1},
        funding_costs={"Pupil premium": D("387.86")},
        total_cost=D("387.86"),
        wave_cost_per_pupil={2: D("117.50"), 3: D("132.86")},
        targeted_cost=D("367.86"),
        wave1_strategies=1,
        wave1_reach=["Year 3"],
        pupils_in_provision=3,
        cost_per_pupil=D("122.62"),
    )


def _cells(sheet) -> list:
    return [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]


# --- Excel -----------------------------------------------------------------------------------------------


def test_xlsx_has_a_formatted_sheet_per_view():
    body = map_to_xlsx({view: sample_map(view) for view in VIEWS}, show_costs=True, show_names=True)
    workbook = load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Year group", "Class", "Area of need", "Subject"]
    sheet = workbook["Year group"]
    assert sheet["A1"].value == "Oak Primary"
    assert "Autumn 2026/27" in sheet["A2"].value
    assert sheet.freeze_panes == "A5"
    headers = [cell.value for cell in sheet[4] if cell.value]
    assert headers[:3] == ["Year group", "Wave", "Provision"]
    assert all(cell.font.bold for cell in sheet[4] if cell.value)
    assert sheet.column_dimensions["C"].width == 30
    values = _cells(sheet)
    assert "Reading boost" in values
    assert "Running" in values and "Planned" in values  # status in words
    cost_column = headers.index("Cost") + 1
    cost = next(row[cost_column - 1] for row in sheet.iter_rows(min_row=5) if row[2].value == "Reading boost")
    assert cost.value == 235 and "£" in cost.number_format
    assert "Tia Assistant" in values and "Ash, Ann; Birch, Ben" in values
    assert "Totals" in values and "Cost per pupil (wave 1 apart)" in values
    assert any(v == 387.86 or v == D("387.86") for v in values)
    # Per pupil, waves 2 and 3 only: (235.00 + 132.86) / 3 = 122.62; wave 1 on a line of its own, no pupils.
    per_pupil = next(row for row in sheet.iter_rows() if row[0].value == "Waves 2 and 3")
    assert [cell.value for cell in per_pupil[1:4]] == [3, 367.86, 122.62]
    assert any(isinstance(v, str) and v.startswith("Wave 1: quality-first teaching: 1 whole-class") for v in values)


def test_xlsx_without_costs_or_names_by_default():
    workbook = load_workbook(io.BytesIO(map_to_xlsx({"year": sample_map()})))
    values = _cells(workbook.active)
    assert "Cost" not in values and "Cost per pupil" not in values and "Funding source" not in values
    assert "Tia Assistant" not in values and "Ash, Ann; Birch, Ben" not in values
    assert "Reading boost" in values


def test_xlsx_guards_formulas():
    workbook = load_workbook(io.BytesIO(map_to_xlsx({"year": sample_map()}, show_names=True)))
    values = _cells(workbook.active)
    assert '\'=HYPERLINK("http://evil")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_xlsx_of_an_empty_map_says_so():
    empty = replace(sample_map(), rows=[], total_cost=D("0"), pupils_in_provision=0, cost_per_pupil=None)
    values = _cells(load_workbook(io.BytesIO(map_to_xlsx({"year": empty}, show_costs=True))).active)
    assert "No provision in this period." in values


# --- CSV -------------------------------------------------------------------------------------------------


def test_csv_has_one_line_per_row_wave_and_provision():
    rows = list(csv.DictReader(io.StringIO(map_to_csv(sample_map(), show_costs=True, show_names=True))))
    assert [(r["Row"], r["Wave"], r["Provision"]) for r in rows] == [
        ("Year 3", "1", "Visual timetables"),
        ("Year 3", "2", "Reading boost"),
        ("Year 4", "3", '\'=HYPERLINK("http://evil")'),
    ]
    reading = rows[1]
    assert reading["School"] == "Oak Primary" and reading["Period"] == "Autumn 2026/27"
    assert reading["Cost"] == "235.00" and reading["Funding"] == "Pupil premium"
    assert reading["Pupil names"] == "Ash, Ann; Birch, Ben" and reading["Staff"] == "Tia Assistant"
    assert reading["Starts"] == "2026-09-14" and reading["Ends"] == "2026-12-11"
    assert rows[2]["Pupil names"] == "'-Dee, Dot" and rows[2]["Ends"] == ""
    assert rows[2]["Status label"] == "Planned"


def test_csv_without_costs_or_names_by_default():
    header = next(csv.reader(io.StringIO(map_to_csv(sample_map()))))
    assert "Cost" not in header and "Pupil names" not in header and "Staff" not in header


# --- PDF -------------------------------------------------------------------------------------------------


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_renders_html_in_landscape_a4():
    html = "<style>@page { size: A4 landscape }</style><h1>Oak Primary</h1><p>Reading boost</p>"
    body = map_to_pdf(html)
    assert body.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(body)).pages[0]
    assert round(float(page.mediabox.width)) == 842 and round(float(page.mediabox.height)) == 595
    text = _pdf_text(body)
    assert "Oak Primary" in text and "Reading boost" in text


# --- Through the views ------------------------------------------------------------------------------------


def _autumn(school) -> Term:
    return Term.objects.for_school(school).get(name="autumn")


def _add_groups(school, *, groups: int, pupils_each: int) -> None:
    for index in range(groups):
        intervention = f.InterventionFactory(
            school=school, name=f"Catch-up group {index}", resources_cost=D("60"), funding_source="pupil_premium"
        )
        for _ in range(pupils_each):
            f.PlacementFactory(intervention=intervention, pupil=f.PupilFactory(school=school))


def _get(client, world, name: str, **params):
    params.setdefault("term", _autumn(world.school).pk)
    return client.get(reverse(name), params)


@pytest.mark.django_db
def test_xlsx_endpoint(client, world):
    _add_groups(world.school, groups=2, pupils_each=2)
    client.force_login(world.users["senco"])
    response = _get(client, world, "reports:map_xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == list(VIEWS.values())
    values = _cells(workbook["Year group"])
    assert "Oak Primary" in values and "Catch-up group 0" in values and "Cost" in values


@pytest.mark.django_db
def test_csv_endpoint_hides_costs_from_a_teacher(client, world):
    _add_groups(world.school, groups=1, pupils_each=2)
    client.force_login(world.users["teacher"])
    response = _get(client, world, "reports:map_csv", view="need")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and rows[0]["View"] == "need" and rows[0]["Provision"] == "Catch-up group 0"
    assert "Cost" not in rows[0]


@pytest.mark.django_db
def test_pdf_endpoint(client, world):
    _add_groups(world.school, groups=2, pupils_each=2)
    client.force_login(world.users["senco"])
    response = _get(client, world, "reports:map_pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Oak Primary" in text and "Catch-up group 1" in text and "Autumn 2026/27" in text


@pytest.mark.django_db
def test_other_schools_term_is_a_404(client, world):
    f.school_year(world.other_school)
    client.force_login(world.users["senco"])
    response = client.get(reverse("reports:map_csv"), {"term": _autumn(world.other_school).pk})
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reports:map_xlsx", "reports:map_csv", "reports:map_pdf"])
def test_exports_make_as_many_queries_for_a_large_school_as_a_small_one(client, world, name):
    client.force_login(world.users["senco"])
    _add_groups(world.school, groups=2, pupils_each=1)
    _get(client, world, name)  # warm caches (content types, templates)
    with CaptureQueriesContext(connection) as small:
        assert _get(client, world, name).status_code == 200
    _add_groups(world.school, groups=12, pupils_each=5)
    with CaptureQueriesContext(connection) as large:
        assert _get(client, world, name).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def _large_map(provisions: int = 250, rows: int = 13) -> ProvisionMap:
    """A whole year at a large school: ``provisions`` spread over ``rows`` year groups and the three waves."""
    built = []
    for index in range(rows):
        cells = {1: Cell(), 2: Cell(), 3: Cell()}
        built.append(Row(key=str(index), label=f"Year {index}", cells=cells, pupil_count=0, cost=D("0")))
    for number in range(provisions):
        wave = number % 3 + 1
        names = [f"Pupil{number:03d}, Name{k}" for k in range(8)]
        provision = _provision(f"Provision {number:03d}", wave=wave, pupils=names, intervention_id=number)
        built[number % rows].cells[wave].provisions.append(provision)
    for row in built:
        row.pupil_count = sum(p.pupil_count for cell in row.cells.values() for p in cell.provisions)
        row.cost = sum((cell.cost for cell in row.cells.values()), D("0"))
    return replace(sample_map(), rows=built)


def _render_map_pdf(map_: ProvisionMap, *, show_names: bool, show_costs: bool) -> str:
    from django.template.loader import render_to_string

    html = render_to_string(
        "reports/map_pdf.html",
        {"map": map_, "show_costs": show_costs, "show_names": show_names, "view_label": VIEWS[map_.view],
         "printed_on": dt.date(2026, 11, 25)},
    )  # fmt: skip
    return _pdf_text(map_to_pdf(html, stylesheet="css/pdf-map.css"))


def test_pdf_of_a_large_map_has_every_provision_and_names_only_when_allowed():
    large = _large_map()
    text = _render_map_pdf(large, show_names=True, show_costs=True)
    assert "Oak Primary" in text and "2026/27" in text
    assert "Provision 000" in text and "Provision 249" in text
    assert "Pupil249, Name7" in text and "Cost per pupil" in text
    hidden = _render_map_pdf(large, show_names=False, show_costs=False)
    assert "Provision 000" in hidden and "Provision 249" in hidden
    assert "Pupil000" not in hidden and "Pupil249" not in hidden and "Cost per pupil" not in hidden
