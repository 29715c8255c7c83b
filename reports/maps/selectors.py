"""Reads for the provision maps, each starting from the signed-in user and their school: the groups a term's map
copies forward, and one pupil's individual provision map (the page and the subject access export).

The maps are whole-school pictures: they read through ``visible_to`` by ``provision.access.MAP_SCOPE`` (every
member of staff who opens them sees every group), the export by ``SUBJECT_ACCESS_SCOPE``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from interventions.models import Intervention, InterventionStaff, Placement, StaffRate, Status, SupportPlan
from interventions.selectors import dosage_for, placements_with_dosage, pupil_cost_shares, stays_of, whole_run_cost
from provision.access import MAP_SCOPE
from provision.calendar import school_calendar, terms_in_order
from provision.models import School, Term
from pupils.models import Pupil, SenStatus
from pupils.reference import AREA_LABELS


def groups_to_copy(user: AbstractBaseUser, school: School, term: Term) -> QuerySet[Intervention]:
    """The groups running in ``term`` that ``user`` sees, with their staff lines: what copying the term forward
    starts from (``interventions.groups.services.interventions_copy_forward``)."""
    return (
        Intervention.objects.visible_to(user, school)
        .filter(status=Status.RUNNING, start_date__lte=term.end_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=term.start_date))
        .prefetch_related("staff")
        .order_by("name", "pk")
    )


def pupil_map_context(
    user: AbstractBaseUser | None,
    school: School,
    pupil: Pupil,
    *,
    show_costs: bool,
    show_plan: bool,
    today: dt.date,
    policy: dict[str, str] = MAP_SCOPE,
) -> dict:
    """What a pupil's individual provision map shows (the page and the data-protection export, which reads by
    ``SUBJECT_ACCESS_SCOPE``): every provision they have had, term by term, with dosage, their share of the cost
    (``show_costs``) and their active support plan. The plan's needs and outcomes only for roles that may read
    plans (``show_plan``): the others see that a plan exists."""
    placements = _placements(Placement.objects.visible_to(user, school, policy=policy).filter(pupil=pupil))
    rows, total = _provision_rows(placements, school=school, show_costs=show_costs, today=today)
    plans = SupportPlan.objects.visible_to(user, school, policy=policy).filter(pupil=pupil, is_active=True)
    plan = plans.order_by("-start_date").first()
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


def _placements(placements: QuerySet[Placement]) -> list[Placement]:
    """The places newest first, with their dosage, group, programme, scale, entry and exit results and staff."""
    return list(
        placements_with_dosage(placements)
        .select_related(
            "intervention__programme",
            "intervention__scale",
            "entry_result__assessment__scale",
            "exit_result__assessment__scale",
        )
        .prefetch_related(Prefetch("intervention__staff", queryset=InterventionStaff.objects.select_related("user")))
        .order_by("-entry_date", "intervention__name")
    )


def _provision_rows(
    placements: list[Placement], *, school: School, show_costs: bool, today: dt.date
) -> tuple[list[dict], Decimal]:
    """One row per placement (its term, staff roles, dosage and cost share), and the pupil's total cost."""
    terms = list(terms_in_order(school))
    ranges = school_calendar(school)  # school days: the terms less their closures
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
    return rows, total
