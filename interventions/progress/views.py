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

from interventions.models import Attendance, Intervention, Placement
from interventions.progress import rules, services
from interventions.progress.forms import CheckForm, ReviewForm, posted_goals, posted_scores
from interventions.progress.models import CheckChange, CheckGoal, CheckScore, ProgressCheck, ScoreSource
from interventions.progress.selectors import check_of, group_progress, progress_for
from interventions.sessions import services as logs
from provision.access import IMPORTERS, INTERVENTION_EDITORS, SESSION_LOGGERS, role_required
from provision.models import Role

# How many earlier days of checks the grid shows beside the day being recorded.
GRID_DAYS = 6


def _group_for_editor(request: HttpRequest, pk: int) -> Intervention:
    return get_object_or_404(
        Intervention.objects.visible_to(request.user, request.school).select_related("school"), pk=pk
    )


def _group_for_recorder(request: HttpRequest, pk: int) -> Intervention:
    """A group the user may record scores for: any of the school's for the SENCO, else one they run (404)."""
    groups = Intervention.objects.loggable_by(request.user, request.school)
    return get_object_or_404(groups.select_related("school"), pk=pk)


def _placements(intervention: Intervention) -> list[Placement]:
    placements = list(
        Placement.objects.filter(intervention=intervention)
        .select_related("pupil", "pupil__registration_group")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "entry_date")
    )
    for placement in placements:
        placement.intervention = intervention
    return placements


def _group_url(intervention: Intervention) -> str:
    return reverse("interventions:detail", args=[intervention.pk]) + "#progress"


# --- Setting up the check and the targets ------------------------------------------------------------------------


@role_required(*INTERVENTION_EDITORS)
def checks_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the group's check (what, unit, which way is better, its range) and give each pupil a target on it,
    and a baseline when one was measured before the first check. Saved together, or not at all; a form opened
    before someone else saved the check or a target is refused with what they changed (provision.concurrency)."""
    intervention = _group_for_editor(request, pk)
    placements = _placements(intervention)
    problems: dict[int, str] = {}
    posted_boxes: dict[int, tuple[str, str]] = {}
    with transaction.atomic():
        if request.method == "POST":
            # Lock the group, then read the check and targets as they are now: what the form is compared with.
            Intervention.objects.select_for_update().filter(pk=intervention.pk).first()
        check = ProgressCheck.objects.visible_to(request.user, request.school).filter(intervention=intervention).first()
        goals = {
            g.placement_id: g
            for g in CheckGoal.objects.visible_to(request.user, request.school).filter(
                placement__intervention=intervention
            )
        }
        stored_boxes = {
            p.pk: (_box(goals[p.pk].entry_value), _box(goals[p.pk].target_value)) if p.pk in goals else ("", "")
            for p in placements
        }
        form = CheckForm(request.POST or None, initial=CheckForm.initial_for(check))
        form.watch_for_changes(
            key=f"progress-check:{intervention.pk}",
            baseline=CheckForm.initial_for(check) or CheckForm.BLANK,
            extra={
                f"goal-{p.pk}": (f"{p.pupil.full_name}: baseline / target", " / ".join(stored_boxes[p.pk]))
                for p in placements
            },
        )
        if request.method == "POST":
            goals_posted, problems = posted_goals(request.POST)
            posted_boxes = {
                p.pk: (request.POST.get(f"entry-{p.pk}", ""), request.POST.get(f"target-{p.pk}", ""))
                for p in placements
            }
            if form.is_valid() and not problems:
                try:
                    with transaction.atomic():
                        services.check_define(intervention=intervention, by=request.user, **form.service_kwargs())
                        services.goals_save(intervention=intervention, goals=goals_posted, by=request.user)
                except ValidationError as exc:
                    for key, errors in exc.message_dict.items():
                        if key.startswith(services.SCORE_ERROR):
                            problems[int(key.removeprefix(services.SCORE_ERROR))] = " ".join(errors)
                        else:
                            for error in errors:
                                form.add_error(key if key in form.fields else None, error)
                else:
                    messages.success(request, f"{intervention.name}: progress check and targets saved.")
                    return redirect(_group_url(intervention))
    rows = [
        {
            "placement": p,
            "entry": posted_boxes.get(p.pk, stored_boxes[p.pk])[0],
            "target": posted_boxes.get(p.pk, stored_boxes[p.pk])[1],
            "error": problems.get(p.pk, ""),
        }
        for p in placements
    ]
    return render(
        request,
        "interventions/progress/setup.html",
        {"intervention": intervention, "form": form, "check": check, "rows": rows, "thresholds": rules.THRESHOLDS},
    )


def _box(value: float | None) -> str:
    """A stored number as it goes back into a box: 12, 12.5 (a plain minus sign, which a browser can post back)."""
    return "" if value is None else f"{value:g}"


# --- The group's grid of scores ------------------------------------------------------------------------------------


def _parse_day(raw: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _grid_days(intervention: Intervention, new_day: dt.date) -> list[dt.date]:
    """The day being recorded and the nearest days with scores before and after it, newest first (two queries)."""
    scored = CheckScore.objects.filter(placement__intervention=intervention).values_list("date", flat=True).distinct()
    earlier = scored.filter(date__lt=new_day).order_by("-date")[:GRID_DAYS]
    later = scored.filter(date__gt=new_day).order_by("date")[:GRID_DAYS]
    return sorted({*earlier, new_day, *later}, reverse=True)


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
    errors: dict[int, str] = {}
    posted: dict[tuple[int, dt.date], str] = {}
    if request.method == "POST":
        entries = posted_scores(request.POST)
        posted = {(e.placement_id, e.date): e.typed for e in entries}
        try:
            saved = services.scores_record(
                intervention=intervention, entries=entries, source=ScoreSource.GRID, by=request.user, today=today
            )
        except ValidationError as exc:
            for key, problems in exc.message_dict.items():
                if key.startswith(services.SCORE_ERROR):
                    errors[int(key.removeprefix(services.SCORE_ERROR))] = " ".join(problems)
                else:
                    messages.error(request, " ".join(problems))
        else:
            messages.success(request, _saved_message(intervention, saved))
            return redirect(_group_url(intervention))
    placements = _placements(intervention)
    days = _grid_days(intervention, new_day)
    stored = {
        (s.placement_id, s.date): s.typed
        for s in CheckScore.objects.visible_to(request.user, request.school).filter(
            placement__intervention=intervention, date__in=days
        )
    }
    absent = set(
        Attendance.objects.visible_to(request.user, request.school)
        .filter(session__intervention=intervention, session__date__in=days, present=False)
        .values_list("placement_id", "session__date")
    )
    rows = []
    for placement in placements:
        if not any(logs.is_active_on(placement, day) for day in days):
            continue
        cells = []
        for day in days:
            key = (placement.pk, day)
            cells.append(
                {
                    "day": day,
                    "name": f"score-{placement.pk}-{day.isoformat()}",
                    "was_name": f"was-{placement.pk}-{day.isoformat()}",
                    "in_group": logs.is_active_on(placement, day),
                    "absent": key in absent,
                    "was": stored.get(key, ""),
                    "value": posted.get(key, stored.get(key, "")),
                }
            )
        rows.append({"placement": placement, "cells": cells, "error": errors.pop(placement.pk, "")})
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
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(key if key in form.fields else None, error)
            else:
                form.add_error(None, exc)
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


def group_section(request: HttpRequest, intervention: Intervention, placements: list[Placement]) -> dict:
    """What the group's page shows about progress checks (four queries): for ``intervention_detail``."""
    progress = group_progress(intervention, placements)
    runs_it = intervention.lead_id == request.user.pk or any(
        member.user_id == request.user.pk for member in intervention.staff.all()
    )
    return {
        "progress": progress,
        "can_setup": request.role in INTERVENTION_EDITORS,
        "can_record": progress.check is not None
        and (request.role == Role.SENCO or (request.role in SESSION_LOGGERS and runs_it)),
        "can_import": request.role in IMPORTERS,
        "can_review": request.role in INTERVENTION_EDITORS,
        "thresholds": rules.THRESHOLDS,
    }
