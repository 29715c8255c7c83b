"""Wave 1: strategies in everyday teaching for a whole year group, led by its class teacher; no groups or
sessions to log."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from demo.build.calendar import years_label
from demo.build.state import Group, Provision
from demo.scenarios.calendar import term_dates
from interventions.models import FundingSource, Intervention, InterventionStaff, StaffRole, Status, Wave
from provision.models import TermName
from pupils import reference

# A strategy: (name, area, need area) for one year group this year, or with the year groups for last year's trials.
Strategy = tuple[str, str, str]
Trial = tuple[str, str, str, tuple[int, ...]]


def everyday_teaching(prov: Provision, *, this_year: dict[int, list[Strategy]], last_year: list[Trial]) -> None:
    """Strategies in everyday teaching for each year group this year (no end date), and a trial or two from
    last year that ran from spring to the end of the summer."""
    autumn_start = term_dates(start_year=prov.frame.start_year)[TermName.AUTUMN][0]
    last = term_dates(start_year=prov.frame.start_year - 1)
    rows = [
        (name, area, need_area, (year,), autumn_start, None)
        for year, strategies in this_year.items()
        for name, area, need_area in strategies
    ]
    rows += [
        (name, area, need_area, years, last[TermName.SPRING][0], last[TermName.SUMMER][1])
        for name, area, need_area, years in last_year
    ]
    sizes = Counter(pupil.year_group for pupil in prov.pupils)
    for row in rows:
        prov.groups.append(_strategy(prov, sizes, *row))


def _strategy(
    prov: Provision,
    sizes: Counter,
    name: str,
    area: str,
    need_area: str,
    years: tuple[int, ...],
    start: dt.date,
    end: dt.date | None,
) -> Group:
    rng = prov.rng
    status = Status.PLANNED if start > prov.today else Status.RUNNING if end is None else Status.COMPLETED
    lead = prov.year_teacher.get(years[0]) or (
        prov.teachers[rng.randrange(len(prov.teachers))] if prov.teachers else None
    )
    year = reference.academic_year_start(start)
    when = f" ({year}/{(year + 1) % 100:02d})" if end else ""
    intervention = Intervention(
        school=prov.school,
        name=f"{name}: {years_label(years)}{when}",
        wave=Wave.QUALITY_FIRST,
        area=area,
        need_area=need_area,
        year_groups=list(years),
        lead=lead,
        days=[],
        minutes_per_session=0,
        start_date=start,
        end_date=end,
        status=status,
        capacity=sum(sizes[year] for year in years),
        resources_cost=Decimal(rng.choice((0, 0, 25, 40, 75))),
        funding_source=FundingSource.OTHER,
        notes="Part of everyday teaching: no groups or sessions to log.",
    )
    staff = [InterventionStaff(intervention=intervention, user=lead, role=StaffRole.TEACHER)] if lead else []
    return Group(recipe=None, intervention=intervention, staff=staff, placements=[], last_day=None)
