"""The words the demo's stories are written in: a ``Recipe`` (a kind of group a school runs, with how it is designed
to turn out), a ``Run`` (groups of one recipe in one term) and the designs themselves (effective, fades, not
effective, harmful, too small to judge, judged by ratings), with the size of the effects they are drawn from."""

from __future__ import annotations

from dataclasses import dataclass

from demo.data.sittings import GCSE, KS2, READING_AGE, SPELLING_AGE, STANDARDISED, TEACHER
from interventions.models import Delivery, FundingSource, StaffRole

EFFECTIVE = "effective"
FADES = "fades"  # effective at exit, gone by the next assessment
INEFFECTIVE = "ineffective"
HARMFUL = "harmful"  # the pupils fall behind similar pupils: taken out of the lessons they needed
TOO_SMALL = "too_small"
UNMEASURED = "unmeasured"  # no assessed subject: judged by the pupils' own ratings

# Loose ends: a group stopped part-way (with its reason), one nobody closed after its end date, one with no end date.
STOP, OVERDUE, OPEN = "stop", "overdue", "open"
# The four terms the demo's groups run in, as a ``Run``'s ``slot``: finished, finished, running, planned.
TWO_TERMS_AGO, LAST_TERM, THIS_TERM, NEXT_TERM = 0, 1, 2, 3

# Designed effects, as a true effect size in standard deviations of attainment (the scale of the EEF Toolkit and of
# reports.impact.evaluation) drawn in each group from the design's range: a programme's groups differ (staff, timetable,
# pupils). Each pupil's extra gain is drawn around the group's effect with a spread of PUPIL_SPREAD times it (at
# least 0.2), so some pupils gain little or nothing and a few lose ground. Not effective is near zero either way,
# harmful clearly below it.
EFFECT_SIZES = {EFFECTIVE: (0.25, 0.55), FADES: (0.2, 0.45), INEFFECTIVE: (0.0, 0.0), HARMFUL: (-0.55, -0.4)}
PUPIL_SPREAD = 0.5
# One unit of effect on each scale: about the SD of attainment across a year group in the demo's results
# (standardised points, KS2 points, months of reading or spelling age).
EFFECT_UNITS = {STANDARDISED: 15.0, KS2: 6.5, READING_AGE: 15.0, SPELLING_AGE: 15.0}
# Teacher bands and predicted grades move in whole steps: one unit of effect (one SD: about half a band, 1.7
# grades) is this chance of a step, capped at 95%.
STEP_CHANCE = {TEACHER: 0.55, GCSE: 1.7}


@dataclass(frozen=True)
class Recipe:
    """A kind of group a school runs. ``title`` names the school's own programme when the shared catalogue has
    nothing for the area (or always, with ``own``); ``hints`` prefer catalogue programmes whose name contains
    one of them. ``subject`` and ``scale`` are keys of ``demo.data.sittings``; empty for groups with no
    assessed outcome. ``years`` are the year groups it is for, as they were at the time."""

    key: str
    title: str
    area: str
    wave: int
    effect: str
    years: tuple[int, ...]
    size: tuple[int, int]
    days_per_week: int
    minutes: int
    weeks: tuple[int, int]
    role: str = StaffRole.TA
    subject: str = ""
    scale: str = ""
    hints: tuple[str, ...] = ()
    own: bool = False
    needs: tuple[str, ...] = ()
    need_area: str = ""
    delivery: str = Delivery.SMALL_GROUP
    external: str = ""
    resources: tuple[int, int] = (0, 0)
    external_per_session: int = 0
    funding: str = FundingSource.PUPIL_PREMIUM
    criteria: str = ""
    summary: str = ""

    @property
    def measured(self) -> bool:
        return bool(self.scale)


def recipes(*recipes: Recipe) -> dict[str, Recipe]:
    return {recipe.key: recipe for recipe in recipes}


@dataclass(frozen=True)
class Run:
    """Groups of one recipe in one term. ``slot``: ``TWO_TERMS_AGO`` and ``LAST_TERM`` before the current one,
    ``THIS_TERM``, and ``NEXT_TERM``. ``groups`` is a count at the primary and a number per 1,000 pupils at the
    secondary. ``special`` makes the group stopped (with ``reason``), overdue or open-ended."""

    slot: int
    recipe: str
    years: tuple[int, ...] = ()
    groups: float = 1
    special: str = ""
    reason: str = ""
