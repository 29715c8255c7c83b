"""SEN support plans (``plans``): needs by broad area from the recorded needs, outcomes and strategies, the
pupil's wave 3 interventions, views, and the steps of assess, plan, do, review so far, each outcome rated."""

from __future__ import annotations

import datetime as dt
import random

from demo.build.state import Provision
from demo.data.words import (
    NEED_TEXT,
    OUTCOMES,
    PARENT_VIEWS,
    PUPIL_VIEWS,
    REVIEW_NEXT,
    REVIEW_PROGRESS,
    REVIEW_TEXT,
    STRATEGIES,
)
from demo.school import demo_rng
from interventions.models import (
    Intervention,
    OutcomeRating,
    PlanReview,
    ReviewOutcomeRating,
    ReviewStage,
    SupportPlan,
    Wave,
)
from interventions.plans.services import split_outcomes
from pupils import reference
from pupils.models import Pupil, SenStatus

BATCH_SIZE = 2000


def plans(prov: Provision, *, share: dict[str, float], overdue_at_least: int) -> None:
    """Plans for a ``share`` of the pupils with each SEN status (and always the demo parent's child). Review
    dates follow the SEN register's (its overdue reviews are overdue here too), with ``overdue_at_least``
    overdue."""
    rng = demo_rng(prov.frame.seed, f"support-plans:{prov.key}")
    included = [
        pupil
        for pupil in prov.pupils
        if pupil.sen_status != SenStatus.NONE and (rng.random() < share[pupil.sen_status] or pupil.pk in prov.favoured)
    ]
    due = _review_dates(prov, rng, included, overdue_at_least)
    wave_3 = _wave_3(prov)
    made: list[SupportPlan] = []
    links: list[tuple[SupportPlan, Intervention]] = []
    reviews: list[PlanReview] = []
    for pupil in included:
        plan = _plan(prov, rng, pupil, due[pupil.pk])
        made.append(plan)
        links += [(plan, intervention) for intervention in wave_3.get(pupil.pk, [])[:4]]
        reviews += _reviews(prov, rng, plan)
    _save(prov, rng, made, links, reviews)


def _review_dates(prov: Provision, rng: random.Random, included: list[Pupil], at_least: int) -> dict[int, dt.date]:
    """The register's review dates; the register's overdue reviews are a lottery, so make sure the demo always
    has ``at_least`` to chase."""
    today = prov.today
    due = {pupil.pk: pupil.sen_review_due or today + dt.timedelta(days=60) for pupil in included}
    overdue = sum(day < today for day in due.values())
    for pupil in [pupil for pupil in included if due[pupil.pk] >= today][: max(0, at_least - overdue)]:
        due[pupil.pk] = today - dt.timedelta(days=rng.randint(3, 30))
    return due


def _wave_3(prov: Provision) -> dict[int, list[Intervention]]:
    wave_3: dict[int, list[Intervention]] = {}
    for group in prov.groups:
        if group.intervention.wave == Wave.PERSONALISED:
            for placement in group.placements:
                wave_3.setdefault(placement.pupil_id, []).append(group.intervention)
    return wave_3


def _plan(prov: Provision, rng: random.Random, pupil: Pupil, review_date: dt.date) -> SupportPlan:
    areas: dict[str, str] = {}
    for need in (pupil.primary_need, pupil.secondary_need):
        if need:
            area = reference.need_area(need)
            areas[area] = f"{areas[area]} {NEED_TEXT[need]}" if area in areas else NEED_TEXT[need]
    cycle = 365 if pupil.sen_status == SenStatus.EHC_PLAN else 84  # annual review, or termly
    start = min(review_date - dt.timedelta(days=cycle), prov.today - dt.timedelta(days=14))
    return SupportPlan(
        pupil=pupil,
        start_date=start,
        review_date=review_date,
        needs=areas,
        outcomes="\n".join(OUTCOMES[area] for area in areas),
        strategies="\n".join(STRATEGIES[area] for area in areas),
        pupil_views=rng.choice(PUPIL_VIEWS[prov.key]),
        parent_views=rng.choice(PARENT_VIEWS),
        created_by=prov.senco,
    )


def _reviews(prov: Provision, rng: random.Random, plan: SupportPlan) -> list[PlanReview]:
    """One to three steps of assess, plan, do, review: only steps in the past, and no review on or after the
    review date (that review is what is due)."""
    start = plan.start_date
    steps = [
        (ReviewStage.ASSESS, start - dt.timedelta(days=rng.randint(7, 21))),
        (ReviewStage.PLAN, start),
        (ReviewStage.DO, start + dt.timedelta(days=rng.randint(28, 49))),
        (ReviewStage.REVIEW, start + dt.timedelta(days=rng.randint(70, 90))),
    ]
    past = [
        (stage, day)
        for stage, day in steps
        if day < prov.today and (stage != ReviewStage.REVIEW or day < plan.review_date)
    ]
    reviews = []
    for stage, day in past[: rng.randint(1, 3)]:
        notes, progress, next_steps = REVIEW_TEXT[stage]
        if stage == ReviewStage.REVIEW:
            progress, next_steps = rng.choice(REVIEW_PROGRESS), rng.choice(REVIEW_NEXT)
        reviews.append(
            PlanReview(
                plan=plan,
                date=day,
                stage=stage,
                notes=notes,
                progress=progress,
                next_steps=next_steps,
                pupil_views=rng.choice(PUPIL_VIEWS[prov.key]) if stage == ReviewStage.REVIEW else "",
                recorded_by=prov.senco,
            )
        )
    return reviews


def _save(
    prov: Provision,
    rng: random.Random,
    made: list[SupportPlan],
    links: list[tuple[SupportPlan, Intervention]],
    reviews: list[PlanReview],
) -> None:
    SupportPlan.objects.bulk_create(made, batch_size=BATCH_SIZE)
    for review in reviews:
        review.plan_id = review.plan.pk
    PlanReview.objects.bulk_create(reviews, batch_size=BATCH_SIZE)
    ratings = outcome_ratings(reviews, rng)
    ReviewOutcomeRating.objects.bulk_create(ratings, batch_size=BATCH_SIZE)
    through = SupportPlan.interventions.through
    through.objects.bulk_create(
        (through(supportplan_id=plan.pk, intervention_id=intervention.pk) for plan, intervention in links),
        batch_size=BATCH_SIZE,
    )
    prov.summary.ratings += len(ratings)
    prov.summary.plans += len(made)
    prov.summary.reviews += len(reviews)


def outcome_ratings(reviews: list[PlanReview], rng: random.Random) -> list[ReviewOutcomeRating]:
    """Each outcome rated "not started" at the planning meeting, then at the "do" check-in (not started or
    some progress) and at the review (some progress to achieved, never below the check-in), so that plan
    pages show a short timeline."""
    steps = list(OutcomeRating.values)
    low = {ReviewStage.PLAN: (0, 0), ReviewStage.DO: (0, 1), ReviewStage.REVIEW: (1, 3)}
    reached: dict[tuple[int, int], int] = {}
    ratings = []
    for review in sorted(reviews, key=lambda r: (r.plan_id, r.date)):
        if review.stage not in low:
            continue
        floor, top = low[review.stage]
        for position, outcome in enumerate(split_outcomes(review.plan.outcomes)):
            key = (review.plan_id, position)
            step = max(reached.get(key, 0), rng.randint(floor, top))
            reached[key] = step
            ratings.append(ReviewOutcomeRating(review=review, position=position, outcome=outcome, rating=steps[step]))
    return ratings
