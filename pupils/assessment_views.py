"""Entering assessment results in a grid (pupils down, assessments across)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from provision.access import ASSESSMENT_EDITORS, RESULT_ENTRY, role_required

from . import scales
from .assessment_forms import AssessmentForm, ScaleForm, SubjectForm
from .assessments import GridOutcome, assessments_for_year, groups_for_results, results_save, scale_save
from .models import Assessment, Pupil, Result, Scale, Subject, YearGroup

CELL = re.compile(r"^v_(\d+)_(\d+)$")
# What a cell held when the grid was opened: only changed cells are saved, and never over someone else's change.
ORIGINAL = re.compile(r"^o_(\d+)_(\d+)$")
MAX_COLUMNS = 8


def _selected_assessments(request: HttpRequest, available: list) -> list:
    wanted = {int(v) for v in request.GET.getlist("a") if v.isdigit()}
    chosen = [a for a in available if a.pk in wanted] if wanted else available[:4]
    return sorted(chosen[:MAX_COLUMNS], key=lambda a: (a.taken_on, a.subject.name, a.name))


@role_required(*RESULT_ENTRY)
def results_grid(request: HttpRequest) -> HttpResponse:
    groups = list(groups_for_results(school=request.school, user=request.user, role=request.role))
    group = None
    if request.GET.get("group", "").isdigit():
        group = get_object_or_404(
            groups_for_results(school=request.school, user=request.user, role=request.role),
            pk=int(request.GET["group"]),
        )
    elif groups:
        group = groups[0]
    if group is None:
        return render(request, "pupils/results_grid.html", {"groups": groups, "group": None})

    pupils = list(
        Pupil.objects.visible_to(request.user, request.school)
        .filter(registration_group=group)
        .on_roll()
        .order_by("legal_last_name", "legal_first_name")
    )
    available = assessments_for_year(school=request.school, year_group=group.year_group)
    assessments = _selected_assessments(request, available)
    outcome = GridOutcome()
    posted_originals: dict[tuple[int, int], str] = {}
    if request.method == "POST":
        entries = {}
        for key, value in request.POST.items():
            if match := CELL.match(key):
                entries[(int(match.group(1)), int(match.group(2)))] = value
            elif match := ORIGINAL.match(key):
                posted_originals[(int(match.group(1)), int(match.group(2)))] = value
        outcome = results_save(
            pupils=pupils, assessments=assessments, entries=entries, by=request.user, originals=posted_originals
        )
        if not outcome.errors and not outcome.conflicts:
            messages.success(request, _summary(outcome))
            return redirect(request.get_full_path())
        if outcome.conflicts:
            count = len(outcome.conflicts)
            messages.warning(
                request,
                f"{_summary(outcome)} {count} cell{'s were' if count != 1 else ' was'} changed by someone else "
                "since you opened this page, so your value was not saved: each is marked below with both values. "
                "Save again to keep yours, or type theirs back.",
            )
        in_grid = {(p.pk, a.pk) for p in pupils for a in assessments}
        stray = [key for key in outcome.errors if key not in in_grid]
        shown = len(outcome.errors) - len(stray)
        if shown and not outcome.conflicts:
            messages.warning(
                request,
                f"{_summary(outcome)} {shown} cell{'s' if shown != 1 else ''} could not be saved: "
                "they are marked below with the reason.",
            )
        if stray:
            messages.error(
                request,
                f"{len(stray)} value{'s' if len(stray) != 1 else ''} for pupils or assessments not part of this "
                "grid were not saved. Reload the page and enter them in the right class.",
            )

    results = (
        Result.objects.visible_to(request.user, request.school)
        .filter(pupil__in=pupils, assessment__in=assessments)
        .only("pupil_id", "assessment_id", "typed")
    )
    saved = {(r.pupil_id, r.assessment_id): r.typed for r in results}
    rows = []
    for pupil in pupils:
        cells = []
        for assessment in assessments:
            key = (pupil.pk, assessment.pk)
            conflict = outcome.conflicts.get(key)
            if conflict is not None:
                # Theirs becomes the original: saving again now is a decision made knowing both.
                value, original = conflict.yours, saved.get(key, "")
            elif key in outcome.errors:
                value = outcome.typed.get(key, saved.get(key, ""))
                original = posted_originals.get(key, saved.get(key, ""))
            else:
                value = original = saved.get(key, "")
            cells.append(
                {
                    "name": f"v_{pupil.pk}_{assessment.pk}",
                    "original_name": f"o_{pupil.pk}_{assessment.pk}",
                    "value": value,
                    "original": original,
                    "error": outcome.errors.get(key),
                    "conflict": conflict,
                    "assessment": assessment,
                }
            )
        rows.append((pupil, cells))
    return render(
        request,
        "pupils/results_grid.html",
        {
            "groups": groups,
            "group": group,
            "available": available,
            "assessments": assessments,
            "rows": rows,
            "error_count": len(outcome.errors),
            "conflict_count": len(outcome.conflicts),
        },
    )


def _summary(outcome: GridOutcome) -> str:
    parts = [f"{outcome.saved} result{'s' if outcome.saved != 1 else ''} saved"]
    if outcome.deleted:
        parts.append(f"{outcome.deleted} cleared")
    return ", ".join(parts) + "."


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
