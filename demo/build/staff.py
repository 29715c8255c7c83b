"""Who runs the groups, with what: each recipe's programme (from the shared catalogue where it has one), the staff
rates, the lead of each group, and the staff's training in the programmes they deliver."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from demo.build.calendar import Slot, key_stages
from demo.build.designs import Recipe
from demo.build.state import Provision
from demo.data.words import TRAINING_NOTES
from interventions.models import Area, Delivery, EvidenceStrength, Programme, StaffRate, StaffRole, Training, Wave

BATCH_SIZE = 2000


def staff_rates(prov: Provision, rates: dict[str, Decimal]) -> None:
    StaffRate.objects.bulk_create(
        StaffRate(school=prov.school, role=role, hourly_rate=rate) for role, rate in rates.items()
    )


def choose_programmes(prov: Provision) -> None:
    """A programme for each recipe. From the shared catalogue: one whose name has one of the recipe's hints (in
    any area: catalogues file precision teaching and Toe by Toe variously), else one of the recipe's area
    delivered the same way or in the same wave; always suitable for its key stages, never a whole-class
    programme, and not already taken by another recipe here (so that each programme has one design). When
    nothing fits, or the recipe is home-grown, the school's own programme."""
    taken: set[int] = set()
    own: list[Programme] = []
    for recipe in prov.recipes.values():
        chosen = None if recipe.own else _from_catalogue(prov.catalogue, recipe, taken)
        if chosen is None:
            chosen = _own_programme(prov, recipe)
            own.append(chosen)
        else:
            taken.add(chosen.pk)
        prov.programme_of[recipe.key] = chosen
    Programme.objects.bulk_create(own)
    prov.summary.programmes_created += len(own)


def _from_catalogue(catalogue: list[Programme], recipe: Recipe, taken: set[int]) -> Programme | None:
    stages = key_stages(recipe.years)
    chosen, best = None, 0
    for programme in catalogue:
        if programme.pk in taken or programme.delivery == Delivery.WHOLE_CLASS:
            continue
        if programme.key_stages and not stages & set(programme.key_stages):
            continue
        hinted = any(hint in programme.name.casefold() for hint in recipe.hints)
        if not hinted and programme.area != recipe.area:
            continue
        score = 3 * hinted + 2 * (programme.delivery == recipe.delivery) + (programme.wave == recipe.wave)
        if score > best:
            chosen, best = programme, score
    return chosen


def _own_programme(prov: Provision, recipe: Recipe) -> Programme:
    return Programme(
        school=prov.school,
        name=recipe.title,
        area=recipe.area,
        key_stages=sorted(key_stages(recipe.years)),
        need_areas=[recipe.need_area] if recipe.need_area else [],
        wave=recipe.wave,
        delivery=recipe.delivery,
        group_size_min=recipe.size[0],
        group_size_max=recipe.size[1],
        sessions_per_week=recipe.days_per_week,
        minutes_per_session=recipe.minutes,
        weeks=recipe.weeks[1],
        delivered_by=recipe.role,
        summary=recipe.summary,
        evidence_strength=EvidenceStrength.NONE,
    )


def lead(prov: Provision, recipe: Recipe, slot: Slot) -> tuple[AbstractBaseUser | None, str]:
    """The member of staff who leads a group, spreading each term's groups over the staff of its kind."""
    if prov.tutor is not None and recipe.wave == Wave.CATCH_UP and recipe.area in prov.tutor_leads:
        return prov.tutor, StaffRole.TA
    pool, role = _pool(prov, recipe)
    if not pool:
        pool, role = (prov.tas, StaffRole.TA) if prov.tas else (prov.teachers, StaffRole.TEACHER)
    if not pool:
        return None, role
    lightest = min(prov.lead_load[(slot.position, user.pk)] for user in pool)
    choices = [user for user in pool if prov.lead_load[(slot.position, user.pk)] == lightest]
    chosen = choices[prov.rng.randrange(len(choices))]
    prov.lead_load[(slot.position, chosen.pk)] += 1
    return chosen, role


def _pool(prov: Provision, recipe: Recipe) -> tuple[list[AbstractBaseUser], str]:
    if recipe.role == StaffRole.TEACHER:
        word = "math" if recipe.area == Area.MATHS else "english"
        return [t for t in prov.teachers if word in prov.staff_titles.get(t.pk, "")] or prov.teachers, StaffRole.TEACHER
    if recipe.role == StaffRole.HLTA or (recipe.wave == Wave.CATCH_UP and prov.rng.random() < 0.3):
        # At the secondary the literacy and numeracy tutors are paid as HLTAs.
        word = "numeracy" if recipe.area == Area.MATHS else "literacy"
        return [u for u in prov.hltas if word in prov.staff_titles.get(u.pk, "")] or prov.hltas, StaffRole.HLTA
    return prov.tas, StaffRole.TA


def trainings(prov: Provision) -> None:
    """Training for the staff who deliver each programme: most current, about one in twelve expired and
    about one in twelve never trained (at least one of each), so the training warnings have cases."""
    rng = prov.rng
    pairs = _who_delivers_what(prov)
    kinds = [rng.choices(("current", "expired", "untrained"), weights=(84, 8, 8))[0] for _ in pairs]
    if len(pairs) >= 3:
        if "untrained" not in kinds:
            kinds[-1] = "untrained"
        if "expired" not in kinds:
            kinds[-2] = "expired"
    made = [
        _training(prov, user_id, programme, kind == "expired")
        for (user_id, programme), kind in zip(pairs, kinds, strict=True)
        if kind != "untrained"
    ]
    Training.objects.bulk_create(made, batch_size=BATCH_SIZE)
    prov.summary.trainings += len(made)


def _who_delivers_what(prov: Provision) -> list[tuple[int, Programme]]:
    pairs: list[tuple[int, Programme]] = []
    seen = set()
    for group in prov.groups:
        programme = group.intervention.programme
        for member in group.staff:
            if programme is not None and member.user_id and (member.user_id, programme.pk) not in seen:
                seen.add((member.user_id, programme.pk))
                pairs.append((member.user_id, programme))
    return pairs


def _training(prov: Provision, user_id: int, programme: Programme, expired: bool) -> Training:
    rng, today = prov.rng, prov.today
    if expired:
        expires = today - dt.timedelta(days=rng.randint(10, 200))
        trained = expires - dt.timedelta(days=3 * 365)
    else:
        trained = today - dt.timedelta(days=rng.randint(30, 4 * 365))
        expires = trained + dt.timedelta(days=3 * 365) if rng.random() < 0.4 else None
        if expires is not None and expires < today:
            expires = None
    return Training(
        school=prov.school,
        user_id=user_id,
        programme=programme,
        trained_on=trained,
        expires_on=expires,
        notes=rng.choice(TRAINING_NOTES),
    )
