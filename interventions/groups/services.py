"""Writes to interventions (groups), their staff, placements and the school's staff rates.

Every function is keyword-only and atomic, runs ``full_clean()`` before saving, and raises ``ValidationError``
keyed by model field names (``PlacementErrors`` for a batch of pupils) so that forms can put each message
beside the field it is about. Nothing is half-applied: a batch with one bad pupil adds nobody.

``by`` (the member of staff making the change) is taken everywhere so that an audit trail can be added without
changing callers; the models do not record it yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from interventions.models import (
    PLANNED_OR_RUNNING,
    ExitReason,
    ExternalCosting,
    Intervention,
    InterventionStaff,
    Placement,
    StaffRate,
    StaffRole,
    Status,
    Wave,
)
from provision.models import Membership, School, Term, person_name
from pupils import scales
from pupils.models import Pupil, Result

# What the intervention form may set. Status and the stop reason change only through the status actions below.
INTERVENTION_FIELDS: tuple[str, ...] = (
    "name",
    "programme",
    "wave",
    "area",
    "subject",
    "need_area",
    "year_groups",
    "lead",
    "days",
    "start_time",
    "minutes_per_session",
    "start_date",
    "end_date",
    "capacity",
    "entry_criteria",
    "scale",
    "resources_cost",
    "external_cost",
    "external_costing",
    "funding_source",
    "notes",
)

# How a placement's fields are named to people, for per-pupil error messages.
FIELD_LABELS = {
    "pupil": "",
    "entry_date": "Entry date",
    "entry_result": "Baseline",
    "entry_value": "Baseline",
    "entry_typed": "Baseline",
    "target": "Target",
    "target_value": "Target on the scale",
    "pupil_target": "The pupil's own target",
    "entry_rating": "Self-rating at entry",
    "exit_date": "Exit date",
    "exit_result": "Exit result",
    "exit_value": "Exit result",
    "exit_typed": "Exit result",
    "exit_rating": "Self-rating at exit",
    "outcome": "Outcome",
    "exit_reason": "Exit reason",
    "notes": "Notes",
    NON_FIELD_ERRORS: "",
}


# --- Interventions and their staff -----------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    """One person delivering an intervention: a member of the school's staff, or a named external tutor."""

    role: str
    user: AbstractBaseUser | None = None
    external_name: str = ""

    @property
    def key(self) -> tuple[str, Any]:
        if self.user is not None:
            return ("user", self.user.pk)
        return ("external", self.external_name.strip().casefold())

    @property
    def label(self) -> str:
        return person_name(self.user) if self.user is not None else self.external_name.strip()


@transaction.atomic
def intervention_create(
    *, school: School, fields: Mapping[str, Any], staff: Sequence[StaffMember], by: AbstractBaseUser | None
) -> Intervention:
    """A new (planned) intervention at ``school`` with ``fields`` and the people who deliver it. The lead, when
    set, must be one of ``staff`` (their role prices their time)."""
    intervention = Intervention(school=school, status=Status.PLANNED)
    _apply_fields(intervention, fields)
    _check_staff(intervention, staff)
    intervention.full_clean()
    intervention.save()
    _staff_replace(intervention, staff)
    return intervention


@transaction.atomic
def intervention_update(
    *, intervention: Intervention, fields: Mapping[str, Any], staff: Sequence[StaffMember], by: AbstractBaseUser | None
) -> Intervention:
    """Change an intervention's details and replace its staff lines with ``staff`` (kept rows keep their ids)."""
    # Two SENCOs editing the same group: the second waits here and then writes over the first, whole.
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    _apply_fields(locked, fields)
    _check_staff(locked, staff)
    locked.full_clean()
    locked.save()
    _staff_replace(locked, staff)
    return locked


def _apply_fields(intervention: Intervention, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(INTERVENTION_FIELDS)
    if unknown:
        raise ValueError(f"Not fields an intervention form may set: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(intervention, name, value)
    intervention.days = sorted(set(intervention.days or []))
    intervention.year_groups = sorted(set(intervention.year_groups or []))


def _check_staff(intervention: Intervention, staff: Sequence[StaffMember]) -> None:
    errors: list[str] = []
    keys = [member.key for member in staff]
    for key in {k for k in keys if keys.count(k) > 1}:
        member = next(m for m in staff if m.key == key)
        errors.append(f"{member.label} is listed twice.")
    for member in staff:
        if member.role not in StaffRole.values:
            errors.append(f"{member.label}: '{member.role}' is not a staff role.")
        if member.user is None and not member.external_name.strip():
            errors.append("Each member of staff needs an account or a name.")
    users = [m.user.pk for m in staff if m.user is not None]
    if users:
        members = set(
            Membership.objects.filter(school_id=intervention.school_id, user_id__in=users).values_list(
                "user_id", flat=True
            )
        )
        errors += [
            f"{m.label} is not on the staff of this school." for m in staff if m.user and m.user.pk not in members
        ]
    if intervention.lead_id and intervention.lead_id not in users:
        errors.append("Give the lead a staff line with the role their time is costed at.")
    if errors:
        raise ValidationError({"staff": errors})
    _check_external_costing(intervention, staff)


def _check_external_costing(intervention: Intervention, staff: Sequence[StaffMember]) -> None:
    """External staff are costed one way: per session at the external hourly rate, or by the external fee. Both
    at once would count the same specialist twice (their hours and their invoice)."""
    external = [member.label for member in staff if member.role == StaffRole.EXTERNAL]
    per_session = intervention.external_costing == ExternalCosting.SESSION
    if external and per_session and intervention.external_cost:
        names = ", ".join(external)
        raise ValidationError(
            {
                "external_costing": (
                    f"{names} {'is' if len(external) == 1 else 'are'} costed per session at the external hourly "
                    f"rate and there is also an external fee of £{intervention.external_cost:,.2f}: choose one. "
                    "Pick 'By the external fee' if the fee pays for their time, or set the fee to 0. Materials "
                    "and licences go under resources."
                )
            }
        )


def _staff_replace(intervention: Intervention, staff: Sequence[StaffMember]) -> None:
    current = {
        (("user", row.user_id) if row.user_id else ("external", row.external_name.strip().casefold())): row
        for row in intervention.staff.all()
    }
    wanted = {member.key: member for member in staff}
    gone = [row.pk for key, row in current.items() if key not in wanted]
    if gone:
        InterventionStaff.objects.filter(pk__in=gone).delete()
    for key, member in wanted.items():
        row = current.get(key) or InterventionStaff(intervention=intervention)
        if row.pk and row.role == member.role and row.external_name == member.external_name.strip():
            continue
        row.user = member.user
        row.external_name = "" if member.user is not None else member.external_name.strip()
        row.role = member.role
        row.full_clean()
        row.save()


# --- Status ----------------------------------------------------------------------------------------------

# action -> (statuses it may start from, what it is called in a message)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start": ((Status.PLANNED,), "started"),
    "complete": ((Status.RUNNING,), "marked completed"),
    "stop": (PLANNED_OR_RUNNING, "stopped"),
    "reopen": ((Status.COMPLETED, Status.STOPPED), "reopened"),
}


def _lock_for(intervention: Intervention, action: str) -> Intervention:
    # Two people pressing buttons on the same group at once: the second sees the first's status.
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    allowed, _ = TRANSITIONS[action]
    if locked.status not in allowed:
        raise ValidationError(
            {"status": f"A {locked.get_status_display().lower()} intervention cannot be {TRANSITIONS[action][1]}."}
        )
    return locked


@transaction.atomic
def intervention_start(*, intervention: Intervention, by: AbstractBaseUser | None) -> Intervention:
    """Planned -> running."""
    locked = _lock_for(intervention, "start")
    locked.status = Status.RUNNING
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def intervention_complete(*, intervention: Intervention, on: dt.date, by: AbstractBaseUser | None) -> Intervention:
    """Running -> completed on ``on``. A group finished early has its end date brought forward to ``on`` so that
    its cost counts the sessions it really had. Pupils still in it stay in it until their exit is recorded (each
    needs an exit result and outcome), and the group page lists them."""
    locked = _lock_for(intervention, "complete")
    locked.status = Status.COMPLETED
    locked.end_date = _cut_end(locked, on)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def intervention_stop(
    *, intervention: Intervention, reason: str, on: dt.date, by: AbstractBaseUser | None
) -> Intervention:
    """Planned or running -> stopped on ``on`` with ``reason``. The end date comes forward to ``on`` (the cost
    stops there) and every pupil still in the group leaves it that day with the exit reason "intervention
    stopped"; their exit results and outcomes can be added afterwards."""
    locked = _lock_for(intervention, "stop")
    if not reason.strip():
        raise ValidationError({"stop_reason": "Say why the intervention was stopped."})
    locked.status = Status.STOPPED
    locked.stop_reason = reason.strip()
    locked.stopped_on = on
    locked.end_date = _cut_end(locked, on)
    locked.full_clean()
    locked.save()
    for placement in Placement.objects.select_for_update().filter(intervention=locked).active():
        placement.exit_date = max(on, placement.entry_date)
        placement.exit_reason = ExitReason.STOPPED
        placement.full_clean()
        placement.save()
    return locked


@transaction.atomic
def intervention_reopen(*, intervention: Intervention, today: dt.date, by: AbstractBaseUser | None) -> Intervention:
    """Completed or stopped -> running (or planned, if it has not reached its start date). The stop reason is
    cleared; pupils who left are not put back (add them again if they return)."""
    locked = _lock_for(intervention, "reopen")
    locked.status = Status.PLANNED if locked.start_date > today else Status.RUNNING
    locked.stop_reason = ""
    locked.stopped_on = None
    locked.full_clean()
    locked.save()
    return locked


def _cut_end(intervention: Intervention, on: dt.date) -> dt.date:
    if intervention.end_date is not None and intervention.end_date <= on:
        return intervention.end_date
    return max(on, intervention.start_date)


# --- Placements ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilEntry:
    """What is known about a pupil joining an intervention. The baseline is a result from their assessments or
    a typed value (read on the intervention's scale), never both; ``target_typed`` is a target on the scale."""

    pupil: Pupil
    entry_result: Result | None = None
    entry_typed: str = ""
    target: str = ""
    target_typed: str = ""
    pupil_target: str = ""
    entry_rating: int | None = None
    notes: str = ""


class PlacementErrors(ValidationError):
    """Why pupils could not be added; nobody was. ``problems`` maps a pupil's id to {field: [messages]}."""

    def __init__(self, problems: dict[int, dict[str, list[str]]], pupils: Mapping[int, Pupil]) -> None:
        self.problems = problems
        lines = []
        for pk, fields in problems.items():
            for name, messages in fields.items():
                label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
                for message in messages:
                    lines.append(f"{pupils[pk].full_name}: {label + ': ' if label else ''}{message}")
        super().__init__(lines)


def _measure(
    *,
    prefix: str,
    intervention: Intervention,
    spec: scales.ScaleSpec | None,
    pupil: Pupil,
    result: Result | None,
    typed: str,
    errors: dict[str, list[str]],
) -> tuple[Result | None, float | None, str]:
    """The (result, value, typed text) of an entry or exit measure, with problems added to ``errors``."""
    typed = (typed or "").strip()
    if result is not None and typed:
        errors[f"{prefix}_typed"].append("Pick a result or type a value, not both.")
        return None, None, ""
    if result is not None:
        assessment = result.assessment
        if result.pupil_id != pupil.pk:
            errors[f"{prefix}_result"].append("That result belongs to another pupil.")
        elif intervention.subject_id and assessment.subject_id != intervention.subject_id:
            errors[f"{prefix}_result"].append(
                f"{assessment.name} is in {assessment.subject.name}, not {intervention.subject.name}."
            )
        elif intervention.scale_id and assessment.scale_id != intervention.scale_id:
            errors[f"{prefix}_result"].append(
                f"{assessment.name} is on the {assessment.scale.name} scale, not {intervention.scale.name}."
            )
        return result, result.value, result.typed
    if not typed:
        return None, None, ""
    if spec is None:
        # No scale to read it on: kept as written, with no number to compare.
        return None, None, typed
    try:
        return None, scales.parse(spec, typed), typed
    except scales.ScaleError as exc:
        errors[f"{prefix}_typed"].append(f"{exc}.")
        return None, None, typed


def _target_value(spec: scales.ScaleSpec | None, typed: str, errors: dict[str, list[str]]) -> float | None:
    typed = (typed or "").strip()
    if not typed:
        return None
    if spec is None:
        errors["target_value"].append("The intervention has no scale, so a target on the scale cannot be read.")
        return None
    try:
        return scales.parse(spec, typed)
    except scales.ScaleError as exc:
        errors["target_value"].append(f"{exc}.")
        return None


def _scale_spec(intervention: Intervention) -> scales.ScaleSpec | None:
    """The intervention's scale as a spec (one query for a band scale's bands)."""
    return intervention.scale.spec() if intervention.scale_id else None


def _merge(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for name, messages in exc.message_dict.items():
        for message in messages:
            if message not in errors[name]:
                errors[name].append(message)


def _group_problem(intervention: Intervention, entry_date: dt.date) -> dict[str, str]:
    """Why nobody can join ``intervention`` on ``entry_date`` (empty when they can)."""
    if intervention.wave == Wave.QUALITY_FIRST:
        return {
            NON_FIELD_ERRORS: "Wave 1 strategies are for whole classes or year groups; pupils are not placed in them."
        }
    if not intervention.is_planned_or_running:
        return {NON_FIELD_ERRORS: f"Pupils cannot join a {intervention.get_status_display().lower()} intervention."}
    if intervention.end_date and entry_date > intervention.end_date:
        return {
            "entry_date": f"The intervention ends on {intervention.end_date:%d/%m/%Y}; pupils cannot join after that."
        }
    return {}


@transaction.atomic
def placements_add(
    *,
    intervention: Intervention,
    pupils: Sequence[Pupil | PupilEntry],
    entry_date: dt.date,
    by: AbstractBaseUser | None,
) -> list[Placement]:
    """Place ``pupils`` (bare pupils, or entries with baseline and targets) in ``intervention`` from
    ``entry_date``: all of them, or, if any cannot join, none (``PlacementErrors`` says who and why).

    A pupil must be at the intervention's school and on roll, not already in the group, and not listed twice;
    the group must be planned or running, take placements (not wave 1) and not have ended by ``entry_date``.
    A baseline result must be the pupil's own, in the intervention's subject and on its scale; a typed
    baseline or target is read on the intervention's scale and must lie within it.
    """
    # Lock the group's row: two staff adding the same pupil at the same moment queue here, so the second sees
    # the first's placement and gets "already in this intervention" rather than a database error.
    locked = (
        Intervention.objects.select_for_update(of=("self",)).select_related("subject", "scale").get(pk=intervention.pk)
    )
    entries = [entry if isinstance(entry, PupilEntry) else PupilEntry(pupil=entry) for entry in pupils]
    if not entries:
        raise ValidationError({"pupils": "Choose at least one pupil."})
    problem = _group_problem(locked, entry_date)
    if problem:
        raise ValidationError(problem)
    spec = _scale_spec(locked)
    by_pk = {entry.pupil.pk: entry.pupil for entry in entries}
    problems: dict[int, dict[str, list[str]]] = {}
    placements: list[Placement] = []
    seen: set[int] = set()
    for entry in entries:
        pupil = entry.pupil
        errors: dict[str, list[str]] = defaultdict(list)
        if pupil.pk in seen:
            errors["pupil"].append("Listed twice.")
        seen.add(pupil.pk)
        if pupil.school_id == locked.school_id and pupil.left_on is not None:
            errors["pupil"].append(f"Left the school on {pupil.left_on:%d/%m/%Y}.")
        result, value, typed = _measure(
            prefix="entry", intervention=locked, spec=spec, pupil=pupil, result=entry.entry_result,
            typed=entry.entry_typed, errors=errors,
        )  # fmt: skip
        placement = Placement(
            intervention=locked,
            pupil=pupil,
            entry_date=entry_date,
            entry_result=result,
            entry_value=value,
            entry_typed=typed,
            target=entry.target.strip(),
            target_value=_target_value(spec, entry.target_typed, errors),
            pupil_target=entry.pupil_target.strip(),
            entry_rating=entry.entry_rating,
            notes=entry.notes.strip(),
        )
        try:
            placement.full_clean()
        except ValidationError as exc:
            _merge(errors, exc)
        if errors:
            problems[pupil.pk] = dict(errors)
        placements.append(placement)
    if problems:
        raise PlacementErrors(problems, by_pk)
    try:
        with transaction.atomic():
            for placement in placements:
                placement.save()
    except IntegrityError as exc:
        # Only reachable if a placement slipped past the lock (e.g. made outside these services).
        raise ValidationError("Another change to this group was saved at the same moment; please try again.") from exc
    return placements


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    entry_date: dt.date,
    entry_result: Result | None = None,
    entry_typed: str = "",
    target: str = "",
    target_typed: str = "",
    pupil_target: str = "",
    entry_rating: int | None = None,
    notes: str = "",
    by: AbstractBaseUser | None,
) -> Placement:
    """Change what was recorded when the pupil joined: entry date, baseline, targets and self-rating."""
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("intervention__subject", "intervention__scale", "pupil")
        .get(pk=placement.pk)
    )
    intervention = locked.intervention
    spec = _scale_spec(intervention)
    errors: dict[str, list[str]] = defaultdict(list)
    if intervention.end_date and entry_date > intervention.end_date:
        errors["entry_date"].append(
            f"The intervention ends on {intervention.end_date:%d/%m/%Y}; pupils cannot join after that."
        )
    result, value, typed = _measure(
        prefix="entry", intervention=intervention, spec=spec, pupil=locked.pupil, result=entry_result,
        typed=entry_typed, errors=errors,
    )  # fmt: skip
    locked.entry_date = entry_date
    locked.entry_result, locked.entry_value, locked.entry_typed = result, value, typed
    locked.target = target.strip()
    locked.target_value = _target_value(spec, target_typed, errors)
    locked.pupil_target = pupil_target.strip()
    locked.entry_rating = entry_rating
    locked.notes = notes.strip()
    _save_checked(locked, errors)
    return locked


@transaction.atomic
def placement_exit(
    *,
    placement: Placement,
    exit_date: dt.date,
    exit_reason: str,
    exit_result: Result | None = None,
    exit_typed: str = "",
    exit_rating: int | None = None,
    outcome: str = "",
    notes: str | None = None,
    by: AbstractBaseUser | None,
) -> Placement:
    """Record (or correct) a pupil's exit: the date, why, the exit result (one of their results or typed on the
    intervention's scale), their self-rating again, and whether the target was met."""
    # The SENCO and the TA closing the same placement at once: one waits and then writes over, whole.
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("intervention__subject", "intervention__scale", "pupil")
        .get(pk=placement.pk)
    )
    intervention = locked.intervention
    spec = _scale_spec(intervention)
    errors: dict[str, list[str]] = defaultdict(list)
    if not exit_reason:
        errors["exit_reason"].append("Say why the pupil left the intervention.")
    result, value, typed = _measure(
        prefix="exit", intervention=intervention, spec=spec, pupil=locked.pupil, result=exit_result,
        typed=exit_typed, errors=errors,
    )  # fmt: skip
    locked.exit_date = exit_date
    locked.exit_reason = exit_reason
    locked.exit_result, locked.exit_value, locked.exit_typed = result, value, typed
    locked.exit_rating = exit_rating
    locked.outcome = outcome
    if notes is not None:
        locked.notes = notes.strip()
    _save_checked(locked, errors)
    return locked


def _save_checked(placement: Placement, errors: dict[str, list[str]]) -> None:
    try:
        placement.full_clean()
    except ValidationError as exc:
        _merge(errors, exc)
    if errors:
        raise ValidationError(dict(errors))
    placement.save()


# --- Staff rates -------------------------------------------------------------------------------------


@transaction.atomic
def staff_rates_save(
    *, school: School, rates: Mapping[str, Decimal | None], by: AbstractBaseUser | None
) -> list[StaffRate]:
    """Set the school's hourly rate for each role in ``rates``; ``None`` removes a role's rate (its time is
    then costed at nothing, and interventions using it warn)."""
    unknown = set(rates) - set(StaffRole.values)
    if unknown:
        raise ValidationError({"role": f"Unknown staff roles: {', '.join(sorted(unknown))}"})
    # Two admins saving at once: lock the school's rates so each save is applied whole.
    current = {rate.role: rate for rate in StaffRate.objects.select_for_update().filter(school=school)}
    saved = []
    for role, amount in rates.items():
        row = current.get(role)
        if amount is None:
            if row is not None:
                row.delete()
            continue
        row = row or StaffRate(school=school, role=role)
        row.hourly_rate = amount
        row.full_clean()
        row.save()
        saved.append(row)
    return saved


# --- Copying a term's provision forward ------------------------------------------------------------------

# What a copy keeps of its original; its dates, status, staff lines and pupils are set apart (no pupils).
_COPIED_FIELDS = (
    "programme", "name", "wave", "area", "subject", "need_area", "lead", "start_time", "minutes_per_session",
    "capacity", "entry_criteria", "scale", "resources_cost", "external_cost", "funding_source",
)  # fmt: skip


@transaction.atomic
def interventions_copy_forward(
    *, school: School, running: Iterable[Intervention], next_term: Term, by: AbstractBaseUser | None
) -> tuple[list[Intervention], list[Intervention]]:
    """Copy ``running`` (the groups running in a term, fetched by the caller through ``visible_to``, with their
    staff prefetched) into ``next_term`` as planned: same programme, staff lines, schedule and costs, no pupils;
    dates moved to start on the first day of ``next_term`` and last as long as before (within that term).
    Interventions that already run into ``next_term`` (or have no end date) need no copy and are skipped, as are
    those already copied (a copy's ``copied_from`` names its original), so a second run changes nothing.
    Returns (created, skipped)."""
    running = list(running)
    # Several SENCOs may press the button at once: the existing copies are read under a lock on the school's row.
    School.objects.select_for_update().filter(pk=school.pk).first()
    copied = set(
        Intervention.objects.filter(
            school=school, start_date__gte=next_term.start_date, start_date__lte=next_term.end_date
        ).values_list("copied_from_id", flat=True)
    )
    created, skipped = [], []
    for original in running:
        if original.pk in copied or original.end_date is None or original.end_date >= next_term.start_date:
            skipped.append(original)
            continue
        copy = Intervention(
            school=school,
            **{name: getattr(original, name) for name in _COPIED_FIELDS},
            year_groups=list(original.year_groups or []),
            days=list(original.days or []),
            start_date=next_term.start_date,
            end_date=min(next_term.start_date + (original.end_date - original.start_date), next_term.end_date),
            status=Status.PLANNED,
            copied_from=original,
        )
        copy.full_clean()
        copy.save()
        InterventionStaff.objects.bulk_create(
            InterventionStaff(intervention=copy, user_id=m.user_id, external_name=m.external_name, role=m.role)
            for m in original.staff.all()
        )
        created.append(copy)
    return created, skipped
