"""Provision maps on screen: the school's map for a term or a year, copying a term's provision forward, and one
pupil's individual provision map.

Every member of staff reads the school map, with pupil names; costs come from staff pay rates, so only the
budget holders see them (``provision.access``, shared with the exports).
Only the SENCO copies provision forward.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.groups.services import interventions_copy_forward
from interventions.models import Area
from interventions.progress.rules import THRESHOLDS
from interventions.progress.selectors import progress_for
from provision import audit
from provision.access import (
    INTERVENTION_EDITORS,
    MAP_VIEWERS,
    PLAN_VIEWERS,
    PUPIL_VIEWERS,
    can_see_costs,
    can_see_names_on_map,
    role_required,
)
from provision.calendar import terms_in_order
from provision.models import Term
from provision.params import int_param
from pupils.models import NeedArea, Subject
from pupils.reference import AREA_LABELS
from pupils.selectors import get_pupil_for_user
from reports.maps.build import VIEWS, MapFilters, Period, build_map, period_for_term, period_for_year
from reports.maps.selectors import groups_to_copy, pupil_map_context

SEN_FILTERS = {"any": "Any SEN (K or E)", "K": "SEN support", "E": "EHC plan", "N": "No SEN"}
YES_NO = {"yes": True, "no": False}


def _current(terms: list[Term], today: dt.date) -> Term | None:
    """As ``TermQuerySet.current_for``, from terms already loaded."""
    started = [term for term in terms if term.start_date <= today]
    return started[-1] if started else (terms[0] if terms else None)


def _next_term(terms: list[Term], term: Term) -> Term | None:
    return next((later for later in terms if later.start_date > term.end_date), None)


def map_view(request: HttpRequest) -> str:
    """The rows asked for (``?view=``, one of ``VIEWS``; year groups by default). Shared with the map's exports."""
    return request.GET.get("view") if request.GET.get("view") in VIEWS else "year"


def map_filters(request: HttpRequest, subjects: list[Subject]) -> MapFilters:
    """The filters asked for, each ignored unless it is one of the school's. Shared with the map's exports."""
    subject_id = int_param(request.GET.get("subject"))
    return MapFilters(
        subject_id=subject_id if subject_id in {s.pk for s in subjects} else None,
        area=request.GET.get("area") if request.GET.get("area") in Area.values else None,
        need_area=request.GET.get("need") if request.GET.get("need") in NeedArea.values else None,
        pupil_premium=YES_NO.get(request.GET.get("pp", "")),
        sen_status=request.GET.get("sen") if request.GET.get("sen") in SEN_FILTERS else None,
    )


def map_period(request: HttpRequest, terms: list[Term], today: dt.date) -> tuple[Period | None, Term | None, object]:
    """The period asked for: ``?year=<academic year id>``, ``?term=<term id>`` or the current term. Returns
    (period, term or None, academic year or None); an id that is not one of the school's is a 404. Shared with
    the map's exports."""
    years = {term.academic_year_id: term.academic_year for term in terms}
    if request.GET.get("year"):
        year = years.get(int_param(request.GET["year"]))
        if year is None:
            raise Http404("No such academic year")
        return period_for_year(year), None, year
    if request.GET.get("term"):
        term = next((t for t in terms if t.pk == int_param(request.GET["term"])), None)
        if term is None:
            raise Http404("No such term")
    else:
        term = _current(terms, today)
    if term is None:
        return None, None, None
    return period_for_term(term), term, term.academic_year


@role_required(*MAP_VIEWERS)
def provision_map(request: HttpRequest) -> HttpResponse:
    """The school's provision map for a term or a year: rows by the chosen view, waves 1-3 as columns.
    A constant number of queries whatever the school's size."""
    school, user, today = request.school, request.user, timezone.localdate()
    terms = list(terms_in_order(school))
    period, term, year = map_period(request, terms, today)
    subjects = list(Subject.objects.filter(school=school))
    view, filters = map_view(request), map_filters(request, subjects)
    context = {
        "map": build_map(user=user, school=school, period=period, view=view, filters=filters, today=today)
        if period
        else None,
        "show_names": can_see_names_on_map(user, school),
        "show_costs": can_see_costs(user, school),
        "terms": terms,
        "term": term,
        "year": year if term is None else None,
        "view": view,
        "subjects": subjects,
        "filters": filters,
        "next_term": _next_term(terms, term) if term else None,
        "can_copy": request.role in INTERVENTION_EDITORS and term is not None,
    }
    return render(request, "reports/map.html", context | _map_choices(request, terms))


def _map_choices(request: HttpRequest, terms: list[Term]) -> dict:
    """What the map's pickers offer (years, views, areas, needs, SEN), and the query strings its links keep."""
    params = request.GET.copy()
    params.pop("view", None)
    period_params = {k: v for k, v in request.GET.items() if k in ("term", "year")}
    return {
        "academic_years": list({t.academic_year_id: t.academic_year for t in terms}.values()),
        "views": VIEWS,
        "areas": Area.choices,
        "needs": [(area.value, AREA_LABELS[area.value]) for area in NeedArea],
        "sen_filters": SEN_FILTERS,
        "query_without_view": params.urlencode(),
        "period_query": "&".join(f"{k}={v}" for k, v in period_params.items()),
    }


# --- Copying a term's provision forward ------------------------------------------------------------------


@require_POST
@role_required(*INTERVENTION_EDITORS)
def map_copy_forward(request: HttpRequest) -> HttpResponse:
    """Start next term's map: copy the chosen term's running provision into it as planned."""
    terms = list(terms_in_order(request.school))
    if request.POST.get("term"):
        term = next((t for t in terms if t.pk == int_param(request.POST["term"])), None)
        if term is None:
            raise Http404("No such term")
    else:
        term = _current(terms, timezone.localdate())
    if term is None:
        messages.error(request, "The school has no terms yet: add the school year's term dates first.")
        return redirect("reports:map")
    next_term = _next_term(terms, term)
    if next_term is None:
        messages.error(request, f"There is no term after {term} yet: add next term's dates first, then copy.")
        return redirect(f"{reverse('reports:map')}?term={term.pk}")
    running = groups_to_copy(request.user, request.school, term)
    created, skipped = interventions_copy_forward(
        school=request.school, running=running, next_term=next_term, by=request.user
    )
    if created:
        names = ", ".join(i.name for i in created)
        messages.success(request, f"Copied {len(created)} into {next_term} as planned: {names}.")
    else:
        messages.info(request, f"Nothing new to copy from {term}: {len(skipped)} already copied or continuing.")
    return redirect(f"{reverse('reports:map')}?term={next_term.pk}")


# --- One pupil's provision -----------------------------------------------------------------------------


@role_required(*PUPIL_VIEWERS)
def pupil_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Every provision a pupil has had, term by term, with dosage, their share of the cost, entry and exit results
    and outcome, beside their active SEN support plan. A constant number of queries."""
    pupil = get_pupil_for_user(request, pk, PUPIL_VIEWERS, school=request.school)
    context = pupil_map_context(
        request.user,
        request.school,
        pupil,
        show_costs=can_see_costs(request.user, request.school),
        show_plan=request.role in PLAN_VIEWERS,
        today=timezone.localdate(),
    )
    if context["plan"] is not None:
        audit.log_view(request, pupil=pupil, what="Individual provision map (support plan)")
    # Each place's progress checks, newest first: the small chart and the decision (interventions.progress).
    progress = progress_for([row["placement"] for row in context["rows"]])
    context["progress_places"] = [
        progress[row["placement"].pk] for row in context["rows"] if row["placement"].pk in progress
    ]
    context["thresholds"] = THRESHOLDS
    return render(request, "reports/pupil_map.html", context)
