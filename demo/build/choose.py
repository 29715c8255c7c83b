"""Which pupils a group takes: those who fit it, most in need first, and free at the time."""

from __future__ import annotations

import datetime as dt

from demo.build.calendar import Slot
from demo.build.designs import Recipe
from demo.build.results import entry
from demo.build.state import Entry, Provision
from demo.data.sittings import GCSE, TEACHER
from interventions.models import Wave
from pupils.models import Pupil, SenStatus


def free(prov: Provision, pupil_id: int, start: dt.date, end: dt.date, strand: str) -> bool:
    """At most two groups at a time, and never two in the same subject (or area, for groups without one)."""
    overlapping = [b for b in prov.busy.get(pupil_id, []) if b[0] <= end and start <= b[1]]
    return len(overlapping) < 2 and all(b[2] != strand for b in overlapping)


def candidates(prov: Provision, recipe: Recipe, slot: Slot, years: tuple[int, ...]) -> list[tuple[Pupil, Entry | None]]:
    """Pupils who fit a group, most in need first (with a little chance: judgement is not a sort). Wave 2
    takes pupils below the expected standard or slowing down (rarely those on SEN support, never those with
    an EHC plan); wave 3 takes pupils on the SEN register, those whose needs the programme is for first."""
    personal = recipe.wave == Wave.PERSONALISED
    index = prov.sen_in_year if personal else prov.in_year
    pupils = [pupil for year in sorted(years) for pupil in index.get((slot.position, year), [])]
    wanted: list[tuple[float, int, Pupil, Entry | None]] = []
    for position, pupil in enumerate(pupils):
        if personal and pupil.sen_status == SenStatus.NONE:
            continue
        if recipe.wave == Wave.CATCH_UP and pupil.sen_status == SenStatus.EHC_PLAN:
            continue
        found = _need(prov, recipe, slot, pupil)
        if found is None:
            continue
        score, baseline = found
        if pupil.pk in prov.favoured and recipe.key == "precision_teaching" and slot.position == 2:
            score -= 10  # the demo parent's child on SEN support has support to see
        wanted.append((score, position, pupil, baseline))
    wanted.sort(key=lambda item: (item[0], item[1]))
    return [(pupil, baseline) for _, _, pupil, baseline in wanted]


def _need(prov: Provision, recipe: Recipe, slot: Slot, pupil: Pupil) -> tuple[float, Entry | None] | None:
    """How much the pupil needs this group (lower first) and their baseline; None if the group is not for them."""
    rng = prov.rng
    sen = pupil.sen_status
    matches = pupil.primary_need in recipe.needs or pupil.secondary_need in recipe.needs
    if recipe.measured:
        baseline = _baseline(prov, recipe, slot, pupil)
        if baseline is None:
            return None
        limit = {TEACHER: -0.5, GCSE: 0.4}.get(recipe.scale, 0.5)
        if recipe.wave == Wave.CATCH_UP and baseline.score >= limit:
            return None
        score = baseline.score + rng.gauss(0, 0.2)
        if recipe.wave == Wave.CATCH_UP and sen == SenStatus.SUPPORT:
            score += 0.4
        if recipe.wave == Wave.PERSONALISED and matches:
            score -= 0.8
        return score, baseline
    if recipe.wave == Wave.PERSONALISED:
        return rng.random() - (1.0 if matches else 0.0) - (0.3 if sen == SenStatus.EHC_PLAN else 0.0), None
    # Language groups: pupils learning English and those with language needs first.
    return rng.random() - (0.5 if pupil.eal else 0.0) - (0.8 if pupil.primary_need in ("SLCN", "ASD") else 0), None


def _baseline(prov: Provision, recipe: Recipe, slot: Slot, pupil: Pupil) -> Entry | None:
    cached = prov.entry_cache.setdefault((slot.position, recipe.subject, recipe.scale), {})
    if pupil.pk not in cached:
        cached[pupil.pk] = entry(prov, pupil.pk, recipe.subject, recipe.scale, slot.first_monday)
    return cached[pupil.pk]
