"""Assessment data: the reads behind the results grid and tracking pages (saving the grid is
``pupils.services.results_save``), and saving a scale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from provision.models import Role, School

from .models import Absence, Assessment, Pupil, Result, Scale, ScaleBand, ScaleKind, TeachingGroup


def groups_for_results(*, school: School, user, role: str) -> QuerySet[TeachingGroup]:
    """Classes whose results this user may enter: a teacher's own classes; the whole school for SENCO/leaders."""
    groups = TeachingGroup.objects.filter(school=school).order_by("year_group", "name")
    if role == Role.TEACHER:
        groups = groups.filter(teachers=user)
    return groups


def assessments_for_year(*, school: School, year_group: int | None) -> list[Assessment]:
    """The school's assessments that this year group sits, newest first, with scale and bands (two queries)."""
    assessments = (
        Assessment.objects.filter(school=school)
        .select_related("subject", "scale")
        .prefetch_related("scale__bands")
        .order_by("-taken_on", "subject__name", "name")
    )
    today = timezone.localdate()
    return [a for a in assessments if year_group is None or a.covers_current_year(year_group, today)]


@dataclass(frozen=True)
class Conflict:
    """A cell someone else changed after the grid was opened: what it holds now and what was typed over it."""

    theirs: str  # what is saved now ("" when they cleared it)
    yours: str
    by: str  # who saved it, as named on screen ("" when not known)
    at: dt.datetime | None


@dataclass
class GridOutcome:
    """What happened to a posted grid: counts, the cells refused with the reason, and the cells not saved
    because someone else had changed them since the grid was opened."""

    saved: int = 0
    absent: int = 0  # cells saved as absent
    deleted: int = 0
    unchanged: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    conflicts: dict[tuple[int, int], Conflict] = field(default_factory=dict)
    typed: dict[tuple[int, int], str] = field(default_factory=dict)


def grid_pupils(*, user, school: School, group: TeachingGroup) -> list[Pupil]:
    """The pupils on roll in ``group`` that ``user`` may see at ``school``, by surname (one query)."""
    return list(
        Pupil.objects.visible_to(user, school)
        .filter(registration_group=group)
        .on_roll()
        .order_by("legal_last_name", "legal_first_name")
    )


def grid_saved(*, user, school: School, pupils: list[Pupil], assessments: list[Assessment]) -> tuple[dict, dict]:
    """What each cell (pupil id, assessment id) of the grid holds now, as typed, and which of those are absences
    (one query each). A result and an absence never hold the same cell; if both did, the result would win."""
    cells = {"pupil__in": pupils, "assessment__in": assessments}
    fields = ("pupil_id", "assessment_id", "typed")
    absent = {
        (a.pupil_id, a.assessment_id): a.typed
        for a in Absence.objects.visible_to(user, school).filter(**cells).only(*fields)
    }
    scores = {
        (r.pupil_id, r.assessment_id): r.typed
        for r in Result.objects.visible_to(user, school).filter(**cells).only(*fields)
    }
    absent = {key: typed for key, typed in absent.items() if key not in scores}
    return absent | scores, absent


def grid_rows(
    *,
    user,
    school: School,
    pupils: list[Pupil],
    assessments: list[Assessment],
    outcome: GridOutcome,
    originals: dict[tuple[int, int], str],
) -> list[tuple[Pupil, list[dict]]]:
    """The grid as shown: each pupil with a cell per assessment holding what is saved, or, after a save that was
    refused, what the user typed with the reason or the conflict (two queries)."""
    saved, absent = grid_saved(user=user, school=school, pupils=pupils, assessments=assessments)
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
                original = originals.get(key, saved.get(key, ""))
            else:
                value = original = saved.get(key, "")
            cells.append(
                {
                    "name": f"v_{pupil.pk}_{assessment.pk}",
                    "original_name": f"o_{pupil.pk}_{assessment.pk}",
                    "value": value,
                    "original": original,
                    "error": outcome.errors.get(key),
                    "absent": key in absent and value == saved.get(key),
                    "conflict": conflict,
                    "assessment": assessment,
                }
            )
        rows.append((pupil, cells))
    return rows


def grid_summary(outcome: GridOutcome) -> str:
    """What a save did, in words: "3 results saved, 1 marked absent, 2 cleared." """
    parts = [f"{outcome.saved} result{'s' if outcome.saved != 1 else ''} saved"]
    if outcome.absent:
        parts.append(f"{outcome.absent} marked absent")
    if outcome.deleted:
        parts.append(f"{outcome.deleted} cleared")
    return ", ".join(parts) + "."


@transaction.atomic
def scale_save(*, scale: Scale, bands: list[tuple[str, str]]) -> Scale:
    """Save a scale and, for band scales, its bands in order (rank 1 = the first, lowest band)."""
    scale.full_clean()
    scale.save()
    if scale.kind == ScaleKind.BANDS:
        scale.bands.all().delete()
        ScaleBand.objects.bulk_create(
            [ScaleBand(scale=scale, rank=rank, label=label, code=code) for rank, (label, code) in enumerate(bands, 1)]
        )
    return scale
