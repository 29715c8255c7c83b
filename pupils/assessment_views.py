"""Entering assessment results in a grid (pupils down, assessments across)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from provision.access import ASSESSMENT_EDITORS, RESULT_ENTRY, role_required
from provision.params import int_param

from . import scales
from .assessment_forms import AssessmentForm, ScaleForm, SubjectForm
from .assessments import (
    GridOutcome,
    assessments_for_year,
    grid_pupils,
    grid_rows,
    grid_summary,
    groups_for_results,
    scale_save,
)
from .models import Assessment, Scale, Subject, YearGroup
from .services import results_save

CELL = re.compile(r"^v_(\d+)_(\d+)$")
# What a cell held when the grid was opened: only changed cells are saved, and never over someone else's change.
ORIGINAL = re.compile(r"^o_(\d+)_(\d+)$")
MAX_COLUMNS = 8


def _selected_assessments(request: HttpRequest, available: list) -> list:
    wanted = {pk for v in request.GET.getlist("a") if (pk := int_param(v)) is not None}
    chosen = [a for a in available if a.pk in wanted] if wanted else available[:4]
    return sorted(chosen[:MAX_COLUMNS], key=lambda a: (a.taken_on, a.subject.name, a.name))


def _posted_cells(post) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """The typed cells of a posted grid and what each held when the grid was opened."""
    entries, originals = {}, {}
    for key, value in post.items():
        if match := CELL.match(key):
            entries[(int(match.group(1)), int(match.group(2)))] = value
        elif match := ORIGINAL.match(key):
            originals[(int(match.group(1)), int(match.group(2)))] = value
    return entries, originals


@role_required(*RESULT_ENTRY)
def results_grid(request: HttpRequest) -> HttpResponse:
    groups = list(groups_for_results(school=request.school, user=request.user, role=request.role))
    group = groups[0] if groups else None
    if (group_id := int_param(request.GET.get("group"))) is not None:
        group = get_object_or_404(
            groups_for_results(school=request.school, user=request.user, role=request.role), pk=group_id
        )
    if group is None:
        return render(request, "pupils/results_grid.html", {"groups": groups, "group": None})
    pupils = grid_pupils(user=request.user, school=request.school, group=group)
    available = assessments_for_year(school=request.school, year_group=group.year_group)
    assessments = _selected_assessments(request, available)
    outcome, originals = GridOutcome(), {}
    if request.method == "POST":
        entries, originals = _posted_cells(request.POST)
        outcome = results_save(
            pupils=pupils, assessments=assessments, entries=entries, by=request.user, originals=originals
        )
        if not outcome.errors and not outcome.conflicts:
            messages.success(request, grid_summary(outcome))
            return redirect(request.get_full_path())
        _warn_unsaved(request, outcome, in_grid={(p.pk, a.pk) for p in pupils for a in assessments})
    rows = grid_rows(
        user=request.user,
        school=request.school,
        pupils=pupils,
        assessments=assessments,
        outcome=outcome,
        originals=originals,
    )
    context = {"groups": groups, "group": group, "available": available, "assessments": assessments, "rows": rows}
    counts = {"error_count": len(outcome.errors), "conflict_count": len(outcome.conflicts)}
    return render(
        request, "pupils/results_grid.html", context | counts | {"absence_examples": scales.ABSENCE_EXAMPLES[:3]}
    )


def _warn_unsaved(request: HttpRequest, outcome: GridOutcome, *, in_grid: set[tuple[int, int]]) -> None:
    """Say which cells of a save were not saved and why: changed by someone else, refused, or not in the grid."""
    summary = grid_summary(outcome)
    if outcome.conflicts:
        count = len(outcome.conflicts)
        messages.warning(
            request,
            f"{summary} {count} cell{'s were' if count != 1 else ' was'} changed by someone else "
            "since you opened this page, so your value was not saved: each is marked below with both values. "
            "Save again to keep yours, or type theirs back.",
        )
    stray = [key for key in outcome.errors if key not in in_grid]
    shown = len(outcome.errors) - len(stray)
    if shown and not outcome.conflicts:
        messages.warning(
            request,
            f"{summary} {shown} cell{'s' if shown != 1 else ''} could not be saved: "
            "they are marked below with the reason.",
        )
    if stray:
        messages.error(
            request,
            f"{len(stray)} value{'s' if len(stray) != 1 else ''} for pupils or assessments not part of this "
            "grid were not saved. Reload the page and enter them in the right class.",
        )


@role_required(*ASSESSMENT_EDITORS)
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The school's subjects, scales and assessments, with a quick way to add a subject."""
    subject_form = SubjectForm(request.POST or None, school=request.school)
    if request.method == "POST" and subject_form.is_valid():
        subject = subject_form.save()
        messages.success(request, f"Subject {subject.name} added.")
        return redirect("pupils:assessments")
    assessments = (
        Assessment.objects.filter(school=request.school)
        .select_related("subject", "scale", "term__academic_year")
        .annotate(result_count=Count("results"))
        .order_by("-taken_on", "subject__name")
    )
    scale_list = Scale.objects.filter(school=request.school).annotate(assessment_count=Count("assessments"))
    return render(
        request,
        "pupils/assessment_list.html",
        {
            "assessments": assessments,
            "scales": scale_list,
            "subjects": Subject.objects.filter(school=request.school),
            "subject_form": subject_form,
            "year_labels": dict(YearGroup.choices),
        },
    )


def _assessment_form(request: HttpRequest, instance: Assessment | None) -> HttpResponse:
    form = AssessmentForm(request.POST or None, instance=instance, school=request.school)
    if request.method == "POST" and form.is_valid():
        assessment = form.save()
        messages.success(request, f"{assessment} saved.")
        return redirect("pupils:assessments")
    return render(request, "pupils/assessment_form.html", {"form": form, "assessment": instance})


@role_required(*ASSESSMENT_EDITORS)
def assessment_new(request: HttpRequest) -> HttpResponse:
    return _assessment_form(request, None)


@role_required(*ASSESSMENT_EDITORS)
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _assessment_form(request, get_object_or_404(Assessment, pk=pk, school=request.school))


def _scale_form(request: HttpRequest, instance: Scale | None) -> HttpResponse:
    form = ScaleForm(request.POST or None, instance=instance, school=request.school)
    if request.method == "POST" and form.is_valid():
        scale = scale_save(scale=form.save(commit=False), bands=form.parsed_bands)
        messages.success(request, f"Scale {scale.name} saved.")
        return redirect("pupils:assessments")
    return render(request, "pupils/scale_form.html", {"form": form, "scale": instance, "defaults": scales.DEFAULTS})


@role_required(*ASSESSMENT_EDITORS)
def scale_new(request: HttpRequest) -> HttpResponse:
    return _scale_form(request, None)


@role_required(*ASSESSMENT_EDITORS)
def scale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _scale_form(request, get_object_or_404(Scale, pk=pk, school=request.school))
