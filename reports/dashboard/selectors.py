"""Read-side selectors of the leaders' dashboard: its menus (the schools' terms and subjects) and the leader's tiles on
the home page, each read of pupil data through ``visible_to(user, school)``. The dashboard's figures themselves are
whole-school aggregates: ``reports.dashboard.school_figures``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from interventions.groups.attention import FINISHED
from interventions.models import Intervention, Placement, Status
from provision.access import FIGURES_SCOPE, sees_whole
from provision.figures import cached_figures
from provision.models import School, Term
from pupils.models import Pupil, SenStatus, Subject


def terms_for(schools: list[School]) -> list[Term]:
    """Every term of ``schools`` with its academic year, oldest first (one query)."""
    return list(
        Term.objects.filter(academic_year__school__in=schools)
        .select_related("academic_year")
        .order_by("start_date", "academic_year__school_id")
    )


def subjects_for(schools: list[School]) -> list[Subject]:
    """The schools' subjects with ``assessment_count`` (one query): the dashboard's subject menu."""
    return list(Subject.objects.filter(school__in=schools).annotate(assessment_count=Count("assessments")))


def leader_headline(user, school: School, *, today: dt.date) -> dict[str, int | None]:
    """The leader's tiles, cached per school until its data changes (``provision.figures``): pupils in a running
    group now, of them SEN and pupil premium, groups running, and the share of this school year's finished
    places with an exit result. Three queries when not cached. A reader who does not see the school whole
    (``FIGURES_SCOPE``) is refused before the cache is asked, so that one copy per school serves every reader."""
    if not sees_whole(user, school, FIGURES_SCOPE):
        raise PermissionDenied
    return _leader_headline(user, school, today=today)


@cached_figures(
    "home_headline", schools=lambda user, school, *, today: school, key=lambda user, school, *, today: today
)
def _leader_headline(user, school: School, *, today: dt.date) -> dict[str, int | None]:
    placed = (
        Placement.objects.visible_to(user, school, policy=FIGURES_SCOPE)
        .active()
        .filter(intervention__status=Status.RUNNING)
    )
    pupils = (
        Pupil.objects.visible_to(user, school, policy=FIGURES_SCOPE)
        .filter(pk__in=placed.values("pupil_id"))
        .aggregate(
            total=Count("pk"),
            sen=Count("pk", filter=~Q(sen_status=SenStatus.NONE)),
            pupil_premium=Count("pk", filter=Q(pupil_premium=True)),
        )
    )
    year_start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    finished = Placement.objects.visible_to(user, school, policy=FIGURES_SCOPE).filter(
        Q(exit_date__gte=year_start) | Q(exit_date__isnull=True, intervention__status__in=FINISHED)
    )
    exits = finished.aggregate(
        finished=Count("pk"), missing=Count("pk", filter=Q(exit_result__isnull=True, exit_value__isnull=True))
    )
    running = Intervention.objects.visible_to(user, school, policy=FIGURES_SCOPE).filter(status=Status.RUNNING).count()
    pct = round(100 * (exits["finished"] - exits["missing"]) / exits["finished"]) if exits["finished"] else None
    return {**pupils, "running": running, "finished": exits["finished"], "pct_exit": pct}
