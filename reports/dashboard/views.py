"""The leaders' dashboard and the governors' impact report (PDF and Excel).

Readers: SENCO, senior leaders and the school admin (``provision.access.IMPACT_VIEWERS``). A trust leader (a
reader at several schools) picks one school or all of theirs side by side. Filters: the period (a term or a whole
academic year, ``?period=term-<id>``/``year-<id>`` or ``?term=<id>``/``?year=<id>`` as on the provision map
and impact pages; by default the current academic year, since impact needs entry and exit points a single term
rarely spans, or the last year with finished groups while the current one has none, saying so), a subject (``?subject=<id>``; with several schools, the subjects of the same name) and the school
(``?school=<id>`` or ``?school=all``).

Each school keeps its own term dates: a term chosen at one school means the term of the same name and year at
the others. The page makes a constant number of queries whatever the number of schools, interventions and
placements (``reports.dashboard.school_figures`` and ``reports.impact.school_figures``); the arithmetic is
``reports.dashboard.build`` and ``reports.impact.evaluation``, pure over DataFrames.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from provision import figures, tasks
from provision.access import IMPACT_VIEWERS, role_required
from reports import tasks as reports_tasks
from reports.dashboard import governors as exports_impact
from reports.dashboard.board import build, is_built, method_url
from reports.dashboard.report import _attachment, _filename, report_pdf
from reports.dashboard.selection import Selection, select
from reports.impact import evaluation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Views --------------------------------------------------------------------------------------------------


@role_required(*IMPACT_VIEWERS)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The leaders' dashboard. A constant number of queries (see tests/reports/test_dashboard.py). A trust's
    schools side by side (``DASHBOARD_BACKGROUND_SCHOOLS`` or more) are worked out by a background task when
    their figures are not cached yet, while the page says so and refreshes itself."""
    selection = select(request)
    if selection and _in_background(selection) and not is_built(selection):
        tasks.enqueue(
            reports_tasks.dashboard_figures,
            selection,
            job_id=f"dashboard-{_job_key(selection)}",
            description="dashboard",
        )
        return render(request, "reports/dashboard.html", {"selection": selection, "preparing": True})
    board = build(selection) if selection else None
    # Early in a year nothing has finished: point to the last year, whose groups have their exit results.
    earlier = (
        [y for y in selection.academic_years if y.end_date < selection.year.start_date]
        if selection and selection.term is None
        else []
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "selection": selection,
            "board": board,
            "verdicts": evaluation.VERDICTS,
            "last_year": max(earlier, key=lambda y: y.start_date) if earlier else None,
        },
    )


def _report_selection(request: HttpRequest) -> Selection:
    selection = select(request)
    if selection is None:
        raise Http404("The school has no terms yet.")
    return selection


def _in_background(selection: Selection) -> bool:
    return not tasks.runs_inline() and len(selection.schools) >= settings.DASHBOARD_BACKGROUND_SCHOOLS


def _job_key(selection: Selection) -> str:
    return hashlib.sha256(
        figures.cache_key("dashboard-job", selection.schools, selection.figures_key()).encode()
    ).hexdigest()[:32]


@role_required(*IMPACT_VIEWERS)
def impact_report_pdf(request: HttpRequest) -> HttpResponse:
    """The governors' impact report as A4 PDF: counts and verdicts, never a pupil's name.

    Laid out in the request when tasks run inline; otherwise by a background task, while a page says it is being
    prepared and refreshes itself until the PDF (kept in the cache for an hour, and thrown away with the
    figures it shows) is ready to download."""
    selection = _report_selection(request)
    base_url = request.build_absolute_uri("/")
    method_address = method_url(request)
    if tasks.runs_inline():
        body = report_pdf(selection, base_url=base_url, method_address=method_address)
        return _attachment(HttpResponse(body, content_type="application/pdf"), _filename(selection, "pdf"))
    store = figures.cache_key("impact-report-pdf", selection.schools, (selection.figures_key(), base_url))
    body = cache.get(store)
    if body is not None:
        return _attachment(HttpResponse(body, content_type="application/pdf"), _filename(selection, "pdf"))
    job_id = "impact-report-" + hashlib.sha256(store.encode()).hexdigest()[:32]
    failed = tasks.job_state(job_id) == "failed"
    if not failed or request.GET.get("again"):
        tasks.enqueue(
            reports_tasks.impact_report_pdf,
            selection,
            base_url,
            method_address,
            store,
            job_id=job_id,
            description="PDF",
        )
        failed = False
    return render(
        request,
        "reports/report_preparing.html",
        {"selection": selection, "failed": failed, "again": f"{request.get_full_path()}&again=1"},
        status=202 if not failed else 200,
    )


@role_required(*IMPACT_VIEWERS)
def impact_report_xlsx(request: HttpRequest) -> HttpResponse:
    """The governors' impact report as an Excel workbook (Summary, Interventions, Programmes, Pupils in
    provision, Needs attention)."""
    selection = _report_selection(request)
    board = build(selection, with_charts=False)
    body = exports_impact.report_to_xlsx(board, method_url=method_url(request))
    return _attachment(HttpResponse(body, content_type=XLSX), _filename(selection, "xlsx"))
