"""SEN support plans: the reads behind the plan screens and the writes that change plans and reviews.

Rules kept here (the views and forms only collect input):

* Only a pupil on roll with SEN status K (SEN support) or E (EHC plan) can get a plan.
* One active plan per pupil. A new plan *replaces* the active one: the old plan is closed, not deleted, so
  the graduated approach reads as a chain of plans with their reviews. Refusing instead would make the SENCO
  close a plan by hand before writing its successor, which is the same thing in two steps.
* Closed plans are the record of what was done: they are not edited and take no new reviews.
* A plan's review date is strictly after its start date.
* Needs are stored as {broad area code -> what the need is}; at least one area, each with some text.
* Linked interventions must be run by the pupil's school (the form narrows the choice further, to the
  interventions the pupil has been placed in).
* A review is dated today or earlier, and not before the plan starts (except an "assess" record, which may
  describe the assessment that led to the plan). Its next review date, when given, is after the review.
* **The plan's review date follows the newest review.** A review that sets a next review date moves
  ``plan.review_date`` to it, earlier or later, unless the plan already has a review dated after this one
  (a late entry of an old review must not overwrite what a newer review decided). A "review" stage record
  must set the next date, so that the cycle keeps going and a reviewed plan never looks overdue.
* **A plan lists the pupil's provision by itself**: every placement of the pupil whose stay (joining to leaving,
  or to the group's end) overlaps the plan's period, from its start to its review date (to today while an active
  plan's review is overdue). Interventions linked by hand are kept and shown too, so the links are optional.
* **Outcomes are one a line.** Each non-empty line of "outcomes sought" is one outcome (a leading "-", "*" or
  "1." is dropped). A review rates each outcome: not started, some progress, good progress, achieved. A
  "review" stage record must rate every outcome; the other stages may. The ratings keep the outcome's words as
  they stood, so rewording the plan later does not rewrite its history.
* A pupil who leaves the SEN register (status back to N, or off roll) keeps their plan until it is closed:
  the pupils app cannot call into this one (data flows provision <- pupils <- interventions), so the plan
  list shows such plans to the SENCO to close (``plan_close``), and ``plans_close_off_register`` closes them
  all at once for a job that runs after an import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NotRequired, TypedDict, Unpack

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from interventions.models import (
    Intervention,
    OutcomeRating,
    Placement,
    PlanReview,
    ReviewOutcomeRating,
    ReviewStage,
    SupportPlan,
)
from interventions.selectors import FAR_FUTURE, Dosage, dosage_for, placements_with_dosage, term_ranges
from provision import audit
from provision.models import School
from pupils import reference
from pupils.models import NeedArea, Pupil, SenStatus

logger = logging.getLogger(__name__)

# The four broad areas of need of the SEND Code of Practice, in its order: one box each on the plan form.
PLAN_AREAS: tuple[str, ...] = (NeedArea.CI, NeedArea.CL, NeedArea.SEMH, NeedArea.SP)
PLAN_STATUSES: tuple[str, ...] = (SenStatus.SUPPORT, SenStatus.EHC_PLAN)


# --- The pupil's own views ----------------------------------------------------------------------------------
#
# The model keeps the pupil's views in one text field. The plan asks for them under a few plain prompts, so the
# text is stored as headed sections ("What helps me:" on a line of its own, then the pupil's words). The two
# functions below are pure and inverse; text typed before any heading (older plans, or the admin) is kept
# under "Anything else".

PUPIL_VIEW_PROMPTS: dict[str, str] = {
    "good_at": "What I'm good at",
    "hard": "What I find hard",
    "want": "What I want",
    "helps": "What helps me",
    "other": "Anything else I want to say",
}
_HEADING_TO_KEY = {f"{label}:": key for key, label in PUPIL_VIEW_PROMPTS.items()}


def is_pupil_view_heading(line: str) -> bool:
    return line.strip() in _HEADING_TO_KEY


def join_pupil_views(sections: Mapping[str, str]) -> str:
    """The stored text of the pupil's views: each non-empty section under its heading, in prompt order."""
    parts = []
    for key, label in PUPIL_VIEW_PROMPTS.items():
        text = (sections.get(key) or "").strip()
        if text:
            parts.append(f"{label}:\n{text}")
    return "\n\n".join(parts)


def split_pupil_views(text: str) -> dict[str, str]:
    """The sections of stored pupil views, {prompt key -> text}, only those with text."""
    sections: dict[str, list[str]] = {}
    current = "other"
    for line in (text or "").splitlines():
        key = _HEADING_TO_KEY.get(line.strip())
        if key:
            current = key
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    joined = {key: "\n".join(lines).strip() for key, lines in sections.items()}
    return {key: joined[key] for key in PUPIL_VIEW_PROMPTS if joined.get(key)}


# --- Outcomes -----------------------------------------------------------------------------------------------

# A leading bullet, or a number then "." or ")" and a space ("2. Spell ..."), but not a number that is part of
# the outcome ("1.5 years' progress", "10 words a minute").
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]|\(?\d{1,2}[.)](?=\s|$))\s*")


def split_outcomes(text: str) -> list[str]:
    """The plan's outcomes: one per non-empty line of ``text``, without a leading bullet or number (a line
    written twice is one outcome)."""
    outcomes = []
    for line in (text or "").splitlines():
        outcome = _BULLET.sub("", line, count=1).strip()
        if outcome and outcome not in outcomes:
            outcomes.append(outcome)
    return outcomes


def outcome_key(outcome: str) -> str:
    """A short stable name for an outcome's rating field: the same words give the same field, so a form posted
    after the outcomes changed keeps the ratings of the outcomes that did not."""
    return hashlib.sha256(outcome.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class OutcomeTimeline:
    """One outcome with its ratings, oldest review first. ``current`` is False for an outcome the plan no
    longer lists (it was reworded or removed after being rated)."""

    outcome: str
    ratings: list[ReviewOutcomeRating]
    current: bool = True

    @property
    def latest(self) -> ReviewOutcomeRating | None:
        return self.ratings[-1] if self.ratings else None


def latest_ratings(plan: SupportPlan) -> dict[str, ReviewOutcomeRating]:
    """{outcome -> its most recent rating} on the plan, with the review loaded (one query)."""
    rows = (
        ReviewOutcomeRating.objects.filter(review__plan=plan)
        .select_related("review")
        .order_by("review__date", "review__pk")
    )
    return {rating.outcome: rating for rating in rows}


def outcome_timelines(plan: SupportPlan) -> list[OutcomeTimeline]:
    """Each of the plan's outcomes with its ratings at each review (one query), then any outcome rated earlier
    that the plan no longer lists."""
    by_outcome: dict[str, list[ReviewOutcomeRating]] = {}
    rows = (
        ReviewOutcomeRating.objects.filter(review__plan=plan)
        .select_related("review")
        .order_by("review__date", "review__pk", "position")
    )
    for rating in rows:
        by_outcome.setdefault(rating.outcome, []).append(rating)
    outcomes = split_outcomes(plan.outcomes)
    timelines = [OutcomeTimeline(outcome, by_outcome.pop(outcome, [])) for outcome in outcomes]
    timelines += [OutcomeTimeline(outcome, ratings, current=False) for outcome, ratings in by_outcome.items()]
    return timelines


# --- Reads ----------------------------------------------------------------------------------------------------


def areas_of_recorded_need(pupil: Pupil) -> list[str]:
    """The broad areas (of the four on a plan) of the pupil's primary and secondary need (no query)."""
    areas = []
    for code in (pupil.primary_need, pupil.secondary_need):
        area = reference.need_area(code) if code else None
        if area in PLAN_AREAS and area not in areas:
            areas.append(area)
    return areas


def is_on_register(pupil: Pupil) -> bool:
    return pupil.sen_status in PLAN_STATUSES and pupil.left_on is None


def get_plan_for(user, school: School, pk: int) -> SupportPlan:
    """The plan ``pk`` of a pupil of ``school`` that ``user`` may see, with its pupil; otherwise 404 (one query)."""
    try:
        return (
            SupportPlan.objects.visible_to(user, school)
            .select_related("pupil", "pupil__school", "pupil__registration_group", "created_by")
            .get(pk=pk)
        )
    except SupportPlan.DoesNotExist as exc:
        raise Http404("No such plan") from exc


def latest_plan(pupil: Pupil) -> SupportPlan | None:
    """The pupil's active plan, or failing that their most recent one (one query)."""
    return pupil.support_plans.order_by("-is_active", "-start_date", "-pk").first()


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""  # "K", "E" or "" for both
    year_group: int | None = None
    area: str = ""  # a broad area code, matched on the recorded needs or the plan's needs
    overdue_only: bool = False
    due_soon: bool = False  # a review overdue or due within REVIEW_SOON_DAYS


REVIEW_SOON_DAYS = 30


def review_due_q(today: dt.date, *, soon: bool = False) -> Q:
    """Active plans whose review is overdue (before ``today``), or with ``soon`` also due within
    ``REVIEW_SOON_DAYS``: the one definition the plan list's filters, its counts and the SENCO's home share."""
    if soon:
        return Q(is_active=True, review_date__lte=today + dt.timedelta(days=REVIEW_SOON_DAYS))
    return Q(is_active=True, review_date__lt=today)


def sen_pupils_for_plans(school: School, filters: PlanFilters, *, today: dt.date) -> QuerySet[Pupil]:
    """The plan list: the school's SEN pupils on roll, each with ``active_plans`` (a list of at most one plan,
    annotated with ``last_review_on``). Two queries whatever the number of pupils."""
    active = SupportPlan.objects.filter(pupil=OuterRef("pk"), is_active=True)
    pupils = (
        Pupil.objects.filter(school=school, sen_status__in=PLAN_STATUSES)
        .on_roll()
        .select_related("registration_group")
        .prefetch_related(
            Prefetch(
                "support_plans",
                queryset=SupportPlan.objects.filter(is_active=True)
                .annotate(last_review_on=Max("reviews__date"))
                .order_by("-start_date", "-pk"),
                to_attr="active_plans",
            )
        )
        .order_by("year_group", "legal_last_name", "legal_first_name", "pk")
    )
    if filters.status in PLAN_STATUSES:
        pupils = pupils.filter(sen_status=filters.status)
    if filters.year_group is not None:
        pupils = pupils.filter(year_group=filters.year_group)
    if filters.area in NeedArea.values:
        codes = [code for code, (_, area) in reference.NEED_TYPES.items() if area == filters.area]
        pupils = pupils.filter(
            Q(primary_need__in=codes) | Q(secondary_need__in=codes) | Exists(active.filter(needs__has_key=filters.area))
        )
    if filters.overdue_only:
        pupils = pupils.filter(Exists(active.filter(review_due_q(today))))
    if filters.due_soon:
        pupils = pupils.filter(Exists(active.filter(review_due_q(today, soon=True))))
    return pupils


def plan_counts(school: School, *, today: dt.date) -> dict[str, int]:
    """Headline numbers for the plan list (and the SENCO's home): SEN pupils on roll, how many have no active
    plan, how many have an active plan overdue for review, and overdue or due within ``REVIEW_SOON_DAYS``
    (``due_soon``). The same pupils the list shows with its filters (one query)."""
    active = SupportPlan.objects.filter(pupil=OuterRef("pk"), is_active=True)
    return (
        Pupil.objects.filter(school=school, sen_status__in=PLAN_STATUSES)
        .on_roll()
        .aggregate(
            sen_pupils=Count("pk"),
            without_plan=Count("pk", filter=~Exists(active)),
            overdue=Count("pk", filter=Exists(active.filter(review_due_q(today)))),
            due_soon=Count("pk", filter=Exists(active.filter(review_due_q(today, soon=True)))),
        )
    )


def open_plans_off_register(school: School) -> QuerySet[SupportPlan]:
    """Active plans of the school's pupils who are no longer on the SEN register (status N or off roll)."""
    return (
        SupportPlan.objects.filter(pupil__school=school, is_active=True)
        .filter(Q(pupil__sen_status=SenStatus.NONE) | Q(pupil__left_on__isnull=False))
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name")
    )


def placement_choices(pupil: Pupil, *, also: Iterable[int] = ()) -> QuerySet[Intervention]:
    """Interventions a plan for ``pupil`` may link: those the pupil has been placed in (current and past) at
    their school, plus ``also`` (already linked ones, so that editing never silently drops a link)."""
    placed = Placement.objects.filter(pupil=pupil, intervention=OuterRef("pk"))
    return (
        Intervention.objects.filter(school_id=pupil.school_id)
        .filter(Exists(placed) | Q(pk__in=list(also)))
        .order_by("-start_date", "name")
    )


def plan_period_end(plan: SupportPlan, *, today: dt.date) -> dt.date:
    """The last day of the plan's period: its review date, or today while an active plan's review is overdue."""
    return max(plan.review_date, today) if plan.is_active else plan.review_date


@dataclass(frozen=True)
class ProvisionRow:
    """One of the pupil's places shown on their plan: the placement (with its intervention, programme and
    entry and exit results loaded), its dosage, and whether the plan links the group by hand."""

    placement: Placement
    dosage: Dosage
    linked: bool

    @property
    def intervention(self) -> Intervention:
        return self.placement.intervention


@dataclass(frozen=True)
class PlanProvision:
    rows: list[ProvisionRow]
    # Interventions linked by hand in which the pupil has no place (kept so that no link is lost from view).
    linked_without_place: list[Intervention]


def plan_provision(plan: SupportPlan, *, today: dt.date) -> PlanProvision:
    """The pupil's provision during the plan (see the module docstring): every place whose stay overlaps the
    plan's period, plus every place in an intervention the plan links by hand, with dosage and entry and exit
    results, newest first. Four queries whatever the number of places."""
    linked_ids = set(plan.interventions.values_list("pk", flat=True))
    stay_end = Coalesce("exit_date", "intervention__end_date", Value(FAR_FUTURE))
    overlaps = Q(entry_date__lte=plan_period_end(plan, today=today)) & Q(stay_ends__gte=plan.start_date)
    placements = (
        placements_with_dosage(Placement.objects.filter(pupil_id=plan.pupil_id))
        .annotate(stay_ends=stay_end)
        .filter(overlaps | Q(intervention_id__in=linked_ids))
        .select_related("intervention__programme", "entry_result__assessment", "exit_result__assessment")
        .order_by("-entry_date", "intervention__name", "pk")
    )
    placements = list(placements)
    terms = term_ranges(plan.pupil.school) if placements else []
    rows = [
        ProvisionRow(p, dosage_for(p, terms=terms, today=today), p.intervention_id in linked_ids) for p in placements
    ]
    placed = {p.intervention_id for p in placements}
    missing = linked_ids - placed
    without = (
        list(Intervention.objects.filter(pk__in=missing).select_related("programme").order_by("-start_date", "name"))
        if missing
        else []
    )
    return PlanProvision(rows=rows, linked_without_place=without)


# --- Writes -------------------------------------------------------------------------------------------------


def _clean_needs(needs: Mapping[str, str]) -> dict[str, str]:
    """The needs to store, in the Code of Practice's area order; errors name the area."""
    unknown = sorted(set(needs) - set(NeedArea.values))
    if unknown:
        raise ValidationError({"needs": f"Unknown areas of need: {', '.join(unknown)}."})
    cleaned = {area: (needs[area] or "").strip() for area in NeedArea.values if area in needs}
    empty = [reference.AREA_LABELS[area] for area, text in cleaned.items() if not text]
    if empty:
        raise ValidationError({"needs": f"Describe the need in {', '.join(empty)}, or leave that area out."})
    if not cleaned:
        raise ValidationError({"needs": "Describe the pupil's needs in at least one broad area."})
    return cleaned


def _check_dates(start_date: dt.date, review_date: dt.date) -> None:
    if review_date <= start_date:
        raise ValidationError({"review_date": "The review date must be after the plan starts."})


def _check_interventions(pupil: Pupil, interventions: Iterable[Intervention]) -> list[Intervention]:
    chosen = list(interventions)
    foreign = [str(intervention) for intervention in chosen if intervention.school_id != pupil.school_id]
    if foreign:
        raise ValidationError(
            {"interventions": f"These interventions are run by another school: {', '.join(foreign)}."}
        )
    return chosen


def _check_open(plan: SupportPlan) -> None:
    if not plan.is_active:
        raise ValidationError("This plan is closed: it is kept as a record and cannot be changed.")


class PlanContent(TypedDict):
    """What a support plan says, as given to ``plan_create`` and ``plan_update`` (``PlanForm.service_kwargs``)."""

    start_date: dt.date
    review_date: dt.date
    needs: Mapping[str, str]
    outcomes: NotRequired[str]
    strategies: NotRequired[str]
    interventions: NotRequired[Iterable[Intervention]]
    pupil_views: NotRequired[str]
    parent_views: NotRequired[str]


def _write_content(plan: SupportPlan, pupil: Pupil, content: PlanContent) -> list[Intervention]:
    """Check ``content`` and write it on ``plan`` (not saved); the interventions to link once it is saved."""
    unknown = set(content) - set(PlanContent.__annotations__)
    if unknown:
        raise TypeError(f"A support plan has no {', '.join(sorted(unknown))}")
    _check_dates(content["start_date"], content["review_date"])
    chosen = _check_interventions(pupil, content.get("interventions", ()))
    plan.start_date = content["start_date"]
    plan.review_date = content["review_date"]
    plan.needs = _clean_needs(content["needs"])
    for name in ("outcomes", "strategies", "pupil_views", "parent_views"):
        setattr(plan, name, content.get(name, "").strip())
    plan.full_clean()
    return chosen


@transaction.atomic
def plan_create(*, pupil: Pupil, by: AbstractBaseUser | None, **content: Unpack[PlanContent]) -> SupportPlan:
    """Start a support plan for ``pupil``, closing their active plan if they have one."""
    # Lock the pupil row so that two SENCOs saving a plan for the same pupil at once queue up, and the
    # second one closes the first one's plan rather than leaving two active.
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if pupil.sen_status not in PLAN_STATUSES:
        raise ValidationError(
            f"{pupil.full_name} is not on SEN support or an EHC plan, so they cannot have a support plan. "
            "Record their SEN status on their profile first."
        )
    if pupil.left_on is not None:
        raise ValidationError(f"{pupil.full_name} left the school on {pupil.left_on:%d/%m/%Y}.")
    plan = SupportPlan(pupil=pupil, created_by=by)
    chosen = _write_content(plan, pupil, content)
    replacing = list(SupportPlan.objects.filter(pupil=pupil, is_active=True).values_list("pk", flat=True))
    replaced = SupportPlan.objects.filter(pk__in=replacing).update(is_active=False, updated_at=timezone.now())
    _audit_closed(replacing, school_id=pupil.school_id, pupil_ids=dict.fromkeys(replacing, pupil.pk), by=by)
    plan.save()
    plan.interventions.set(chosen)
    logger.info("Support plan %s created for pupil %s by %s (replacing %s)", plan.pk, pupil.pk, by, replaced)
    return plan


@transaction.atomic
def plan_update(*, plan: SupportPlan, by: AbstractBaseUser | None, **content: Unpack[PlanContent]) -> SupportPlan:
    """Change an active plan. Every field is replaced by what is given."""
    # Lock the plan: two members of staff saving the same plan (or one adding a review) wait for each other.
    plan = SupportPlan.objects.select_for_update().select_related("pupil").get(pk=plan.pk)
    _check_open(plan)
    chosen = _write_content(plan, plan.pupil, content)
    plan.save()
    plan.interventions.set(chosen)
    logger.info("Support plan %s changed by %s", plan.pk, by)
    return plan


@transaction.atomic
def review_add(
    *,
    plan: SupportPlan,
    date: dt.date,
    stage: str,
    notes: str,
    progress: str = "",
    next_steps: str = "",
    pupil_views: str = "",
    parent_views: str = "",
    next_review_date: dt.date | None = None,
    ratings: Mapping[str, str] | None = None,
    by: AbstractBaseUser | None,
) -> PlanReview:
    """Record one step of assess, plan, do, review against an active plan, with ``ratings`` ({outcome as
    written on the plan -> OutcomeRating value}), and move the plan's review date to ``next_review_date`` when
    this is the plan's newest review (see the module docstring)."""
    # Lock the plan: two reviews saved at once must not both decide its next review date.
    plan = SupportPlan.objects.select_for_update().select_related("pupil").get(pk=plan.pk)
    _check_open(plan)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if date > today:
        errors["date"] = "A review is recorded once it has happened: the date cannot be in the future."
    elif date < plan.start_date and stage != ReviewStage.ASSESS:
        errors["date"] = (
            f"The plan started on {plan.start_date:%d/%m/%Y}; only an assessment can be recorded before that."
        )
    if next_review_date is not None and next_review_date <= max(date, plan.start_date):
        errors["next_review_date"] = "The next review must come after this one and after the plan starts."
    if next_review_date is None and stage == ReviewStage.REVIEW:
        errors["next_review_date"] = "A review sets the date of the next one."
    outcomes = split_outcomes(plan.outcomes)
    ratings = {outcome: value for outcome, value in (ratings or {}).items() if value}
    unknown = [outcome for outcome in ratings if outcome not in outcomes]
    if unknown:
        errors["ratings"] = (
            "The plan's outcomes have changed since this review was opened: "
            f"{'; '.join(unknown)} is no longer one of them. Rate the outcomes as they are now."
        )
    bad = sorted({value for value in ratings.values() if value not in OutcomeRating.values})
    if bad:
        errors["ratings"] = f"Unknown ratings: {', '.join(bad)}."
    unrated = [outcome for outcome in outcomes if outcome not in ratings]
    if stage == ReviewStage.REVIEW and unrated and "ratings" not in errors:
        errors["ratings"] = f"A review rates every outcome; not rated: {'; '.join(unrated)}."
    if errors:
        raise ValidationError(errors)
    review = PlanReview(
        plan=plan,
        date=date,
        stage=stage,
        notes=notes.strip(),
        progress=progress.strip(),
        next_steps=next_steps.strip(),
        pupil_views=pupil_views.strip(),
        parent_views=parent_views.strip(),
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    # One save each (a plan has a handful of outcomes), so that the audit trail's signals log every rating.
    for position, outcome in enumerate(outcomes):
        if outcome in ratings:
            rating = ReviewOutcomeRating(review=review, position=position, outcome=outcome, rating=ratings[outcome])
            rating.full_clean()
            rating.save()
    newer_exists = plan.reviews.filter(date__gt=date).exists()
    if next_review_date is not None and not newer_exists:
        plan.review_date = next_review_date
        plan.full_clean()
        plan.save(update_fields=["review_date", "updated_at"])
    logger.info("Review %s (%s) added to support plan %s by %s", review.pk, stage, plan.pk, by)
    return review


@transaction.atomic
def plan_close(*, plan: SupportPlan, by: AbstractBaseUser | None) -> SupportPlan:
    """Close a plan (it stays as a record). Closing a closed plan changes nothing."""
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_active:
        plan.is_active = False
        plan.save(update_fields=["is_active", "updated_at"])
        logger.info("Support plan %s closed by %s", plan.pk, by)
    return plan


@transaction.atomic
def plans_close_off_register(*, school: School, by: AbstractBaseUser | None) -> int:
    """Close the active plans of the school's pupils who have left the SEN register or the school; the number
    closed. Not called by a view yet: it is the hook for whatever runs after an MIS import changes SEN statuses
    (the SENCO closes plans one at a time from the plan list meanwhile)."""
    rows = dict(open_plans_off_register(school).select_for_update(of=("self",)).values_list("pk", "pupil_id"))
    pks = list(rows)
    closed = SupportPlan.objects.filter(pk__in=pks).update(is_active=False, updated_at=timezone.now())
    _audit_closed(pks, school_id=school.pk, pupil_ids=rows, by=by)
    if closed:
        logger.info("%s support plans of pupils off the SEN register closed by %s", closed, by)
    return closed


def _audit_closed(pks: list[int], *, school_id: int, pupil_ids: dict[int, int], by) -> None:
    """Audit entries for plans closed in one update (signals do not see ``QuerySet.update``)."""
    audit.write(
        [
            audit.entry(
                action=audit.Action.UPDATE,
                model=SupportPlan,
                object_id=pk,
                object_repr="Support plan",
                school_id=school_id,
                pupil_id=pupil_ids.get(pk),
                changes={"is_active": [True, False]},
                actor=by,
            )
            for pk in pks
        ]
    )
