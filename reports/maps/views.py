"""Provision maps on screen: the school's map for a term or a year, copying a term's provision forward, and one
pupil's individual provision map.

Every member of staff reads the school map, with pupil names; costs come from staff pay rates, so only the
budget holders see them (``provision.access``, shared with the exports).
Only the SENCO copies provision forward.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.models import Area, Intervention, InterventionStaff, Placement, StaffRate, Status, SupportPlan
from interventions.progress.rules import THRESHOLDS
from interventions.progress.selectors import progress_for
from interventions.selectors import dosage_for, placements_with_dosage, pupil_cost_shares, stays_of, whole_run_cost
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
from provision.calendar import school_calendar, terms_in_order
from provision.models import School, Term
from provision.params import int_param
from pupils.models import NeedArea, Pupil, SenStatus, Subject
from pupils.reference import AREA_LABELS
from pupils.selectors import get_pupil_for_user
from reports.maps.build import VIEWS, MapFilters, Period, build_map, period_for_term, period_for_year

SEN_FILTERS = {"any": "Any SEN (K or E)", "K": "SEN support", "E": "EHC plan", "N": "No SEN"}
YES_NO = {"yes": True, "no": False}


def _current(terms: list[Term], today: dt.date) -> Term | None:
    """As ``TermQuerySet.current_for``, from terms already loaded."""
    started = [term for term in terms if term.start_date <= today]
    return started[-1] if started else (terms[0] if terms else None)


def _next_term(terms: list[Term], term: Term) -> Term | None:
    return next((later for later in terms if later.start_date > term.end_date), None)


def _filters(request: HttpRequest, subjects: list[Subject]) -> MapFilters:
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
    school, today = request.school, timezone.localdate()
    terms = list(terms_in_order(school))
    period, term, year = map_period(request, terms, today)
    subjects = list(Subject.objects.filter(school=school))
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "year"
    filters = _filters(request, subjects)
    pmap = build_map(school=school, period=period, view=view, filters=filters, today=today) if period else None
    params = request.GET.copy()
    params.pop("view", None)
    period_params = {k: v for k, v in request.GET.items() if k in ("term", "year")}
    academic_years = list({t.academic_year_id: t.academic_year for t in terms}.values())
    return render(
        request,
        "reports/map.html",
        {
            "map": pmap,
            "show_names": can_see_names_on_map(request.user, request.school),
            "show_costs": can_see_costs(request.user, request.school),
            "terms": terms,
            "term": term,
            "academic_years": academic_years,
            "year": year if term is None else None,
            "views": VIEWS,
            "view": view,
            "subjects": subjects,
            "areas": Area.choices,
            "needs": [(area.value, AREA_LABELS[area.value]) for area in NeedArea],
            "sen_filters": SEN_FILTERS,
            "filters": filters,
            "query_without_view": params.urlencode(),
            "period_query": "&".join(f"{k}={v}" for k, v in period_params.items()),
            "next_term": _next_term(terms, term) if term else None,
            "can_copy": request.role in INTERVENTION_EDITORS and term is not None,
        },
    )


# --- Copying a term's provision forward ------------------------------------------------------------------


@transaction.atomic
def interventions_copy_forward(
    *, school: School, term: Term, next_term: Term, by: AbstractBaseUser | None
) -> tuple[list[Intervention], list[Intervention]]:
    """Copy the interventions running in ``term`` into ``next_term`` as planned: same programme, staff lines,
    schedule and costs, no pupils; dates moved to start on the first day of ``next_term`` and last as long as
    before (within that term). Interventions that already run into ``next_term`` (or have no end date) need no copy
    and are skipped, as are those already copied (a copy's ``copied_from`` names its original), so a second run
    changes nothing. Returns (created, skipped)."""
    running = list(
        Intervention.objects.filter(school=school, status=Status.RUNNING, start_date__lte=term.end_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=term.start_date))
        .prefetch_related("staff")
        .order_by("name", "pk")
    )
    # Several SENCOs may press the button at once: the existing copies are read under a lock on the school's row.
    School.objects.select_for_update().filter(pk=school.pk).first()
    copied = set(
        Intervention.objects.filter(
            school=school, start_date__gte=next_term.start_date, start_date__lte=next_term.end_date
        ).values_list("copied_from_id", flat=True)
    )
    created, skipped = [], []
    for original in running:
        already = original.pk in copied
        if already or original.end_date is None or original.end_date >= next_term.start_date:
            skipped.append(original)
            continue
        length = original.end_date - original.start_date
        copy = Intervention(
            school=school,
            programme=original.programme,
            name=original.name,
            wave=original.wave,
            area=original.area,
            subject=original.subject,
            need_area=original.need_area,
            year_groups=list(original.year_groups or []),
            lead=original.lead,
            days=list(original.days or []),
            start_time=original.start_time,
            minutes_per_session=original.minutes_per_session,
            start_date=next_term.start_date,
            end_date=min(next_term.start_date + length, next_term.end_date),
            status=Status.PLANNED,
            capacity=original.capacity,
            entry_criteria=original.entry_criteria,
            scale=original.scale,
            resources_cost=original.resources_cost,
            external_cost=original.external_cost,
            funding_source=original.funding_source,
            copied_from=original,
        )
        copy.full_clean()
        copy.save()
        InterventionStaff.objects.bulk_create(
            InterventionStaff(intervention=copy, user_id=m.user_id, external_name=m.external_name, role=m.role)
            for m in original.staff.all()
        )
        created.append(copy)
    return created, skipped


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
    created, skipped = interventions_copy_forward(
        school=request.school, term=term, next_term=next_term, by=request.user
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
        pupil,
        school=request.school,
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


def pupil_map_context(pupil: Pupil, *, school: School, show_costs: bool, show_plan: bool, today: dt.date) -> dict:
    """What a pupil's individual provision map shows (the page and the data-protection export). The support plan's
    needs and outcomes only for roles that may read plans (``show_plan``): the others see that a plan exists."""
    terms = list(terms_in_order(school))
    ranges = school_calendar(school)  # school days: the terms less their closures
    placements = list(
        placements_with_dosage(Placement.objects.filter(pupil=pupil))
        .select_related(
            "intervention__programme",
            "intervention__scale",
            "entry_result__assessment__scale",
            "exit_result__assessment__scale",
        )
        .prefetch_related(Prefetch("intervention__staff", queryset=InterventionStaff.objects.select_related("user")))
        .order_by("-entry_date", "intervention__name")
    )
    rates = {r.role: r.hourly_rate for r in StaffRate.objects.filter(school=school)} if show_costs else {}
    stays = stays_of({p.intervention_id for p in placements}) if show_costs else {}
    rows, total = [], Decimal("0")
    for placement in placements:
        intervention = placement.intervention
        staff = list(intervention.staff.all())
        share = None
        if show_costs:
            # The whole run's cost, shared between its pupils by the sessions planned for each one's stay.
            group_stays = stays.get(intervention.pk, [])
            cost = whole_run_cost(intervention, staff=staff, rates=rates, terms=ranges, today=today, stays=group_stays)
            share = pupil_cost_shares(intervention, cost.total, group_stays, terms=ranges, today=today).get(
                placement.pk, Decimal("0.00")
            )
            total += share
        term = next((t for t in terms if t.start_date <= placement.entry_date <= t.end_date), None)
        term = term or next((t for t in reversed(terms) if t.start_date <= placement.entry_date), None)
        rows.append(
            {
                "placement": placement,
                "intervention": intervention,
                "term": term,
                "roles": sorted({m.get_role_display() for m in staff}),
                "dosage": dosage_for(placement, terms=ranges, today=today),
                "cost": share,
            }
        )
    plan = SupportPlan.objects.filter(pupil=pupil, is_active=True).order_by("-start_date").first()
    plan_needs = (
        [(AREA_LABELS.get(area, area), text) for area, text in (plan.needs or {}).items()] if plan and show_plan else []
    )
    return {
        "pupil": pupil,
        "rows": rows,
        "show_costs": show_costs,
        "total_cost": total,
        "plan": plan,
        "show_plan": show_plan,
        "plan_needs": plan_needs,
        "sen_label": dict(SenStatus.choices).get(pupil.sen_status, ""),
        "today": today,
    }
