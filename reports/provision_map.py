"""The provision map: what support the school runs, for whom, by whom, how often, at what cost.

CONTRACT (shared by the map page, its exports and the parents' published offer; the body is being written):

    build_map(*, school, period: Period, view: str = "year", filters: MapFilters | None = None,
              today: date | None = None) -> ProvisionMap

``view`` is one of VIEWS: "year" (rows are year groups), "class" (registration classes), "need" (the four broad
areas of need, plus "Other"), "subject" (the intervention's subject or area). Columns are waves 1, 2, 3.
An intervention appears in a row when it serves pupils of that row during the period (its placements overlapping
the period; for wave 1 strategies and groups without placements, its own year groups / need area / subject).
Costs are those of the sessions planned within the period (interventions.costing), shared between rows in
proportion to the intervention's pupils in each row (equally between its rows when it has no pupils).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

VIEWS = {"year": "Year group", "class": "Class", "need": "Area of need", "subject": "Subject"}
WAVES = (1, 2, 3)


@dataclass(frozen=True)
class Period:
    """A term or a whole academic year: what the map covers."""

    label: str  # "Autumn 2026/27" or "2026/27"
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class MapFilters:
    subject_id: int | None = None  # pupils.Subject id (or None)
    area: str | None = None  # interventions.Area value
    need_area: str | None = None  # NeedArea code: only pupils whose primary need is in this area
    pupil_premium: bool | None = None  # only pupils with (True) or without (False) pupil premium
    sen_status: str | None = None  # "K", "E", "any" (K or E) or "N"


@dataclass
class Provision:
    """One intervention as it appears in one cell."""

    intervention_id: int
    name: str
    programme: str  # programme name, or "" for bespoke
    wave: int
    status: str  # planned / running / completed / stopped
    status_label: str
    staff_roles: list[str]  # role labels, e.g. ["Teaching assistant"], never names
    staff_names: list[str]  # for staff views only; never shown to parents
    frequency: str  # e.g. "3 x 30 min a week" or "Ongoing" for wave 1 strategies
    group_size: str  # e.g. "1:1", "Groups of 4", "Whole class"
    pupil_count: int  # pupils of this row in it during the period
    pupil_names: list[str]  # "Surname, First" of those pupils (staff only)
    cost: Decimal  # this row's share of the period's cost
    funding_source: str
    funding_label: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass
class Cell:
    provisions: list[Provision] = field(default_factory=list)

    @property
    def cost(self) -> Decimal:
        return sum((p.cost for p in self.provisions), Decimal("0"))


@dataclass
class Row:
    key: str  # e.g. "3", "3B", "CL", "reading"
    label: str  # e.g. "Year 3"
    cells: dict[int, Cell]  # wave -> cell
    pupil_count: int  # distinct pupils of this row in any provision
    cost: Decimal


@dataclass
class ProvisionMap:
    school_name: str
    period: Period
    view: str
    rows: list[Row]
    wave_costs: dict[int, Decimal]
    wave_pupils: dict[int, int]  # distinct pupils per wave
    funding_costs: dict[str, Decimal]  # funding label -> cost
    total_cost: Decimal
    pupils_in_provision: int  # distinct pupils across the map
    cost_per_pupil: Decimal | None


def build_map(*, school, period: Period, view: str = "year", filters: MapFilters | None = None, today=None):
    raise NotImplementedError("being written")
