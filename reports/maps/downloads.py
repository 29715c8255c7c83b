"""The provision map as Excel, CSV and PDF: the same query parameters and the same rules as the map page
(``reports.maps.views``): its readers, names and costs rules from ``provision.access``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from provision import audit
from provision.access import MAP_VIEWERS, can_see_costs, can_see_names_on_map, role_required
from provision.calendar import terms_in_order
from pupils.models import Subject
from reports.maps import exports
from reports.maps.build import VIEWS, MapFilters, Period, build_map
from reports.maps.views import map_filters, map_period, map_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _map_inputs(request: HttpRequest) -> tuple[Period, str, MapFilters]:
    """The period, view and filters asked for, read exactly as the map page reads them (two queries)."""
    school = request.school
    period, _term, _year = map_period(request, list(terms_in_order(school)), timezone.localdate())
    if period is None:
        raise Http404("The school has no terms yet.")
    return period, map_view(request), map_filters(request, list(Subject.objects.filter(school=school)))


def _filename(request: HttpRequest, period: Period, extension: str) -> str:
    return f"provision-map-{request.school.urn}-{slugify(period.label)}.{extension}"


def _attachment(request: HttpRequest, response: HttpResponse, filename: str) -> HttpResponse:
    """The download, and its audit entry: a provision map names pupils for staff (an export of pupil data)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit.log_export(request, school=request.school, what=f"Provision map ({filename.rsplit('.', 1)[-1].upper()})")
    return response


@role_required(*MAP_VIEWERS)
def map_xlsx(request: HttpRequest) -> HttpResponse:
    """Every view of the map, one sheet each, for the period and filters asked for."""
    period, _view, filters = _map_inputs(request)
    maps = {
        view: build_map(user=request.user, school=request.school, period=period, view=view, filters=filters)
        for view in VIEWS
    }
    body = exports.map_to_xlsx(
        maps,
        show_costs=can_see_costs(request.user, request.school),
        show_names=can_see_names_on_map(request.user, request.school),
    )
    return _attachment(request, HttpResponse(body, content_type=XLSX), _filename(request, period, "xlsx"))


@role_required(*MAP_VIEWERS)
def map_csv(request: HttpRequest) -> HttpResponse:
    period, view, filters = _map_inputs(request)
    provision_map = build_map(user=request.user, school=request.school, period=period, view=view, filters=filters)
    text = exports.map_to_csv(
        provision_map,
        show_costs=can_see_costs(request.user, request.school),
        show_names=can_see_names_on_map(request.user, request.school),
    )
    # Excel opens UTF-8 (accented names) correctly only with a BOM.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    return _attachment(request, response, _filename(request, period, "csv"))


@role_required(*MAP_VIEWERS)
def map_pdf(request: HttpRequest) -> HttpResponse:
    """Landscape A4 of the map as on screen (the print template includes the page's table partial)."""
    period, view, filters = _map_inputs(request)
    provision_map = build_map(user=request.user, school=request.school, period=period, view=view, filters=filters)
    html = render_to_string(
        "reports/map_pdf.html",
        {
            "map": provision_map,
            "show_costs": can_see_costs(request.user, request.school),
            "show_names": can_see_names_on_map(request.user, request.school),
            "view_label": VIEWS[view],
            "printed_on": timezone.localdate(),
        },
        request=request,
    )
    body = exports.map_to_pdf(html, stylesheet="css/pdf-map.css", base_url=request.build_absolute_uri("/"))
    return _attachment(request, HttpResponse(body, content_type="application/pdf"), _filename(request, period, "pdf"))
