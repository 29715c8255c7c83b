"""Pages for progress checks: setting up a group's check and targets, the group's grid of scores, acknowledging a
decision. Importing scores from a file goes through the shared import pages (``pupils.imports.views``), with the
declaration in ``checks_apply``.

Who may do what: the SENCO sets up checks and targets and acknowledges decisions (``INTERVENTION_EDITORS``);
scores are recorded by whoever runs the group, or the SENCO (as sessions are logged); files of scores are imported
by the SENCO and the school admin (``IMPORTERS``). Anything outside that is a 404 or 403, as elsewhere.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from interventions.models import Intervention, Placement
from interventions.progress import rules, selectors, services
from interventions.progress import session as check_boxes
from interventions.progress.forms import (
    CheckForm,
    ReviewForm,
    add_errors,
    posted_boxes,
    posted_goals,
    posted_scores,
)
from interventions.progress.models import CheckChange, ScoreSource
from interventions.progress.selectors import check_of, progress_for
from provision.access import INTERVENTION_EDITORS, SESSION_LOGGERS, role_required


def _group_for_editor(request: HttpRequest, pk: int) -> Intervention:
    return get_object_or_404(
        Intervention.objects.visible_to(request.user, request.school).select_related("school"), pk=pk
    )


def _group_for_recorder(request: HttpRequest, pk: int) -> Intervention:
    """A group the user may record scores for: any of the school's for the SENCO, else one they run (404)."""
    groups = Intervention.objects.loggable_by(request.user, request.school)
    return get_object_or_404(groups.select_related("school"), pk=pk)


def _group_url(intervention: Intervention) -> str:
    return reverse("interventions:detail", args=[intervention.pk]) + "#progress"


# --- Setting up the check and the targets ------------------------------------------------------------------------


@role_required(*INTERVENTION_EDITORS)
def checks_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the group's check (what, unit, which way is better, its range) and give each pupil a target on it,
    and a baseline when one was measured before the first check. Saved together, or not at all; a form opened
    before someone else saved the check or a target is refused with what they changed (provision.concurrency)."""
    intervention = _group_for_editor(request, pk)
    placements = selectors.group_placements(intervention, user=request.user)
    problems: dict[int, str] = {}
    with transaction.atomic():
        if request.method == "POST":
            # Lock the group, then read the check and targets as they are now: what the form is compared with.
            Intervention.objects.select_for_update().filter(pk=intervention.pk).first()
        check, boxes = selectors.check_and_targets(intervention, placements, user=request.user)
        form = CheckForm.for_group(
            request.POST or None, intervention=intervention, check=check, boxes=boxes, placements=placements
        )
        if request.method == "POST":
            problems = _setup_save(request, intervention, form)
            if problems is None:
                messages.success(request, f"{intervention.name}: progress check and targets saved.")
                return redirect(_group_url(intervention))
            boxes = {**boxes, **posted_boxes(request.POST, placements)}
    rows = [
        {"placement": p, "entry": boxes[p.pk][0], "target": boxes[p.pk][1], "error": problems.get(p.pk, "")}
        for p in placements
    ]
    return render(
        request,
        "interventions/progress/setup.html",
        {"intervention": intervention, "form": form, "check": check, "rows": rows, "thresholds": rules.THRESHOLDS},
    )


def _setup_save(request: HttpRequest, intervention: Intervention, form: CheckForm) -> dict[int, str] | None:
    """Save the check and the targets (None), or return the problems by placement id (the form's are on it)."""
    goals, problems = posted_goals(request.POST)
    if not form.is_valid() or problems:
        return problems
    try:
        services.check_setup_save(intervention=intervention, check=form.service_kwargs(), goals=goals, by=request.user)
    except ValidationError as exc:
        by_placement, rest = check_boxes.split_errors(exc.message_dict)
        if rest:
            add_errors(form, ValidationError(rest))
        return {**problems, **by_placement}
    return None


# --- The group's grid of scores ------------------------------------------------------------------------------------


def _parse_day(raw: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@role_required(*SESSION_LOGGERS)
def checks_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A small grid: the group's pupils down the side, the day being recorded (``?date=``, today by default) and
    the latest earlier days of checks across. Every box can be typed in, corrected or cleared; a box someone else
    changed since the page was opened is refused with their score rather than overwritten."""
    intervention = _group_for_recorder(request, pk)
    check = check_of(intervention)
    if check is None:
        if request.role in INTERVENTION_EDITORS:
            messages.info(request, "Set up the group's progress check first.")
            return redirect("interventions:checks_setup", intervention.pk)
        raise Http404("This group has no progress check")
    today = timezone.localdate()
    new_day = min(_parse_day(request.GET.get("date"), today), today)
    errors: dict[int, str] | None = {}
    posted: dict[tuple[int, dt.date], str] = {}
    if request.method == "POST":
        entries = posted_scores(request.POST)
        posted = {(e.placement_id, e.date): e.typed for e in entries}
        errors = _record(request, intervention, entries, today)
        if errors is None:
            return redirect(_group_url(intervention))
    days = selectors.grid_days(intervention, new_day, user=request.user)
    rows = selectors.grid_rows(intervention, days, user=request.user, posted=posted, errors=errors)
    return render(
        request,
        "interventions/progress/record.html",
        {
            "intervention": intervention,
            "check": check,
            "days": days,
            "new_day": new_day,
            "today": today,
            "rows": rows,
            "error_summary": [row["error"] for row in rows if row["error"]] + list(errors.values()),
        },
    )


def _record(request: HttpRequest, intervention: Intervention, entries, today: dt.date) -> dict[int, str] | None:
    """Record the grid's scores (None), or return the problems by placement id (any other shown as a message)."""
    try:
        saved = services.scores_record(
            intervention=intervention, entries=entries, source=ScoreSource.GRID, by=request.user, today=today
        )
    except ValidationError as exc:
        errors, rest = check_boxes.split_errors(exc.message_dict)
        for problems in rest.values():
            messages.error(request, " ".join(problems))
        return errors
    messages.success(request, _saved_message(intervention, saved))
    return None


def _saved_message(intervention: Intervention, saved: services.ScoresSaved) -> str:
    if not saved.changed:
        return f"{intervention.name}: no scores changed."
    parts = [
        f"{n} {word}"
        for n, word in ((saved.created, "new"), (saved.updated, "corrected"), (saved.deleted, "cleared"))
        if n
    ]
    return f"{intervention.name}: scores saved ({', '.join(parts)})."


# --- Acknowledging a decision ------------------------------------------------------------------------------------


@role_required(*INTERVENTION_EDITORS)
def checks_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge an off-track (or raise-the-goal) decision with what was changed, kept in the pupil's record."""
    placement = get_object_or_404(
        Placement.objects.visible_to(request.user, request.school).select_related(
            "pupil", "pupil__registration_group", "intervention"
        ),
        pk=pk,
    )
    progress = progress_for([placement]).get(placement.pk)
    if progress is None:
        raise Http404("This group has no progress check")
    today = timezone.localdate()
    suggested = CheckChange.GOAL if progress.decision == rules.Decision.RAISE_GOAL else None
    form = ReviewForm(request.POST or None, initial={"changed_on": today, "change": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                progress=progress,
                change=form.cleaned_data["change"],
                note=form.cleaned_data["note"],
                changed_on=form.cleaned_data["changed_on"],
                new_target=form.cleaned_data["new_target"],
                by=request.user,
                today=today,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"{placement.pupil.full_name}: the change is recorded. Checks after "
                f"{form.cleaned_data['changed_on']:%d/%m/%Y} are judged afresh.",
            )
            return redirect(_group_url(placement.intervention))
    return render(
        request,
        "interventions/progress/review.html",
        {"placement": placement, "progress": progress, "form": form, "thresholds": rules.THRESHOLDS},
    )
