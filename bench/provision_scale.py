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

The impact evaluation needs entry and exit results, and its target is for a school with about 50,000 results,
so the top-up also gives the school **progress checks**: for each subject and scale the added groups are measured
on, an assessment on a few dates of the year so far (the first day of each term and Mondays after it, spread
evenly, as many as bring the school to about ``RESULTS_PER_THOUSAND`` results per 1,000 pupils), sat by every pupil
on roll who has an earlier result on that subject and scale. Each pupil's checks continue their own history (age
scales grow with the calendar, standardised scores and grades stay level, with a little test noise). Each added
group is given an effect (``EFFECT_MIX``: most effective or not, some fading after exit, a few harmful), which
raises (or lowers) its pupils' checks from their exit on. A placement's entry result is the pupil's last check
before joining, its exit result the first check on or after leaving, with a target a little above the entry
value and an outcome that follows the exit result.

Bulk inserts only, one transaction, deterministic for one seed and ``today``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from demo.data.trust import SECONDARY
from demo.data.words import ABSENCE_WEIGHTS, FOCUS, PUPIL_TARGETS, SESSION_NOTES, UNMEASURED_TARGETS
from interventions import costing
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
from provision.calendar import school_calendar
from provision.models import School, Term
from pupils import scales
from pupils.models import Assessment, Pupil, Result, Scale, SenStatus, Subject

INTERVENTIONS_PER_THOUSAND = 125  # 250 for a 2,000-pupil school
PLACEMENTS_PER_THOUSAND = 1_000  # 2,000 for a 2,000-pupil school
BATCH_SIZE = 2_000
COHORT_SIZE = {Wave.CATCH_UP: (3, 8), Wave.PERSONALISED: (1, 3)}
TERMLY_SIZE = 6  # the usual placements of a one-term group, used to mix one-term and year-long groups
RESULTS_PER_THOUSAND = 25_000  # about 50,000 results at a 2,000-pupil school
# How the added groups turn out: (effect, weight). The size of an effect is drawn between half and all of
# EFFECT_SIZE for the scale; "fades" lasts only until the first check after exit.
EFFECT_MIX = (("effective", 45), ("none", 35), ("fades", 10), ("negative", 10))
EFFECT_SIGN = {"effective": 1, "fades": 1, "none": 0, "negative": -1}
EFFECT_SIZE = {"age": 10.0, "standardised": 8.0, "ks2_scaled": 4.0, "gcse": 1.4, "bands": 1.2, "raw": 5.0}
NOISE = {"age": 2.0, "standardised": 2.0, "ks2_scaled": 1.5, "raw": 1.5}  # test noise (SD); none for judgements
TARGET_GAIN = {"age": 6.0, "standardised": 4.0, "ks2_scaled": 3.0, "gcse": 1.0, "bands": 1.0, "raw": 3.0}


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
    added_assessments: int = 0
    added_results: int = 0
    results: int = 0  # the school's results after the top-up


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
    all_terms = school_calendar(school)  # school days: the terms less their closures
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

    report.added_assessments, report.added_results = _progress_checks(
        rng, school=school, terms=terms, today=today, interventions=interventions, placements=placements,
        pupils=pupils, wanted=round(RESULTS_PER_THOUSAND * pupils_on_roll / 1000),
    )  # fmt: skip
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
    report.results = Result.objects.filter(assessment__school=school).count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Intervention, InterventionStaff, Placement, Session, Attendance, Assessment, Result):
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


def _check_dates(terms: list[Term], today: dt.date, count: int) -> list[dt.date]:
    """``count`` dates spread evenly over the year's term time so far: each term's first day and the Mondays
    after it, up to ``today``."""
    candidates = []
    for term in terms:
        day = term.start_date
        while day <= min(term.end_date, today):
            candidates.append(day)
            day = _monday(day) + dt.timedelta(days=7)
    if len(candidates) <= count:
        return candidates
    step = (len(candidates) - 1) / max(1, count - 1)
    return sorted({candidates[round(index * step)] for index in range(count)})


def _progress_checks(
    rng: random.Random,
    *,
    school: School,
    terms: list[Term],
    today: dt.date,
    interventions: list[Intervention],
    placements: list[Placement],
    pupils: list[Pupil],
    wanted: int,
) -> tuple[int, int]:
    """Progress checks for the added groups' subjects and scales, and the added placements' entry and exit
    results linked to them (see the module docstring). Returns the assessments and results created."""
    pairs = {(i.subject_id, i.scale_id) for i in interventions if i.subject_id and i.scale_id}
    if not pairs:
        return 0, 0
    scale_rows = {
        scale.pk: scale for scale in Scale.objects.filter(pk__in={s for _, s in pairs}).prefetch_related("bands")
    }
    specs = {pk: scale.spec(bands=list(scale.bands.all())) for pk, scale in scale_rows.items()}
    subject_names = dict(Subject.objects.filter(pk__in={s for s, _ in pairs}).values_list("pk", "name"))
    on_roll = {pupil.pk: pupil for pupil in pupils}

    # Each pupil's latest result on each (subject, scale) before the year: where their checks start from.
    latest: dict[tuple[int, int, int], tuple[dt.date, float]] = {}
    history = (
        Result.objects.filter(
            assessment__school=school,
            assessment__subject_id__in={s for s, _ in pairs},
            assessment__taken_on__lt=terms[0].start_date,
        )
        .order_by("assessment__taken_on", "pk")
        .values_list("pupil_id", "assessment__subject_id", "assessment__scale_id", "assessment__taken_on", "value")
    )
    for pupil_id, subject_id, scale_id, taken_on, value in history.iterator(chunk_size=10_000):
        if pupil_id in on_roll and (subject_id, scale_id) in pairs:
            latest[(pupil_id, subject_id, scale_id)] = (taken_on, value)
    if not latest:
        return 0, 0
    existing = Result.objects.filter(assessment__school=school).count()
    dates = _check_dates(terms, today, max(2, round((wanted - existing) / len(latest))))
    if not dates:
        return 0, 0

    # Each added group's effect, felt by its pupils' checks from their exit on.
    effects: dict[tuple[int, int, int], list[tuple[dt.date, float, bool]]] = defaultdict(list)
    designs: dict[int, tuple[str, float]] = {}  # id() of an (unsaved) intervention -> (effect, strength)
    for placement in placements:
        intervention = placement.intervention
        if (intervention.subject_id, intervention.scale_id) not in pairs or placement.exit_date is None:
            continue
        if id(intervention) not in designs:
            kind = rng.choices([k for k, _ in EFFECT_MIX], weights=[w for _, w in EFFECT_MIX])[0]
            designs[id(intervention)] = (kind, rng.uniform(0.5, 1.0))
        kind, strength = designs[id(intervention)]
        size = EFFECT_SIZE.get(specs[intervention.scale_id].kind, 1.0) * strength * EFFECT_SIGN[kind]
        key = (placement.pupil_id, intervention.subject_id, intervention.scale_id)
        effects[key].append((placement.exit_date, size * rng.uniform(0.6, 1.4), kind == "fades"))

    term_of = {day: next((t for t in terms if t.start_date <= day <= t.end_date), None) for day in dates}
    assessments: dict[tuple[int, int, dt.date], Assessment] = {}
    for subject_id, scale_id in sorted(pairs):
        sitters = sorted({on_roll[p].year_group for (p, s, c) in latest if (s, c) == (subject_id, scale_id)})
        for day in dates:
            assessments[(subject_id, scale_id, day)] = Assessment(
                school=school,
                name=f"Progress check: {subject_names[subject_id]} ({scale_rows[scale_id].name})",
                subject_id=subject_id,
                scale_id=scale_id,
                taken_on=day,
                term=term_of[day],
                year_groups=sitters,
            )
    Assessment.objects.bulk_create(assessments.values(), batch_size=BATCH_SIZE)

    checks: dict[tuple[int, int, int], list[tuple[dt.date, Result]]] = defaultdict(list)
    results = []
    for (pupil_id, subject_id, scale_id), (since, value) in sorted(latest.items()):
        spec = specs[scale_id]
        growth = rng.gauss(1.0, 0.25) if spec.kind == "age" else 0.0
        noise = NOISE.get(spec.kind, 0.0)
        felt = effects.get((pupil_id, subject_id, scale_id), [])
        for day in dates:
            score = value + growth * (day - since).days / 30.4375 + (rng.gauss(0, noise) if noise else 0.0)
            for exit_date, size, fades in felt:
                first_after = next((d for d in dates if d >= exit_date), None)
                if day >= exit_date and (not fades or day == first_after):
                    score += size
            score = float(round(score))
            if spec.kind == "bands":
                score = float(min(max(score, 1), max(1, len(spec.bands))))
            if spec.min_value is not None:
                score = max(spec.min_value, score)
            if spec.max_value is not None:
                score = min(spec.max_value, score)
            result = Result(
                pupil_id=pupil_id,
                assessment=assessments[(subject_id, scale_id, day)],
                value=score,
                typed=scales.display(spec, score),
            )
            results.append(result)
            checks[(pupil_id, subject_id, scale_id)].append((day, result))
    for result in results:
        result.assessment_id = result.assessment.pk
    Result.objects.bulk_create(results, batch_size=BATCH_SIZE)

    for placement in placements:
        intervention = placement.intervention
        own = checks.get((placement.pupil_id, intervention.subject_id, intervention.scale_id))
        if not own:
            continue
        spec = specs[intervention.scale_id]
        entry = next((result for day, result in reversed(own) if day < placement.entry_date), None)
        if entry is None:
            continue
        placement.entry_result, placement.entry_value, placement.entry_typed = entry, entry.value, entry.typed
        target = entry.value + TARGET_GAIN.get(spec.kind, 1.0)
        if spec.max_value is not None:
            target = min(spec.max_value, target)
        if spec.kind == "bands":
            target = min(float(len(spec.bands)), target)
        placement.target_value = target
        if placement.exit_date is None:
            continue
        exit_ = next((result for day, result in own if day >= placement.exit_date), None)
        if exit_ is None:
            continue
        placement.exit_result, placement.exit_value, placement.exit_typed = exit_, exit_.value, exit_.typed
        placement.outcome = (
            Outcome.MET if exit_.value >= target else Outcome.PARTLY if exit_.value > entry.value else Outcome.NOT_MET
        )
    return len(assessments), len(results)


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
