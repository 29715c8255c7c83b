"""Bring the measured secondary's provision up to the size the provision-map targets are set for.

The targets are for "a 2,000-pupil school with 250 interventions and 2,000 placements over a year". The demo
seed makes far less for one academic year (it builds groups for the two terms before today, the current one and
the next, capped per term, so in the autumn only two terms fall in the year). ``top_up`` adds groups to the
school for the academic year in progress until it has ``INTERVENTIONS_PER_THOUSAND`` and
``PLACEMENTS_PER_THOUSAND`` per 1,000 pupils on roll overlapping the year. It changes nothing the demo designed:
the demo's groups, results and designed effects are left alone.

Each added group copies the shape of one of the school's own wave 2 or 3 demo groups (programme, area, subject,
scale, days, minutes, staff roles, costs) and runs either for one term (from its second to fourth week, six to
ten weeks) or all year with a new cohort each term. Its status follows ``today``; past cohorts have left (most
completed, a few early), the current term's cohort is in the group, later cohorts have entry dates in their
term. Staff lines name the staff who deliver that role at the school. Sessions and attendance are logged for
the days already past, as the demo does (about nine in ten logged, pupils present about nine times in ten).

Bulk inserts only, one transaction, deterministic for one seed and ``today``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from interventions import costing
from interventions.demo import ABSENCE_WEIGHTS, FOCUS, PUPIL_TARGETS, SESSION_NOTES, UNMEASURED_TARGETS
from interventions.models import (
    Attendance,
    ExitReason,
    Intervention,
    InterventionStaff,
    Outcome,
    Placement,
    Session,
    Status,
    Wave,
)
from provision.demo import SECONDARY
from provision.models import School, Term
from pupils.models import Pupil, SenStatus

INTERVENTIONS_PER_THOUSAND = 125  # 250 for a 2,000-pupil school
PLACEMENTS_PER_THOUSAND = 1_000  # 2,000 for a 2,000-pupil school
BATCH_SIZE = 2_000
COHORT_SIZE = {Wave.CATCH_UP: (3, 8), Wave.PERSONALISED: (1, 3)}
TERMLY_SIZE = 6  # the usual placements of a one-term group, used to mix one-term and year-long groups


@dataclass
class TopUp:
    """What ``top_up`` found and added for the academic year."""

    year: str
    interventions: int  # overlapping the year, after the top-up
    placements: int
    added_interventions: int = 0
    added_placements: int = 0
    added_sessions: int = 0
    added_attendance: int = 0


def year_provision(school: School, year) -> tuple[int, int]:
    """Interventions overlapping ``year`` and their placements (what the provision-map measurements report)."""
    interventions = Intervention.objects.filter(school=school, start_date__lte=year.end_date).exclude(
        end_date__lt=year.start_date
    )
    return interventions.count(), Placement.objects.filter(intervention__in=interventions).count()


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _on_or_after(day: dt.date, days: list[int]) -> dt.date:
    while day.weekday() not in days:
        day += dt.timedelta(days=1)
    return day


def _on_or_before(day: dt.date, days: list[int]) -> dt.date:
    while day.weekday() not in days:
        day -= dt.timedelta(days=1)
    return day


@transaction.atomic
def top_up(*, school: School, today: dt.date, seed: int, pupils_on_roll: int) -> TopUp:
    """Add groups to ``school`` for the academic year in progress on ``today`` (see the module docstring)."""
    rng = random.Random(f"bench-provision:{seed}:{school.pk}")
    current = Term.objects.current_for(school, today)
    year = current.academic_year
    terms = list(Term.objects.filter(academic_year=year).order_by("start_date"))
    all_terms = list(Term.objects.for_school(school).values_list("start_date", "end_date"))
    have_interventions, have_placements = year_provision(school, year)
    wanted_interventions = round(INTERVENTIONS_PER_THOUSAND * pupils_on_roll / 1000)
    wanted_placements = round(PLACEMENTS_PER_THOUSAND * pupils_on_roll / 1000)
    report = TopUp(year=year.name, interventions=have_interventions, placements=have_placements)
    add_groups = max(0, wanted_interventions - have_interventions)
    add_placements = max(0, wanted_placements - have_placements)
    if not add_groups:
        return report

    # The school's own groups to copy, and who delivers each role there.
    templates = list(
        Intervention.objects.filter(school=school, wave__in=[Wave.CATCH_UP, Wave.PERSONALISED], programme__isnull=False)
        .exclude(days=[])
        .select_related("programme")
        .prefetch_related("staff")
        .order_by("pk")
    )
    staff_by_role: dict[str, list[int]] = defaultdict(list)
    for template in templates:
        for member in template.staff.all():
            if member.user_id and member.user_id not in staff_by_role[member.role]:
                staff_by_role[member.role].append(member.user_id)
    names = set(Intervention.objects.filter(school=school).values_list("name", flat=True))

    pupils = [
        pupil
        for pupil in Pupil.objects.filter(school=school, left_on__isnull=True).order_by("pk")
        if not pupil.admitted_on or pupil.admitted_on <= terms[-1].start_date
    ]
    by_year: dict[int, list[Pupil]] = defaultdict(list)
    sen_by_year: dict[int, list[Pupil]] = defaultdict(list)
    for pupil in pupils:
        by_year[pupil.year_group].append(pupil)
        if pupil.sen_status != SenStatus.NONE:
            sen_by_year[pupil.year_group].append(pupil)
    load: dict[tuple[int, int], int] = defaultdict(int)  # (pupil, term index) -> groups that term

    # One-term and year-long groups mixed so that the placements come out near the target on average.
    average = add_placements / add_groups
    year_long_share = min(1.0, max(0.0, (average - TERMLY_SIZE) / (len(terms) * TERMLY_SIZE - TERMLY_SIZE)))
    plans = []  # (intervention, staff, cohorts: list of (term index, entry, exit or None, size), years)
    for number in range(add_groups):
        template = templates[number % len(templates)]
        days = list(template.days)
        year_long = rng.random() < year_long_share
        first_term = 0 if year_long else number % len(terms)
        term = terms[first_term]
        start = _on_or_after(_monday(term.start_date) + dt.timedelta(days=7 * rng.randint(1, 3)), days)
        if year_long:
            end = _on_or_before(terms[-1].end_date - dt.timedelta(days=7), days)
        else:
            end = _on_or_before(start + dt.timedelta(days=7 * rng.randint(6, 10) - 1), days)
            end = max(start, min(end, _on_or_before(term.end_date - dt.timedelta(days=7), days)))
        status = Status.PLANNED if start > today else Status.COMPLETED if end < today else Status.RUNNING
        candidates = sorted({y for y in (template.year_groups or []) if by_year.get(y)} or set(by_year), key=int)
        years = [candidates[number % len(candidates)]] if template.wave == Wave.CATCH_UP else candidates
        label = f"Year {years[0]}" if len(years) == 1 else "Years " + ", ".join(str(y) for y in years)
        name = f"{template.programme.name}: {label} ({term.get_name_display()} {term.start_date.year})"
        extra = 2
        while name[:120] in names:
            name = (
                f"{template.programme.name}: {label}, group {extra} ({term.get_name_display()} {term.start_date.year})"
            )
            extra += 1
        names.add(name[:120])
        intervention = Intervention(
            school=school,
            programme=template.programme,
            name=name[:120],
            wave=template.wave,
            area=template.area,
            subject_id=template.subject_id,
            need_area=template.need_area,
            year_groups=years,
            lead=None,
            days=days,
            start_time=template.start_time,
            minutes_per_session=template.minutes_per_session,
            start_date=start,
            end_date=end,
            status=status,
            capacity=template.capacity,
            entry_criteria=template.entry_criteria,
            scale_id=template.scale_id,
            resources_cost=template.resources_cost,
            external_cost=template.external_cost,
            funding_source=template.funding_source,
            notes="Year-long group, a new cohort each term." if year_long else "",
        )
        staff = []
        for member in template.staff.all():
            if member.user_id:
                pool = staff_by_role[member.role]
                user_id = pool[(number + len(staff)) % len(pool)]
                if any(line.user_id == user_id for line in staff):
                    continue
                staff.append(InterventionStaff(intervention=intervention, user_id=user_id, role=member.role))
            else:
                staff.append(
                    InterventionStaff(intervention=intervention, external_name=member.external_name, role=member.role)
                )
        intervention.lead_id = next((line.user_id for line in staff if line.user_id), None)
        cohorts = []
        low, high = COHORT_SIZE[template.wave]
        for index in range(first_term, len(terms) if year_long else first_term + 1):
            entry = start if index == first_term else _on_or_after(_monday(terms[index].start_date), days)
            leave = None
            if year_long and index < len(terms) - 1:
                leave = _on_or_before(terms[index].end_date, days)  # the cohort hands over at the end of term
            cohorts.append([index, entry, leave, rng.randint(low, high)])
        plans.append((intervention, staff, cohorts, years))

    # Cohort sizes nudged (within each wave's range) until the placements add up to the target.
    cohorts = [(plan[0].wave, cohort) for plan in plans for cohort in plan[2]]
    total = sum(cohort[3] for _, cohort in cohorts)
    for _ in range(20 * len(cohorts)):
        if total == add_placements:
            break
        wave, cohort = cohorts[rng.randrange(len(cohorts))]
        low, high = COHORT_SIZE[wave]
        if total < add_placements and cohort[3] < high + 2:
            cohort[3] += 1
            total += 1
        elif total > add_placements and cohort[3] > low:
            cohort[3] -= 1
            total -= 1

    interventions, staff_lines, placements = [], [], []
    for intervention, staff, cohorts_of, years in plans:
        interventions.append(intervention)
        staff_lines += staff
        placed: set[int] = set()  # a pupil is in a year-long group's cohorts once at most
        for index, entry, leave, size in cohorts_of:
            pool = [p for y in years for p in (sen_by_year if intervention.wave == Wave.PERSONALISED else by_year)[y]]
            pool = [p for p in pool if p.pk not in placed and (not p.admitted_on or p.admitted_on <= entry)] or [
                p for y in years for p in by_year[y] if p.pk not in placed
            ]
            rng.shuffle(pool)
            pool.sort(key=lambda p: load[(p.pk, index)])  # the least busy first
            for pupil in pool[:size]:
                load[(pupil.pk, index)] += 1
                placed.add(pupil.pk)
                placements.append(_placement(rng, intervention, pupil, entry, leave, today))

    Intervention.objects.bulk_create(interventions, batch_size=BATCH_SIZE)
    for line in staff_lines:
        line.intervention_id = line.intervention.pk
    for placement in placements:
        placement.intervention_id = placement.intervention.pk
    InterventionStaff.objects.bulk_create(staff_lines, batch_size=BATCH_SIZE)
    Placement.objects.bulk_create(placements, batch_size=BATCH_SIZE)
    report.added_sessions, report.added_attendance = _sessions(rng, interventions, placements, all_terms, today)
    report.added_interventions, report.added_placements = len(interventions), len(placements)
    report.interventions, report.placements = year_provision(school, year)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Intervention, InterventionStaff, Placement, Session, Attendance):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return report


def _placement(
    rng: random.Random, intervention: Intervention, pupil: Pupil, entry: dt.date, leave: dt.date | None, today: dt.date
) -> Placement:
    """A pupil's place: left (most completed, a few early) if their cohort's last day is past, else still in."""
    if rng.random() < 0.08:
        entry = entry + dt.timedelta(days=7)  # joined a week late
    entry = min(entry, intervention.end_date)
    placement = Placement(
        intervention=intervention,
        pupil=pupil,
        entry_date=entry,
        pupil_target=rng.choice(PUPIL_TARGETS.get((intervention.area, SECONDARY), ["To do my best"])),
        target=rng.choice(
            UNMEASURED_TARGETS.get(intervention.area)
            or [f"To make more than expected progress in {intervention.get_area_display().lower()}"]
        ),
        entry_rating=rng.choice((1, 2, 2, 3, 3)),
    )
    last = leave or intervention.end_date
    early = entry < today and rng.random() < 0.06
    if last < today or early:
        if early and entry + dt.timedelta(days=21) < min(last, today):
            exit_date = entry + dt.timedelta(days=rng.randint(21, (min(last, today) - entry).days))
            reason = rng.choice((ExitReason.MOVED, ExitReason.NOT_WORKING, ExitReason.TARGET_MET))
        elif last < today:
            exit_date, reason = last, ExitReason.COMPLETED
        else:
            return placement
        placement.exit_date = max(entry, exit_date)
        placement.exit_reason = reason
        placement.exit_rating = max(1, min(5, placement.entry_rating + rng.choice((0, 1, 1, 2))))
        gain = placement.exit_rating - placement.entry_rating
        placement.outcome = Outcome.MET if gain >= 2 else Outcome.PARTLY if gain == 1 else Outcome.NOT_MET
    return placement


def _sessions(
    rng: random.Random,
    interventions: list[Intervention],
    placements: list[Placement],
    terms: list[tuple[dt.date, dt.date]],
    today: dt.date,
) -> tuple[int, int]:
    """Session logs for the days already past, with a mark for each pupil in the group that day."""
    of_group: dict[int, list[Placement]] = defaultdict(list)
    for placement in placements:
        of_group[placement.intervention_id].append(placement)
    reasons, weights = list(ABSENCE_WEIGHTS), list(ABSENCE_WEIGHTS.values())
    yesterday = today - dt.timedelta(days=1)
    sessions, marks = [], []
    for intervention in interventions:
        if intervention.start_date > yesterday:
            continue
        focus = FOCUS.get(intervention.area) or [""]
        dates = costing.planned_dates(
            days=intervention.days,
            start=intervention.start_date,
            end=min(intervention.end_date, yesterday),
            terms=terms,
        )
        for day in dates:
            if rng.random() >= 0.9:
                continue
            session = Session(
                intervention=intervention,
                date=day,
                minutes=intervention.minutes_per_session,
                focus=rng.choice(focus),
                notes=rng.choice(SESSION_NOTES),
                logged_by_id=intervention.lead_id,
            )
            sessions.append(session)
            for placement in of_group[intervention.pk]:
                if placement.entry_date <= day and (placement.exit_date is None or day <= placement.exit_date):
                    present = rng.random() < 0.9
                    marks.append((session, placement, present, "" if present else rng.choices(reasons, weights)[0]))
    Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    Attendance.objects.bulk_create(
        (
            Attendance(session_id=session.pk, placement_id=placement.pk, present=present, absence_reason=reason)
            for session, placement, present, reason in marks
        ),
        batch_size=BATCH_SIZE,
    )
    return len(sessions), len(marks)


__all__ = ["INTERVENTIONS_PER_THOUSAND", "PLACEMENTS_PER_THOUSAND", "TopUp", "top_up", "year_provision"]
