"""Dealing out the national mix (``demo.data.census``) to one school's pupils by weighted lottery, to exact
targets, so even the 210-pupil primary has its share: looked-after children, free school meals and pupil premium
(whole families: siblings share them), EAL (by family background), and SEN with its needs and review dates."""

from __future__ import annotations

import datetime as dt
import random

from demo.data.census import (
    BOYS_SHARE_OF_SEN,
    EHC_NEEDS,
    SECOND_NEED_CHANCE,
    SECOND_NEEDS,
    SUPPORT_NEEDS,
    YEAR_SEN_WEIGHT,
)
from demo.roll import Family, RollState
from pupils.models import Pupil, SenStatus


def lottery(rng: random.Random, weights: list[float]) -> list[int]:
    """Indices in the order of a weighted draw without replacement (each index gets key u ** (1 / w),
    highest first: Efraimidis and Spirakis, 2006). Zero weights are never drawn."""
    keyed = [(rng.random() ** (1.0 / weight), index) for index, weight in enumerate(weights) if weight > 0]
    keyed.sort(reverse=True)
    return [index for _, index in keyed]


def _choose_families(rng: random.Random, families: list[Family], weights: list[float], target: int) -> list[Family]:
    """Whole families (siblings share FSM, EAL and pupil premium) until ``target`` pupils are covered."""
    chosen, covered = [], 0
    for index in lottery(rng, weights):
        if covered >= target:
            break
        chosen.append(families[index])
        covered += len(families[index].children)
    return chosen


def _weighted_choice(rng: random.Random, weights: dict[str, float], exclude: str = "") -> str:
    codes = [code for code in weights if code != exclude]
    return rng.choices(codes, weights=[weights[code] for code in codes])[0]


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def assign_flags(state: RollState) -> None:
    """Every flag, in this order (each draw comes from the school's stream, so the order matters)."""
    _looked_after(state)
    _disadvantaged(state)
    _eal(state)
    _sen(state)


def _looked_after(state: RollState) -> None:
    """Looked-after children: only children with no sibling here, so the family can be their carers."""
    pupils = state.pupils
    weights = [1.0 if len(state.family_of[id(p)].children) == 1 else 0.0 for p in pupils]
    for index in lottery(state.rng, weights)[: round(len(pupils) * state.rates.looked_after)]:
        pupils[index].looked_after = True
        pupils[index].pupil_premium = True
        state.family_of[id(pupils[index])].looked_after = True


def _disadvantaged(state: RollState) -> None:
    """Free school meals for whole families, then the rest of pupil premium: FSM at some point in the last six
    years, or service children."""
    rng, rates, n = state.rng, state.rates, len(state.pupils)
    others = [family for family in state.families if not family.looked_after]
    for family in _choose_families(rng, others, [1.0] * len(others), round(n * rates.fsm)):
        for pupil in family.children:
            pupil.fsm = True
            pupil.pupil_premium = True
    pp_now = sum(1 for pupil in state.pupils if pupil.pupil_premium)
    rest = [family for family in others if not family.children[0].fsm]
    for family in _choose_families(rng, rest, [1.0] * len(rest), round(n * rates.pupil_premium) - pp_now):
        for pupil in family.children:
            pupil.pupil_premium = True


def _eal(state: RollState) -> None:
    weights = [family.origin.eal_rate + 0.005 for family in state.families]
    for family in _choose_families(state.rng, state.families, weights, round(len(state.pupils) * state.rates.eal)):
        for pupil in family.children:
            pupil.eal = True


def _sen_weight(pupil: Pupil) -> float:
    weight = YEAR_SEN_WEIGHT.get(pupil.year_group, 1.0)
    if pupil.fsm:
        weight *= 1.7
    if pupil.looked_after:
        weight *= 3.0
    if pupil.eal:
        weight *= 0.85
    return weight


def _sen(state: RollState) -> None:
    """SEN: boys are about two thirds of pupils on SEN support and nearly three quarters of those with EHC
    plans, so each sex gets its own quota; within it, disadvantaged and looked-after pupils are more likely to
    be chosen."""
    pupils, rates, n = state.pupils, state.rates, len(state.pupils)
    weights = [_sen_weight(pupil) for pupil in pupils]
    taken: set[int] = set()
    for status, rate in ((SenStatus.EHC_PLAN, rates.ehc_plan), (SenStatus.SUPPORT, rates.sen_support)):
        target = round(n * rate)
        boys = round(target * BOYS_SHARE_OF_SEN[status])
        for gender, quota in (("M", boys), ("F", target - boys)):
            eligible = [
                0.0 if index in taken or pupil.gender != gender else weights[index]
                for index, pupil in enumerate(pupils)
            ]
            for index in lottery(state.rng, eligible)[:quota]:
                taken.add(index)
                _give_sen(state, pupils[index], status)


def _give_sen(state: RollState, pupil: Pupil, status: str) -> None:
    rng = state.rng
    needs = EHC_NEEDS[state.key] if status == SenStatus.EHC_PLAN else SUPPORT_NEEDS[state.key]
    pupil.sen_status = status
    pupil.primary_need = _weighted_choice(rng, needs)
    pupil.secondary_need = ""
    if pupil.primary_need != "NSA" and rng.random() < SECOND_NEED_CHANCE[status]:
        pupil.secondary_need = _weighted_choice(rng, SECOND_NEEDS, exclude=pupil.primary_need)
    # Identified between age two (EHC plans, often from the early years) or three and a half and the
    # start of this school year: always in the past.
    earliest = pupil.date_of_birth + dt.timedelta(days=730 if status == SenStatus.EHC_PLAN else 1280)
    latest = dt.date(state.start_year, 9, 1) - dt.timedelta(days=1)
    pupil.sen_identified_on = earliest + dt.timedelta(days=rng.randrange(max(1, (latest - earliest).days)))
    # Reviews: SEN support plans termly, EHC plans annually; about one in twelve is overdue.
    if rng.random() < 0.08:
        offset = -rng.randint(1, 45)
    else:
        offset = rng.randint(1, 330 if status == SenStatus.EHC_PLAN else 120)
    due = state.frame.today + dt.timedelta(days=offset)
    pupil.sen_review_due = _next_weekday(due) if offset > 0 else due - dt.timedelta(days=max(0, due.weekday() - 4))


# The family of the ``parent`` login
