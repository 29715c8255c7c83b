"""The session logs of the groups so far: a log for most past scheduled days, and each pupil's mark that day."""

from __future__ import annotations

import datetime as dt

from demo.build.state import Group, Provision
from demo.data.words import ABSENCE_WEIGHTS, FOCUS, SESSION_NOTES, STEPS
from interventions import costing
from interventions.models import Area, Attendance, Placement, Session

BATCH_SIZE = 2000


def sessions(prov: Provision) -> None:
    """A log for most past scheduled days of each group (85-95% of them), and a mark for each pupil in the
    group on the day: present about nine times in ten, a few pupils much less often."""
    rng = prov.rng
    placed = sorted({p.pupil_id for group in prov.groups for p in group.placements})
    low = set(rng.sample(placed, k=max(1, len(placed) // 40))) if placed else set()
    rate = {pupil_id: rng.uniform(0.6, 0.75) if pupil_id in low else rng.uniform(0.86, 0.97) for pupil_id in placed}
    logs: list[Session] = []
    marks: list[tuple[Session, Placement, bool, str]] = []
    for group in prov.groups:
        if group.recipe is not None and group.last_day is not None:
            _group_sessions(prov, group, rate, logs, marks)
    Session.objects.bulk_create(logs, batch_size=BATCH_SIZE)
    Attendance.objects.bulk_create(
        (
            Attendance(session_id=session.pk, placement_id=placement.pk, present=present, absence_reason=reason)
            for session, placement, present, reason in marks
        ),
        batch_size=BATCH_SIZE,
    )
    prov.summary.sessions += len(logs)
    prov.summary.attendance += len(marks)


def _steps(area: str) -> tuple[str, ...]:
    if area in (Area.READING, Area.PHONICS, Area.SPELLING, Area.WRITING):
        return STEPS["literacy"]
    return STEPS["maths"] if area == Area.MATHS else STEPS["other"]


def _group_sessions(
    prov: Provision, group: Group, rate: dict[int, float], logs: list[Session], marks: list[tuple]
) -> None:
    rng, intervention = prov.rng, group.intervention
    days = costing.planned_dates(
        days=intervention.days, start=intervention.start_date, end=group.last_day, terms=prov.term_ranges
    )
    logged_share = rng.uniform(0.85, 0.95)
    steps = rng.random() < 0.3
    step_text = _steps(group.recipe.area)
    focus = FOCUS.get(group.recipe.area, FOCUS[Area.LANGUAGE])
    for day in days:
        if rng.random() >= logged_share:
            continue
        session = _session(prov, group, day, focus)
        if steps and rng.random() < 0.7:
            (
                session.step_remember,
                session.step_model,
                session.step_try,
                session.step_apply,
                session.step_secure,
                session.step_review,
            ) = step_text
        logs.append(session)
        marks += _marks(prov, group, session, day, rate)


def _session(prov: Provision, group: Group, day: dt.date, focus: list[str]) -> Session:
    rng, intervention = prov.rng, group.intervention
    minutes = intervention.minutes_per_session
    if rng.random() < 0.08:
        minutes = max(5, minutes - rng.choice((5, 10)))
    return Session(
        intervention=intervention,
        date=day,
        minutes=minutes,
        focus=rng.choice(focus),
        notes=rng.choice(SESSION_NOTES),
        logged_by_id=intervention.lead_id,
    )


def _marks(prov: Provision, group: Group, session: Session, day: dt.date, rate: dict[int, float]) -> list[tuple]:
    """Present or absent (with a reason) for each pupil in the group that day."""
    rng = prov.rng
    reasons, weights = list(ABSENCE_WEIGHTS), list(ABSENCE_WEIGHTS.values())
    marks = []
    for placement in group.placements:
        if placement.entry_date <= day and (placement.exit_date is None or day <= placement.exit_date):
            present = rng.random() < rate[placement.pupil_id]
            reason = "" if present else rng.choices(reasons, weights=weights)[0]
            marks.append((session, placement, present, reason))
    return marks
