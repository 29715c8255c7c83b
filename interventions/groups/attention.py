"""What needs the SENCO's attention about the school's groups, said once.

The SENCO's home counts each kind of group below and links to the intervention list filtered with ``?flag=KEY``,
which lists the groups of the same queryset: the number on the home is the number of rows the list shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from interventions.models import (
    Intervention,
    InterventionStaff,
    Placement,
    Status,
    Training,
    Wave,
    planned_or_running_q,
)

ACTIVE = (Status.PLANNED, Status.RUNNING)
FINISHED = (Status.COMPLETED, Status.STOPPED)
ENDING_SOON_DAYS = 14


def untrained_exists(today: dt.date) -> Exists:
    """A member of the group's school staff with no current training in its programme (``training.untrained_staff``
    in the database)."""
    current_training = Training.objects.filter(
        school_id=OuterRef(OuterRef("school_id")),
        programme_id=OuterRef(OuterRef("programme_id")),
        user_id=OuterRef("user_id"),
        trained_on__lte=today,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return Exists(
        InterventionStaff.objects.filter(intervention=OuterRef("pk"), user__isnull=False).filter(
            ~Exists(current_training)
        )
    )


def missing_exit_q(prefix: str = "") -> Q:
    """Placements that are over (the pupil left, or the group completed or stopped) with no exit result or value."""
    p = prefix
    over = Q(**{f"{p}exit_date__isnull": False}) | Q(**{f"{p}intervention__status__in": FINISHED})
    return over & Q(**{f"{p}exit_result__isnull": True, f"{p}exit_value__isnull": True})


def missing_exit_exists() -> Exists:
    return Exists(Placement.objects.filter(missing_exit_q(), intervention=OuterRef("pk")))


@dataclass(frozen=True)
class Flag:
    key: str
    label: str  # "groups past their end date and still open": follows a count
    list_label: str  # the intervention list's heading when filtered


def _flags() -> dict[str, Flag]:
    return {
        flag.key: flag
        for flag in (
            Flag("past_end", "past their end date and still open", "Groups past their end date and still open"),
            Flag(
                "ending",
                f"ending in the next {ENDING_SOON_DAYS} days",
                f"Groups ending in the next {ENDING_SOON_DAYS} days",
            ),
            Flag(
                "missing_exit",
                "with pupils who finished without an exit result",
                "Groups with pupils who finished without an exit result",
            ),
            Flag(
                "untrained",
                "delivered by staff not trained in the programme",
                "Open groups whose staff are not trained in the programme",
            ),
        )
    }


FLAGS = _flags()


def flag_q(key: str, today: dt.date) -> Q:
    """The groups of flag ``key`` (on a queryset passed through :func:`with_flag_fields`)."""
    if key == "past_end":
        return Q(status__in=ACTIVE, end_date__lt=today)
    if key == "ending":
        return Q(status__in=ACTIVE, end_date__gte=today, end_date__lte=today + dt.timedelta(days=ENDING_SOON_DAYS))
    if key == "missing_exit":
        return Q(flag_missing_exit=True)
    if key == "untrained":
        return Q(status__in=ACTIVE, programme__isnull=False, flag_untrained=True)
    raise KeyError(key)


def with_flag_fields(interventions: QuerySet[Intervention], today: dt.date) -> QuerySet[Intervention]:
    return interventions.annotate(flag_untrained=untrained_exists(today), flag_missing_exit=missing_exit_exists())


def flagged(interventions: QuerySet[Intervention], key: str, today: dt.date) -> QuerySet[Intervention]:
    """``interventions`` narrowed to those of flag ``key``: what the list shows for ``?flag=key``."""
    return with_flag_fields(interventions, today).filter(flag_q(key, today))


def flag_counts(interventions: QuerySet[Intervention], today: dt.date) -> dict[str, int]:
    """How many of ``interventions`` carry each flag (one query)."""
    return with_flag_fields(interventions, today).aggregate(
        **{key: Count("pk", filter=flag_q(key, today)) for key in FLAGS}
    )


# --- The intervention list's "needs attention" -------------------------------------------------------------------


def attention_of(intervention: Intervention, today: dt.date) -> list[str]:
    """What needs the SENCO's attention about a planned or running group (reads the list's ``active_count`` and
    ``untrained_exists``, ``interventions.groups.selectors.interventions_for_list``)."""
    if not intervention.is_planned_or_running:
        return []
    flags = []
    if intervention.has_no_end_date:
        flags.append("No end date")
    if intervention.is_overdue(today):
        flags.append("Past its end date")
    if intervention.programme_id and intervention.untrained_exists:
        flags.append("Untrained staff")
    if intervention.active_count > intervention.capacity:
        flags.append("Over capacity")
    return flags


def needs_attention_q(today: dt.date) -> Q:
    """The database form of :func:`attention_of`, for the list's filter."""
    return planned_or_running_q() & (
        (Q(end_date__isnull=True) & ~Q(wave=Wave.QUALITY_FIRST))
        | Q(end_date__lt=today)
        | (Q(programme__isnull=False) & Q(untrained_exists=True))
        | Q(active_count__gt=F("capacity"))
    )
