"""Making the groups a school's runs ask for: ``groups`` makes every run's groups, oldest term first; ``group``
makes one (days, dates, status, pupils, name, lead, the intervention row) and places its pupils (``place``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from demo.build.calendar import Slot, on_or_after, on_or_before, years_label
from demo.build.choose import candidates, free
from demo.build.designs import EFFECT_SIZES, HARMFUL, INEFFECTIVE, OPEN, OVERDUE, STOP, Recipe, Run
from demo.build.place import place
from demo.build.staff import lead
from demo.build.state import Entry, Group, Provision
from demo.data.sittings import SUBJECT_NAMES
from demo.data.trust import PRIMARY
from demo.data.words import DAY_PATTERNS, END_OF_GROUP_NOTES, START_TIMES
from interventions import costing
from interventions.models import (
    Delivery,
    ExternalCosting,
    FundingSource,
    Intervention,
    InterventionStaff,
    StaffRole,
    Status,
    Wave,
)
from pupils.models import Pupil, SenStatus

FAR_FUTURE = dt.date(9999, 12, 31)


def groups(prov: Provision, runs: list[Run]) -> None:
    """Every run's groups, oldest term first, so that later groups see the results earlier ones raised."""
    for position in (0, 1, 2, 3):
        slot = prov.slots.get(position)
        if slot is None:
            continue
        for run in runs:
            if run.slot != position:
                continue
            recipe = prov.recipes[run.recipe]
            count = int(run.groups)
            for number in range(count):
                years = run.years or _years_for(prov, recipe, slot, number)
                group(prov, recipe, slot, run, years, number + 1 if count > 1 else 0)


def _years_for(prov: Provision, recipe: Recipe, slot: Slot, number: int) -> tuple[int, ...]:
    """Wave 3 and the primary's groups take pupils from all the recipe's years; the secondary's wave 2
    groups are one year group each, taking turns over the years on roll at the time."""
    if recipe.wave == Wave.PERSONALISED or prov.key == PRIMARY:
        return recipe.years
    years = [year for year in recipe.years if prov.in_year.get((slot.position, year))]
    return (years[number % len(years)],) if years else recipe.years


def dates(prov: Provision, recipe: Recipe, slot: Slot, days: tuple[int, ...]) -> tuple[dt.date, dt.date]:
    """Start and end: from the second to fourth week of term; ending before the test week in a past term,
    and a week or more after ``today`` (within the term) in the current one."""
    rng, today = prov.rng, prov.today
    weeks = rng.randint(*recipe.weeks)
    first = slot.first_monday
    if slot.position < 2:
        last_friday = slot.test_monday - dt.timedelta(days=3)
        available = ((last_friday - first).days + 3) // 7
        weeks = max(2, min(weeks, available))
        monday = first + dt.timedelta(days=7 * rng.randint(0, max(0, min(2, available - weeks))))
    else:
        monday = first + dt.timedelta(days=7 * rng.randint(0, 2))
    start = on_or_after(monday, days)
    end = on_or_before(monday + dt.timedelta(days=7 * weeks - 1), days)
    if slot.position < 2:
        end = min(end, on_or_before(slot.test_monday - dt.timedelta(days=1), days))
    elif slot.position == 2 and start <= today:
        later = today + dt.timedelta(days=rng.randint(7, 21))
        end = max(end, on_or_before(later, days))
    if slot.position >= 2:
        end = min(end, on_or_before(slot.end, days))
    return start, max(start, end)


def group(prov: Provision, recipe: Recipe, slot: Slot, run: Run, years: tuple[int, ...], number: int) -> None:
    """One group of ``recipe`` in ``slot``, with its pupils; none when too few pupils are free for it."""
    rng = prov.rng
    days = rng.choice(DAY_PATTERNS[recipe.days_per_week])
    start, end = dates(prov, recipe, slot, days)
    planned = costing.planned_dates(days=days, start=start, end=end, terms=prov.term_ranges)
    status, stop_on = _status(prov, run.special, start, end, planned)
    busy_until = FAR_FUTURE if run.special in (OPEN, OVERDUE) else (stop_on or end)
    chosen = _take_pupils(prov, recipe, slot, years, start, busy_until)
    if chosen is None:
        return
    name, group_years = _name(prov, recipe, slot, years, start, chosen, number)
    leader, role = lead(prov, recipe, slot)
    notes = _notes(prov, recipe, status, end)
    if status == Status.STOPPED:
        end = stop_on
    intervention = _intervention(prov, recipe, run, name, group_years, leader, days, start, end, status)
    intervention.notes = notes
    intervention.external_cost = Decimal(recipe.external_per_session * len(planned))
    if recipe.wave == Wave.PERSONALISED and any(pupil.sen_status == SenStatus.EHC_PLAN for pupil, _ in chosen):
        intervention.funding_source = FundingSource.HIGH_NEEDS  # high-needs top-up for a pupil with an EHC plan
    staff = _staff(prov, recipe, intervention, leader, role)
    made = Group(recipe, intervention, staff, placements=[], last_day=_last_day(prov, run, status, end))
    if recipe.effect in EFFECT_SIZES:
        made.effect = rng.uniform(*EFFECT_SIZES[recipe.effect])
    schedule = [day for day in planned if day <= end] if run.special != OPEN else planned
    made.placements = [place(prov, made, pupil, baseline, schedule, run.special) for pupil, baseline in chosen]
    prov.groups.append(made)


def _status(
    prov: Provision, special: str, start: dt.date, end: dt.date, planned: list[dt.date]
) -> tuple[str, dt.date | None]:
    """Planned, running or completed by the dates; a stopped run stops part-way (on ``stop_on``); an overdue or
    open-ended one nobody has closed is still "running" after its end date."""
    today = prov.today
    status = Status.PLANNED if start > today else Status.COMPLETED if end < today else Status.RUNNING
    stop_on: dt.date | None = None
    if special == STOP and status != Status.PLANNED:
        latest = min(len(planned) - 2, sum(1 for day in planned if day < today) - 1)
        if latest >= 3:
            stop_on = planned[prov.rng.randint(max(3, latest // 3), latest)]
            status = Status.STOPPED
    if special in (OVERDUE, OPEN) and status == Status.COMPLETED:
        status = Status.RUNNING
    return status, stop_on


def _take_pupils(
    prov: Provision, recipe: Recipe, slot: Slot, years: tuple[int, ...], start: dt.date, busy_until: dt.date
) -> list[tuple[Pupil, Entry | None]] | None:
    """The neediest pupils who are free, from what earlier groups of this kind left this term; None if fewer
    than a group needs."""
    list_key = (slot.position, recipe.key, years)
    if list_key not in prov.candidate_lists:
        prov.candidate_lists[list_key] = candidates(prov, recipe, slot, years)
    size = prov.rng.randint(*recipe.size)
    strand = recipe.subject or recipe.area
    chosen: list[tuple[Pupil, Entry | None]] = []
    remaining = []
    for pupil, baseline in prov.candidate_lists[list_key]:
        if len(chosen) < size and free(prov, pupil.pk, start, busy_until, strand):
            chosen.append((pupil, baseline))
        else:
            remaining.append((pupil, baseline))
    prov.candidate_lists[list_key] = remaining
    if len(chosen) < (1 if recipe.wave == Wave.PERSONALISED else 2):
        return None
    for pupil, _ in chosen:
        prov.busy.setdefault(pupil.pk, []).append((start, busy_until, strand))
    return chosen


def _name(
    prov: Provision, recipe: Recipe, slot: Slot, years: tuple[int, ...], start: dt.date, chosen: list, number: int
) -> tuple[str, list[int]]:
    """The group's name, unique in the school (``Programme: Years 3 and 4, group 2 (Autumn 2026)``), and its
    year groups: the pupils' own for wave 3, the run's for the others."""
    programme = prov.programme_of[recipe.key]
    pupil_years = sorted({prov.year_at(pupil, start) for pupil, _ in chosen})
    group_years = pupil_years if recipe.wave == Wave.PERSONALISED else sorted(years)
    one_to_one = recipe.delivery == Delivery.ONE_TO_ONE and len(chosen) == 1
    parts = [years_label(group_years), "1:1" if one_to_one else "", f"group {number}" if number else ""]
    name = f"{programme.name}: {', '.join(part for part in parts if part)} ({slot.label})"
    extra = 2
    while name in prov.names:
        name = f"{programme.name}: {', '.join(part for part in parts if part)}, group {extra} ({slot.label})"
        extra += 1
    prov.names.add(name)
    return name, group_years


def _notes(prov: Provision, recipe: Recipe, status: str, end: dt.date) -> str:
    if status == Status.STOPPED:
        return f"Planned to run until {end:%d/%m/%Y}."
    if status == Status.COMPLETED and recipe.effect == INEFFECTIVE and prov.rng.random() < 0.5:
        return END_OF_GROUP_NOTES[INEFFECTIVE]
    if status == Status.COMPLETED and recipe.effect == HARMFUL:
        return END_OF_GROUP_NOTES[HARMFUL]
    return ""


def _intervention(
    prov: Provision,
    recipe: Recipe,
    run: Run,
    name: str,
    years: list[int],
    leader: AbstractBaseUser | None,
    days: tuple[int, ...],
    start: dt.date,
    end: dt.date,
    status: str,
) -> Intervention:
    """The intervention row (unsaved); its notes, external cost and funding are the caller's."""
    open_ended = run.special == OPEN
    return Intervention(
        school=prov.school,
        programme=prov.programme_of[recipe.key],
        name=name[:120],
        wave=recipe.wave,
        area=recipe.area,
        subject=prov.subjects.get(SUBJECT_NAMES[recipe.subject]) if recipe.subject else None,
        need_area=recipe.need_area,
        year_groups=years,
        lead=leader,
        days=list(days),
        start_time=prov.rng.choice(START_TIMES[prov.key]),
        minutes_per_session=recipe.minutes,
        start_date=start,
        end_date=None if open_ended else end,
        status=status,
        stop_reason=run.reason if status == Status.STOPPED else "",
        stopped_on=(None if open_ended else end) if status == Status.STOPPED else None,
        capacity=recipe.size[1],
        entry_criteria=recipe.criteria,
        scale=prov.scales.get(recipe.scale) if recipe.scale else None,
        resources_cost=Decimal(prov.rng.randint(*recipe.resources)),
        # The specialist's invoice is the cost of their time: costed once, by the fee, not also per session.
        external_costing=ExternalCosting.FEE if recipe.external_per_session else ExternalCosting.SESSION,
        funding_source=recipe.funding,
    )


def _staff(
    prov: Provision, recipe: Recipe, intervention: Intervention, leader: AbstractBaseUser | None, role: str
) -> list[InterventionStaff]:
    staff = [InterventionStaff(intervention=intervention, user=leader, role=role)] if leader is not None else []
    if recipe.external and (recipe.key != "gcse_maths" or prov.rng.random() < 0.5):
        staff.append(
            InterventionStaff(intervention=intervention, external_name=recipe.external, role=StaffRole.EXTERNAL)
        )
    return staff


def _last_day(prov: Provision, run: Run, status: str, end: dt.date) -> dt.date | None:
    """The last day a session could have been logged: none for a planned group."""
    yesterday = prov.today - dt.timedelta(days=1)
    if status == Status.PLANNED:
        return None
    return yesterday if run.special == OPEN else min(end, yesterday)
