"""Interventions (groups): the list, a group's page, planning and editing, status, placements and staff rates.

Everyone on the staff sees the school's interventions, except teaching assistants, who see the groups they run
(as lead or as one of the staff); a group outside what someone may see is a 404. Only the SENCO changes them.
Costs come from staff pay rates, so they are shown to those who manage the budget (``provision.access.can_see_costs``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from interventions.catalogue.training import untrained_staff
from interventions.groups import attention as attention_flags
from interventions.groups import formatting, planning, selectors, services
from interventions.groups.forms import (
    ENTRY_FIELDS,
    EXAMPLE_RATES,
    EXIT_FIELDS,
    EntryDateForm,
    InterventionFilterForm,
    InterventionForm,
    PlacementEditForm,
    PlacementExitForm,
    PupilPickForm,
    PupilRowForm,
    StaffRatesForm,
    StatusForm,
    add_placement_errors,
    add_service_errors,
    staff_formset,
)
from interventions.models import Intervention, Placement, Programme, StaffRole, Status, Wave
from interventions.progress.selectors import group_section
from provision.access import (
    COST_EDITORS,
    INTERVENTION_EDITORS,
    INTERVENTION_VIEWERS,
    can_log_sessions,
    can_see_costs,
    role_required,
)
from provision.models import Role
from provision.params import int_param
from pupils.models import Subject, YearGroup

PAGE_SIZE = 50
STATUS_ACTIONS = {
    Status.PLANNED: ["start", "stop"],
    Status.RUNNING: ["complete", "stop"],
    Status.COMPLETED: ["reopen"],
    Status.STOPPED: ["reopen"],
}


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


# --- The list ----------------------------------------------------------------------------------------


@role_required(*INTERVENTION_VIEWERS)
def intervention_list(request: HttpRequest) -> HttpResponse:
    """The school's interventions, filtered, with schedule, pupils against capacity, cost and what needs
    attention. A constant number of queries however many there are."""
    school, today = request.school, timezone.localdate()
    subjects = list(Subject.objects.filter(school=school))
    form = InterventionFilterForm(
        request.GET or None, school=school, subjects=subjects, staff=list(selectors.staff_users(school))
    )
    interventions = form.filter(selectors.interventions_for_list(request.user, school, today), today=today)
    page = Paginator(selectors.ordered_for_list(interventions), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "interventions/intervention_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.list_rows(page.object_list, user=request.user, school=school, today=today),
            "query_without_page": params.urlencode(),
            "can_edit": request.role in INTERVENTION_EDITORS,
            "can_set_rates": request.role in COST_EDITORS,
            "show_costs": can_see_costs(request.user, school),
            "is_ta": request.role == Role.TA,
            "flag": attention_flags.FLAGS.get(form.data_or_empty.get("flag") or ""),
        },
    )


# --- A group's page ----------------------------------------------------------------------------------


@role_required(*INTERVENTION_VIEWERS)
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one group: details, schedule, staff and training, cost, warnings, its pupils with their
    dosage and outcomes, and its latest sessions. A constant number of queries however many pupils."""
    today = timezone.localdate()
    intervention = selectors.group_for(request.user, request.school, pk)
    page = selectors.group_page(intervention, user=request.user, school=request.school, today=today)
    placements, runs_it = page.pop("placements"), page.pop("runs_it")
    can_log = can_log_sessions(request.user, request.school, runs=lambda: runs_it)
    # Progress checks (interventions.progress): the group's check, who is off track, each pupil's chart.
    progress = (
        group_section(request.user, request.role, intervention, placements)
        if intervention.wave != Wave.QUALITY_FIRST
        else {}
    )
    return render(
        request,
        "interventions/intervention_detail.html",
        {
            **progress,
            **page,
            "intervention": intervention,
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


def _valid(form: InterventionForm, formset) -> bool:
    """The group's form and its staff lines are valid, and say how external staff are paid when there are any."""
    return form.is_valid() and formset.is_valid() and form.require_external_costing(_staff_members(form, formset))


@role_required(*INTERVENTION_EDITORS)
def intervention_new(request: HttpRequest) -> HttpResponse:
    """Plan an intervention; ``?programme=<pk>`` starts from a catalogue programme's shape. Coming from "who
    needs support" (``?pupil=..&subject=..``), the form is filled in for the ticked pupils
    (``interventions.groups.planning``), and saving goes on to adding them, each with a baseline already picked."""
    school, today = request.school, timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    programme = None
    if request.GET.get("programme"):
        programme = selectors.programme_for(school, int_param(request.GET["programme"]))
    plan, initial = planning.new_group_start(
        user=request.user, school=school, pupil_ids=_pupil_ids(source.getlist("pupil")),
        subject_id=int_param(source.get("subject")), programme=programme, today=today,
    )  # fmt: skip
    form = InterventionForm(request.POST or None, school=school, initial=initial, today=today)
    formset = staff_formset(request.POST or None, school=school, intervention=None, training=form.staff_training)
    if plan is not None:
        form.fields["name"].widget.attrs.update(
            {"data-name-default": plan.name_default, "data-name-suffix": plan.name_suffix}
        )
    if request.method == "POST" and _valid(form, formset):
        try:
            intervention = services.intervention_create(
                school=school, fields=form.fields_for_service(), staff=_staff_members(form, formset), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"staff": None})
        else:
            return _planned(request, intervention, plan, today)
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


def _planned(request: HttpRequest, intervention: Intervention, plan: planning.Plan | None, today: dt.date):
    """Once a new group is saved: its warnings, then on to adding the ticked pupils (each row with their newest
    result on the scale as the baseline), or to the group's page."""
    messages.success(request, f"{intervention.name} planned.")
    _warn_time_limit(request, intervention)
    _warn_untrained(request, intervention, today)
    if plan is not None and plan.pupils:
        query = urlencode([("step", "details"), *[("pupil", p.pk) for p in plan.pupils]])
        return redirect(f"{reverse('interventions:placements_add', args=[intervention.pk])}?{query}")
    return redirect("interventions:detail", intervention.pk)


def _warn_untrained(request: HttpRequest, intervention: Intervention, today: dt.date) -> None:
    """Said again once saved: the form flagged them, but a group can be planned before training is booked."""
    untrained = untrained_staff(intervention=intervention, today=today)
    if untrained:
        messages.warning(request, formatting.untrained_warning(intervention, untrained))


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
    intervention = selectors.group_for(request.user, request.school, pk)
    with transaction.atomic():
        if request.method == "POST":
            # Locked and read afresh: the form checks it was opened on the group as saved now (a stale tab must
            # not reset what someone else saved; provision.concurrency).
            intervention = _locked(Intervention, intervention)
        form = InterventionForm(request.POST or None, instance=intervention, school=request.school)
        formset = staff_formset(
            request.POST or None, school=request.school, intervention=intervention, training=form.staff_training
        )
        if request.method == "POST" and _valid(form, formset):
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
    intervention = selectors.group_for(request.user, request.school, pk)
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
    user, school = request.user, request.school
    intervention = selectors.group_for(user, school, pk)
    source = request.POST if request.method == "POST" else request.GET
    ids = _pupil_ids(source.getlist("pupil"))
    if request.method == "GET" and (request.GET.get("step") != "details" or not ids):
        return _pick_pupils(request, intervention, ids)
    pupils = selectors.pupils_by_id(ids, user=user, school=school)
    already = selectors.pupils_in_group(intervention, user=user, school=school, among=pupils)
    joining = [p for p in pupils if p.pk not in already]
    results = selectors.eligible_results(intervention, joining, user=user, school=school)
    data = request.POST if request.method == "POST" else None
    date_form = EntryDateForm(data, initial={"entry_date": max(timezone.localdate(), intervention.start_date)})
    rows = [
        PupilRowForm(data, prefix=f"p{p.pk}", pupil=p, results=results.get(p.pk, []), initial={"include": True})
        for p in joining
    ]
    next_url = _safe_next(request, source.get("next"))
    problems: list[str] = []
    if request.method == "POST":
        added, problems = _add_pupils(request, intervention, date_form, rows)
        if added is not None:
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


def _add_pupils(
    request: HttpRequest, intervention: Intervention, date_form: EntryDateForm, rows: list[PupilRowForm]
) -> tuple[list[Placement] | None, list[str]]:
    """Add the ticked pupils (the placements added), or put each problem beside its field (the problems that
    concern the whole form) with None."""
    # Every form is checked (not just up to the first bad one) so that each shows its own errors.
    rows_ok = [row.is_valid() for row in rows]
    if not (date_form.is_valid() and all(rows_ok)):
        return None, []
    chosen = [row for row in rows if row.cleaned_data.get("include")]
    if not chosen:
        date_form.add_error(None, "Tick at least one pupil to add.")
        return None, []
    try:
        added = services.placements_add(
            intervention=intervention,
            pupils=[row.entry() for row in chosen],
            entry_date=date_form.cleaned_data["entry_date"],
            by=request.user,
        )
    except services.PlacementErrors as exc:
        add_placement_errors(rows, exc)
        return None, exc.messages
    except ValidationError as exc:
        add_service_errors(date_form, exc, {"pupils": None})
        return None, []
    messages.success(request, f"Added to {intervention.name}: {', '.join(p.pupil.full_name for p in added)}.")
    if selectors.active_count(intervention, user=request.user, school=request.school) > intervention.capacity:
        messages.warning(request, f"{intervention.name} is now over its capacity of {intervention.capacity}.")
    return added, []


def _pick_pupils(request: HttpRequest, intervention: Intervention, ticked: list[int]) -> HttpResponse:
    """Step one: the school's pupils on roll (by default in the group's year groups) to tick."""
    form = PupilPickForm(request.GET, intervention=intervention)
    pupils = form.filter(selectors.pupils_on_roll(request.user, request.school))
    shown = {p.pk for p in pupils}
    return render(
        request,
        "interventions/placement_pick.html",
        {
            "intervention": intervention,
            "pupils": pupils,
            "in_group": selectors.pupils_in_group(intervention, user=request.user, school=request.school),
            "ticked": set(ticked),
            "hidden_ticked": [pk for pk in ticked if pk not in shown],
            "year_param": form.data_or_empty.get("year") or "",
            "years": [(y, YearGroup(y).label) for y in request.school.year_groups],
            "q": form.data_or_empty.get("q") or "",
            "next": _safe_next(request, request.GET.get("next")),
            "none_ticked": request.GET.get("step") == "details" and not ticked,
        },
    )


@role_required(*INTERVENTION_EDITORS)
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what was recorded when the pupil joined."""
    placement = selectors.placement_for(request.user, request.school, pk)
    intervention = placement.intervention
    spec = intervention.scale.spec() if intervention.scale_id else None
    with transaction.atomic():
        if request.method == "POST":
            placement = _locked(Placement, placement)  # see intervention_edit
        form = PlacementEditForm(
            request.POST or None,
            placement=placement,
            results=selectors.results_for(placement, user=request.user, school=request.school),
            spec=spec,
        )
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
    placement = selectors.placement_for(request.user, request.school, pk)
    intervention = placement.intervention
    spec = intervention.scale.spec() if intervention.scale_id else None
    form = PlacementExitForm(
        request.POST or None,
        placement=placement,
        results=selectors.results_for(placement, user=request.user, school=request.school),
        today=timezone.localdate(),
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
            "baseline": formatting.shown(spec, placement.entry_value, placement.entry_typed),
            "target_value": formatting.shown(spec, placement.target_value, ""),
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
    current = selectors.staff_rates(school)
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
