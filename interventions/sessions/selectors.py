"""Reads for the session pages: the groups to log today, a day's session, a group's register and its history.

Every read starts from what the user may see (``visible_to``) or log (``loggable_by``); the groups a user may log
are among those they may see, so a group's rows read through ``visible_to`` are all of that group's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404

from interventions import costing
from interventions.models import AbsenceReason, Attendance, Intervention, Placement, Session, Weekday
from interventions.selectors import dosage_for, placements_with_dosage, term_ranges
from interventions.sessions import services as logs
from interventions.sessions.forms import AttendanceRow
from provision.models import School
from provision.school_days import SchoolDays


def group_for(user, pk: int, *, to_log: bool) -> Intervention:
    """The intervention ``pk`` at any of the user's schools, if they may log its sessions (``to_log``) or see it
    (``provision.access.SESSION_LOG_SCOPE``, ``GROUP_SCOPE``). Anything else is a 404 (one query)."""
    interventions = Intervention.objects.loggable_by(user) if to_log else Intervention.objects.visible_to(user)
    # The group's progress check comes in the same query (the session log's score boxes).
    return get_object_or_404(interventions.select_related("school", "progress_check"), pk=pk)


def day_names(days: Iterable[int]) -> str:
    """``[0, 2]`` -> ``"Mon, Wed"``."""
    return ", ".join(Weekday(day).label[:3] for day in sorted(days) if day in Weekday.values)


def group_placements(intervention: Intervention, *, user) -> list[Placement]:
    """All the group's placements with pupils and dosage annotations, by pupil name (one query)."""
    placements = list(
        placements_with_dosage(
            Placement.objects.visible_to(user, intervention.school_id)
            .filter(intervention=intervention)
            .select_related("pupil", "pupil__registration_group")
        ).order_by("pupil__legal_last_name", "pupil__legal_first_name", "entry_date")
    )
    for placement in placements:
        placement.intervention = intervention  # dosage_for reads the schedule; saves a join per row
    return placements


# --- Today's sessions --------------------------------------------------------------------------------------------


def last_due(intervention: Intervention, today: dt.date, school_days: SchoolDays) -> dt.date | None:
    """The most recent school day, up to today, that the group was due to meet (for "log a session" links):
    over a half-term or a holiday, its last session before the break (looked for up to three weeks back)."""
    day = min(today, intervention.end_date or today)
    for _ in range(21):
        if day < intervention.start_date:
            return None
        if day.weekday() in (intervention.days or []) and (school_days.is_school_day(day) or not school_days.spans):
            return day
        day -= dt.timedelta(days=1)
    return None


def groups_for_today(user, school: School, today: dt.date):
    """The planned or running groups ``user`` may log, with ``logged_today``, ``last_logged`` and today's pupils
    (``pupils_today``), by name (two queries)."""
    pupils_today = (
        Placement.objects.visible_to(user, school)
        .filter(logs.active_on_q(today))
        .select_related("pupil", "pupil__registration_group")
        .order_by("pupil__legal_first_name", "pupil__legal_last_name")
    )
    return (
        Intervention.objects.loggable_by(user, school)
        .planned_or_running()
        .select_related("lead")
        .annotate(
            logged_today=Exists(Session.objects.filter(intervention=OuterRef("pk"), date=today)),
            last_logged=Subquery(
                Session.objects.filter(intervention=OuterRef("pk")).order_by("-date").values("date")[:1]
            ),
        )
        .prefetch_related(Prefetch("placements", queryset=pupils_today, to_attr="pupils_today"))
        .order_by("name")
    )


def today_page(user, school: School, today: dt.date) -> tuple[list[Intervention], list[Intervention], bool]:
    """The groups that meet today (by start time) and the user's other open groups (each with ``last_due`` and
    whether that day is logged), and whether the school is open today. Four queries: the groups, their pupils
    today, the calendar, and which last due days are logged."""
    school_days = term_ranges(school)
    # No session is due on a closure or in a holiday (a school with no term dates yet: any day of a group's).
    open_today = school_days.is_school_day(today) or not school_days.spans
    scheduled, others = [], []
    for group in groups_for_today(user, school, today):
        group.day_names = day_names(group.days or [])
        if open_today and logs.scheduled_on(group, today):
            scheduled.append(group)
        else:
            group.last_due = last_due(group, today, school_days)
            others.append(group)
    scheduled.sort(key=lambda g: (g.start_time is None, g.start_time or dt.time(), g.name))
    # Those already logged on their last due day say "Edit", not "Log".
    logged = logs.logged_days({g.pk: g.last_due for g in others if g.last_due})
    for group in others:
        group.last_due_logged = (group.pk, group.last_due) in logged
    return scheduled, others, open_today


# --- Logging a session -------------------------------------------------------------------------------------------


def session_on(intervention: Intervention, day: dt.date, *, user, with_marks: bool) -> Session | None:
    """The group's session on ``day``, if logged (with its attendance marks when ``with_marks``): one query, two
    with the marks."""
    sessions = Session.objects.visible_to(user, intervention.school_id).filter(intervention=intervention, date=day)
    return (sessions.prefetch_related("attendance") if with_marks else sessions).first()


def is_new(intervention: Intervention, target: dt.date, *, page_date: dt.date, existing: Session | None, user) -> bool:
    """Whether logging ``target`` makes a new session (a query only when the form's date is not the page's)."""
    if target == page_date:
        return existing is None
    return (
        not Session.objects.visible_to(user, intervention.school_id)
        .filter(intervention=intervention, date=target)
        .exists()
    )


def register(
    placements: list[Placement],
    date: dt.date,
    *,
    marks: dict[int, tuple[bool | None, str]],
    unmarked: tuple[bool | None, str],
    problems: dict[int, str],
    terms,
    today: dt.date,
) -> list[AttendanceRow]:
    """One row per pupil in the group on ``date``, with their mark, dosage and any problem (taken out of
    ``problems``, which keeps those about pupils not on the page). No query."""
    rows = []
    for placement in placements:
        if not placement.covers(date):
            continue
        present, reason = marks.get(placement.pk, unmarked)
        rows.append(
            AttendanceRow(
                placement=placement,
                dosage=dosage_for(placement, terms=terms, today=today),
                present=present,
                reason=reason,
                error=problems.pop(placement.pk, ""),
            )
        )
    return rows


# --- Session history ---------------------------------------------------------------------------------------------


def _history_cell(placement: Placement, session: Session, mark, reason_labels: dict) -> dict:
    if not placement.covers(session.date):
        return {"state": "out"}
    if mark is None:
        return {"state": "unmarked"}
    if mark[0]:
        return {"state": "present"}
    return {"state": "absent", "reason": reason_labels.get(mark[1], mark[1])}


def history(intervention: Intervention, *, user, today: dt.date) -> dict:
    """A group's sessions as a register: ``sessions``; ``columns`` (each session with how many were present);
    ``rows`` (each pupil with their dosage and a cell per session); ``planned_to_date``. Constant queries: the
    sessions, the placements with dosage, every mark, the terms."""
    school = intervention.school_id
    sessions = list(
        Session.objects.visible_to(user, school)
        .filter(intervention=intervention)
        .select_related("logged_by")
        .order_by("date")
    )
    placements = group_placements(intervention, user=user)
    terms = term_ranges(intervention.school)
    marks = {
        (session_id, placement_id): (present, reason)
        for session_id, placement_id, present, reason in Attendance.objects.visible_to(user, school)
        .filter(session__intervention=intervention)
        .values_list("session_id", "placement_id", "present", "absence_reason")
    }
    reason_labels = dict(AbsenceReason.choices)
    present_counts = dict.fromkeys((s.pk for s in sessions), 0)
    rows = []
    for placement in placements:
        cells = []
        for session in sessions:
            cell = _history_cell(placement, session, marks.get((session.pk, placement.pk)), reason_labels)
            present_counts[session.pk] += cell["state"] == "present"
            cells.append(cell)
        rows.append((placement, dosage_for(placement, terms=terms, today=today), cells))
    planned = costing.planned_dates(
        days=intervention.days, start=intervention.start_date, end=intervention.end_date, terms=terms, until=today
    )
    return {
        "sessions": sessions,
        "columns": [(s, present_counts[s.pk]) for s in sessions],
        "rows": rows,
        "planned_to_date": len(planned),
    }
