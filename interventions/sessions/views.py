"""Session logs: today's sessions, logging a session with its attendance, and a group's session history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from interventions import costing
from interventions.models import AbsenceReason, Attendance, Intervention, Placement, ScoreSource, Session, Weekday
from interventions.progress import services as checks
from interventions.progress import session as check_boxes
from interventions.progress.selectors import check_of
from interventions.selectors import dosage_for, placements_with_dosage, term_ranges
from interventions.sessions import services as logs
from interventions.sessions.forms import REASON_CHOICES, AttendanceRow, SessionForm, posted_attendance
from provision.access import INTERVENTION_VIEWERS, SESSION_LOGGERS, can_log_sessions, role_required
from provision.models import Role
from provision.school_days import SchoolDays


def _intervention_for(request: HttpRequest, pk: int, *, to_log: bool) -> Intervention:
    """The intervention ``pk`` at any of the user's schools, if they may log its sessions (``to_log``) or see it
    (``provision.access.SESSION_LOG_SCOPE``, ``GROUP_SCOPE``). Anything else is a 404 (one query)."""
    interventions = (
        Intervention.objects.loggable_by(request.user) if to_log else Intervention.objects.visible_to(request.user)
    )
    # The group's progress check comes in the same query (the session log's score boxes).
    return get_object_or_404(interventions.select_related("school", "progress_check"), pk=pk)


def _may_log(request: HttpRequest, intervention: Intervention) -> bool:
    return can_log_sessions(request.user, intervention.school_id, runs=lambda: logs.runs(request.user, intervention))


def _parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _last_due(intervention: Intervention, today: dt.date, school_days: SchoolDays) -> dt.date | None:
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


def _day_names(days: Iterable[int]) -> str:
    return ", ".join(Weekday(day).label[:3] for day in sorted(days) if day in Weekday.values)


def _group_placements(intervention: Intervention) -> list[Placement]:
    """All the group's placements with pupils and dosage annotations, by pupil name (one query)."""
    placements = list(
        placements_with_dosage(
            Placement.objects.filter(intervention=intervention).select_related("pupil", "pupil__registration_group")
        ).order_by("pupil__legal_last_name", "pupil__legal_first_name", "entry_date")
    )
    for placement in placements:
        placement.intervention = intervention  # dosage_for reads the schedule; saves a join per row
    return placements


# --- Today's sessions ------------------------------------------------------------------------------------


@role_required(*SESSION_LOGGERS)
def today(request: HttpRequest) -> HttpResponse:
    """The groups the user runs (the SENCO: every group) that meet today, then their other open groups.

    Four queries whatever the number of groups: the groups with "logged today" and "last logged" annotated,
    today's pupils of all of them, the school's calendar (nothing is due today on a closure or in a holiday), and
    which of the other groups' last due days are logged already.
    """
    today = timezone.localdate()
    groups = Intervention.objects.loggable_by(request.user, request.school).planned_or_running()
    pupils_today = (
        Placement.objects.visible_to(request.user, request.school)
        .filter(logs.active_on_q(today))
        .select_related("pupil", "pupil__registration_group")
        .order_by("pupil__legal_first_name", "pupil__legal_last_name")
    )
    groups = (
        groups.select_related("lead")
        .annotate(
            logged_today=Exists(Session.objects.filter(intervention=OuterRef("pk"), date=today)),
            last_logged=Subquery(
                Session.objects.filter(intervention=OuterRef("pk")).order_by("-date").values("date")[:1]
            ),
        )
        .prefetch_related(Prefetch("placements", queryset=pupils_today, to_attr="pupils_today"))
        .order_by("name")
    )
    school_days = term_ranges(request.school)
    # No session is due on a closure or in a holiday (a school with no term dates yet: any day of a group's).
    open_today = school_days.is_school_day(today) or not school_days.spans
    scheduled, others = [], []
    for group in groups:
        group.day_names = _day_names(group.days or [])
        if open_today and logs.scheduled_on(group, today):
            scheduled.append(group)
        else:
            group.last_due = _last_due(group, today, school_days)
            others.append(group)
    scheduled.sort(key=lambda g: (g.start_time is None, g.start_time or dt.time(), g.name))
    # Which of the other groups' last due days are logged already (one query): those say "Edit", not "Log".
    due = {g.pk: g.last_due for g in others if g.last_due}
    logged = logs.logged_days(due)
    for group in others:
        group.last_due_logged = (group.pk, group.last_due) in logged
    return render(
        request,
        "interventions/today.html",
        {
            "today": today,
            "scheduled": scheduled,
            "others": others,
            "sees_all": request.role == Role.SENCO,
            "open_today": open_today,
        },
    )


# --- Logging a session -----------------------------------------------------------------------------------


@role_required(*SESSION_LOGGERS)
def session_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a session (today, or the day in ``?date=``) or correct one already logged that day.

    Queries are constant in the number of pupils: the group, that day's session with its marks, the group's
    placements with dosage, and the school's terms; a post that saves reads only the group and the session
    before the service takes over.
    """
    intervention = _intervention_for(request, pk, to_log=True)
    today = timezone.localdate()
    page_date = _parse_date(request.GET.get("date")) or today
    existing = Session.objects.visible_to(request.user, intervention.school_id).filter(
        intervention=intervention, date=page_date
    )
    if request.method == "GET":
        existing = existing.prefetch_related("attendance")  # a post brings its own marks
    existing = existing.first()

    initial = (
        SessionForm.initial_for(existing)
        if existing
        else {"date": page_date, "minutes": intervention.minutes_per_session}
    )
    form = SessionForm(
        request.POST if request.method == "POST" else None, initial=initial, date_locked=existing is not None
    )
    marks = {}
    if existing and request.method == "GET":
        marks = {a.placement_id: (a.present, a.absence_reason) for a in existing.attendance.all()}
    problems: dict[int, str] = {}
    target = page_date
    placements: list[Placement] | None = None  # loaded only to show the page: a good post just saves
    check = check_of(intervention)  # the optional score box per pupil, when the group has a progress check
    scores: list[checks.ScoreEntry] = []
    score_problems: dict[int, str] = {}

    if request.method == "POST":
        marks = posted_attendance(request.POST)
        if form.is_valid():
            target = form.cleaned_data["date"]
            is_new = _is_new(intervention, target, page_date=page_date, existing=existing)
            scores = check_boxes.posted(request.POST, target, page_day=page_date) if check else []
            saved = None
            try:
                with transaction.atomic():  # the session and its scores together, or neither
                    session = logs.session_log(
                        intervention=intervention,
                        date=target,
                        minutes=form.cleaned_data["minutes"],
                        focus=form.cleaned_data["focus"],
                        notes=form.cleaned_data["notes"],
                        steps=form.steps(),
                        attendance=marks,
                        by=request.user,
                        today=today,
                    )
                    if scores:
                        saved = checks.scores_record(
                            intervention=intervention, entries=scores, source=ScoreSource.SESSION, by=request.user,
                            today=today,
                        )  # fmt: skip
            except ValidationError as exc:
                score_problems, rest = check_boxes.split_errors(exc.message_dict)
                problems = _apply_errors(form, ValidationError(rest)) if rest else {}
                if rest and scores:
                    # The session failed before its scores were looked at: check them on their own too.
                    placements = _group_placements(intervention)
                    score_problems = check_boxes.problems(check, scores, marks, placements)
            else:
                message = _logged_message(intervention, session, marks, is_new=is_new)
                if saved is not None and saved.changed:
                    message += f" {saved.created + saved.updated} check score{'s' if saved.created + saved.updated != 1 else ''} saved."
                messages.success(request, message)
                return redirect("interventions:today")
        else:
            # Show every problem at once: the attendance and the date are checked even when another field is wrong.
            target = form.cleaned_data.get("date", page_date)
            if "date" in form.cleaned_data:
                is_new = _is_new(intervention, target, page_date=page_date, existing=existing)
                for problem in logs.date_problems(intervention=intervention, date=target, today=today, is_new=is_new):
                    form.add_error("date", problem)
            placements = _group_placements(intervention)
            problems = logs.attendance_problems(placements=placements, date=target, attendance=marks)
            if check:
                scores = check_boxes.posted(request.POST, target, page_day=page_date)
                score_problems = check_boxes.problems(check, scores, marks, placements)

    if placements is None:
        placements = _group_placements(intervention)
    # A new log starts with everyone present; a pupil missing from a saved or posted register has no mark yet.
    unmarked = (None, "") if existing or request.method == "POST" else (True, "")
    terms = term_ranges(intervention.school)
    rows = _register(placements, target, marks=marks, unmarked=unmarked, problems=problems, terms=terms, today=today)
    if check:
        check_boxes.attach(
            rows, stored=check_boxes.stored_on(intervention, target), entries=scores, errors=score_problems
        )
    # Whatever is left concerns pupils not on the page (not in the group that day): it goes in the summary only.
    error_summary = [
        *form.non_field_errors(),
        *(
            f"{form[name].label}: {error}"
            for name, errors in form.errors.items()
            if name != "__all__"
            for error in errors
        ),
        *(row.error for row in rows if row.error),
        *problems.values(),
        *(row.score.error for row in rows if check and row.score.error),
        *(error for pk, error in score_problems.items() if pk not in {row.placement.pk for row in rows}),
    ]
    if request.method == "GET" and not existing:
        warnings = logs.date_problems(intervention=intervention, date=page_date, today=today, is_new=True)
    else:
        warnings = []
    return render(
        request,
        "interventions/session_log.html",
        {
            "intervention": intervention,
            "form": form,
            "existing": existing,
            "page_date": page_date,
            "target": target,
            "today": today,
            "rows": rows,
            "error_summary": error_summary,
            "warnings": warnings,
            "reasons": REASON_CHOICES,
            "usual_day": target.weekday() in (intervention.days or []),
            # A closure or a holiday (with term dates recorded): logged if it happened, but worth a second look.
            "school_day": terms.is_school_day(target) or not terms.spans,
            "check": check,
        },
    )


def _is_new(intervention: Intervention, target: dt.date, *, page_date: dt.date, existing: Session | None) -> bool:
    """Whether logging ``target`` makes a new session (a query only when the form's date is not the page's)."""
    if target == page_date:
        return existing is None
    return not Session.objects.filter(intervention=intervention, date=target).exists()


def _register(
    placements: list[Placement],
    date: dt.date,
    *,
    marks: dict[int, tuple[bool | None, str]],
    unmarked: tuple[bool | None, str],
    problems: dict[int, str],
    terms: list[tuple[dt.date, dt.date]],
    today: dt.date,
) -> list[AttendanceRow]:
    """One row per pupil in the group on ``date``, with their mark, dosage and any problem (taken out of
    ``problems``, which keeps those about pupils not on the page). No query."""
    rows = []
    for placement in placements:
        if not logs.is_active_on(placement, date):
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


def _apply_errors(form: SessionForm, exc: ValidationError) -> dict[int, str]:
    """Put the service's errors on the form's fields; return the attendance ones by placement id."""
    by_placement: dict[int, str] = {}
    for key, errors in exc.message_dict.items():
        if key.startswith(logs.ATTENDANCE_ERROR):
            by_placement[int(key.removeprefix(logs.ATTENDANCE_ERROR))] = errors[0]
        elif key in form.fields:
            for error in errors:
                form.add_error(key, error)
        else:
            for error in errors:
                form.add_error(None, error)
    return by_placement


def _logged_message(intervention: Intervention, session: Session, marks: dict, *, is_new: bool) -> str:
    present = sum(1 for value, _ in marks.values() if value)
    absent = sum(1 for value, _ in marks.values() if value is False)
    verb = "logged" if is_new else "updated"
    when = date_format(session.date, "l j F")
    register = f" ({present} present, {absent} absent)" if present or absent else ""
    return f"{intervention.name}, {when}: session {verb}{register}."


@require_POST
@role_required(*SESSION_LOGGERS)
def session_remove(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """Remove a session logged in error (by whoever may log the group), with its attendance."""
    intervention = _intervention_for(request, pk, to_log=True)
    session = get_object_or_404(Session, pk=session_pk, intervention=intervention)
    when = date_format(session.date, "l j F Y")
    logs.session_delete(session=session, by=request.user)
    messages.success(request, f"{intervention.name}: the session on {when} was removed.")
    return redirect("interventions:sessions", intervention.pk)


# --- Session history ---------------------------------------------------------------------------------------


@role_required(*INTERVENTION_VIEWERS)
def session_history(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's sessions as a register: one row per pupil, one column per session, with each pupil's dosage.

    Constant queries: the group, its sessions, its placements with dosage, every mark, the terms (and whether
    the user runs it).
    """
    intervention = _intervention_for(request, pk, to_log=False)
    today = timezone.localdate()
    sessions = list(
        Session.objects.visible_to(request.user, intervention.school_id)
        .filter(intervention=intervention)
        .select_related("logged_by")
        .order_by("date")
    )
    placements = _group_placements(intervention)
    terms = term_ranges(intervention.school)
    marks = {
        (session_id, placement_id): (present, reason)
        for session_id, placement_id, present, reason in Attendance.objects.visible_to(
            request.user, intervention.school_id
        )
        .filter(session__intervention=intervention)
        .values_list("session_id", "placement_id", "present", "absence_reason")
    }
    reason_labels = dict(AbsenceReason.choices)
    present_counts = dict.fromkeys((s.pk for s in sessions), 0)
    rows = []
    for placement in placements:
        cells = []
        for session in sessions:
            if not logs.is_active_on(placement, session.date):
                cells.append({"state": "out"})
                continue
            mark = marks.get((session.pk, placement.pk))
            if mark is None:
                cells.append({"state": "unmarked"})
            elif mark[0]:
                present_counts[session.pk] += 1
                cells.append({"state": "present"})
            else:
                cells.append({"state": "absent", "reason": reason_labels.get(mark[1], mark[1])})
        rows.append((placement, dosage_for(placement, terms=terms, today=today), cells))
    planned = costing.planned_dates(
        days=intervention.days, start=intervention.start_date, end=intervention.end_date, terms=terms, until=today
    )
    return render(
        request,
        "interventions/sessions.html",
        {
            "intervention": intervention,
            "sessions": sessions,
            "columns": [(s, present_counts[s.pk]) for s in sessions],
            "rows": rows,
            "planned_to_date": len(planned),
            "day_names": _day_names(intervention.days or []),
            "can_log": _may_log(request, intervention),
            "today": today,
        },
    )
