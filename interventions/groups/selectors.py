"""Reads for the group pages: the list's rows, a group's page, the pupils to add, the school's staff and rates.

Each starts from what the user may see (``visible_to(user, school)``): a TA the groups they run, everyone else
on the staff the school's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from interventions import costing
from interventions.catalogue.training import untrained_staff
from interventions.groups import attention as attention_flags
from interventions.groups import formatting
from interventions.models import (
    Intervention,
    InterventionStaff,
    Placement,
    Programme,
    Session,
    StaffRate,
    Status,
    Training,
)
from interventions.selectors import (
    DOSAGE_HELD,
    DOSAGE_PLANNED,
    Stay,
    dosage_for,
    placements_with_dosage,
    pupil_cost_shares,
    stays_of,
    term_ranges,
    whole_run_cost,
)
from provision.access import can_see_costs
from provision.models import Membership, School
from pupils.models import Pupil, Result, YearGroup

# The list's order: running, then planned, completed, stopped.
STATUS_ORDER = Case(
    When(status=Status.RUNNING, then=Value(0)),
    When(status=Status.PLANNED, then=Value(1)),
    When(status=Status.COMPLETED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def group_for(user, school: School, pk: int) -> Intervention:
    """The group ``pk`` if ``user`` may see it at ``school``, with what its pages show (else a 404)."""
    interventions = (
        Intervention.objects.visible_to(user, school)
        .select_related("programme", "lead", "subject", "scale", "progress_check")
        .prefetch_related(Prefetch("staff", queryset=InterventionStaff.objects.select_related("user")), "scale__bands")
    )
    try:
        return interventions.get(pk=pk)
    except Intervention.DoesNotExist as exc:
        raise Http404("No such intervention") from exc


def placement_for(user, school: School, pk: int) -> Placement:
    """The placement ``pk`` if ``user`` may see it at ``school`` (else a 404)."""
    placements = Placement.objects.visible_to(user, school).select_related(
        "intervention__subject", "intervention__scale", "pupil", "entry_result__assessment", "exit_result__assessment"
    )
    try:
        return placements.get(pk=pk)
    except Placement.DoesNotExist as exc:
        raise Http404("No such placement") from exc


def programme_for(school: School, pk: int | None) -> Programme:
    """A programme of the school's catalogue (its own or the shared one), else a 404."""
    if pk is None:
        raise Http404("No such programme")
    try:
        return Programme.objects.for_school(school).get(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404("No such programme") from exc


# --- The school's staff ------------------------------------------------------------------------------------------


def staff_users(school: School) -> QuerySet:
    """The school's staff accounts, for choosing who delivers."""
    # A subquery rather than a join with DISTINCT: the planning form orders them by training, an expression
    # that PostgreSQL will not ORDER BY alongside SELECT DISTINCT.
    members = Membership.objects.filter(school=school).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("first_name", "last_name")


def current_training(school: School, today: dt.date) -> dict[int, set[int]]:
    """Programme id -> the users with current training in it at ``school`` (one query)."""
    trained: dict[int, set[int]] = {}
    rows = Training.objects.filter(school=school, trained_on__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    for programme_id, user_id in rows.values_list("programme_id", "user_id"):
        trained.setdefault(programme_id, set()).add(user_id)
    return trained


def staff_rates(school: School) -> dict[str, Decimal]:
    """The school's cost of an hour of each staff role (role -> rate)."""
    return {rate.role: rate.hourly_rate for rate in StaffRate.objects.filter(school=school)}


# --- Results and pupils for placements ---------------------------------------------------------------------------


def eligible_results(
    intervention: Intervention, pupils: Sequence[Pupil], *, user, school: School
) -> dict[int, list[Result]]:
    """Each pupil's results that ``user`` may see and that can be a baseline or exit result: in the intervention's
    subject and, when it has one, on its scale; newest first. One query. Without a subject or scale there is
    nothing to pick from."""
    if not intervention.subject_id and not intervention.scale_id:
        return {}
    results = Result.objects.visible_to(user, school).filter(pupil__in=pupils).select_related("assessment")
    if intervention.subject_id:
        results = results.filter(assessment__subject_id=intervention.subject_id)
    if intervention.scale_id:
        results = results.filter(assessment__scale_id=intervention.scale_id)
    by_pupil: dict[int, list[Result]] = {}
    for result in results.order_by("-assessment__taken_on", "-pk"):
        by_pupil.setdefault(result.pupil_id, []).append(result)
    return by_pupil


def results_for(placement: Placement, *, user, school: School) -> list[Result]:
    """The placement's pupil's results that fit its intervention, plus those it already points at."""
    results = eligible_results(placement.intervention, [placement.pupil], user=user, school=school).get(
        placement.pupil_id, []
    )
    for current in (placement.entry_result, placement.exit_result):
        if current is not None and current.pk not in {r.pk for r in results}:
            results.append(current)
    return results


def scale_in_use(intervention: Intervention) -> bool:
    """Whether any pupil of the group has a baseline, target or exit result recorded on its scale (one query).

    Every placement of the group counts, whoever asks: the scale cannot change under any of them."""
    measured = Placement.objects.filter(intervention=intervention).filter(
        Q(entry_value__isnull=False) | Q(exit_value__isnull=False) | Q(target_value__isnull=False)
    )
    return measured.exists()


def pupils_by_id(ids: Sequence[int], *, user, school: School) -> list[Pupil]:
    """The pupils ``ids`` that ``user`` may see, by year and name; a 404 if any is not."""
    pupils = list(
        Pupil.objects.visible_to(user, school)
        .filter(pk__in=ids)
        .select_related("registration_group")
        .order_by("year_group", "legal_last_name", "legal_first_name")
    )
    if len(pupils) != len(ids):
        raise Http404("No such pupil")
    return pupils


def pupils_on_roll(user, school: School) -> QuerySet[Pupil]:
    """The school's pupils on roll that ``user`` may see, to pick from (filtered by ``PupilPickForm``)."""
    return Pupil.objects.visible_to(user, school).on_roll().select_related("registration_group")


def pupils_in_group(intervention: Intervention, *, user, school: School, among: Iterable[Pupil] | None = None) -> set:
    """The ids of the pupils now in the group (of ``among`` when given)."""
    placements = Placement.objects.visible_to(user, school).active().filter(intervention=intervention)
    if among is not None:
        placements = placements.filter(pupil__in=among)
    return set(placements.values_list("pupil_id", flat=True))


def active_count(intervention: Intervention, *, user, school: School) -> int:
    return Placement.objects.visible_to(user, school).active().filter(intervention=intervention).count()


# --- The list ----------------------------------------------------------------------------------------------------


def interventions_for_list(user, school: School, today: dt.date) -> QuerySet[Intervention]:
    """The groups ``user`` may see with ``active_count`` (pupils in it now), ``placed_count`` (pupils ever placed)
    and ``untrained_exists`` (a member of staff with no current training in its programme), as subqueries: no
    joins, no double counts. Filtered by ``InterventionFilterForm``, then shown through :func:`list_rows`."""
    active = (
        Placement.objects.filter(intervention=OuterRef("pk"), exit_date__isnull=True)
        .values("intervention")
        .annotate(n=Count("pk"))
        .values("n")
    )
    placed = (
        Placement.objects.filter(intervention=OuterRef("pk"))
        .values("intervention")
        .annotate(n=Count("pupil", distinct=True))
        .values("n")
    )
    return Intervention.objects.visible_to(user, school).annotate(
        active_count=Coalesce(Subquery(active, output_field=IntegerField()), 0),
        placed_count=Coalesce(Subquery(placed, output_field=IntegerField()), 0),
        untrained_exists=attention_flags.untrained_exists(today),
    )


def ordered_for_list(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    """Running first, then planned, completed and stopped; newest first within each; with staff and programme."""
    return (
        interventions.select_related("programme", "lead", "subject")
        .prefetch_related(Prefetch("staff", queryset=InterventionStaff.objects.select_related("user")))
        .order_by(STATUS_ORDER, "-start_date", "name")
    )


def list_rows(interventions: Sequence[Intervention], *, user, school: School, today: dt.date) -> list[dict]:
    """A row for each of a page of the list: the group, its staff's names, schedule, what needs attention and (for
    those who see costs) its cost. Three queries for the costs, none otherwise."""
    show_costs = can_see_costs(user, school)
    terms = term_ranges(school) if show_costs else []
    rates = staff_rates(school) if show_costs else {}
    stays = stays_of([i.pk for i in interventions]) if show_costs else {}
    rows = []
    for intervention in interventions:
        staff_rows = list(intervention.staff.all())
        cost = None
        if show_costs:
            cost = whole_run_cost(
                intervention, staff=staff_rows, rates=rates, terms=terms, today=today, stays=stays.get(intervention.pk)
            )
        rows.append(
            {
                "intervention": intervention,
                "staff": [member.name for member in staff_rows],
                "schedule": formatting.schedule_text(
                    intervention.days, intervention.minutes_per_session, intervention.start_time
                ),
                "flags": attention_flags.attention_of(intervention, today),
                "cost": cost,
            }
        )
    return rows


# --- A group's page ----------------------------------------------------------------------------------------------


def group_placements(intervention: Intervention, *, user, school: School) -> list[Placement]:
    """The group's pupils with dosage, entry and exit results: those in it first, then by name (one query)."""
    placements = list(
        placements_with_dosage(
            Placement.objects.visible_to(user, school)
            .filter(intervention=intervention)
            .select_related("pupil", "pupil__registration_group", "entry_result__assessment", "exit_result__assessment")
        ).order_by(F("exit_date").asc(nulls_first=True), "pupil__legal_last_name", "pupil__legal_first_name")
    )
    for placement in placements:
        placement.intervention = intervention  # dosage_for reads the schedule; saves a join per row
    return placements


def _placement_rows(intervention: Intervention, placements: list[Placement], *, terms, today: dt.date) -> list[dict]:
    spec = intervention.scale.spec() if intervention.scale_id else None
    return [
        {
            "placement": placement,
            "baseline": formatting.shown(spec, placement.entry_value, placement.entry_typed),
            "target_value": formatting.shown(spec, placement.target_value, ""),
            "exit_value": formatting.shown(spec, placement.exit_value, placement.exit_typed),
            "change": formatting.change(spec, placement.entry_value, placement.exit_value),
            "dosage": dosage_for(placement, terms=terms, today=today),
        }
        for placement in placements
    ]


def _recent_sessions(intervention: Intervention, *, user, school: School) -> tuple[list[Session], dict]:
    """The group's last five sessions with their attendance counts, and how many sessions and minutes in all."""
    sessions = Session.objects.visible_to(user, school).filter(intervention=intervention)
    latest = list(
        sessions.annotate(
            present=Count("attendance", filter=Q(attendance__present=True)), marked=Count("attendance")
        ).order_by("-date")[:5]
    )
    return latest, sessions.aggregate(n=Count("pk"), minutes=Sum("minutes"))


def _cost_with_shares(
    intervention: Intervention, staff: list, placements: list[Placement], rows: list[dict], *, terms, today: dt.date
) -> costing.CostBreakdown:
    """The group's whole-run cost, with each row's ``cost_share`` (one query: the school's rates)."""
    stays = [Stay(p.pk, p.pupil_id, p.entry_date, p.exit_date) for p in placements]
    rates = staff_rates(intervention.school)
    cost = whole_run_cost(intervention, staff=staff, rates=rates, terms=terms, today=today, stays=stays)
    shares = pupil_cost_shares(intervention, cost.total, stays, terms=terms, today=today)
    for row in rows:
        row["cost_share"] = shares.get(row["placement"].pk)
    return cost


def group_page(intervention: Intervention, *, user, school: School, today: dt.date) -> dict:
    """What the group's page shows (from :func:`group_for`): staff and training, its pupils with dosage and
    outcomes, cost and each pupil's share (for those who see costs), warnings and the latest sessions. A constant
    number of queries however many pupils; ``placements`` and ``runs_it`` are for the progress section."""
    staff = list(intervention.staff.all())
    trainings = (
        list(Training.objects.filter(school=intervention.school, programme_id=intervention.programme_id))
        if intervention.programme_id
        else []
    )
    untrained = untrained_staff(intervention=intervention, today=today, trainings=trainings)
    terms = term_ranges(intervention.school)
    placements = group_placements(intervention, user=user, school=school)
    rows = _placement_rows(intervention, placements, terms=terms, today=today)
    active = sum(1 for p in placements if p.is_active)
    show_costs = can_see_costs(user, school)
    cost = _cost_with_shares(intervention, staff, placements, rows, terms=terms, today=today) if show_costs else None
    sessions, session_totals = _recent_sessions(intervention, user=user, school=school)
    untrained_ids = {member.pk for member in untrained}
    return {
        "placements": placements,
        # Sessions are logged by whoever runs the group, or the SENCO (as the session pages decide).
        "runs_it": intervention.lead_id == user.pk or any(m.user_id == user.pk for m in staff),
        "schedule": formatting.schedule_text(
            intervention.days, intervention.minutes_per_session, intervention.start_time
        ),
        "year_groups": [YearGroup(y).label for y in intervention.year_groups if y in YearGroup.values],
        "staff": [(member, member.name, member.pk in untrained_ids) for member in staff],
        "rows": rows,
        "active_count": active,
        "placed_count": len({p.pupil_id for p in placements}),
        "cost": cost,
        "cost_lines": formatting.cost_lines(cost),
        "show_costs": show_costs,
        "dosage_held": DOSAGE_HELD,
        "dosage_planned": DOSAGE_PLANNED,
        "warnings": formatting.group_warnings(
            intervention, today=today, untrained=untrained, active_count=active, cost=cost
        ),
        "sessions": sessions,
        "session_totals": session_totals,
    }
