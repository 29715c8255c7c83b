"""The provision map on paper and in spreadsheets: Excel (one sheet per view), CSV and PDF.

Each export carries the same content as the screen (``reports.maps.build.ProvisionMap``). Costs and pupil names
appear only when the caller says the reader may see them (``provision.access``: ``can_see_costs``, ``can_see_names_on_map``); the safe default is neither.
No queries here: the maps are built before they are written out.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.maps.build import VIEWS, WAVES, Provision, ProvisionMap

CURRENCY = '"£"#,##0.00'
DATE = "dd/mm/yyyy"
WAVE_LABELS = {1: "Wave 1: quality-first teaching", 2: "Wave 2: catch-up", 3: "Wave 3: personalised"}
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
THIN = Side(style="thin", color="C9D2DC")
GRID = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_safe(value: str) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @ is read as text by Excel
    (as ``pupils.views._csv_safe``). Control characters, which a worksheet cannot hold, are dropped."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _dates(provision: Provision) -> tuple:
    return provision.start_date, provision.end_date


def _lines(map_: ProvisionMap):
    """(row, provision) for every provision of the map, in row then wave order."""
    for row in map_.rows:
        for wave in WAVES:
            cell = row.cells.get(wave)
            for provision in cell.provisions if cell else []:
                yield row, provision


# --- Excel ---------------------------------------------------------------------------------------------


def _columns(view: str, *, show_costs: bool, show_names: bool) -> list[tuple[str, int]]:
    """(heading, width in characters) of the provision table."""
    columns = [
        (VIEWS[view], 16),
        ("Wave", 26),
        ("Provision", 30),
        ("Programme", 22),
        ("Status", 11),
        ("Delivered by", 22),
    ]
    if show_names:
        columns.append(("Staff", 22))
    columns += [("How often", 18), ("Group size", 13), ("Pupils", 8)]
    if show_names:
        columns.append(("Pupil names", 34))
    if show_costs:
        columns += [("Cost", 12), ("Funding", 20)]
    columns += [("Starts", 11), ("Ends", 11)]
    return columns


def _write_sheet(sheet: Worksheet, map_: ProvisionMap, *, show_costs: bool, show_names: bool) -> None:
    columns = _columns(map_.view, show_costs=show_costs, show_names=show_names)
    sheet["A1"] = text_safe(map_.school_name)
    sheet["A1"].font = TITLE_FONT
    period = map_.period
    sheet["A2"] = (
        f"Provision map, {period.label} ({period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}), "
        f"rows by {VIEWS[map_.view].lower()}"
    )
    sheet["A2"].font = Font(italic=True)
    if map_.as_they_were:
        sheet["A3"] = map_.as_they_were
        sheet["A3"].font = Font(italic=True)
    header_row = 4
    for index, (heading, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=heading)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = GRID
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    line = header_row
    for row, provision in _lines(map_):
        line += 1
        values: list = [
            text_safe(row.label),
            WAVE_LABELS.get(provision.wave, f"Wave {provision.wave}"),
            text_safe(provision.name),
            text_safe(provision.programme) or "Bespoke",
            provision.status_label,
            ", ".join(provision.staff_roles),
        ]
        if show_names:
            values.append(text_safe(", ".join(provision.staff_names)))
        values += [provision.frequency, provision.group_size, provision.pupil_count]
        if show_names:
            values.append(text_safe("; ".join(provision.pupil_names)))
        if show_costs:
            values += [provision.cost, provision.funding_label]
        values += list(_dates(provision))
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=index, value=value)
            cell.alignment = WRAP
            cell.border = GRID
            if isinstance(value, Decimal):
                cell.number_format = CURRENCY
            elif hasattr(value, "isoformat"):
                cell.number_format = DATE
    if line == header_row:
        sheet.cell(row=line + 1, column=1, value="No provision in this period.").font = Font(italic=True)
        line += 1
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(line, header_row + 1)}"
    _write_totals(sheet, map_, start=line + 2, show_costs=show_costs)
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _write_totals(sheet: Worksheet, map_: ProvisionMap, *, start: int, show_costs: bool) -> None:
    """The totals block under the table: per row, per wave, per funding source, and the whole map."""
    line = start
    sheet.cell(row=line, column=1, value="Totals").font = SECTION_FONT

    def heading(*labels: str) -> None:
        nonlocal line
        line += 1
        for index, label in enumerate(labels, start=1):
            cell = sheet.cell(row=line, column=index, value=label)
            cell.font = Font(bold=True)
            cell.border = Border(bottom=THIN)

    def entry(label: str, pupils: int | None, cost: Decimal | None) -> None:
        nonlocal line
        line += 1
        sheet.cell(row=line, column=1, value=text_safe(label))
        if pupils is not None:
            sheet.cell(row=line, column=2, value=pupils)
        if show_costs and cost is not None:
            sheet.cell(row=line, column=3, value=cost).number_format = CURRENCY

    cost_heading = ("Cost",) if show_costs else ()
    heading(VIEWS[map_.view], "Pupils", *cost_heading)
    for row in map_.rows:
        entry(row.label, row.pupil_count, row.cost)
    line += 1
    heading("Wave", "Pupils", *cost_heading)
    for wave in WAVES:
        entry(WAVE_LABELS[wave], map_.wave_pupils.get(wave, 0), map_.wave_costs.get(wave, Decimal("0")))
    if show_costs:
        line += 1
        heading("Funding source", "", "Cost")
        for label, cost in map_.funding_costs.items():
            entry(label, None, cost)
    line += 1
    heading("Whole map", "Pupils", *cost_heading)
    entry("All provision (wave 1 strategies have no pupils of their own)", map_.pupils_in_provision, map_.total_cost)
    if show_costs:
        line += 1
        heading("Cost per pupil (wave 1 apart)", "Pupils", "Cost", "Per pupil")
        for wave in (2, 3):
            entry(WAVE_LABELS[wave], map_.wave_pupils.get(wave, 0), map_.wave_costs.get(wave, Decimal("0")))
            _per_pupil(sheet, line, map_.wave_cost_per_pupil.get(wave))
        entry("Waves 2 and 3", map_.pupils_in_provision, map_.targeted_cost)
        _per_pupil(sheet, line, map_.cost_per_pupil)
        for cell in sheet[line]:
            cell.font = Font(bold=True)
        reach = ", ".join(map_.wave1_reach) or "none"
        entry(f"{WAVE_LABELS[1]}: {map_.wave1_strategies} whole-class strategies, reaching {reach}", None,
              map_.wave_costs.get(1, Decimal("0")))  # fmt: skip


def _per_pupil(sheet: Worksheet, line: int, value: Decimal | None) -> None:
    cell = sheet.cell(row=line, column=4, value=value if value is not None else "-")
    cell.number_format = CURRENCY


def map_to_xlsx(maps: dict[str, ProvisionMap], *, show_costs: bool = False, show_names: bool = False) -> bytes:
    """An Excel workbook with one sheet per view (``maps``: view -> map, in the order given)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for view, map_ in maps.items():
        sheet = workbook.create_sheet(title=VIEWS.get(view, view)[:31])
        _write_sheet(sheet, map_, show_costs=show_costs, show_names=show_names)
    if not workbook.worksheets:
        workbook.create_sheet(title="Provision map")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV -----------------------------------------------------------------------------------------------


def map_to_csv(map_: ProvisionMap, *, show_costs: bool = False, show_names: bool = False) -> str:
    """One line per row x wave x provision, with every field (the view adds the BOM Excel needs)."""
    header = [
        "School",
        "Period",
        "Period start",
        "Period end",
        "View",
        "Row key",
        "Row",
        "Wave",
        "Intervention id",
        "Provision",
        "Programme",
        "Status",
        "Status label",
        "Delivered by",
    ]
    if show_names:
        header.append("Staff")
    header += ["How often", "Group size", "Pupils"]
    if show_names:
        header.append("Pupil names")
    if show_costs:
        header += ["Cost", "Funding source", "Funding"]
    header += ["Starts", "Ends", "Rows placed by"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    period = map_.period
    placed_by = (
        ("year group and class then" if map_.past else "year group and class in the period")
        if map_.view in ("year", "class")
        else VIEWS[map_.view].lower()
    )
    for row, provision in _lines(map_):
        values = [
            map_.school_name,
            period.label,
            period.start.isoformat(),
            period.end.isoformat(),
            map_.view,
            row.key,
            row.label,
            provision.wave,
            provision.intervention_id,
            provision.name,
            provision.programme,
            provision.status,
            provision.status_label,
            "; ".join(provision.staff_roles),
        ]
        if show_names:
            values.append("; ".join(provision.staff_names))
        values += [provision.frequency, provision.group_size, provision.pupil_count]
        if show_names:
            values.append("; ".join(provision.pupil_names))
        if show_costs:
            values += [f"{provision.cost:.2f}", provision.funding_source, provision.funding_label]
        values += [provision.start_date.isoformat(), provision.end_date.isoformat() if provision.end_date else ""]
        values.append(placed_by)
        writer.writerow([text_safe(value) if isinstance(value, str) else value for value in values])
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------


def map_to_pdf(html: str, *, stylesheet: str | None = None, base_url: str | None = None) -> bytes:
    """The print template rendered by WeasyPrint with ``stylesheet``, a static file such as ``css/pdf-map.css``
    (page size, margins and page numbers are in its @page CSS). The stylesheet is read from disk through the
    static files finders, never fetched over HTTP: a PDF made in a request or a background task looks the same."""
    from weasyprint import CSS, HTML  # imported here: loading pango costs a fraction of a second at start-up

    stylesheets = [CSS(filename=_static_file(stylesheet))] if stylesheet else []
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)


def _static_file(name: str) -> str:
    path = finders.find(name)
    if path is None:
        raise ImproperlyConfigured(f"The PDF stylesheet {name} is not among the static files.")
    return path
