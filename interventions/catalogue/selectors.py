"""Reads for the catalogue pages: the programmes a school sees with their use and training, a programme's groups,
and the training record. Groups and placements are read through ``visible_to`` (a TA: the groups they run)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from interventions.catalogue.forms import with_evidence_rank
from interventions.catalogue.training import untrained_staff
from interventions.models import Intervention, InterventionStaff, Placement, Programme, Training
from provision.models import Membership, School

# A training record expiring within this many days is flagged for renewal.
EXPIRY_WARNING_DAYS = 60


def _count_subquery(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on OuterRef), 0 when there are none."""
    counted = queryset.order_by().values("programme").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def catalogue_for(school: School, today: dt.date) -> QuerySet[Programme]:
    """The shared catalogue plus ``school``'s own programmes, each annotated with ``intervention_count`` (the
    school's interventions using it), ``trained_count`` (the school's staff currently trained in it) and
    ``evidence_rank``. Subqueries rather than joins, so the counts do not multiply each other: one query."""
    used = Intervention.objects.filter(school=school, programme=OuterRef("pk"))
    trained = Training.objects.filter(school=school, programme=OuterRef("pk"), trained_on__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    programmes = Programme.objects.for_school(school).annotate(
        intervention_count=_count_subquery(used), trained_count=_count_subquery(trained)
    )
    return with_evidence_rank(programmes)


def programme_for(school: School, pk: int, *, editable: bool = False) -> Programme:
    """A programme ``school`` can see (the shared catalogue and its own), or only its own when ``editable``;
    anything else is a 404."""
    programmes = Programme.objects.filter(school=school) if editable else Programme.objects.for_school(school)
    try:
        return programmes.select_related("school").get(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404("No such programme") from exc


def programme_groups(programme: Programme, *, user, school: School) -> list[Intervention]:
    """The school's groups of ``programme`` that ``user`` may see, newest first (one query)."""
    return list(
        Intervention.objects.visible_to(user, school)
        .filter(programme=programme)
        .select_related("lead")
        .order_by("-start_date", "name")
    )


def programme_trainings(programme: Programme, *, school: School, today: dt.date) -> list[Training]:
    """Who at ``school`` is trained in ``programme``, each with ``current`` (one query)."""
    trainings = list(
        Training.objects.filter(school=school, programme=programme)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    for training in trainings:
        training.current = training.is_current(today)
    return trainings


def has_finished_places(programme: Programme, *, user, school: School) -> bool:
    """Whether a pupil has left one of the school's groups of ``programme`` with entry and exit results, so that
    its impact page has something to judge (one query)."""
    return (
        Placement.objects.visible_to(user, school)
        .filter(intervention__programme=programme)
        .filter(Q(entry_result__isnull=False) | Q(entry_value__isnull=False))
        .filter(Q(exit_result__isnull=False) | Q(exit_value__isnull=False))
        .exists()
    )


# --- The training record -----------------------------------------------------------------------------------------


def training_status(training: Training, today: dt.date) -> tuple[str, str]:
    """A label and badge class: current, due for renewal soon, or expired."""
    if not training.is_current(today):
        return "Expired", "text-bg-danger"
    if training.expires_on and training.expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return "Renew soon", "text-bg-warning"
    return "Current", "text-bg-success"


def training_record(school: School, today: dt.date) -> tuple[list[tuple], dict[int, list[Training]], int]:
    """Every member of staff (user, role label, their training), then those who have left with records kept;
    the training by programme; and how many records. Two queries."""
    memberships = list(
        Membership.objects.filter(school=school)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__pk")
    )
    trainings = list(
        Training.objects.filter(school=school)
        .select_related("programme", "user")
        .order_by("programme__name", "trained_on")
    )
    by_user: dict[int, list[Training]] = defaultdict(list)
    by_programme: dict[int, list[Training]] = defaultdict(list)
    for training in trainings:
        training.status, training.badge = training_status(training, today)
        by_user[training.user_id].append(training)
        by_programme[training.programme_id].append(training)
    rows = [(m.user, m.get_role_display(), by_user.pop(m.user_id, [])) for m in memberships]
    # People who have left the school keep their records (for the history), listed after current staff.
    for records in by_user.values():
        rows.append((records[0].user, None, records))
    return rows, by_programme, len(trainings)


def untrained_groups(
    by_programme: dict[int, list[Training]], *, user, school: School, today: dt.date
) -> list[tuple[Intervention, list[InterventionStaff]]]:
    """The planned or running groups ``user`` may see whose staff are not trained in their programme, each with
    the staff concerned (two queries)."""
    interventions = (
        Intervention.objects.visible_to(user, school)
        .planned_or_running()
        .filter(programme__isnull=False)
        .select_related("programme")
        .prefetch_related(Prefetch("staff", queryset=InterventionStaff.objects.select_related("user")))
        .order_by("start_date", "name")
    )
    found = []
    for intervention in interventions:
        missing = untrained_staff(
            intervention=intervention, today=today, trainings=by_programme.get(intervention.programme_id, [])
        )
        if missing:
            found.append((intervention, missing))
    return found
