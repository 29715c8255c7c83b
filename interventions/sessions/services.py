"""Session logs: who runs which group, and recording a session with its attendance.

A session is keyed by its group and date (one log per group per day), so logging the same day twice, as a phone
may when the tutor taps Save twice on a slow connection, edits the first log instead of adding a second.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from interventions.models import (
    AbsenceReason,
    Attendance,
    Intervention,
    InterventionStaff,
    Placement,
    Session,
    Status,
    run_by_q,
)
from interventions.progress import services as checks
from interventions.progress.models import ScoreSource
from provision import audit
from provision.figures import figures_changed

STEPS: tuple[str, ...] = ("remember", "model", "try", "apply", "secure", "review")
CLOSED = (Status.COMPLETED, Status.STOPPED)
# Prefix of a pupil's attendance errors in the ValidationError that session_log raises.
ATTENDANCE_ERROR = "attendance-"


# --- Who runs a group ------------------------------------------------------------------------------------


def run_by(interventions: QuerySet[Intervention], user) -> QuerySet[Intervention]:
    """Narrow ``interventions`` to those ``user`` leads or is on the staff of."""
    return interventions.filter(run_by_q(user))


def runs(user, intervention: Intervention) -> bool:
    """Whether ``user`` leads or is on the staff of ``intervention`` (one query unless they lead it)."""
    if intervention.lead_id is not None and intervention.lead_id == user.pk:
        return True
    return InterventionStaff.objects.filter(intervention=intervention, user=user).exists()


def logged_days(days: Mapping[int, dt.date]) -> set[tuple[int, dt.date]]:
    """Of ``days`` (group id -> a day, for groups the caller fetched through its scoping), the (group id, day)
    pairs that have a session logged: one query, none when ``days`` is empty."""
    if not days:
        return set()
    rows = Session.objects.filter(intervention_id__in=days, date__in=set(days.values())).values_list(
        "intervention_id", "date"
    )
    return {(pk, day) for pk, day in rows if days.get(pk) == day}


# --- Which pupils were in the group on a day -------------------------------------------------------------


def active_on_q(date: dt.date, prefix: str = "") -> Q:
    """Placements the pupil held on ``date``: joined on or before it and not left before it."""
    return Q(**{f"{prefix}entry_date__lte": date}) & (
        Q(**{f"{prefix}exit_date__isnull": True}) | Q(**{f"{prefix}exit_date__gte": date})
    )


def scheduled_on(intervention: Intervention, date: dt.date) -> bool:
    """Whether the group meets on ``date``: one of its weekdays, within its dates (no query)."""
    return (
        date.weekday() in (intervention.days or [])
        and intervention.start_date <= date
        and (intervention.end_date is None or date <= intervention.end_date)
    )


# --- Rules ------------------------------------------------------------------------------------------------


def attendance_key(placement_id: int) -> str:
    """The key of a pupil's attendance errors in the ``ValidationError`` that ``session_log`` raises."""
    return f"{ATTENDANCE_ERROR}{placement_id}"


def date_problems(*, intervention: Intervention, date: dt.date, today: dt.date, is_new: bool) -> list[str]:
    """Why a session of ``intervention`` cannot be logged on ``date`` (empty when it can). Correcting a session
    already logged is allowed after the group has closed; a new one is not."""
    problems = []
    if date > today:
        problems.append(f"{date:%d/%m/%Y} is in the future: log a session on the day it happens or afterwards.")
    if date < intervention.start_date:
        problems.append(f"{intervention.name} starts on {intervention.start_date:%d/%m/%Y}, after {date:%d/%m/%Y}.")
    if intervention.end_date and date > intervention.end_date:
        problems.append(f"{intervention.name} ended on {intervention.end_date:%d/%m/%Y}, before {date:%d/%m/%Y}.")
    if is_new and intervention.status in CLOSED:
        problems.append(
            f"{intervention.name} is {intervention.get_status_display().lower()}, so it cannot take new sessions."
        )
    return problems


def attendance_problems(
    *,
    placements: Iterable[Placement],
    date: dt.date,
    attendance: Mapping[int, tuple[bool | None, str]],
) -> dict[int, str]:
    """What is wrong with the attendance marked for a session on ``date``, by placement id.

    ``placements`` are all the group's placements (pupils loaded). Every pupil in the group that day needs a mark
    and every absence a reason; a mark for a pupil outside the group, or not in it that day, is refused rather
    than dropped. A reason given with a present mark is ignored (the pupil was there).
    """
    by_id = {p.pk: p for p in placements}
    problems: dict[int, str] = {}
    for placement_id, (present, reason) in attendance.items():
        placement = by_id.get(placement_id)
        if placement is None:
            problems[placement_id] = "A pupil who is not in this group was marked. Reload the page and try again."
        elif not placement.covers(date):
            when = (
                f"joined on {placement.entry_date:%d/%m/%Y}"
                if placement.entry_date > date
                else f"left on {placement.exit_date:%d/%m/%Y}"
            )
            problems[placement_id] = f"{placement.pupil} was not in the group on {date:%d/%m/%Y} ({when})."
        elif present is None:
            problems[placement_id] = f"Mark whether {placement.pupil} was present or absent."
        elif not present and not reason:
            problems[placement_id] = f"Give a reason why {placement.pupil} was absent."
        elif not present and reason not in AbsenceReason.values:
            problems[placement_id] = f"Choose one of the listed reasons why {placement.pupil} was absent."
    for placement in by_id.values():
        if placement.covers(date) and placement.pk not in attendance:
            problems[placement.pk] = f"Mark whether {placement.pupil} was present or absent."
    return problems


# --- Writing -------------------------------------------------------------------------------------------------


@transaction.atomic
def session_log(
    *,
    intervention: Intervention,
    date: dt.date,
    minutes: int,
    focus: str,
    notes: str,
    steps: Mapping[str, str],
    attendance: Mapping[int, tuple[bool | None, str]],
    by,
    today: dt.date | None = None,
) -> Session:
    """Record the session of ``intervention`` on ``date`` with every pupil's attendance, creating it or, when
    that day is already logged, replacing what it holds.

    ``steps`` maps a step of the six-part plan (``STEPS``) to its text; steps not named are left blank.
    ``attendance`` maps each placement id to ``(present, absence reason)``: every pupil in the group that day
    must be marked, and an absence needs a reason. Marks left on the session for pupils not in the group that
    day (their dates changed since) are removed. Every problem is collected and raised together as one
    ``ValidationError`` keyed by field (``date``, ``minutes``, ``focus``...) or ``attendance_key(placement_id)``;
    nothing is written unless all is well.
    """
    today = today or timezone.localdate()
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise ValueError(f"Unknown session steps: {', '.join(sorted(unknown))}")
    # Lock the group: two submits of the same day (a double tap, or the tutor and the SENCO at once) queue here,
    # so the second finds the first's session and edits it instead of tripping the one-per-day constraint.
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    session = Session.objects.filter(intervention=intervention, date=date).first()
    is_new = session is None
    if is_new:
        session = Session(intervention=intervention, date=date, logged_by=by)
    session.minutes = minutes
    session.focus = focus
    session.notes = notes
    for step in STEPS:
        setattr(session, f"step_{step}", steps.get(step, ""))

    errors: dict[str, list[str]] = {}
    problems = date_problems(intervention=intervention, date=date, today=today, is_new=is_new)
    if problems:
        errors["date"] = problems
    placements = list(Placement.objects.filter(intervention=intervention).select_related("pupil"))
    for placement_id, problem in attendance_problems(placements=placements, date=date, attendance=attendance).items():
        errors[attendance_key(placement_id)] = [problem]
    try:
        session.full_clean(exclude=["intervention", "logged_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    session.save()
    _attendance_write(session=session, placements=placements, attendance=attendance, date=date)
    return session


@transaction.atomic
def session_and_scores_log(
    *,
    intervention: Intervention,
    date: dt.date,
    minutes: int,
    focus: str,
    notes: str,
    steps: Mapping[str, str],
    attendance: Mapping[int, tuple[bool | None, str]],
    scores: list[checks.ScoreEntry],
    by,
    today: dt.date,
) -> tuple[Session, checks.ScoresSaved | None]:
    """Log the session (:func:`session_log`) and the progress check scores typed on its register
    (``interventions.progress.services.scores_record``) together, or neither. The scores are None when none were
    typed."""
    session = session_log(
        intervention=intervention, date=date, minutes=minutes, focus=focus, notes=notes, steps=steps,
        attendance=attendance, by=by, today=today,
    )  # fmt: skip
    saved = None
    if scores:
        saved = checks.scores_record(
            intervention=intervention, entries=scores, source=ScoreSource.SESSION, by=by, today=today
        )
    return session, saved


def _attendance_write(
    *, session: Session, placements: list[Placement], attendance: Mapping[int, tuple[bool | None, str]], date
) -> None:
    """Create, update or remove the session's marks to match ``attendance`` (three statements at most)."""
    active = {p.pk for p in placements if p.covers(date)}
    existing = {a.placement_id: a for a in Attendance.objects.filter(session=session)}
    before = {a.pk: copy.copy(a) for a in existing.values()}
    to_create, to_update = [], []
    for placement_id in active:
        present, reason = attendance[placement_id]
        reason = "" if present else reason
        mark = existing.get(placement_id)
        if mark is None:
            to_create.append(
                Attendance(session=session, placement_id=placement_id, present=present, absence_reason=reason)
            )
        elif (mark.present, mark.absence_reason) != (present, reason):
            mark.present, mark.absence_reason = present, reason
            to_update.append(mark)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["present", "absence_reason"])
    stale = [mark for placement_id, mark in existing.items() if placement_id not in active]
    if stale:
        with disable_auditlog():  # logged below with the rest of the marks, in one insert
            Attendance.objects.filter(pk__in=[mark.pk for mark in stale]).delete()
    pupils = {p.pk: p.pupil_id for p in placements}
    school_id = session.intervention.school_id
    fields = ["present", "absence_reason"]
    audit.write(
        [
            audit.entry(
                action=action,
                model=Attendance,
                object_id=mark.pk,
                object_repr=f"{session.intervention} on {date:%d/%m/%Y}",
                school_id=school_id,
                pupil_id=pupils.get(mark.placement_id),
                changes=audit.changes_of(before.get(mark.pk) if action != audit.Action.CREATE else None, mark, fields)
                if action != audit.Action.DELETE
                else audit.changes_of(mark, None, fields),
            )
            for action, marks in (
                (audit.Action.CREATE, to_create),
                (audit.Action.UPDATE, to_update),
                (audit.Action.DELETE, stale),
            )
            for mark in marks
        ]
    )


@transaction.atomic
def session_delete(*, session: Session, by) -> None:
    """Remove a session logged in error, with its attendance (each removal is in the audit log, by ``by``)."""
    school_id = Intervention.objects.filter(pk=session.intervention_id).values_list("school_id", flat=True).first()
    session.delete()
    figures_changed(school_id)  # attendance goes with it, unsignalled (reports.invalidation)
