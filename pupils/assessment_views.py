"""Entering assessment results in a grid (pupils down, assessments across)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from provision.access import RESULT_ENTRY, role_required

from .assessments import GridOutcome, assessments_for_year, groups_for_results, results_save
from .models import Pupil, Result

CELL = re.compile(r"^v_(\d+)_(\d+)$")
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
        Pupil.objects.filter(school=request.school, registration_group=group)
        .on_roll()
        .order_by("legal_last_name", "legal_first_name")
    )
    available = assessments_for_year(school=request.school, year_group=group.year_group)
    assessments = _selected_assessments(request, available)
    outcome = GridOutcome()
    if request.method == "POST":
        entries = {}
        for key, value in request.POST.items():
            match = CELL.match(key)
            if match:
                entries[(int(match.group(1)), int(match.group(2)))] = value
        outcome = results_save(pupils=pupils, assessments=assessments, entries=entries, by=request.user)
        if not outcome.errors:
            messages.success(request, _summary(outcome))
            return redirect(request.get_full_path())
        in_grid = {(p.pk, a.pk) for p in pupils for a in assessments}
        stray = [key for key in outcome.errors if key not in in_grid]
        shown = len(outcome.errors) - len(stray)
        if shown:
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

    results = Result.objects.filter(pupil__in=pupils, assessment__in=assessments).only(
        "pupil_id", "assessment_id", "typed"
    )
    saved = {(r.pupil_id, r.assessment_id): r.typed for r in results}
    rows = []
    for pupil in pupils:
        cells = []
        for assessment in assessments:
            key = (pupil.pk, assessment.pk)
            cells.append(
                {
                    "name": f"v_{pupil.pk}_{assessment.pk}",
                    "value": outcome.typed.get(key, saved.get(key, ""))
                    if key in outcome.errors
                    else saved.get(key, ""),
                    "error": outcome.errors.get(key),
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
        },
    )


def _summary(outcome: GridOutcome) -> str:
    parts = [f"{outcome.saved} result{'s' if outcome.saved != 1 else ''} saved"]
    if outcome.deleted:
        parts.append(f"{outcome.deleted} cleared")
    return ", ".join(parts) + "."
