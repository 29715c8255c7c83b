"""The governors' report files: PDF bytes (also rendered by a background task) and their file names."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

from reports.dashboard import governors as exports_impact
from reports.dashboard.board import build
from reports.dashboard.selection import Selection
from reports.maps import exports


def _filename(selection: Selection, extension: str) -> str:
    who = "trust" if selection.side_by_side else selection.schools[0].urn
    return f"impact-report-{who}-{slugify(selection.label.replace('/', '-'))}.{extension}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_pdf(selection: Selection, *, base_url: str, method_address: str) -> bytes:
    """The governors' report as PDF bytes (also run by the background task ``reports.tasks.impact_report_pdf``,
    with no request: the template needs none; ``method_address`` is :func:`method_url` of the request)."""
    board = build(selection, for_governors=True)
    html = render_to_string(
        "reports/impact_report_pdf.html",
        {
            "board": board,
            "selection": selection,
            "summary": exports_impact.plain_summary(board),
            "charts": exports_impact.pdf_charts(board),
            "glossary": exports_impact.GLOSSARY,
            "printed_on": selection.today,
            "method_url": method_address,
        },
    )
    return exports.map_to_pdf(html, stylesheet="css/pdf-impact-report.css", base_url=base_url)
