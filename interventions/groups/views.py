"""Interventions (groups): the list, a group's page, planning and editing, status, placements and staff rates.

Everyone on the staff sees the school's interventions, except teaching assistants, who see the groups they run
(as lead or as one of the staff); a group outside what someone may see is a 404. Only the SENCO changes them.
Costs come from staff pay rates, so they are shown to those who manage the budget (``provision.access.can_see_costs``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from interventions.catalogue.training import untrained_staff
from interventions.groups import attention as attention_flags
from interventions.groups import planning, services
from interventions.groups.forms import (
    ENTRY_FIELDS,
    EXAMPLE_RATES,
    EXIT_FIELDS,
    EntryDateForm,
    InterventionFilterForm,
    InterventionForm,
    PlacementEditForm,
    PlacementExitForm,
    PupilRowForm,
    StaffRatesForm,
    StatusForm,
    add_service_errors,
    eligible_results,
    initial_from_programme,
    schedule_text,
    staff_formset,
    staff_users,
)
from interventions.models import (
    Area,
    Intervention,
    InterventionStaff,
    Placement,
    Programme,
    Session,
    StaffRate,
    StaffRole,
    Status,
    Training,
    Wave,
    planned_or_running_q,
)
from interventions.progress.views import group_section
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
from provision.access import (
    COST_EDITORS,
    INTERVENTION_EDITORS,
    INTERVENTION_VIEWERS,
    can_log_sessions,
    can_see_costs,
    role_required,
)
from provision.models import Role, School
from provision.params import int_param
from pupils import scales
from pupils.models import Pupil, Subject, YearGroup

PAGE_SIZE = 50
STATUS_ORDER = Case(
    When(status=Status.RUNNING, then=Value(0)),
    When(status=Status.PLANNED, then=Value(1)),
    When(status=Status.COMPLETED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
STATUS_ACTIONS = {
    Status.PLANNED: ["start", "stop"],
    Status.RUNNING: ["complete", "stop"],
    Status.COMPLETED: ["reopen"],
    Status.STOPPED: ["reopen"],
}


# --- Scoped look-ups -------------------------------------------------------------------------------------


def _visible(request: HttpRequest):
    """The current school's interventions this user may see: a TA only those they run (``visible_to``)."""
    return Intervention.objects.visible_to(request.user, request.school)


def _get_intervention(request: HttpRequest, pk: int) -> Intervention:
    interventions = (
        _visible(request)
        .select_related("programme", "lead", "subject", "scale", "progress_check")
        .prefetch_related(Prefetch("staff", queryset=InterventionStaff.objects.select_related("user")), "scale__bands")
    )
    try:
        return interventions.get(pk=pk)
    except Intervention.DoesNotExist as exc:
        raise Http404("No such intervention") from exc


def _get_placement(request: HttpRequest, pk: int) -> Placement:
    placements = Placement.objects.visible_to(request.user, request.school).select_related(
        "intervention__subject", "intervention__scale", "pupil", "entry_result__assessment", "exit_result__assessment"
    )
    try:
        return placements.get(pk=pk)
    except Placement.DoesNotExist as exc:
        raise Http404("No such placement") from exc


def _locked(model, row):
    """``row`` locked until the transaction ends, with its fields read afresh (its loaded relations kept)."""
    model.objects.select_for_update(of=("self",)).filter(pk=row.pk).exists()
    row.refresh_from_db(fields=[f.attname for f in model._meta.concrete_fields if not f.primary_key])
    return row


def _optional_url(name: str, *args) -> str | None:
    """The URL of a page another part of the app may not have yet (session logging), or None."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _safe_next(request: HttpRequest, value: str | None) -> str | None:
    """``value`` when it is a path on this site ("/pupils/?q=x"); anything else (another site, or a word that
    ``redirect`` would try to read as a view's name) is None."""
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return None


# --- Shared reads ----------------------------------------------------------------------------------------


def _rates(school: School) -> dict[str, Decimal]:
    return {rate.role: rate.hourly_rate for rate in StaffRate.objects.filter(school=school)}


def _staff_name(member: InterventionStaff) -> str:
    if member.user_id:
        return member.user.get_full_name() or member.user.get_username()
    return member.external_name


def _annotated(interventions, today: dt.date):
    """Add ``active_count`` (pupils in it now), ``placed_count`` (pupils ever placed) and ``untrained_exists``
    (a member of staff with no current training in its programme), as subqueries: no joins, no double counts."""
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
    return interventions.annotate(
        active_count=Coalesce(Subquery(active, output_field=IntegerField()), 0),
        placed_count=Coalesce(Subquery(placed, output_field=IntegerField()), 0),
        untrained_exists=attention_flags.untrained_exists(today),
    )


def _attention(intervention: Intervention, today: dt.date) -> list[str]:
    """What needs the SENCO's attention about a planned or running group (uses ``_annotated`` values)."""
    if not intervention.is_planned_or_running:
        return []
    flags = []
    if intervention.has_no_end_date:
        flags.append("No end date")
    if intervention.is_overdue(today):
        flags.append("Past its end date")
    if intervention.programme_id and intervention.untrained_exists:
        flags.append("Untrained staff")
    if intervention.active_count > intervention.capacity:
        flags.append("Over capacity")
    return flags


def _needs_attention_q(today: dt.date) -> Q:
    """The database form of :func:`_attention`, for the list's filter."""
    return planned_or_running_q() & (
        (Q(end_date__isnull=True) & ~Q(wave=Wave.QUALITY_FIRST))
        | Q(end_date__lt=today)
        | (Q(programme__isnull=False) & Q(untrained_exists=True))
        | Q(active_count__gt=F("capacity"))
    )


# --- The list ----------------------------------------------------------------------------------------


@role_required(*INTERVENTION_VIEWERS)
def intervention_list(request: HttpRequest) -> HttpResponse:
    """The school's interventions, filtered, with schedule, pupils against capacity, cost and what needs
    attention. A constant number of queries however many there are."""
    school, today = request.school, timezone.localdate()
    subjects = list(Subject.objects.filter(school=school))
    staff = list(staff_users(school))
    form = InterventionFilterForm(request.GET or None, school=school, subjects=subjects, staff=staff)
    data = form.data_or_empty
    interventions = _annotated(_visible(request), today)
    if data.get("status") == "active":
        interventions = interventions.planned_or_running()
    elif data.get("status"):
        interventions = interventions.filter(status=data["status"])
    if data.get("wave") is not None:
        interventions = interventions.filter(wave=data["wave"])
    if data.get("area"):
        interventions = interventions.filter(area=data["area"])
    if data.get("subject") is not None:
        interventions = interventions.filter(subject_id=data["subject"])
    if data.get("funding"):
        interventions = interventions.filter(funding_source=data["funding"])
    if data.get("staff") is not None:
        runs = (
            InterventionStaff.objects.visible_to(request.user, request.school)
            .filter(user_id=data["staff"])
            .values("intervention_id")
        )
        interventions = interventions.filter(Q(lead_id=data["staff"]) | Q(pk__in=runs))
    if data.get("year") is not None:
        # Year groups are a JSON list, which SQLite cannot search inside: pick the ids here (one query).
        matching = [
            pk for pk, years in _visible(request).values_list("pk", "year_groups") if data["year"] in (years or [])
        ]
        interventions = interventions.filter(pk__in=matching)
    if data.get("attention"):
        interventions = interventions.filter(_needs_attention_q(today))
    if data.get("flag"):
        # The same queryset the SENCO's home counts (interventions.groups.attention).
        interventions = attention_flags.flagged(interventions, data["flag"], today)
    interventions = (
        interventions.select_related("programme", "lead", "subject")
        .prefetch_related(Prefetch("staff", queryset=InterventionStaff.objects.select_related("user")))
        .order_by(STATUS_ORDER, "-start_date", "name")
    )
    page = Paginator(interventions, PAGE_SIZE).get_page(request.GET.get("page"))
    show_costs = can_see_costs(request.user, request.school)
    terms = term_ranges(school) if show_costs else []
    rates = _rates(school) if show_costs else {}
    stays = stays_of([i.pk for i in page.object_list]) if show_costs else {}
    rows = []
    for intervention in page.object_list:
        staff_rows = list(intervention.staff.all())
        cost = None
        if show_costs:
            cost = whole_run_cost(
                intervention, staff=staff_rows, rates=rates, terms=terms, today=today, stays=stays.get(intervention.pk)
            )
        rows.append(
            {
                "intervention": intervention,
                "staff": [_staff_name(member) for member in staff_rows],
                "schedule": schedule_text(intervention.days, intervention.minutes_per_session, intervention.start_time),
                "flags": _attention(intervention, today),
                "cost": cost,
            }
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "interventions/intervention_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query_without_page": params.urlencode(),
            "can_edit": request.role in INTERVENTION_EDITORS,
            "can_set_rates": request.role in COST_EDITORS,
            "show_costs": show_costs,
            "is_ta": request.role == Role.TA,
            "flag": attention_flags.FLAGS.get(data.get("flag") or ""),
        },
    )


# --- A group's page ----------------------------------------------------------------------------------


def _shown(spec: scales.ScaleSpec | None, value: float | None, typed: str) -> str:
    if spec is not None and value is not None:
        return scales.display(spec, value)
    return typed


def _change(spec: scales.ScaleSpec | None, entry: float | None, exit_: float | None) -> str:
    if spec is None or entry is None or exit_ is None:
        return ""
    change = exit_ - entry
    if spec.kind == scales.AGE:
        return f"{change:+.0f} months"
    if spec.kind == scales.BANDS:
        return f"{change:+.0f} band{'s' if abs(change) != 1 else ''}"
    return f"{change:+g}"


@role_required(*INTERVENTION_VIEWERS)
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one group: details, schedule, staff and training, cost, warnings, its pupils with their
    dosage and outcomes, and its latest sessions. A constant number of queries however many pupils."""
    today = timezone.localdate()
    intervention = _get_intervention(request, pk)
    school = intervention.school
    staff = list(intervention.staff.all())
    trainings = (
        list(Training.objects.filter(school=school, programme_id=intervention.programme_id))
        if intervention.programme_id
        else []
    )
    untrained = untrained_staff(intervention=intervention, today=today, trainings=trainings)
    spec = intervention.scale.spec() if intervention.scale_id else None
    terms = term_ranges(school)
    placements = list(
        placements_with_dosage(
            Placement.objects.visible_to(request.user, request.school)
            .filter(intervention=intervention)
            .select_related("pupil", "pupil__registration_group", "entry_result__assessment", "exit_result__assessment")
        ).order_by(F("exit_date").asc(nulls_first=True), "pupil__legal_last_name", "pupil__legal_first_name")
    )
    rows = []
    for placement in placements:
        placement.intervention = intervention
        dosage = dosage_for(placement, terms=terms, today=today)
        rows.append(
            {
                "placement": placement,
                "baseline": _shown(spec, placement.entry_value, placement.entry_typed),
                "target_value": _shown(spec, placement.target_value, ""),
                "exit_value": _shown(spec, placement.exit_value, placement.exit_typed),
                "change": _change(spec, placement.entry_value, placement.exit_value),
                "dosage": dosage,
            }
        )
    active_count = sum(1 for p in placements if p.is_active)
    placed_count = len({p.pupil_id for p in placements})
    show_costs = can_see_costs(request.user, request.school)
    cost = None
    if show_costs:
        stays = [Stay(p.pk, p.pupil_id, p.entry_date, p.exit_date) for p in placements]
        cost = whole_run_cost(intervention, staff=staff, rates=_rates(school), terms=terms, today=today, stays=stays)
        shares = pupil_cost_shares(intervention, cost.total, stays, terms=terms, today=today)
        for row in rows:
            row["cost_share"] = shares.get(row["placement"].pk)
    sessions = list(
        Session.objects.visible_to(request.user, request.school)
        .filter(intervention=intervention)
        .annotate(present=Count("attendance", filter=Q(attendance__present=True)), marked=Count("attendance"))
        .order_by("-date")[:5]
    )
    session_totals = (
        Session.objects.visible_to(request.user, request.school)
        .filter(intervention=intervention)
        .aggregate(n=Count("pk"), minutes=Sum("minutes"))
    )
    warnings = []
    if intervention.is_planned_or_running:
        if intervention.has_no_end_date:
            warnings.append("It has no end date. Interventions are time-limited: set when it ends and review it.")
        if intervention.is_overdue(today):
            warnings.append(
                f"It is still {intervention.get_status_display().lower()} after its end date "
                f"({intervention.end_date:%d/%m/%Y}): complete it, or extend it if that was the plan."
            )
        if untrained:
            names = ", ".join(_staff_name(member) for member in untrained)
            warnings.append(f"Not trained (or training expired) in {intervention.programme.name}: {names}.")
        if active_count > intervention.capacity:
            warnings.append(f"{active_count} pupils in a group for {intervention.capacity}.")
    if intervention.scale_id is None and intervention.wave != Wave.QUALITY_FIRST:
        warnings.append("No scale is set for entry and exit results, so its impact cannot be measured.")
    if not intervention.is_planned_or_running and active_count:
        warnings.append(f"{active_count} pupil{'s have' if active_count != 1 else ' has'} no exit recorded yet.")
    if cost is not None and cost.missing_rates:
        roles = ", ".join(StaffRole(role).label.lower() for role in cost.missing_rates)
        warnings.append(f"No hourly rate is set for: {roles}. Their time is costed at £0.")
    untrained_ids = {member.pk for member in untrained}
    # Sessions are logged by whoever runs the group, or the SENCO (as the session pages decide).
    runs_it = intervention.lead_id == request.user.pk or any(m.user_id == request.user.pk for m in staff)
    can_log = can_log_sessions(request.user, request.school, runs=lambda: runs_it)
    # Progress checks (interventions.progress): the group's check, who is off track, each pupil's chart.
    progress = group_section(request, intervention, placements) if intervention.wave != Wave.QUALITY_FIRST else {}
    return render(
        request,
        "interventions/intervention_detail.html",
        {
            **progress,
            "intervention": intervention,
            "schedule": schedule_text(intervention.days, intervention.minutes_per_session, intervention.start_time),
            "year_groups": [YearGroup(y).label for y in intervention.year_groups if y in YearGroup.values],
            "staff": [(member, _staff_name(member), member.pk in untrained_ids) for member in staff],
            "rows": rows,
            "active_count": active_count,
            "placed_count": placed_count,
            "cost": cost,
            "cost_lines": [
                (line, StaffRole(line.role).label if line.role in StaffRole.values else line.role)
                for line in (cost.staff if cost else [])
            ],
            "show_costs": show_costs,
            "dosage_held": DOSAGE_HELD,
            "dosage_planned": DOSAGE_PLANNED,
            "warnings": warnings,
            "sessions": sessions,
            "session_totals": session_totals,
            "session_log_url": (_optional_url("interventions:session_log", intervention.pk) if can_log else None),
            "sessions_url": _optional_url("interventions:sessions", intervention.pk),
            "can_edit": request.role in INTERVENTION_EDITORS,
            "can_set_rates": request.role in COST_EDITORS,
            "actions": STATUS_ACTIONS.get(intervention.status, []),
            "today": today,
        },
    )


# --- Planning and editing ------------------------------------------------------------------------------


def _staff_members(form: InterventionForm, formset) -> list[services.StaffMember]:
    lead = form.lead_member()
    others = [line.member() for line in formset.forms]
    return [member for member in [lead, *others] if member is not None]


@role_required(*INTERVENTION_EDITORS)
def intervention_new(request: HttpRequest) -> HttpResponse:
    """Plan an intervention; ``?programme=<pk>`` starts from a catalogue programme's shape. Coming from "who
    needs support" (``?pupil=..&subject=..``), the form is filled in for the ticked pupils
    (``interventions.groups.planning``), and saving goes on to adding them, each with a baseline already picked."""
    school, today = request.school, timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    programme = None
    if request.GET.get("programme"):
        programme_id = int_param(request.GET["programme"])
        if programme_id is None:
            raise Http404("No such programme")
        programme = get_object_or_404(Programme.objects.for_school(school), pk=programme_id)
    ticked = _pupil_ids(source.getlist("pupil"))
    plan = None
    if ticked:
        subject_id = int_param(source.get("subject"))
        subject = Subject.objects.filter(school=school, pk=subject_id).first() if subject_id is not None else None
        plan = planning.plan_for_pupils(
            school=school, pupil_ids=ticked, subject=subject, programme=programme, today=today
        )
        initial = plan.initial
    elif programme is not None:
        initial = initial_from_programme(programme, start=today, terms=term_ranges(school))
        # The assessed subject, when the school has one named like the programme's area ("Reading", "Maths").
        subject = Subject.objects.filter(school=school, name__iexact=Area(programme.area).label).first()
        if subject is not None:
            initial["subject"] = subject.pk
    else:
        initial = {"start_date": today}
    form = InterventionForm(request.POST or None, school=school, initial=initial, today=today)
    formset = staff_formset(request.POST or None, school=school, intervention=None, training=form.staff_training)
    if plan is not None:
        form.fields["name"].widget.attrs.update(
            {"data-name-default": plan.name_default, "data-name-suffix": plan.name_suffix}
        )
    if (
        request.method == "POST"
        and form.is_valid()
        and formset.is_valid()
        and form.require_external_costing(_staff_members(form, formset))
    ):
        try:
            intervention = services.intervention_create(
                school=school, fields=form.fields_for_service(), staff=_staff_members(form, formset), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"staff": None})
        else:
            messages.success(request, f"{intervention.name} planned.")
            _warn_time_limit(request, intervention)
            _warn_untrained(request, intervention, today)
            if plan is not None and plan.pupils:
                # On to adding the ticked pupils: each row has its newest result on the scale as the baseline.
                query = urlencode([("step", "details"), *[("pupil", p.pk) for p in plan.pupils]])
                return redirect(f"{reverse('interventions:placements_add', args=[intervention.pk])}?{query}")
            return redirect("interventions:detail", intervention.pk)
    return render(
        request,
        "interventions/intervention_form.html",
        {
            "form": form,
            "formset": formset,
            "intervention": None,
            "programme": programme,
            "plan": plan,
            "programmes_url": reverse("interventions:intervention_new"),
        },
    )


def _warn_untrained(request: HttpRequest, intervention: Intervention, today: dt.date) -> None:
    """Said again once saved: the form flagged them, but a group can be planned before training is booked."""
    untrained = untrained_staff(intervention=intervention, today=today)
    if untrained:
        names = ", ".join(_staff_name(member) for member in untrained)
        messages.warning(request, f"Not trained (or training expired) in {intervention.programme.name}: {names}.")


@role_required(*INTERVENTION_EDITORS)
@require_POST
def plan_from_identification(request: HttpRequest) -> HttpResponse:
    """From "who needs support": the ticked pupils, their subject and (optionally) a programme go to a new
    group's form, filled in for them. A redirect, so the form's address can be reloaded or shared."""
    back = _safe_next(request, request.POST.get("next")) or reverse("reports:identification")
    ids = _pupil_ids(request.POST.getlist("pupil"))
    if not ids:
        messages.error(request, "Tick the pupils to plan a group for first.")
        return redirect(back)
    params: list[tuple[str, object]] = [("pupil", pk) for pk in ids]
    subject = int_param(request.POST.get("subject"))
    if subject is not None:
        params.append(("subject", subject))
    programme = int_param(request.POST.get("programme"))
    if programme is not None and Programme.objects.for_school(request.school).filter(pk=programme).exists():
        params.append(("programme", programme))
    return redirect(f"{reverse('interventions:intervention_new')}?{urlencode(params)}")


@role_required(*INTERVENTION_EDITORS)
def intervention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = _get_intervention(request, pk)
    with transaction.atomic():
        if request.method == "POST":
            # Locked and read afresh: the form checks it was opened on the group as saved now (a stale tab must
            # not reset what someone else saved; provision.concurrency).
            intervention = _locked(Intervention, intervention)
        form = InterventionForm(request.POST or None, instance=intervention, school=request.school)
        formset = staff_formset(
            request.POST or None, school=request.school, intervention=intervention, training=form.staff_training
        )
        if (
            request.method == "POST"
            and form.is_valid()
            and formset.is_valid()
            and form.require_external_costing(_staff_members(form, formset))
        ):
            try:
                intervention = services.intervention_update(
                    intervention=intervention,
                    fields=form.fields_for_service(),
                    staff=_staff_members(form, formset),
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"staff": None})
            else:
                messages.success(request, f"{intervention.name} saved.")
                _warn_time_limit(request, intervention)
                _warn_untrained(request, intervention, timezone.localdate())
                return redirect("interventions:detail", intervention.pk)
    return render(
        request,
        "interventions/intervention_form.html",
        {"form": form, "formset": formset, "intervention": intervention, "programme": intervention.programme},
    )


def _warn_time_limit(request: HttpRequest, intervention: Intervention) -> None:
    if intervention.has_no_end_date:
        messages.warning(request, "It has no end date yet: interventions are time-limited, so set when it ends.")


@role_required(*INTERVENTION_EDITORS)
@require_POST
def intervention_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Start, complete, stop (with a reason) or reopen a group."""
    intervention = _get_intervention(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose start, complete, stop or reopen.")
        return redirect("interventions:detail", intervention.pk)
    action, today = form.cleaned_data["action"], timezone.localdate()
    try:
        if action == "start":
            services.intervention_start(intervention=intervention, by=request.user)
        elif action == "complete":
            services.intervention_complete(intervention=intervention, on=today, by=request.user)
        elif action == "stop":
            services.intervention_stop(
                intervention=intervention, reason=form.cleaned_data["reason"], on=today, by=request.user
            )
        else:
            services.intervention_reopen(intervention=intervention, today=today, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{intervention.name} {services.TRANSITIONS[action][1]}.")
    return redirect("interventions:detail", intervention.pk)


# --- Placements --------------------------------------------------------------------------------------


MAX_ID = 2**63 - 1  # a BigAutoField: a larger number is no pupil (and PostgreSQL would refuse to compare it)


def _pupil_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        number = int_param(value)
        if number is not None and 0 < number <= MAX_ID and number not in ids:
            ids.append(number)
    return ids


@role_required(*INTERVENTION_EDITORS)
def placements_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add pupils to a group in two steps: pick them (skipped when they come ticked from the identification
    list), then give each a baseline, targets and self-rating, and the date they join. All or nobody."""
    intervention = _get_intervention(request, pk)
    source = request.POST if request.method == "POST" else request.GET
    ids = _pupil_ids(source.getlist("pupil"))
    if request.method == "GET" and (request.GET.get("step") != "details" or not ids):
        return _pick_pupils(request, intervention, ids)
    today = timezone.localdate()
    pupils = list(
        Pupil.objects.visible_to(request.user, request.school)
        .filter(pk__in=ids)
        .select_related("registration_group")
        .order_by("year_group", "legal_last_name", "legal_first_name")
    )
    if len(pupils) != len(ids):
        raise Http404("No such pupil")
    already = set(
        Placement.objects.visible_to(request.user, request.school)
        .active()
        .filter(intervention=intervention, pupil__in=pupils)
        .values_list("pupil_id", flat=True)
    )
    joining = [p for p in pupils if p.pk not in already]
    results = eligible_results(intervention, joining)
    data = request.POST if request.method == "POST" else None
    date_form = EntryDateForm(data, initial={"entry_date": max(today, intervention.start_date)})
    rows = [
        PupilRowForm(data, prefix=f"p{p.pk}", pupil=p, results=results.get(p.pk, []), initial={"include": True})
        for p in joining
    ]
    next_url = _safe_next(request, source.get("next"))
    problems: list[str] = []
    if request.method == "POST":
        # Every form is checked (not just up to the first bad one) so that each shows its own errors.
        rows_ok = [row.is_valid() for row in rows]
        forms_ok = date_form.is_valid() and all(rows_ok)
        chosen = [row for row in rows if forms_ok and row.cleaned_data.get("include")]
        if forms_ok and not chosen:
            date_form.add_error(None, "Tick at least one pupil to add.")
        elif forms_ok:
            try:
                added = services.placements_add(
                    intervention=intervention,
                    pupils=[row.entry() for row in chosen],
                    entry_date=date_form.cleaned_data["entry_date"],
                    by=request.user,
                )
            except services.PlacementErrors as exc:
                by_pupil = {row.pupil.pk: row for row in rows}
                for pupil_pk, fields in exc.problems.items():
                    row = by_pupil[pupil_pk]
                    for name, field_messages in fields.items():
                        field = ENTRY_FIELDS.get(name, name if name in row.fields else None)
                        for message in field_messages:
                            row.add_error(field, message)
                problems = exc.messages
            except ValidationError as exc:
                add_service_errors(date_form, exc, {"pupils": None})
            else:
                names = ", ".join(p.pupil.full_name for p in added)
                messages.success(request, f"Added to {intervention.name}: {names}.")
                if _active_count(request, intervention) > intervention.capacity:
                    messages.warning(
                        request, f"{intervention.name} is now over its capacity of {intervention.capacity}."
                    )
                return redirect(next_url or reverse("interventions:detail", args=[intervention.pk]))
    return render(
        request,
        "interventions/placement_add.html",
        {
            "intervention": intervention,
            "date_form": date_form,
            "rows": rows,
            "already": [p for p in pupils if p.pk in already],
            "problems": problems,
            "next": next_url,
            "scale": intervention.scale,
        },
    )


def _active_count(request: HttpRequest, intervention: Intervention) -> int:
    return Placement.objects.visible_to(request.user, request.school).active().filter(intervention=intervention).count()


def _pick_pupils(request: HttpRequest, intervention: Intervention, ticked: list[int]) -> HttpResponse:
    """Step one: the school's pupils on roll (by default in the group's year groups) to tick."""
    year_param = request.GET.get("year", "")
    year = int_param(year_param)
    q = request.GET.get("q", "").strip()
    pupils = Pupil.objects.visible_to(request.user, request.school).on_roll().select_related("registration_group")
    if year is not None:
        pupils = pupils.filter(year_group=year)
    elif year_param != "all" and intervention.year_groups:
        pupils = pupils.filter(year_group__in=intervention.year_groups)
    for word in q.split()[:4]:
        pupils = pupils.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_first_name__icontains=word)
            | Q(preferred_last_name__icontains=word)
        )
    pupils = list(pupils.order_by("year_group", "legal_last_name", "legal_first_name")[:500])
    in_group = set(
        Placement.objects.visible_to(request.user, request.school)
        .active()
        .filter(intervention=intervention)
        .values_list("pupil_id", flat=True)
    )
    shown = {p.pk for p in pupils}
    return render(
        request,
        "interventions/placement_pick.html",
        {
            "intervention": intervention,
            "pupils": pupils,
            "in_group": in_group,
            "ticked": set(ticked),
            "hidden_ticked": [pk for pk in ticked if pk not in shown],
            "year_param": year_param,
            "years": [(y, YearGroup(y).label) for y in request.school.year_groups],
            "q": q,
            "next": _safe_next(request, request.GET.get("next")),
            "none_ticked": request.GET.get("step") == "details" and not ticked,
        },
    )


def _results_for(placement: Placement) -> list:
    """The placement's pupil's results that fit its intervention, plus those it already points at."""
    results = eligible_results(placement.intervention, [placement.pupil]).get(placement.pupil_id, [])
    for current in (placement.entry_result, placement.exit_result):
        if current is not None and current.pk not in {r.pk for r in results}:
            results.append(current)
    return results


@role_required(*INTERVENTION_EDITORS)
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what was recorded when the pupil joined."""
    placement = _get_placement(request, pk)
    intervention = placement.intervention
    spec = intervention.scale.spec() if intervention.scale_id else None
    with transaction.atomic():
        if request.method == "POST":
            placement = _locked(Placement, placement)  # see intervention_edit
        form = PlacementEditForm(request.POST or None, placement=placement, results=_results_for(placement), spec=spec)
        if request.method == "POST" and form.is_valid():
            try:
                services.placement_update(placement=placement, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc, ENTRY_FIELDS)
            else:
                messages.success(request, f"{placement.pupil.full_name}'s entry details saved.")
                return redirect("interventions:detail", intervention.pk)
    return render(
        request,
        "interventions/placement_form.html",
        {"form": form, "placement": placement, "scale": intervention.scale},
    )


@role_required(*INTERVENTION_EDITORS)
def placement_exit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or correct) a pupil's exit from a group."""
    placement = _get_placement(request, pk)
    intervention = placement.intervention
    spec = intervention.scale.spec() if intervention.scale_id else None
    form = PlacementExitForm(
        request.POST or None, placement=placement, results=_results_for(placement), today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_exit(placement=placement, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, EXIT_FIELDS)
        else:
            messages.success(request, f"{placement.pupil.full_name}'s exit recorded.")
            return redirect("interventions:detail", intervention.pk)
    return render(
        request,
        "interventions/placement_exit.html",
        {
            "form": form,
            "placement": placement,
            "scale": intervention.scale,
            "baseline": _shown(spec, placement.entry_value, placement.entry_typed),
            "target_value": _shown(spec, placement.target_value, ""),
        },
    )


@role_required(*INTERVENTION_EDITORS)
@require_POST
def add_from_identification(request: HttpRequest) -> HttpResponse:
    """From the "pupils who need support" list: the ticked pupils and a chosen intervention go on to the
    add-pupils form, with each pupil's latest result in the intervention's subject as their baseline."""
    back = _safe_next(request, request.POST.get("next")) or reverse("reports:identification")
    ids = _pupil_ids(request.POST.getlist("pupil"))
    intervention_id = int_param(request.POST.get("intervention"))
    if not ids:
        messages.error(request, "Tick the pupils to add first.")
        return redirect(back)
    intervention = (
        Intervention.objects.visible_to(request.user, request.school).planned_or_running().exclude(wave=Wave.QUALITY_FIRST)
        .filter(pk=intervention_id).first()
        if intervention_id is not None
        else None
    )  # fmt: skip
    if intervention is None:
        messages.error(request, "Choose a planned or running intervention to add them to.")
        return redirect(back)
    query = urlencode([("step", "details"), *[("pupil", pk) for pk in ids], ("next", back)])
    return redirect(f"{reverse('interventions:placements_add', args=[intervention.pk])}?{query}")


# --- Staff rates ---------------------------------------------------------------------------------------


@role_required(*COST_EDITORS)
def staff_rates(request: HttpRequest) -> HttpResponse:
    """The school's cost of an hour of each staff role, used to cost every intervention."""
    school = request.school
    current = _rates(school)
    form = StaffRatesForm(request.POST or None, rates=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_rates_save(school=school, rates=form.rates(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, {"role": None})
        else:
            messages.success(request, "Staff rates saved.")
            return redirect("interventions:staff_rates")
    return render(
        request,
        "interventions/staff_rates.html",
        {"form": form, "examples": EXAMPLE_RATES, "missing": [r.label for r in StaffRole if r.value not in current]},
    )
