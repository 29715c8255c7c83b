"""The shapes the demo's pupils are made in: how many pupils and classes each school has (``RollPlan``), a family,
the UPNs handed out, one school's roll while it is made (``RollState``) and what is kept of it (``SchoolRoll``,
``RollSummary``)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from demo.data.census import RATES, Rates
from demo.data.sizes import (
    DEFAULT_SECONDARY_PUPILS,
    FORM_SIZE,
    MIN_SECONDARY_PUPILS,
    MIN_TOTAL_PUPILS,
    PRIMARY_PUPILS,
    PRIMARY_YEAR_SIZES,
    SECONDARY_YEARS,
)
from demo.data.trust import PRIMARY, SECONDARY, SchoolSpec
from demo.names import Origin
from demo.school import DemoFrame, DemoSchool, demo_rng
from pupils import reference
from pupils.models import Guardian, Pupil, TeachingGroup


@dataclass(frozen=True)
class RollPlan:
    """How many pupils each school has in each year group, and in how many classes."""

    year_sizes: dict[str, dict[int, int]]
    class_counts: dict[str, dict[int, int]]

    @property
    def total(self) -> int:
        return sum(sum(sizes.values()) for sizes in self.year_sizes.values())

    def pupils_at(self, key: str) -> int:
        return sum(self.year_sizes[key].values())

    def classes_at(self, key: str) -> int:
        return sum(self.class_counts[key].values())

    @property
    def class_teachers_needed(self) -> dict[str, int]:
        """Class teachers and form tutors to generate, per school: one a class, less the ``teacher`` login."""
        return {PRIMARY: self.classes_at(PRIMARY) - 1, SECONDARY: self.classes_at(SECONDARY)}


def roll_plan(*, total_pupils: int | None) -> RollPlan:
    """The primary always has its 210 pupils; the secondary has the rest of ``total_pupils`` (1,000 if None),
    spread evenly over Years 7-11 in forms of at most 28."""
    if total_pupils is None:
        secondary = DEFAULT_SECONDARY_PUPILS
    else:
        if total_pupils < MIN_TOTAL_PUPILS:
            raise ValueError(
                f"The demo needs at least {MIN_TOTAL_PUPILS} pupils: the primary's {PRIMARY_PUPILS} "
                f"and at least {MIN_SECONDARY_PUPILS} at the secondary."
            )
        secondary = total_pupils - PRIMARY_PUPILS
    per_year, extra = divmod(secondary, len(SECONDARY_YEARS))
    secondary_sizes = {year: per_year + (1 if index < extra else 0) for index, year in enumerate(SECONDARY_YEARS)}
    return RollPlan(
        year_sizes={PRIMARY: dict(PRIMARY_YEAR_SIZES), SECONDARY: secondary_sizes},
        class_counts={
            PRIMARY: dict.fromkeys(PRIMARY_YEAR_SIZES, 1),
            SECONDARY: {year: max(1, math.ceil(size / FORM_SIZE)) for year, size in secondary_sizes.items()},
        },
    )


def form_name(year_group: int, index: int) -> str:
    """Secondary form names: 7A, 7B, ... 7Z, then 7AA, 7AB, ... for very large schools."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"{year_group}{letters}"


@dataclass
class Family:
    origin: Origin
    children: list[Pupil] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    looked_after: bool = False


class UpnAllocator:
    """Hands out unique UPNs: LA code, establishment number, two-digit year of allocation, serial.

    A UPN is issued by the school a child first joins, so a secondary pupil's UPN carries the number of the
    primary that admitted them to Reception (a feeder school, or a school in another local authority).
    A serial runs from 001 to 999 in each (LA, establishment, year); when a feeder runs out we move on.
    """

    def __init__(self) -> None:
        self._issued: dict[tuple[str, str, int], int] = {}
        self._feeders: dict[str, list[str]] = {}

    def issue(self, *, la_code: str, establishment: str, year: int) -> str:
        key = (la_code, establishment, year % 100)
        serial = self._issued.get(key, 0) + 1
        if serial > 999:
            raise OverflowError(key)
        self._issued[key] = serial
        return reference.make_upn(f"{la_code}{establishment}{year % 100:02d}{serial:03d}")

    def issue_from_feeder(self, *, rng: random.Random, la_code: str, home: str, year: int) -> str:
        """A UPN from one of the local primaries (the demo primary ``home`` among them)."""
        feeders = self._feeders.setdefault(la_code, [home] + [f"{2000 + rng.randrange(1, 999):04d}" for _ in range(7)])
        start = rng.randrange(len(feeders))
        for offset in range(len(feeders)):
            establishment = feeders[(start + offset) % len(feeders)]
            if self._issued.get((la_code, establishment, year % 100), 0) < 999:
                return self.issue(la_code=la_code, establishment=establishment, year=year)
        # Every feeder has issued 999 UPNs that year: a very large demo. Open another feeder.
        establishment = f"{3000 + len(feeders):04d}"
        feeders.append(establishment)
        return self.issue(la_code=la_code, establishment=establishment, year=year)


@dataclass
class RollState:
    """One school's classes, pupils and families while they are made in memory (then saved in bulk), with the
    school's random stream."""

    frame: DemoFrame
    key: str
    plan: RollPlan
    upns: UpnAllocator
    demo_school: DemoSchool = field(init=False)
    rng: random.Random = field(init=False)
    rates: Rates = field(init=False)
    families: list[Family] = field(default_factory=list)
    pupils: list[Pupil] = field(default_factory=list)
    family_of: dict[int, Family] = field(default_factory=dict)  # id(pupil) -> family
    groups: list[TeachingGroup] = field(default_factory=list)
    parent_guardian: Guardian | None = None

    def __post_init__(self) -> None:
        self.demo_school = self.frame.schools[self.key]
        self.rng = demo_rng(self.frame.seed, f"pupils:{self.key}")
        self.rates = RATES[self.key]

    @property
    def spec(self) -> SchoolSpec:
        return self.demo_school.spec

    @property
    def start_year(self) -> int:
        return self.frame.start_year


@dataclass
class SchoolRoll:
    """What was made for one school, kept for the summary and for later parts of the demo."""

    demo_school: DemoSchool
    groups: list[TeachingGroup]
    pupils: list[Pupil]
    families: list[Family]
    guardians: int = 0


@dataclass
class RollSummary:
    schools: dict[str, SchoolRoll]
    parent: AbstractBaseUser
    parent_children: list[Pupil]
