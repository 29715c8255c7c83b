"""The group pages' words: schedules, results, staff names, scale values and the warnings about a group. Pure: no
queries (each function reads only what it is given)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from interventions.costing import CostBreakdown
from interventions.models import Intervention, InterventionStaff, StaffRole, Wave
from pupils import scales
from pupils.models import Result

WEEKDAY_SHORT = {0: "Mon", 1: "Tue", 2: "Wed", 3: "Thu", 4: "Fri"}


def schedule_text(days: Sequence[int], minutes: int, start_time: dt.time | None = None) -> str:
    """``[0, 2, 4], 30`` -> ``"Mon, Wed, Fri 30 min"`` (with `` at 09:15`` when a time is set)."""
    named = ", ".join(WEEKDAY_SHORT.get(day, "?") for day in sorted(days))
    text = f"{named} {minutes} min" if named else f"No days set, {minutes} min"
    return f"{text} at {start_time:%H:%M}" if start_time else text


def result_label(result: Result) -> str:
    return f"{result.assessment.name} ({result.assessment.taken_on:%d/%m/%Y}): {result.typed}"


def shown(spec: scales.ScaleSpec | None, value: float | None, typed: str) -> str:
    """A value on the group's scale as the school writes it, else what was typed."""
    if spec is not None and value is not None:
        return scales.display(spec, value)
    return typed


def change(spec: scales.ScaleSpec | None, entry: float | None, exit_: float | None) -> str:
    """The change from entry to exit in the scale's own units ("+4 months", "+1 band")."""
    if spec is None or entry is None or exit_ is None:
        return ""
    difference = exit_ - entry
    if spec.kind == scales.AGE:
        return f"{difference:+.0f} months"
    if spec.kind == scales.BANDS:
        return f"{difference:+.0f} band{'s' if abs(difference) != 1 else ''}"
    return f"{difference:+g}"


def untrained_warning(intervention: Intervention, untrained: Sequence[InterventionStaff]) -> str:
    names = ", ".join(member.name for member in untrained)
    return f"Not trained (or training expired) in {intervention.programme.name}: {names}."


def group_warnings(
    intervention: Intervention,
    *,
    today: dt.date,
    untrained: Sequence[InterventionStaff],
    active_count: int,
    cost: CostBreakdown | None,
) -> list[str]:
    """What the group's page warns about: no end date, past its end, untrained staff, over capacity, no scale,
    pupils without an exit, staff roles with no rate."""
    warnings = []
    if intervention.is_planned_or_running:
        if intervention.has_no_end_date:
            warnings.append("It has no end date. Interventions are time-limited: set when it ends and review it.")
        if intervention.is_overdue(today):
            warnings.append(
                f"It is still {intervention.get_status_display().lower()} after its end date "
                f"({intervention.end_date:%d/%m/%Y}): complete it, or extend it if that was the plan."
            )
        if untrained:
            warnings.append(untrained_warning(intervention, untrained))
        if active_count > intervention.capacity:
            warnings.append(f"{active_count} pupils in a group for {intervention.capacity}.")
    if intervention.scale_id is None and intervention.wave != Wave.QUALITY_FIRST:
        warnings.append("No scale is set for entry and exit results, so its impact cannot be measured.")
    if not intervention.is_planned_or_running and active_count:
        warnings.append(f"{active_count} pupil{'s have' if active_count != 1 else ' has'} no exit recorded yet.")
    if cost is not None and cost.missing_rates:
        roles = ", ".join(StaffRole(role).label.lower() for role in cost.missing_rates)
        warnings.append(f"No hourly rate is set for: {roles}. Their time is costed at £0.")
    return warnings


def cost_lines(cost: CostBreakdown | None) -> list[tuple[object, str]]:
    """Each staff line of a cost with its role's label."""
    return [
        (line, StaffRole(line.role).label if line.role in StaffRole.values else line.role)
        for line in (cost.staff if cost else [])
    ]
