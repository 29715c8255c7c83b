"""Families: who a pupil's brothers and sisters are, their names, and the guardians of each family (parents,
grandparents, carers; foster carers and a social worker for a looked-after child)."""

from __future__ import annotations

from demo.data.names import ENGLISH_NAME_POOLS, NAME_POOLS, NICKNAMES
from demo.names import Origin, ascii_slug, draw_origin
from demo.roll import Family, RollState
from pupils.models import Guardian, Pupil, Relationship

# A guardian's link to a pupil: (guardian, pupil, relationship, parental responsibility, contact priority).
Link = tuple[Guardian, Pupil, str, bool, int]


def family_for(state: RollState, year_group: int, open_families: list[Family]) -> Family:
    """A new family, or (about one pupil in five) a brother or sister of a pupil in another year."""
    rng = state.rng
    if open_families and rng.random() < 0.2:
        index = rng.randrange(len(open_families))
        family = open_families[index]
        if year_group not in family.years:
            if len(family.children) >= 2:
                open_families[index] = open_families[-1]
                open_families.pop()
            return family
    family = Family(origin=draw_origin(rng))
    state.families.append(family)
    open_families.append(family)
    return family


def first_names(state: RollState, family: Family, gender: str) -> tuple[str, str]:
    rng = state.rng
    legal = family.origin.first_name(rng, gender)
    preferred = ""
    if legal in NICKNAMES and rng.random() < 0.5:
        preferred = NICKNAMES[legal]
    else:
        chance = max((ENGLISH_NAME_POOLS.get(pool, 0.0) for pool in family.origin.pools), default=0.0)
        if chance and rng.random() < chance:
            british = NAME_POOLS["british"]
            preferred = rng.choice(british.girls if gender == "F" else british.boys)
    return legal, preferred


def guardians(state: RollState, parent_family: Family | None) -> tuple[list[Guardian], list[Link]]:
    """Each family's guardians, in contact order, and their links to the children; the first guardian of
    ``parent_family`` becomes ``state.parent_guardian``."""
    rng = state.rng
    school = state.demo_school.school
    guardians: list[Guardian] = []
    links: list[Link] = []
    for family in state.families:
        if family.looked_after:
            carers = [(draw_origin(rng), "F", Relationship.FOSTER_CARER, False)]
            if rng.random() < 0.6:
                carers.append((carers[0][0], "M", Relationship.FOSTER_CARER, False))
            carers.append((draw_origin(rng), "F" if rng.random() < 0.8 else "M", Relationship.SOCIAL_WORKER, False))
        else:
            carers = _parents(state, family)
        for priority, (origin, gender, relationship, responsibility) in enumerate(carers, start=1):
            guardian = _guardian(state, origin, gender, relationship)
            guardian.school = school
            guardians.append(guardian)
            if family is parent_family and priority == 1:
                state.parent_guardian = guardian
            for pupil in family.children:
                links.append((guardian, pupil, relationship, responsibility, priority))
    return guardians, links


def _parents(state: RollState, family: Family) -> list[tuple[Origin, str, str, bool]]:
    rng = state.rng
    roll = rng.random()
    if roll < 0.68:
        mother_origin = family.origin if rng.random() < 0.75 else draw_origin(rng)
        return [
            (mother_origin, "F", Relationship.MOTHER, True),
            (family.origin, "M", Relationship.FATHER, True),
        ]
    if roll < 0.90:
        return [(family.origin, "F", Relationship.MOTHER, True)]
    if roll < 0.95:
        return [(family.origin, "M", Relationship.FATHER, True)]
    if roll < 0.98:
        return [(family.origin, "F" if rng.random() < 0.7 else "M", Relationship.GRANDPARENT, True)]
    return [(draw_origin(rng), "F", Relationship.CARER, True)]


def _guardian(state: RollState, origin: Origin, gender: str, relationship: str) -> Guardian:
    rng = state.rng
    first = origin.first_name(rng, gender, adult=True)
    last = origin.last_name(gender)
    if relationship == Relationship.SOCIAL_WORKER:
        title = "Ms" if gender == "F" else "Mr"
        email = f"{ascii_slug(first)}.{ascii_slug(last)}@childrens-services.invalid"
    else:
        if rng.random() < 0.02:
            title = "Dr"
        elif gender == "M":
            title = "Mr"
        else:
            title = rng.choice(("Mrs", "Mrs", "Ms", "Miss"))
        suffix = str(rng.randint(1, 99)) if rng.random() < 0.4 else ""
        email = "" if rng.random() < 0.08 else f"{ascii_slug(first)}.{ascii_slug(last)}{suffix}@example.org"
    return Guardian(
        title=title,
        first_name=first,
        last_name=last,
        email=email,
        phone=f"07700 900{rng.randrange(1000):03d}",  # Ofcom's range for drama: never a real number
    )
