"""Background tasks of the reports (queued by ``provision.tasks.enqueue``; run by ``manage.py rqworker``)."""

from __future__ import annotations

from django.core.cache import cache


def dashboard_figures(selection) -> None:
    """Work out (and cache) the dashboard of a trust's schools side by side."""
    from reports.dashboard.board import build

    build(selection)


# How long a prepared governors' report waits to be downloaded.
PDF_KEPT_SECONDS = 60 * 60


def impact_report_pdf(selection, base_url: str, method_address: str, store: str) -> None:
    """Lay out the governors' report and keep the PDF in the cache under ``store`` for its page to serve."""
    from reports.dashboard.report import report_pdf

    cache.set(store, report_pdf(selection, base_url=base_url, method_address=method_address), PDF_KEPT_SECONDS)
