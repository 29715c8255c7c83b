"""The provision map: what support the school runs, for whom, by whom, how often, at what cost.

CONTRACT (shared by the map page, its exports and the parents' published offer; the body is being written):

    build_map(*, user, school, period: Period, view: str = "year", filters: MapFilters | None = None,
              today: date | None = None) -> ProvisionMap

``user`` is who reads it: the rows come through ``visible_to(user, school)`` by ``provision.access.MAP_SCOPE``
(the map is a whole-school picture, for every member of staff).

``view`` is one of VIEWS: "year" (rows are year groups), "class" (registration classes), "need" (the four broad
areas of need, plus "Other"), "subject" (the intervention's subject or area). Columns are waves 1, 2, 3.
An intervention appears in a row when it serves pupils of that row during the period (its placements overlapping
the period; for wave 1 strategies and groups without placements, its own year groups / need area / subject).

PAST PERIODS AS THEY WERE: each pupil is placed by the year group and class they were in at the time (the start of
their stay within the period): the year group from the academic year (``pupils.reference.year_group_on``), the
class from the classes recorded when a pupil's class changed (``pupils.models.PastClass``,
``pupils.reference.class_on``). Where no class was recorded for a past year, the class view says so ("Class not
recorded") rather than using today's class. An intervention's own year groups (wave 1 strategies) are the year
groups it served at its time.

THE COST RULE (``period_cost``), worked per intervention for the period:

- staff: the sessions planned inside the period (``costing.planned_dates`` from the later of its start and the
  period's start, to the earlier of its end and the period's end, school days in term only) x minutes / 60 x each
  staff line's role rate (``costing.cost_breakdown``); external staff paid by the external fee cost nothing here
  (their time is in the fee);
- resources and the external fee: apportioned by the share of the intervention's planned sessions that fall in the
  period (sessions in period / sessions planned over its whole run). An intervention with no end date (wave 1
  strategies) or with no planned sessions at all carries them whole in the period that contains its start date, so
  that the periods of a year always add up to the whole cost once;
- COSTS FOLLOW THE PUPIL'S STAY: the total is shared between the pupils by the sessions planned for each one's stay
  inside the period (``costing.stay_dates``), so a pupil who left after 13 of the period's 24 sessions carries
  13/24 of the share of one who stayed; a row's share is the sum of its pupils' (``costing.share_by_sessions``).
  The last row takes the remainder so that the shares add up to the penny. With a pupil filter (need, pupil
  premium, SEN status) only the matching pupils' share is shown, so a filtered map answers "what does the
  provision for these pupils cost". Interventions with no pupils share equally between their own rows; so do
  groups whose pupils have no planned session in the period (no days set).

COST PER PUPIL is per wave for waves 2 and 3 (the wave's cost / its distinct pupils) and overall for waves 2 and 3
together; wave 1 whole-class strategies have no places, so their cost is shown apart, with the year groups (or
classes) they reach.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from interventions import costing
from interventions.models import (
    Area,
    FundingSource,
    Intervention,
    InterventionStaff,
    Placement,
    StaffRate,
    StaffRole,
    Status,
)
from provision.access import MAP_SCOPE
from provision.calendar import school_calendar
from pupils.models import PastClass, TeachingGroup
from pupils.reference import AREA_LABELS, YEAR_GROUP_LABELS, class_on, need_area, year_group_on

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
    pupils_in_provision: int  # distinct pupils across the map (waves 2 and 3: wave 1 has no places)
    cost_per_pupil: Decimal | None  # waves 2 and 3: their cost / their distinct pupils (wave 1 apart)
    wave_cost_per_pupil: dict[int, Decimal | None] = field(default_factory=dict)  # waves 2 and 3
    targeted_cost: Decimal = Decimal("0")  # waves 2 and 3
    wave1_strategies: int = 0  # distinct wave 1 strategies on the map
    wave1_reach: list[str] = field(default_factory=list)  # the rows (year groups, classes...) wave 1 covers
    past: bool = False  # the period ended before today: pupils are placed as they were then

    @property
    def as_they_were(self) -> str:
        """What the rows mean, in words for the page and the exports."""
        if self.view in ("year", "class"):
            return (
                f"Pupils are placed by the year group and class they were in during {self.period.label}."
                if self.past
                else "Pupils are placed by their year group and class in this period."
            )
        return ""


# --- Periods -----------------------------------------------------------------------------------------


def period_for_term(term) -> Period:
    """A ``provision.Term`` as a period (its academic year must be loaded or loadable: one query if not)."""
    return Period(label=str(term), start=term.start_date, end=term.end_date)


def period_for_year(academic_year) -> Period:
    """A whole ``provision.AcademicYear`` as a period."""
    return Period(label=academic_year.name, start=academic_year.start_date, end=academic_year.end_date)


# --- Pure parts --------------------------------------------------------------------------------------

PENNY = Decimal("0.01")
WHOLE_SCHOOL = ("all", "Whole school")
NO_NEED = ("NONE", "No SEN need recorded")
NO_CLASS = ("none", "No class")
CLASS_UNKNOWN = ("unknown", "Class not recorded for then")
NEED_ORDER = ["CI", "CL", "SEMH", "SP", "OTHER", "NONE", "all"]
DELIVERY_SIZES = {"one_to_one": "1:1", "whole_class": "Whole class"}


def period_cost(
    *,
    days: list[int],
    start: dt.date,
    end: dt.date | None,
    minutes: int,
    staff: list[tuple[str, str]],
    rates: dict[str, Decimal],
    resources: Decimal,
    external: Decimal,
    terms,
    period: Period,
    external_by_fee: bool = False,
):
    """The cost of an intervention for ``period`` (see THE COST RULE above); returns a ``CostBreakdown``. Pure.
    ``terms`` are the school's term dates (or its ``costing.SchoolDays``)."""
    in_period = sessions_in_period(days=days, start=start, end=end, terms=terms, period=period)
    whole_run = costing.planned_dates(days=days, start=start, end=end, terms=terms) if end else []
    if end is not None and whole_run:
        share = Decimal(len(in_period)) / Decimal(len(whole_run))
    else:
        share = Decimal(1) if period.start <= start <= period.end else Decimal(0)
    return costing.cost_breakdown(
        sessions=len(in_period),
        minutes_per_session=minutes,
        staff=staff,
        rates=rates,
        resources=(Decimal(resources) * share).quantize(PENNY),
        external=(Decimal(external) * share).quantize(PENNY),
        external_by_fee=external_by_fee,
    )


def sessions_in_period(*, days: list[int], start: dt.date, end: dt.date | None, terms, period: Period) -> list:
    """The intervention's sessions planned inside ``period`` (``costing.planned_dates``). Pure."""
    if start > period.end or (end is not None and end < period.start):
        return []
    return costing.planned_dates(days=days, start=max(start, period.start), end=end, terms=terms, until=period.end)


def share_cost(total: Decimal, weights: list[int], whole: int) -> list[Decimal]:
    """``total`` shared in proportion to ``weights`` out of ``whole``, to the penny (``costing.share_by_sessions``);
    when the weights are the whole, the last share takes the rounding remainder so that the shares add up to
    ``total`` exactly. Pure.

    >>> share_cost(Decimal("100"), [1, 1, 1], 3)
    [Decimal('33.33'), Decimal('33.33'), Decimal('33.34')]
    """
    return costing.share_by_sessions(total, weights, whole)


def frequency_text(days: list[int], minutes: int, wave: int) -> str:
    if not days:
        return "Ongoing" if wave == 1 else f"{minutes} min, no days set"
    return f"{len(days)} x {minutes} min a week"


def _year_label(year: int) -> str:
    return YEAR_GROUP_LABELS.get(year, f"Year {year}")


def _need_row(primary_need: str) -> tuple[str, str]:
    if not primary_need:
        return NO_NEED
    area = need_area(primary_need)
    return area, AREA_LABELS[area]


def _row_sort_key(view: str, key: str, sort_hint) -> tuple:
    if view == "year":
        return (0, sort_hint) if key != "all" else (1, 0)
    if view == "class":
        return (0, sort_hint) if key not in ("all", "none", "unknown") else (1, key)
    if view == "need":
        return (NEED_ORDER.index(key) if key in NEED_ORDER else 99,)
    return (key == "all", str(sort_hint).lower())


def pupil_matches(pupil: dict, filters: MapFilters) -> bool:
    """Whether a pupil (a dict with ``primary_need``, ``pupil_premium``, ``sen_status``) passes the pupil filters."""
    if filters.need_area and (not pupil["primary_need"] or need_area(pupil["primary_need"]) != filters.need_area):
        return False
    if filters.pupil_premium is not None and bool(pupil["pupil_premium"]) != filters.pupil_premium:
        return False
    if filters.sen_status == "any":
        return pupil["sen_status"] in ("K", "E")
    return not (filters.sen_status and pupil["sen_status"] != filters.sen_status)


def has_pupil_filters(filters: MapFilters) -> bool:
    return bool(filters.need_area or filters.pupil_premium is not None or filters.sen_status)


def _pupil_row(view: str, pupil: dict, intervention: dict) -> tuple[str, str, object]:
    """(key, label, sort hint) of the row a pupil of ``intervention`` falls in."""
    if view == "year":
        return str(pupil["year_group"]), _year_label(pupil["year_group"]), pupil["year_group"]
    if view == "class":
        if pupil.get("class_unknown"):
            return CLASS_UNKNOWN[0], CLASS_UNKNOWN[1], 0
        if not pupil["class_id"] and not pupil["class_name"]:
            return NO_CLASS[0], NO_CLASS[1], 0
        key = str(pupil["class_id"]) if pupil["class_id"] else f"name-{pupil['class_name'].casefold()}"
        return key, pupil["class_name"], (pupil["class_year"] or 0, pupil["class_name"])
    if view == "need":
        key, label = _need_row(pupil["primary_need"])
        return key, label, key
    return _subject_row(intervention)


def _subject_row(intervention: dict) -> tuple[str, str, object]:
    if intervention["subject_id"]:
        return f"subject-{intervention['subject_id']}", intervention["subject_name"], intervention["subject_name"]
    return intervention["area"], intervention["area_label"], intervention["area_label"]


def _own_rows(view: str, intervention: dict, classes: list[dict]) -> list[tuple[str, str, object]]:
    """The rows of an intervention without pupils in the period (wave 1 strategies, groups still to be filled)."""
    years = sorted(intervention["year_groups"] or [])
    if view == "year":
        rows = [(str(year), _year_label(year), year) for year in years]
    elif view == "class":
        rows = [
            (str(c["id"]), c["name"], (c["year_group"] or 0, c["name"])) for c in classes if c["year_group"] in years
        ]
    elif view == "need":
        area = intervention["need_area"]
        rows = [(area, AREA_LABELS.get(area, area), area)] if area else []
    else:
        rows = [_subject_row(intervention)]
    return rows or [(WHOLE_SCHOOL[0], WHOLE_SCHOOL[1], 999)]


def assemble_map(
    *,
    school_name: str,
    period: Period,
    view: str,
    filters: MapFilters,
    interventions: list[dict],
    pupils_by_intervention: dict[int, list[dict]],
    classes: list[dict],
    costs: dict[int, Decimal],
    year_groups: list[int] | None = None,
    past: bool = False,
) -> ProvisionMap:
    """Group interventions (plain dicts, see ``build_map``) and their pupils in the period into the map. Pure.

    ``pupils_by_intervention`` holds every pupil of each intervention in the period (unfiltered: the whole is the
    denominator of the cost shares), each with the year group and class they were in then and ``sessions``, the
    sessions planned for their stay in the period; ``costs`` the period cost of each intervention;
    ``year_groups`` the rows the year view always shows, even empty; ``past`` whether the period is over.
    """
    rows: dict[str, dict] = {}

    def row(key: str, label: str, hint) -> dict:
        if key not in rows:
            rows[key] = {"label": label, "hint": hint, "cells": {wave: Cell() for wave in WAVES}, "pupils": set()}
        return rows[key]

    if view == "year":
        for year in year_groups or []:
            row(str(year), _year_label(year), year)
    pupil_filtered = has_pupil_filters(filters)
    wave_pupils: dict[int, set] = {wave: set() for wave in WAVES}
    for intervention in interventions:
        if filters.subject_id and intervention["subject_id"] != filters.subject_id:
            continue
        if filters.area and intervention["area"] != filters.area:
            continue
        everyone = pupils_by_intervention.get(intervention["id"], [])
        matching = [p for p in everyone if pupil_matches(p, filters)]
        if pupil_filtered and not matching:
            continue
        if everyone:
            groups: dict[str, tuple[str, object, list[dict]]] = {}
            for pupil in matching:
                key, label, hint = _pupil_row(view, pupil, intervention)
                groups.setdefault(key, (label, hint, []))[2].append(pupil)
            keys = list(groups)
            # Shared by the sessions planned for each pupil's stay in the period (one each when nobody has any).
            by_sessions = any(p.get("sessions", 1) for p in everyone)
            weight = (lambda p: p.get("sessions", 1)) if by_sessions else (lambda p: 1)
            shares = share_cost(
                costs[intervention["id"]],
                [sum(weight(p) for p in groups[k][2]) for k in keys],
                sum(weight(p) for p in everyone),
            )
        else:
            own = _own_rows(view, intervention, classes)
            groups = {key: (label, hint, []) for key, label, hint in own}
            keys = list(groups)
            shares = share_cost(costs[intervention["id"]], [1] * len(keys), len(keys))
        wave = intervention["wave"] if intervention["wave"] in WAVES else 2
        size = DELIVERY_SIZES.get(intervention["delivery"] or "")
        if size is None:
            size = (
                "Whole class" if wave == 1 and not everyone else f"Group of {len(everyone) or intervention['capacity']}"
            )
        for key, share in zip(keys, shares, strict=True):
            label, hint, pupils = groups[key]
            target = row(key, label, hint)
            ids = {p["id"] for p in pupils}
            target["pupils"] |= ids
            wave_pupils[wave] |= ids
            target["cells"][wave].provisions.append(
                Provision(
                    intervention_id=intervention["id"],
                    name=intervention["name"],
                    programme=intervention["programme"],
                    wave=wave,
                    status=intervention["status"],
                    status_label=intervention["status_label"],
                    staff_roles=intervention["staff_roles"],
                    staff_names=intervention["staff_names"],
                    frequency=frequency_text(intervention["days"], intervention["minutes"], wave),
                    group_size=size,
                    pupil_count=len(ids),
                    pupil_names=sorted(p["name"] for p in pupils),
                    cost=share,
                    funding_source=intervention["funding_source"],
                    funding_label=intervention["funding_label"],
                    start_date=intervention["start_date"],
                    end_date=intervention["end_date"],
                )
            )
    built = []
    for key, data in sorted(rows.items(), key=lambda item: _row_sort_key(view, item[0], item[1]["hint"])):
        for cell in data["cells"].values():
            cell.provisions.sort(key=lambda p: (p.name.lower(), p.intervention_id))
        cost = sum((cell.cost for cell in data["cells"].values()), Decimal("0"))
        built.append(Row(key=key, label=data["label"], cells=data["cells"], pupil_count=len(data["pupils"]), cost=cost))
    wave_costs = {wave: sum((r.cells[wave].cost for r in built), Decimal("0")) for wave in WAVES}
    funding: dict[str, Decimal] = {}
    for r in built:
        for cell in r.cells.values():
            for provision in cell.provisions:
                funding[provision.funding_label] = funding.get(provision.funding_label, Decimal("0")) + provision.cost
    total = sum(wave_costs.values(), Decimal("0"))
    targeted = wave_costs[2] + wave_costs[3]
    everyone_in = wave_pupils[2] | wave_pupils[3] | wave_pupils[1]

    def per_pupil(cost: Decimal, pupils: int) -> Decimal | None:
        return (cost / pupils).quantize(PENNY) if pupils else None

    return ProvisionMap(
        school_name=school_name,
        period=period,
        view=view,
        rows=built,
        wave_costs=wave_costs,
        wave_pupils={wave: len(ids) for wave, ids in wave_pupils.items()},
        funding_costs=dict(sorted(funding.items())),
        total_cost=total,
        pupils_in_provision=len(everyone_in),
        cost_per_pupil=per_pupil(targeted, len(wave_pupils[2] | wave_pupils[3])),
        wave_cost_per_pupil={wave: per_pupil(wave_costs[wave], len(wave_pupils[wave])) for wave in (2, 3)},
        targeted_cost=targeted,
        wave1_strategies=len({p.intervention_id for r in built for p in r.cells[1].provisions}),
        wave1_reach=[r.label for r in built if r.cells[1].provisions],
        past=past,
    )


# --- The queries ----------------------------------------------------------------------------------------


def build_map(
    *,
    user,
    school,
    period: Period,
    view: str = "year",
    filters: MapFilters | None = None,
    today: dt.date | None = None,
) -> ProvisionMap:
    """The provision map of ``school`` for ``period``, as ``user`` reads it (``MAP_SCOPE``). Six queries whatever
    the school's size (interventions overlapping the period, their staff, placements overlapping the period with
    their pupils, those pupils' recorded past classes, staff rates, terms), plus one for the classes in the class
    view. ``today`` places pupils who have left (their year group is the one they left in) and decides whether the
    period is past."""
    if view not in VIEWS:
        raise ValueError(f"Unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    today = today or timezone.localdate()
    interventions, placed = _overlapping(user, school, period)
    placements = list(
        placed.values("intervention_id", "entry_date", "exit_date", *PUPIL_FIELDS).order_by("entry_date", "pk")
    )
    history = _past_classes(user, school, placed)
    rates = {rate.role: rate.hourly_rate for rate in StaffRate.objects.filter(school=school)}
    terms = school_calendar(school)  # school days: the terms less their closures (half-terms, INSET days)
    registration = TeachingGroup.objects.filter(school=school, kind=TeachingGroup.Kind.REGISTRATION)
    records, costs, runs = [], {}, {}
    for intervention in interventions:
        record, costs[intervention.pk], runs[intervention.pk] = _costed(intervention, rates, terms, period)
        records.append(record)
    by_id = {intervention.pk: intervention for intervention in interventions}
    return assemble_map(
        school_name=school.name,
        period=period,
        view=view,
        filters=filters or MapFilters(),
        interventions=records,
        pupils_by_intervention=_pupils_in_period(placements, by_id, runs, history, period=period, today=today),
        classes=list(registration.values("id", "name", "year_group")) if view == "class" else [],
        costs=costs,
        year_groups=list(school.year_groups),
        past=period.end < today,
    )


def _overlapping(user, school, period: Period) -> tuple[list[Intervention], QuerySet[Placement]]:
    """The interventions overlapping the period, with their staff (two queries), and the placements overlapping
    it in groups overlapping it (a queryset), as ``user`` reads the map."""
    overlapping = Q(start_date__lte=period.end) & (Q(end_date__isnull=True) | Q(end_date__gte=period.start))
    interventions = list(
        Intervention.objects.visible_to(user, school, policy=MAP_SCOPE)
        .filter(overlapping)
        .select_related("programme", "lead", "subject")
        .prefetch_related(Prefetch("staff", queryset=InterventionStaff.objects.select_related("user")))
        .order_by("name", "pk")
    )
    placed = (
        Placement.objects.visible_to(user, school, policy=MAP_SCOPE)
        .filter(entry_date__lte=period.end)
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=period.start))
        .filter(intervention__start_date__lte=period.end)
        .filter(Q(intervention__end_date__isnull=True) | Q(intervention__end_date__gte=period.start))
    )
    return interventions, placed


def _past_classes(user, school, placed: QuerySet[Placement]) -> dict[int, list[tuple]]:
    """The recorded past classes of the placed pupils, by pupil: (since, until, (class id, name, year group)).
    One query."""
    past_classes = PastClass.objects.visible_to(user, school, policy=MAP_SCOPE).filter(
        pupil_id__in=placed.values("pupil_id")
    )
    history: dict[int, list[tuple]] = {}
    for pupil_id, since, until, group_id, name, year in past_classes.values_list(
        "pupil_id", "since", "until", "group_id", "name", "year_group"
    ):
        history.setdefault(pupil_id, []).append((since, until, (group_id, name, year)))
    return history


# What the map reads of each placed pupil (one ``values()`` row with the placement's own dates).
PUPIL_FIELDS = (
    "pupil_id",
    "pupil__year_group",
    "pupil__left_on",
    "pupil__registration_group_id",
    "pupil__registration_group__name",
    "pupil__registration_group__year_group",
    "pupil__primary_need",
    "pupil__pupil_premium",
    "pupil__sen_status",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
)


def _costed(intervention: Intervention, rates: dict, terms, period: Period) -> tuple[dict, Decimal, list]:
    """An intervention as the plain dict ``assemble_map`` reads, its cost for the period (``period_cost``) and the
    sessions planned inside the period: what the period's staff time costs, and what pupils' stays count against.
    No queries (its staff are prefetched)."""
    staff = list(intervention.staff.all())
    names = [member.name for member in staff]
    roles = [member.role for member in staff]
    days = list(intervention.days or [])
    start, end = intervention.start_date, intervention.end_date
    runs = sessions_in_period(days=days, start=start, end=end, terms=terms, period=period)
    cost = period_cost(
        days=days,
        start=start,
        end=end,
        minutes=intervention.minutes_per_session,
        staff=list(zip(names, roles, strict=True)),
        rates=rates,
        resources=intervention.resources_cost,
        external=intervention.external_cost,
        terms=terms,
        period=period,
        external_by_fee=intervention.external_by_fee,
    ).total
    return _record(intervention, names=names, roles=roles), cost, runs


_STATUS_LABELS, _ROLE_LABELS = dict(Status.choices), dict(StaffRole.choices)
_AREA_LABELS, _FUNDING_LABELS = dict(Area.choices), dict(FundingSource.choices)


def _record(intervention: Intervention, *, names: list[str], roles: list[str]) -> dict:
    programme = intervention.programme if intervention.programme_id else None
    return {
        "id": intervention.pk,
        "name": intervention.name,
        "programme": programme.name if programme else "",
        "delivery": programme.delivery if programme else "",
        "wave": intervention.wave,
        "status": intervention.status,
        "status_label": _STATUS_LABELS.get(intervention.status, intervention.status),
        "staff_roles": sorted({_ROLE_LABELS.get(role, role) for role in roles}),
        "staff_names": names,
        "days": list(intervention.days or []),
        "minutes": intervention.minutes_per_session,
        "capacity": intervention.capacity,
        "subject_id": intervention.subject_id,
        "subject_name": intervention.subject.name if intervention.subject_id else "",
        "area": intervention.area,
        "area_label": _AREA_LABELS.get(intervention.area, intervention.area),
        "need_area": intervention.need_area,
        "year_groups": list(intervention.year_groups or []),
        "funding_source": intervention.funding_source,
        "funding_label": _FUNDING_LABELS.get(intervention.funding_source, intervention.funding_source),
        "start_date": intervention.start_date,
        "end_date": intervention.end_date,
    }


def _pupils_in_period(
    placements: list[dict], by_id: dict, runs: dict, history: dict, *, period: Period, today: dt.date
) -> dict[int, list[dict]]:
    """Every pupil of each intervention in the period, placed as they were at the start of their stay in it, with
    the sessions planned for their stay (a pupil who left and rejoined within the period: both stays')."""
    found: dict[int, dict[int, dict]] = {}
    for p in placements:
        intervention = by_id.get(p["intervention_id"])
        if intervention is None:
            continue
        sessions = costing.sessions_in_stay(
            runs[intervention.pk], entry=p["entry_date"], exit=p["exit_date"], until=period.end
        )
        group = found.setdefault(p["intervention_id"], {})
        if p["pupil_id"] in group:
            group[p["pupil_id"]]["sessions"] += sessions
            continue
        on = max(p["entry_date"], intervention.start_date, period.start)
        group[p["pupil_id"]] = _pupil_then(p, on=on, history=history.get(p["pupil_id"], []), today=today)
        group[p["pupil_id"]]["sessions"] = sessions
    return {pk: list(pupils.values()) for pk, pupils in found.items()}


def _pupil_then(p: dict, *, on: dt.date, history: list[tuple], today: dt.date) -> dict:
    """A placed pupil (a ``values()`` row of ``PUPIL_FIELDS``) with the year group and class they were in ``on``."""
    left_on = p["pupil__left_on"]
    now = min(left_on, today) if left_on else today
    current = (
        p["pupil__registration_group_id"],
        p["pupil__registration_group__name"] or "",
        p["pupil__registration_group__year_group"],
    )
    then = class_on(on, current=current, history=history, now=now, unknown=UNKNOWN)
    first = p["pupil__preferred_first_name"] or p["pupil__legal_first_name"]
    last = p["pupil__preferred_last_name"] or p["pupil__legal_last_name"]
    return {
        "id": p["pupil_id"],
        "name": f"{last}, {first}",
        "year_group": year_group_on(p["pupil__year_group"], on, today=today, left_on=left_on),
        "class_unknown": then is UNKNOWN,
        "class_id": None if then is UNKNOWN else then[0],
        "class_name": "" if then is UNKNOWN else then[1],
        "class_year": None if then is UNKNOWN else then[2],
        "primary_need": p["pupil__primary_need"],
        "pupil_premium": p["pupil__pupil_premium"],
        "sen_status": p["pupil__sen_status"],
    }


UNKNOWN = object()  # a past class nobody recorded
