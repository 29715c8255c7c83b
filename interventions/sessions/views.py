"""Session logs: today's sessions, logging a session with its attendance, and a group's session history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from interventions.models import Intervention, Placement, Session
from interventions.progress import services as checks
from interventions.progress import session as check_boxes
from interventions.progress.models import ProgressCheck
from interventions.progress.selectors import check_of
from interventions.selectors import term_ranges
from interventions.sessions import selectors
from interventions.sessions import services as logs
from interventions.sessions.forms import REASON_CHOICES, SessionForm, error_summary, posted_attendance
from provision.access import INTERVENTION_VIEWERS, SESSION_LOGGERS, can_log_sessions, role_required
from provision.models import Role


def _may_log(request: HttpRequest, intervention: Intervention) -> bool:
    return can_log_sessions(request.user, intervention.school_id, runs=lambda: logs.runs(request.user, intervention))


def _parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# --- Today's sessions ------------------------------------------------------------------------------------


@role_required(*SESSION_LOGGERS)
def today(request: HttpRequest) -> HttpResponse:
    """The groups the user runs (the SENCO: every group) that meet today, then their other open groups.

    Four queries whatever the number of groups (``sessions.selectors.today_page``): nothing is due today on a
    closure or in a holiday.
    """
    today = timezone.localdate()
    scheduled, others, open_today = selectors.today_page(request.user, request.school, today)
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


@dataclass
class _Log:
    """What the session log page knows as it is built: the day, the marks, the problems by pupil and the score
    boxes (``check``: the group's progress check, when it has one)."""

    intervention: Intervention
    page_date: dt.date
    today: dt.date
    existing: Session | None
    check: ProgressCheck | None
    target: dt.date
    marks: dict[int, tuple[bool | None, str]] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    placements: list[Placement] | None = None  # loaded only to show the page: a good post just saves
    scores: list[checks.ScoreEntry] = field(default_factory=list)
    score_problems: dict[int, str] = field(default_factory=dict)


@role_required(*SESSION_LOGGERS)
def session_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a session (today, or the day in ``?date=``) or correct one already logged that day.

    Queries are constant in the number of pupils: the group, that day's session with its marks, the group's
    placements with dosage, and the school's terms; a post that saves reads only the group and the session
    before the service takes over.
    """
    intervention = selectors.group_for(request.user, pk, to_log=True)
    today = timezone.localdate()
    page_date = _parse_date(request.GET.get("date")) or today
    posted = request.method == "POST"
    existing = selectors.session_on(intervention, page_date, user=request.user, with_marks=not posted)
    initial = (
        SessionForm.initial_for(existing)
        if existing
        else {"date": page_date, "minutes": intervention.minutes_per_session}
    )
    form = SessionForm(request.POST if posted else None, initial=initial, date_locked=existing is not None)
    log = _Log(intervention, page_date, today, existing, check=check_of(intervention), target=page_date)
    if existing and not posted:
        log.marks = {a.placement_id: (a.present, a.absence_reason) for a in existing.attendance.all()}
    if posted:
        log.marks = posted_attendance(request.POST)
        if form.is_valid():
            message = _save(request, form, log)
            if message is not None:
                messages.success(request, message)
                return redirect("interventions:today")
        else:
            _check_all(request, form, log)
    return render(request, "interventions/session_log.html", _log_context(request, form, log))


def _save(request: HttpRequest, form: SessionForm, log: _Log) -> str | None:
    """Save the session and its scores: the message to show, or None with every problem put on the page."""
    intervention = log.intervention
    log.target = form.cleaned_data["date"]
    is_new = selectors.is_new(
        intervention, log.target, page_date=log.page_date, existing=log.existing, user=request.user
    )
    log.scores = check_boxes.posted(request.POST, log.target, page_day=log.page_date) if log.check else []
    try:
        session, saved = logs.session_and_scores_log(
            intervention=intervention, date=log.target, minutes=form.cleaned_data["minutes"],
            focus=form.cleaned_data["focus"], notes=form.cleaned_data["notes"], steps=form.steps(),
            attendance=log.marks, scores=log.scores, by=request.user, today=log.today,
        )  # fmt: skip
    except ValidationError as exc:
        log.score_problems, rest = check_boxes.split_errors(exc.message_dict)
        log.problems = _apply_errors(form, ValidationError(rest)) if rest else {}
        if rest and log.scores:
            # The session failed before its scores were looked at: check them on their own too.
            log.placements = selectors.group_placements(intervention, user=request.user)
            log.score_problems = check_boxes.problems(log.check, log.scores, log.marks, log.placements)
        return None
    message = _logged_message(intervention, session, log.marks, is_new=is_new)
    if saved is not None and saved.changed:
        count = saved.created + saved.updated
        message += f" {count} check score{'s' if count != 1 else ''} saved."
    return message


def _check_all(request: HttpRequest, form: SessionForm, log: _Log) -> None:
    """Show every problem at once: the attendance and the date are checked even when another field is wrong."""
    intervention = log.intervention
    log.target = form.cleaned_data.get("date", log.page_date)
    if "date" in form.cleaned_data:
        is_new = selectors.is_new(
            intervention, log.target, page_date=log.page_date, existing=log.existing, user=request.user
        )
        for problem in logs.date_problems(intervention=intervention, date=log.target, today=log.today, is_new=is_new):
            form.add_error("date", problem)
    log.placements = selectors.group_placements(intervention, user=request.user)
    log.problems = logs.attendance_problems(placements=log.placements, date=log.target, attendance=log.marks)
    if log.check:
        log.scores = check_boxes.posted(request.POST, log.target, page_day=log.page_date)
        log.score_problems = check_boxes.problems(log.check, log.scores, log.marks, log.placements)


def _log_context(request: HttpRequest, form: SessionForm, log: _Log) -> dict:
    """The session log page: the register's rows (with score boxes) and every problem and warning."""
    intervention, target, posted = log.intervention, log.target, request.method == "POST"
    if log.placements is None:
        log.placements = selectors.group_placements(intervention, user=request.user)
    # A new log starts with everyone present; a pupil missing from a saved or posted register has no mark yet.
    unmarked = (None, "") if log.existing or posted else (True, "")
    terms = term_ranges(intervention.school)
    rows = selectors.register(
        log.placements, target, marks=log.marks, unmarked=unmarked, problems=log.problems, terms=terms,
        today=log.today,
    )  # fmt: skip
    if log.check:
        stored = check_boxes.stored_on(intervention, target, user=request.user)
        check_boxes.attach(rows, stored=stored, entries=log.scores, errors=log.score_problems)
    warnings = []
    if not posted and not log.existing:
        warnings = logs.date_problems(intervention=intervention, date=log.page_date, today=log.today, is_new=True)
    return {
        "intervention": intervention,
        "form": form,
        "existing": log.existing,
        "page_date": log.page_date,
        "target": target,
        "today": log.today,
        "rows": rows,
        "error_summary": error_summary(form, rows, log.problems, log.score_problems, with_scores=bool(log.check)),
        "warnings": warnings,
        "reasons": REASON_CHOICES,
        "usual_day": target.weekday() in (intervention.days or []),
        # A closure or a holiday (with term dates recorded): logged if it happened, but worth a second look.
        "school_day": terms.is_school_day(target) or not terms.spans,
        "check": log.check,
    }


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
    intervention = selectors.group_for(request.user, pk, to_log=True)
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
    intervention = selectors.group_for(request.user, pk, to_log=False)
    today = timezone.localdate()
    return render(
        request,
        "interventions/sessions.html",
        {
            **selectors.history(intervention, user=request.user, today=today),
            "intervention": intervention,
            "day_names": selectors.day_names(intervention.days or []),
            "can_log": _may_log(request, intervention),
            "today": today,
        },
    )
