"""build_map against hand-computed numbers for a small fixture school, and its pure helpers.

The fixture school (terms from tests.factories.school_year: autumn 02/09-18/12/2026, spring 05/01-26/03/2027),
rates TA £15/h, teacher £30/h:

- Reading boost (wave 2, Mon/Wed/Fri 30 min, 14/09-11/12/2026, one TA, resources £60, pupil premium funding):
  13 weeks x 3 = 39 sessions, all in autumn; 39 x 30 / 60 = 19.5 h x £15 = £292.50 + £60 = £352.50.
  Pupils: Ann and Ben (Year 3, class 3B, Ann has pupil premium) and Cal (Year 4, class 4A).
  Shared by pupils: Year 3 2/3 = £235.00, Year 4 1/3 = £117.50.
- Speech 1:1 (wave 3, Tuesdays 60 min, 01/12/2026-26/01/2027, a teacher, external £100, SEN notional budget):
  autumn Tuesdays 01/12, 08/12, 15/12 = 3; spring 05/01, 12/01, 19/01, 26/01 = 4; 7 in all.
  Autumn: 3 h x £30 = £90 + £100 x 3/7 = £42.86 -> £132.86. Spring: 4 h x £30 = £120 + £57.14 = £177.14.
  Pupil: Dee (Year 4, class 4A, SEN support, primary need SLCN: communication and interaction).
- Visual timetables (wave 1, no sessions, Years 3 and 4, from 02/09/2026 with no end, resources £40, need area
  CI): no end date, so its £40 falls whole in the period holding its start (autumn), £20 to each year group.
- Spring phonics (wave 2, 11/01-26/03/2027): outside the autumn term, so not on the autumn map.

Autumn, year view: Year 3 £20 + £235 = £255.00; Year 4 £20 + £117.50 + £132.86 = £270.36; waves £40 /
£352.50 / £132.86; total £525.36. Cost per pupil leaves wave 1 apart (it has no places): wave 2 £352.50 / 3 =
£117.50, wave 3 £132.86 / 1, waves 2 and 3 £485.36 / 4 pupils = £121.34.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from interventions.models import InterventionStaff, StaffRate
from provision.access import roles_of
from provision.models import Term
from reports.maps.build import (
    MapFilters,
    Period,
    build_map,
    period_cost,
    period_for_term,
    period_for_year,
    share_cost,
)
from tests import factories as f

D = Decimal


@pytest.fixture
def fixture_school(db):
    school = f.SchoolFactory(name="Ash Primary")
    year = f.school_year(school)
    StaffRate.objects.create(school=school, role="ta", hourly_rate=D("15"))
    StaffRate.objects.create(school=school, role="teacher", hourly_rate=D("30"))
    ta = f.staff(school, "ta", first_name="Tia", last_name="Assistant")
    teacher = f.staff(school, "teacher", first_name="Tom", last_name="Teacher")
    c3 = f.TeachingGroupFactory(school=school, name="3B", year_group=3)
    c4 = f.TeachingGroupFactory(school=school, name="4A", year_group=4)
    reading = f.SubjectFactory(school=school, name="Reading")
    ann = f.PupilFactory(
        school=school, legal_first_name="Ann", legal_last_name="Ash", registration_group=c3, pupil_premium=True
    )
    ben = f.PupilFactory(school=school, legal_first_name="Ben", legal_last_name="Birch", registration_group=c3)
    cal = f.PupilFactory(
        school=school, legal_first_name="Cal", legal_last_name="Cedar", year_group=4, registration_group=c4
    )
    dee = f.PupilFactory(
        school=school, legal_first_name="Dee", legal_last_name="Dogwood", year_group=4, registration_group=c4,
        sen_status="K", primary_need="SLCN",
    )  # fmt: skip
    boost = f.InterventionFactory(
        school=school, name="Reading boost", subject=reading, resources_cost=D("60"), funding_source="pupil_premium"
    )
    InterventionStaff.objects.create(intervention=boost, user=ta, role="ta")
    for pupil in (ann, ben, cal):
        f.PlacementFactory(intervention=boost, pupil=pupil)
    speech = f.InterventionFactory(
        school=school, name="Speech 1:1", wave=3, area="language", days=[1], minutes_per_session=60,
        start_date=dt.date(2026, 12, 1), end_date=dt.date(2027, 1, 26), external_cost=D("100"),
        funding_source="sen_notional", capacity=1,
    )  # fmt: skip
    InterventionStaff.objects.create(intervention=speech, user=teacher, role="teacher")
    f.PlacementFactory(intervention=speech, pupil=dee)
    f.InterventionFactory(
        school=school, name="Visual timetables", wave=1, area="social", need_area="CI", days=[], year_groups=[3, 4],
        start_date=dt.date(2026, 9, 2), end_date=None, resources_cost=D("40"),
    )  # fmt: skip
    f.InterventionFactory(
        school=school, name="Spring phonics", area="phonics", start_date=dt.date(2027, 1, 11),
        end_date=dt.date(2027, 3, 26), status="planned",
    )  # fmt: skip
    autumn = Term.objects.get(academic_year=year, name="autumn")
    spring = Term.objects.get(academic_year=year, name="spring")
    # The TA reads the map: it is a whole-school picture, groups they do not run included (MAP_SCOPE).
    return {"school": school, "year": year, "autumn": autumn, "spring": spring, "reading": reading, "ta": ta}


def _cells(pmap, row_key):
    row = next(r for r in pmap.rows if r.key == row_key)
    return {wave: [(p.name, p.pupil_count, p.cost) for p in cell.provisions] for wave, cell in row.cells.items()}


def _row(pmap, key):
    return next(r for r in pmap.rows if r.key == key)


def test_year_view_totals_match_the_hand_computed_numbers(fixture_school):
    pmap = build_map(
        user=fixture_school["ta"], school=fixture_school["school"], period=period_for_term(fixture_school["autumn"])
    )
    assert pmap.period.label == "Autumn 2026/27"
    assert [r.key for r in pmap.rows] == ["0", "1", "2", "3", "4", "5", "6"]  # every year group, even empty
    assert _cells(pmap, "3") == {
        1: [("Visual timetables", 0, D("20.00"))],
        2: [("Reading boost", 2, D("235.00"))],
        3: [],
    }
    assert _cells(pmap, "4") == {
        1: [("Visual timetables", 0, D("20.00"))],
        2: [("Reading boost", 1, D("117.50"))],
        3: [("Speech 1:1", 1, D("132.86"))],
    }
    assert _row(pmap, "3").cost == D("255.00") and _row(pmap, "3").pupil_count == 2
    assert _row(pmap, "4").cost == D("270.36") and _row(pmap, "4").pupil_count == 2
    assert pmap.wave_costs == {1: D("40.00"), 2: D("352.50"), 3: D("132.86")}
    assert pmap.wave_pupils == {1: 0, 2: 3, 3: 1}
    assert pmap.funding_costs == {"Other": D("40.00"), "Pupil premium": D("352.50"), "SEN notional budget": D("132.86")}
    assert pmap.total_cost == D("525.36")
    assert pmap.pupils_in_provision == 4
    assert pmap.cost_per_pupil == D("121.34")  # (352.50 + 132.86) / 4: wave 1 apart
    assert pmap.wave_cost_per_pupil == {2: D("117.50"), 3: D("132.86")}
    assert pmap.targeted_cost == D("485.36")
    assert (pmap.wave1_strategies, pmap.wave1_reach) == (1, ["Year 3", "Year 4"])
    boost = _row(pmap, "3").cells[2].provisions[0]
    assert boost.staff_roles == ["Teaching assistant"] and boost.staff_names == ["Tia Assistant"]
    assert boost.pupil_names == ["Ash, Ann", "Birch, Ben"]
    assert boost.frequency == "3 x 30 min a week" and boost.status == "running"
    assert _row(pmap, "3").cells[1].provisions[0].frequency == "Ongoing"
    assert _row(pmap, "3").cells[1].provisions[0].group_size == "Whole class"


def test_period_clipping_spring_and_whole_year(fixture_school):
    school = fixture_school["school"]
    spring = build_map(user=fixture_school["ta"], school=school, period=period_for_term(fixture_school["spring"]))
    # Speech 1:1 in spring: 4 h x £30 + £100 x 4/7 = £177.14; Spring phonics has no staff, no pupils, no costs.
    assert _cells(spring, "4")[3] == [("Speech 1:1", 1, D("177.14"))]
    assert spring.total_cost == D("177.14")
    assert "Reading boost" not in {p.name for r in spring.rows for c in r.cells.values() for p in c.provisions}
    # The timetables run on with no end date, but their resources were counted in autumn.
    assert _cells(spring, "3")[1] == [("Visual timetables", 0, D("0.00"))]
    year = build_map(user=fixture_school["ta"], school=school, period=period_for_year(fixture_school["year"]))
    # 352.50 + (132.86 + 177.14 = 310.00) + 40 = 702.50: the terms add up to the year.
    assert year.total_cost == D("702.50")
    assert year.period.label == "2026/27"


def test_class_view_puts_wave_1_in_the_classes_of_its_year_groups(fixture_school):
    pmap = build_map(
        user=fixture_school["ta"],
        school=fixture_school["school"],
        period=period_for_term(fixture_school["autumn"]),
        view="class",
    )
    assert [r.label for r in pmap.rows] == ["3B", "4A"]
    assert [r.cost for r in pmap.rows] == [D("255.00"), D("270.36")]
    assert pmap.total_cost == D("525.36")


def test_need_view_rows_by_broad_area(fixture_school):
    pmap = build_map(
        user=fixture_school["ta"],
        school=fixture_school["school"],
        period=period_for_term(fixture_school["autumn"]),
        view="need",
    )
    assert [r.key for r in pmap.rows] == ["CI", "NONE"]
    # CI: the timetables (need area CI, £40 whole) and Dee's speech (SLCN) £132.86.
    assert _row(pmap, "CI").cost == D("172.86")
    assert _cells(pmap, "NONE")[2] == [("Reading boost", 3, D("352.50"))]
    assert pmap.total_cost == D("525.36")


def test_subject_view_rows_by_subject_or_area(fixture_school):
    pmap = build_map(
        user=fixture_school["ta"],
        school=fixture_school["school"],
        period=period_for_term(fixture_school["autumn"]),
        view="subject",
    )
    assert {r.label: r.cost for r in pmap.rows} == {
        "Reading": D("352.50"),
        "Social communication": D("40.00"),
        "Speech and language": D("132.86"),
    }


@pytest.mark.parametrize(
    ("filters", "expected_total", "names"),
    [
        # Ann alone has pupil premium: her third of the boost, 352.50 / 3 = 117.50; wave 1 has no pupils: gone.
        (MapFilters(pupil_premium=True), D("117.50"), {"Reading boost"}),
        (MapFilters(pupil_premium=False), D("235.00") + D("132.86"), {"Reading boost", "Speech 1:1"}),
        (MapFilters(sen_status="any"), D("132.86"), {"Speech 1:1"}),
        (MapFilters(sen_status="N"), D("352.50"), {"Reading boost"}),
        (MapFilters(need_area="CI"), D("132.86"), {"Speech 1:1"}),
        (MapFilters(area="social"), D("40.00"), {"Visual timetables"}),  # wave 1 stays for an area filter
        (MapFilters(area="phonics"), D("0"), set()),
    ],
)
def test_filters(fixture_school, filters, expected_total, names):
    pmap = build_map(
        user=fixture_school["ta"],
        school=fixture_school["school"],
        period=period_for_term(fixture_school["autumn"]),
        filters=filters,
    )
    assert pmap.total_cost == expected_total
    assert {p.name for r in pmap.rows for c in r.cells.values() for p in c.provisions} == names


def test_subject_filter(fixture_school):
    filters = MapFilters(subject_id=fixture_school["reading"].pk)
    pmap = build_map(
        user=fixture_school["ta"],
        school=fixture_school["school"],
        period=period_for_term(fixture_school["autumn"]),
        filters=filters,
    )
    assert pmap.total_cost == D("352.50")
    assert pmap.pupils_in_provision == 3


def test_unknown_view_is_refused(fixture_school):
    with pytest.raises(ValueError):
        build_map(
            user=fixture_school["ta"],
            school=fixture_school["school"],
            period=period_for_term(fixture_school["autumn"]),
            view="colour",
        )


def test_empty_school(db):
    school = f.SchoolFactory()
    pmap = build_map(
        user=f.staff(school, "senco"),
        school=school,
        period=Period("2026/27", dt.date(2026, 9, 1), dt.date(2027, 7, 22)),
    )
    assert pmap.total_cost == 0 and pmap.cost_per_pupil is None and pmap.pupils_in_provision == 0


def test_build_map_queries_are_constant(django_assert_num_queries, db):
    def school_of(pupils: int, groups: int):
        school = f.SchoolFactory()
        f.school_year(school)
        for n in range(groups):
            intervention = f.InterventionFactory(school=school, wave=2 + n % 2)
            InterventionStaff.objects.create(intervention=intervention, external_name=f"Tutor {n}", role="external")
            for k in range(pupils // groups):
                f.PlacementFactory(intervention=intervention, pupil=f.PupilFactory(school=school, year_group=k % 7))
        return school

    period = Period("Autumn", dt.date(2026, 9, 2), dt.date(2026, 12, 18))
    small, large = school_of(20, 3), school_of(200, 30)
    readers = {school: f.staff(school, "senco") for school in (small, large)}
    for user in readers.values():
        roles_of(user)  # known for a signed-in user before the view runs (the middleware)
    for view, queries in (("year", 6), ("class", 7)):
        with django_assert_num_queries(queries):
            build_map(user=readers[small], school=small, period=period, view=view)
        with django_assert_num_queries(queries):
            pmap = build_map(user=readers[large], school=large, period=period, view=view)
    assert pmap.pupils_in_provision == 180  # 30 groups x (200 // 30 = 6) pupils


# --- Pure helpers ------------------------------------------------------------------------------------


def test_share_cost_adds_up_to_the_penny():
    assert share_cost(D("100"), [1, 1, 1], 3) == [D("33.33"), D("33.33"), D("33.34")]
    assert share_cost(D("100"), [1], 3) == [D("33.33")]  # a filtered part of the whole
    assert share_cost(D("100"), [], 3) == []
    assert share_cost(D("100"), [1], 0) == [D("0.00")]


def test_period_cost_apportions_resources_by_sessions():
    terms = [(dt.date(2026, 9, 2), dt.date(2026, 12, 18)), (dt.date(2027, 1, 5), dt.date(2027, 3, 26))]
    autumn = Period("Autumn", dt.date(2026, 9, 2), dt.date(2026, 12, 18))
    common = {
        "days": [1],
        "start": dt.date(2026, 12, 1),
        "end": dt.date(2027, 1, 26),
        "minutes": 60,
        "staff": [("Tom", "teacher")],
        "rates": {"teacher": D("30")},
        "resources": D("0"),
        "external": D("100"),
        "terms": terms,
    }
    cost = period_cost(period=autumn, **common)
    assert cost.sessions == 3 and cost.external == D("42.86") and cost.total == D("132.86")
    outside = period_cost(period=Period("Summer", dt.date(2027, 4, 13), dt.date(2027, 7, 21)), **common)
    assert outside.sessions == 0 and outside.total == 0
