"""The governors' impact report: the words of its cover summary, its glossary, and the Excel workbook.

Governors must not be able to identify a child: the report carries counts and verdicts, never a pupil's name,
and the breakdowns of pupils by year group and by need show counts under 5 as "fewer than 5" (with no
percentage, which would give the count away). No queries here: the dashboard is built before it is written out
(``reports.dashboard.board.build``); the PDF is WeasyPrint over ``reports/impact_report_pdf.html``.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.dashboard.build import SMALL_COUNT, WAVE_LABELS, suppress_small
from reports.maps.exports import GRID, HEADER_FILL, HEADER_FONT, SECTION_FONT, TITLE_FONT, WRAP, text_safe

if TYPE_CHECKING:  # the dashboard is built by the view module; only its shape is needed here
    from reports.dashboard.board import Dashboard

GLOSSARY: list[tuple[str, str]] = [
    ("Intervention", "Extra, time-limited support on top of everyday teaching, for a group of pupils or one pupil."),
    (
        "Wave 1, 2 and 3",
        "Wave 1 is good teaching for everyone; wave 2 is small-group catch-up; wave 3 is highly personalised "
        "support, often for pupils with special educational needs.",
    ),
    (
        "Entry and exit results",
        "The pupil's assessment result when they start and when they finish the intervention. Without both, we "
        "cannot tell whether it helped.",
    ),
    (
        "Comparison group",
        "Pupils in the same year group who started at a similar level and sat the same assessments, but did not "
        "have this kind of support. Their progress shows what would probably have happened anyway.",
    ),
    (
        "Effect size",
        "How much higher the pupils scored than similar pupils who started at the same level, on a common scale so "
        "that different tests can be compared: standard deviations of attainment, the scale of the EEF Toolkit. "
        "0 means no difference; 0.2 is about three months' extra progress; 0.4 about five.",
    ),
    (
        "Hedges' g",
        "The effect size we use: the difference in exit scores between the group and the comparison group, "
        "adjusted for where each pupil started, divided by the spread of attainment across the year group "
        "(not the spread of the gains, which would make effects look several times larger), corrected for "
        "small numbers.",
    ),
    (
        "Before and after only",
        "When there is no comparison group, the pupils' own rise. It is not an effect size: pupils make progress "
        "anyway, and pupils chosen for low scores score higher next time by chance. Never 'strong evidence'.",
    ),
    (
        "95% confidence interval",
        "The range the true effect probably lies in. With few pupils it is wide. If it includes 0, we cannot be "
        "sure the intervention made a difference.",
    ),
    (
        "Months of progress",
        "The effect size turned into extra months of progress, using the Education Endowment Foundation's "
        "Teaching and Learning Toolkit table.",
    ),
    (
        "Ratio gain",
        "For reading and spelling ages: the months gained divided by the months that passed. 1 is ordinary "
        "progress; 2 or more is a useful gain.",
    ),
    ("Cost per pupil", "The intervention's staff time, resources and external costs divided by its pupils."),
    (
        "Pupil premium",
        "Extra funding for pupils from disadvantaged backgrounds. The gap compares them with the other pupils.",
    ),
    (
        "Expected standard",
        "The level a pupil of that age is expected to reach on the assessment (for reading and spelling ages: "
        "their own age, less the school's tolerance).",
    ),
]


def svg_image(svg: str) -> str:
    """A chart as a data URI for an <img> in the PDF: WeasyPrint draws it as an image of its own, without reading
    its inline styles as the page's CSS (slow, and noisy in the log)."""
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def pdf_charts(board: Dashboard) -> dict[str, str]:
    """The report's charts as data URIs (the breakdown charts are left out: their small counts are shown, in
    the report's tables, as "fewer than 5")."""
    return {
        "forest": svg_image(board.forest_chart),
        "cost": svg_image(board.cost_chart),
        "gap": svg_image(board.gap_chart),
        "attendance": svg_image(board.attendance_chart),
    }


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def plain_summary(board: Dashboard) -> list[str]:
    """The cover page in plain words: who was in provision, what worked, what needs attention."""
    selection, head = board.selection, board.headline
    where = " and ".join(board.names[s.pk] for s in selection.schools)
    lines = []
    share = f" ({100 * head['pupils'] / board.on_roll:.0f}% of pupils on roll)" if board.on_roll else ""
    lines.append(
        f"In {selection.label}, {suppress_small(head['pupils'])} pupils at {where} had support in "
        f"{_plural(head['running'], 'intervention')}{share}."
    )
    judged = sum(head[key] for key in ("strong", "some", "promising", "inconclusive", "none", "negative"))
    if judged:
        lines.append(
            f"Of the {_plural(judged, 'intervention')} with enough data to judge, {head['strong']} showed strong "
            f"evidence of impact, {head['some']} some impact, {head['promising']} promising but not yet clear "
            f"results, {head['inconclusive']} inconclusive results (the data cannot tell yet), {head['no_clear']} "
            f"no clear impact and {head['negative']} a negative effect."
        )
    else:
        lines.append("No intervention in this period has enough entry and exit results yet to judge its impact.")
    if head["too_little"]:
        lines.append(
            f"{_plural(head['too_little'], 'intervention')} had too little data to judge: too few pupils, or "
            "entry and exit results missing."
        )
    recommendations: dict[str, int] = {}
    for row in board.impact_rows + board.too_little:
        recommendations[row["recommendation_label"]] = recommendations.get(row["recommendation_label"], 0) + 1
    if recommendations:
        lines.append(
            "Recommendations: " + ", ".join(f"{label.lower()} {n}" for label, n in recommendations.items()) + "."
        )
    if head["finished"]:
        lines.append(
            f"Exit results were recorded for {head['pct_exit']:.0f}% of the places that finished "
            f"({head['with_exit']} of {head['finished']})."
        )
    low = [row for row in board.attendance_rows if row["below"]]
    if low:
        lines.append(
            f"Attendance was below {board.low_attendance:.0f}% in {_plural(len(low), 'intervention')}: pupils "
            "cannot benefit from sessions they miss."
        )
    overdue = board.attention["overdue"]
    if overdue:
        lines.append(
            f"{_plural(len(overdue), 'intervention is', 'interventions are')} running past the planned end date."
        )
    for school in selection.schools:
        gaps = [
            row
            for row in board.gap_rows
            if row["school"] == board.names[school.pk] and min(row["n_pp"], row["n_other"]) >= SMALL_COUNT
        ]
        if gaps and selection.gap_subject:
            last = gaps[-1]
            lines.append(
                f"{selection.gap_subject} at {board.names[school.pk]}, {last['date']:%B %Y}: {last['pct_pp']} of pupil "
                f"premium pupils were at or above the expected standard, against {last['pct_other']} of other "
                f"pupils (a gap of {last['gap']} percentage points)."
            )
    if board.rethink_count:
        lines.append(
            f"{suppress_small(board.rethink_count)} pupils have had two or more interventions in one subject without "
            "progress that lasted; the SENCO is asked to rethink their support rather than add another group."
        )
    return lines


# --- Excel --------------------------------------------------------------------------------------------------


def _header(sheet: Worksheet, row: int, headings: list[tuple[str, int]]) -> None:
    for index, (heading, width) in enumerate(headings, start=1):
        cell = sheet.cell(row=row, column=index, value=heading)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = GRID
        current = sheet.column_dimensions[get_column_letter(index)].width or 0
        sheet.column_dimensions[get_column_letter(index)].width = max(width, current)


def _line(sheet: Worksheet, row: int, values: list) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=index, value=text_safe(value) if isinstance(value, str) else value)
        cell.alignment = WRAP
        cell.border = GRID
        if isinstance(value, float):
            cell.number_format = "0.00"


def _title(sheet: Worksheet, board: Dashboard, heading: str) -> int:
    sheet["A1"] = heading
    sheet["A1"].font = TITLE_FONT
    selection = board.selection
    sheet["A2"] = text_safe(
        f"{' and '.join(board.names[s.pk] for s in selection.schools)} · {selection.label}"
        + (f" · {selection.subject}" if selection.subject else "")
    )
    sheet["A2"].font = Font(italic=True)
    return 4


def _summary_sheet(sheet: Worksheet, board: Dashboard, *, method_url: str = "") -> None:
    line = _title(sheet, board, "Impact of intervention: report for governors")
    sheet.column_dimensions["A"].width = 110
    sheet.cell(row=line, column=1, value="Summary").font = SECTION_FONT
    for sentence in plain_summary(board):
        line += 1
        sheet.cell(row=line, column=1, value=text_safe(sentence)).alignment = WRAP
    line += 2
    sheet.cell(row=line, column=1, value="How the verdicts are decided").font = SECTION_FONT
    for rule in board.thresholds:
        line += 1
        sheet.cell(row=line, column=1, value=text_safe(rule)).alignment = WRAP
    if method_url:
        line += 1
        sheet.cell(row=line, column=1, value=f"Explained in plain English: {method_url}").alignment = WRAP
    line += 2
    sheet.cell(row=line, column=1, value="Words used in this report").font = SECTION_FONT
    for term, meaning in GLOSSARY:
        line += 1
        sheet.cell(row=line, column=1, value=f"{term}: {meaning}").alignment = WRAP
    line += 2
    sheet.cell(row=line, column=1, value="No pupil is named in this report; counts under 5 are not shown.").font = Font(
        italic=True
    )


def _interventions_sheet(sheet: Worksheet, board: Dashboard) -> None:
    line = _title(sheet, board, "Interventions")
    multi = board.selection.side_by_side
    headings = [("School", 22)] if multi else []
    headings += [
        ("Intervention", 32), ("Programme", 24), ("Wave", 8), ("Pupils", 8), ("Pupils with entry and exit results", 14),
        ("Effect size g", 10), ("How judged", 26), ("95% CI low", 10), ("95% CI high", 10), ("Months of progress", 10),
        ("Attendance %", 11),
    ]  # fmt: skip
    if board.selection.show_costs:
        headings.append(("Cost per pupil", 12))
    headings += [("Verdict", 24), ("Recommendation", 16), ("Why", 60)]
    _header(sheet, line, headings)
    sheet.freeze_panes = sheet.cell(row=line + 1, column=1)
    for row in board.impact_rows + board.too_little:
        line += 1
        values: list = [row["school"]] if multi else []
        values += [
            row["name"],
            row["programme"] or "Bespoke",
            row["wave"],
            row["n_placed"],
            row["n_measured"],
            row["effect"],
            row["method_label"],
            row["low"],
            row["high"],
            row["months_value"],
            None if row["attendance_pct"] is None else round(row["attendance_pct"]),
        ]
        if board.selection.show_costs:
            values.append(row["cost_per_pupil"])
        values += [row["verdict"]["label"], row["recommendation_label"], "; ".join(row["reasons"])]
        _line(sheet, line, values)
        if board.selection.show_costs:
            sheet.cell(row=line, column=len(values) - 3).number_format = '"£"#,##0'
    if not board.impact_rows and not board.too_little:
        sheet.cell(row=line + 1, column=1, value="No interventions with pupils in this period.")


def _programmes_sheet(sheet: Worksheet, board: Dashboard) -> None:
    line = _title(sheet, board, "Programmes (all their groups in the period)")
    headings = [
        ("Programme", 32), ("Groups", 8), ("Pupils", 8), ("Pupils with entry and exit results", 14),
        ("Effect size g", 10), ("How judged", 26), ("95% CI", 16), ("I² (groups disagree)", 12),
        ("Months of progress", 10),
    ]  # fmt: skip
    if board.selection.show_costs:
        headings.append(("Cost per pupil", 12))
    headings += [("Verdict", 24), ("Recommendation", 16), ("Why", 60)]
    _header(sheet, line, headings)
    for row in board.programme_rows:
        line += 1
        values: list = [
            row["name"], row["n_groups"], row["n_placed"], row["n_measured"], row["effect_text"],
            row["method_label"], row["ci"], row["i2"] or "", row["months"] or "",
        ]  # fmt: skip
        if board.selection.show_costs:
            values.append(row["cost_per_pupil_text"])
        values += [row["verdict"]["label"], row["recommendation_label"], "; ".join(row["reasons"])]
        _line(sheet, line, values)
    if not board.programme_rows:
        sheet.cell(row=line + 1, column=1, value="No programme from the catalogue ran in this period.")


def _pupils_sheet(sheet: Worksheet, board: Dashboard) -> None:
    line = _title(sheet, board, "Pupils in provision (distinct pupils; counts under 5 not shown)")
    schools = board.selection.schools
    titles = {"wave": "Wave", "year": "Year group (then)" if board.past else "Year group", "need": "Primary SEN need"}
    for key, rows in board.breakdown.items():
        headings = [(titles[key], 34)]
        for school in schools:
            prefix = f"{board.names[school.pk]}: " if len(schools) > 1 else ""
            headings += [(f"{prefix}pupils", 14), (f"{prefix}% of {'roll' if key == 'wave' else 'those on roll'}", 14)]
        _header(sheet, line, headings)
        for row in rows:
            if key == "year" and not any(cell["pupils"] or cell["base"] for cell in row["cells"]):
                continue
            line += 1
            values: list = [WAVE_LABELS.get(row["key"], row["label"]) if key == "wave" else row["label"]]
            for cell in row["cells"]:
                hidden = 0 < cell["pupils"] < SMALL_COUNT
                values.append(suppress_small(cell["pupils"]) if hidden else cell["pupils"])
                values.append(None if hidden or cell["pct"] is None else round(cell["pct"], 1))
            _line(sheet, line, values)
        line += 2
    for reach in board.wave1:  # wave 1 reaches classes, not named pupils
        prefix = f"{board.names[reach['school_id']]}: " if len(schools) > 1 else ""
        covering = (
            f"{reach['strategies']} whole-class strategies covering {reach['year_count']} of {reach['all_years']} "
            f"year groups and {reach['classes']} of {reach['all_classes']} classes"
            if reach["strategies"]
            else "no whole-class strategies"
        )
        _line(sheet, line, [f"{prefix}{WAVE_LABELS[1]}: {covering}"])
        line += 1


def _attention_sheet(sheet: Worksheet, board: Dashboard) -> None:
    line = _title(sheet, board, "Needs attention")
    multi = board.selection.side_by_side
    lead = [("School", 22)] if multi else []
    blocks = [
        (
            "Running past the planned end date",
            [("Intervention", 36), ("Planned end", 12), ("School days over", 10), ("Status", 12)],
            [[r["name"], r["end_date"], r["days_over"], r["status"].title()] for r in board.attention["overdue"]],
            [r["school"] for r in board.attention["overdue"]],
        ),
        (
            "Finished places without exit results",
            [("Intervention", 36), ("Places finished", 12), ("Without exit results", 10)],
            [[r["name"], r["finished"], r["missing"]] for r in board.attention["missing_exit"]],
            [r["school"] for r in board.attention["missing_exit"]],
        ),
        (
            "Running groups with no session logged in the last two school weeks",
            [("Intervention", 36), ("Last session", 12)],
            [[r["name"], r["last_session_on"] or "None logged"] for r in board.attention["quiet"]],
            [r["school"] for r in board.attention["quiet"]],
        ),
    ]
    for heading, columns, rows, schools in blocks:
        sheet.cell(row=line, column=1, value=heading).font = SECTION_FONT
        line += 1
        _header(sheet, line, lead + columns)
        for school, values in zip(schools, rows, strict=True):
            line += 1
            _line(sheet, line, ([school] if multi else []) + values)
            for cell in sheet[line]:
                if hasattr(cell.value, "isoformat"):
                    cell.number_format = "dd/mm/yyyy"
        if not rows:
            line += 1
            sheet.cell(row=line, column=1, value="None.")
        line += 2


def report_to_xlsx(board: Dashboard, *, method_url: str = "") -> bytes:
    """The governors' report as a workbook: Summary, Interventions, Programmes, Pupils in provision, Needs
    attention. ``method_url`` (the "How impact is judged" page) is quoted under the rules on the Summary."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, writer in (
        ("Summary", _summary_sheet),
        ("Interventions", _interventions_sheet),
        ("Programmes", _programmes_sheet),
        ("Pupils in provision", _pupils_sheet),
        ("Needs attention", _attention_sheet),
    ):
        sheet = workbook.create_sheet(title=title)
        if writer is _summary_sheet:
            _summary_sheet(sheet, board, method_url=method_url)
        else:
            writer(sheet, board)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
