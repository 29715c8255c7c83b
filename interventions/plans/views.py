"""SEN support plans: the list of the school's SEN pupils with their plans, a plan, its form and its reviews.

Everyone in PLAN_VIEWERS reads every plan of the current school (teachers need them to teach); the SENCO
(PLAN_EDITORS) writes them. Plans and pupils are fetched from the current school only: anything else is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.models import OutcomeRating, SupportPlan
from interventions.plans import services as plans
from interventions.plans.forms import PlanFilterForm, PlanForm, ReviewForm, apply_service_errors
from provision import audit
from provision.access import PLAN_EDITORS, PLAN_VIEWERS, role_required
from pupils import reference
from pupils.selectors import get_pupil_for_user

PAGE_SIZE = 100


def _pupil_plan(request: HttpRequest, value: str) -> HttpResponse:
    """Where "Support plan" on a pupil's profile leads: their active plan; for the SENCO, a new plan when
    they have none; otherwise their last plan, or back to the list saying there is none."""
    try:
        pk = int(value)
    except ValueError as exc:
        raise Http404("No such pupil") from exc
    pupil = get_pupil_for_user(request, pk, PLAN_VIEWERS, school=request.school)
    plan = plans.latest_plan(pupil)
    if plan is not None and plan.is_active:
        return redirect("interventions:plan_detail", plan.pk)
    if request.role in PLAN_EDITORS and plans.is_on_register(pupil):
        return redirect("interventions:plan_new", pupil.pk)
    if plan is not None:
        return redirect("interventions:plan_detail", plan.pk)
    messages.info(request, f"{pupil.full_name} has no support plan yet.")
    return redirect("interventions:plans")


@role_required(*PLAN_VIEWERS)
def plan_list(request: HttpRequest) -> HttpResponse:
    if request.GET.get("pupil"):
        return _pupil_plan(request, request.GET["pupil"])
    school = request.school
    today = timezone.localdate()
    form = PlanFilterForm(request.GET or None, school=school)
    pupils = plans.sen_pupils_for_plans(school, form.filters(), today=today)
    page = Paginator(pupils, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    can_edit = request.role in PLAN_EDITORS
    return render(
        request,
        "interventions/plans.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "counts": plans.plan_counts(school, today=today),
            "today": today,
            "can_edit": can_edit,
            "off_register": list(plans.open_plans_off_register(school)) if can_edit else [],
        },
    )


@role_required(*PLAN_EDITORS)
def plan_new(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    pupil = get_pupil_for_user(request, pupil_pk, PLAN_EDITORS, school=request.school)
    if not plans.is_on_register(pupil):
        reason = "has left the school" if pupil.left_on else "is not on SEN support or an EHC plan"
        messages.error(
            request,
            f"{pupil.full_name} {reason}, so they cannot have a support plan. "
            "A plan is for pupils on the SEN register (status K or E).",
        )
        return redirect(pupil)
    previous = plans.latest_plan(pupil)
    form = PlanForm(request.POST or None, pupil=pupil, plan=previous, carry_forward=True)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_create(pupil=pupil, **form.service_kwargs(), by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            closed = (
                " The previous plan is closed and kept with its reviews." if previous and previous.is_active else ""
            )
            messages.success(request, f"Support plan for {pupil.full_name} saved.{closed}")
            return redirect("interventions:plan_detail", plan.pk)
    return render(
        request, "interventions/plan_form.html", {"form": form, "pupil": pupil, "plan": None, "previous": previous}
    )


@role_required(*PLAN_VIEWERS)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.get_plan_for(request.user, request.school, pk)
    pupil = plan.pupil
    voice = plans.split_pupil_views(plan.pupil_views)
    today = timezone.localdate()
    audit.log_view(request, pupil=pupil, what=f"Support plan from {plan.start_date:%d/%m/%Y}")
    return render(
        request,
        "interventions/plan_detail.html",
        {
            "plan": plan,
            "pupil": pupil,
            "needs": [(reference.AREA_LABELS.get(area, area), text) for area, text in plan.needs.items()],
            "pupil_voice": [(label, voice[key]) for key, label in plans.PUPIL_VIEW_PROMPTS.items() if key in voice],
            "provision": plans.plan_provision(plan, today=today),
            "period_end": plans.plan_period_end(plan, today=today),
            "outcomes": plans.outcome_timelines(plan),
            "ratings": OutcomeRating.choices,
            "reviews": plan.reviews.select_related("recorded_by").prefetch_related("ratings").order_by("-date", "-pk"),
            "other_plans": pupil.support_plans.exclude(pk=plan.pk).order_by("-start_date", "-pk"),
            "is_overdue": plan.is_active and plan.review_date < today,
            "on_register": plans.is_on_register(pupil),
            "can_edit": request.role in PLAN_EDITORS,
            "today": today,
        },
    )


@role_required(*PLAN_EDITORS)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.get_plan_for(request.user, request.school, pk)
    if not plan.is_active:
        messages.error(request, "This plan is closed: it is kept as a record and cannot be changed.")
        return redirect("interventions:plan_detail", plan.pk)
    with transaction.atomic():
        if request.method == "POST":
            # Locked and read afresh: the form checks it was opened on the plan as saved now (provision.concurrency).
            SupportPlan.objects.select_for_update(of=("self",)).filter(pk=plan.pk).exists()
            plan.refresh_from_db()
        form = PlanForm(request.POST or None, pupil=plan.pupil, plan=plan)
        if request.method == "POST" and form.is_valid():
            try:
                plans.plan_update(plan=plan, **form.service_kwargs(), by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Support plan saved.")
                return redirect("interventions:plan_detail", plan.pk)
    return render(request, "interventions/plan_form.html", {"form": form, "pupil": plan.pupil, "plan": plan})


@role_required(*PLAN_EDITORS)
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.get_plan_for(request.user, request.school, pk)
    if not plan.is_active:
        messages.error(request, "This plan is closed: start a new plan to record more reviews.")
        return redirect("interventions:plan_detail", plan.pk)
    with transaction.atomic():
        if request.method == "POST":
            # Locked and read afresh: the form checks the outcomes it rates are the plan's as saved now.
            SupportPlan.objects.select_for_update(of=("self",)).filter(pk=plan.pk).exists()
            plan.refresh_from_db()
        form = ReviewForm(request.POST or None, plan=plan)
        if request.method == "POST" and form.is_valid():
            try:
                review = plans.review_add(plan=plan, **form.service_kwargs(), by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                moved = review.plan.review_date != plan.review_date
                note = f" The plan's next review is now due by {review.plan.review_date:%d/%m/%Y}." if moved else ""
                messages.success(request, f"{review.get_stage_display()} recorded.{note}")
                return redirect("interventions:plan_detail", plan.pk)
    return render(request, "interventions/plan_review_form.html", {"form": form, "plan": plan, "pupil": plan.pupil})


@role_required(*PLAN_EDITORS)
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.get_plan_for(request.user, request.school, pk)
    plans.plan_close(plan=plan, by=request.user)
    messages.success(request, f"The support plan for {plan.pupil.full_name} is closed; it is kept as a record.")
    if request.POST.get("next") == "plans":
        return redirect("interventions:plans")
    return redirect("interventions:plan_detail", plan.pk)
