"""The leaders' dashboard over Oak Primary's year 2026/27, seen on Wednesday 10 March 2027 (spring term):

* "Reading catch-up" (wave 2, autumn, completed): six Year 3 pupils gained 10-15 standardised points between the
  September and December reading tests while six similar Year 3 pupils without an intervention gained about
  nothing; 11 of 12 attendance marks present; £300 of resources;
* "Talk group" (wave 3, 11 January to 12 February, still "running": overdue): two Year 4 pupils with speech and
  language / autism needs, 3 of 4 attendance marks present (75%), no exit data;
* "Maths boost" (wave 2, all year, running, no session ever logged): a Year 4 pupil still in it, and a Year 3 pupil
  who left on 20 November without an exit result;
* "Visual timetables": a wave 1 strategy for Year 3, no places.

Oak's roll: 12 pupils in Year 3 (two with a specific learning difficulty), 6 in Year 4 (two with needs).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Attendance, Placement, Session
from provision.models import AcademicYear, Membership, Role, Term
from pupils.models import Result, ScaleKind, SenStatus
from reports.impact import evaluation
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2027, 3, 10, 12, 0)
SEPT, DEC, MARCH = dt.date(2026, 9, 10), dt.date(2026, 12, 7), dt.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def spring_day(time_machine):
    time_machine.move_to(TODAY, tick=False)


def _reading(school):
    subject = f.SubjectFactory(school=school, name="Reading")
    scale = f.ScaleFactory(
        school=school, name="Reading standardised", kind=ScaleKind.STANDARDISED, expected=100, high=115
    )
    points = [
        f.AssessmentFactory(school=school, subject=subject, scale=scale, name=name, taken_on=day)
        for name, day in (("September reading", SEPT), ("December reading", DEC), ("March reading", MARCH))
    ]
    return subject, scale, points


def _mark(intervention, day, placements, present):
    session = Session.objects.create(intervention=intervention, date=day, minutes=30)
    for placement, here in zip(placements, present, strict=True):
        Attendance.objects.create(
            session=session, placement=placement, present=here, absence_reason="" if here else "unwell"
        )


def make_oak(school, year3: list | tuple = ()) -> dict:
    """The school year of the module docstring at ``school`` (its terms must exist), topping ``year3`` up to 12
    pupils. Shared with the browser journey (tests/browser/test_dashboard_journey.py)."""
    subject, scale, points = _reading(school)
    year3 = list(year3)
    year3 += [
        f.PupilFactory(school=school, year_group=3, legal_last_name=f"Yearthree{i}") for i in range(12 - len(year3))
    ]
    for pupil in year3[3:5]:
        pupil.sen_status, pupil.primary_need = SenStatus.SUPPORT, "SPLD"
        pupil.save()
    year4 = [f.PupilFactory(school=school, year_group=4, legal_last_name=f"Yearfour{i}") for i in range(6)]
    for pupil, need in zip(year4[:2], ("SLCN", "ASD"), strict=True):
        pupil.sen_status, pupil.primary_need = SenStatus.SUPPORT, need
        pupil.save()

    # Reading catch-up: the last six Year 3 pupils (four with pupil premium); the first six are the comparison.
    catch_up = f.InterventionFactory(
        school=school, name="Reading catch-up", subject=subject, scale=scale, wave=2, status="completed",
        start_date=dt.date(2026, 9, 14), end_date=dt.date(2026, 12, 11), resources_cost=300,
    )  # fmt: skip
    treated, compared = year3[6:], year3[:6]
    placements = []
    for i, (pupil, entry, gain) in enumerate(
        zip(treated, (78, 80, 82, 79, 81, 83), (12, 14, 10, 15, 11, 13), strict=True)
    ):
        pupil.pupil_premium = i < 4
        pupil.save()
        before = Result.objects.create(pupil=pupil, assessment=points[0], value=entry, typed=str(entry))
        after = Result.objects.create(pupil=pupil, assessment=points[1], value=entry + gain, typed="")
        Result.objects.create(pupil=pupil, assessment=points[2], value=entry + gain + 1, typed="")
        placements.append(
            Placement.objects.create(
                intervention=catch_up,
                pupil=pupil,
                entry_date=dt.date(2026, 9, 14),
                exit_date=dt.date(2026, 12, 11),
                exit_reason="completed",
                entry_result=before,
                entry_value=entry,
                exit_result=after,
                exit_value=entry + gain,
            )  # fmt: skip
        )
    for pupil, entry, gain in zip(compared, (80, 82, 78, 84, 79, 81), (1, -1, 2, 0, -2, 1), strict=True):
        Result.objects.create(pupil=pupil, assessment=points[0], value=entry, typed="")
        Result.objects.create(pupil=pupil, assessment=points[1], value=entry + gain, typed="")
        Result.objects.create(pupil=pupil, assessment=points[2], value=101, typed="")
    _mark(catch_up, dt.date(2026, 9, 16), placements, [True] * 6)
    _mark(catch_up, dt.date(2026, 9, 18), placements, [True] * 5 + [False])

    talk = f.InterventionFactory(
        school=school, name="Talk group", wave=3, area="language", status="running",
        start_date=dt.date(2027, 1, 11), end_date=dt.date(2027, 2, 12),
    )  # fmt: skip
    talkers = [f.PlacementFactory(intervention=talk, pupil=pupil) for pupil in year4[:2]]
    _mark(talk, dt.date(2027, 1, 13), talkers, [True, True])
    _mark(talk, dt.date(2027, 1, 20), talkers, [True, False])

    maths = f.InterventionFactory(
        school=school, name="Maths boost", area="maths", status="running",
        start_date=dt.date(2026, 9, 14), end_date=dt.date(2027, 7, 9),
    )  # fmt: skip
    f.PlacementFactory(intervention=maths, pupil=year4[2])
    f.PlacementFactory(
        intervention=maths, pupil=year3[0], exit_date=dt.date(2026, 11, 20), exit_reason="moved", exit_value=None
    )
    f.InterventionFactory(
        school=school, name="Visual timetables", wave=1, area="social", days=[], year_groups=[3],
        start_date=dt.date(2026, 9, 2), end_date=None, status="running",
    )  # fmt: skip
    terms = {t.name: t for t in Term.objects.filter(academic_year__school=school)}
    return {
        "catch_up": catch_up, "talk": talk, "maths": maths, "subject": subject, "terms": terms,
        "year": AcademicYear.objects.get(school=school), "year3": year3, "year4": year4,
    }  # fmt: skip


@pytest.fixture
def oak(world):
    return make_oak(world.school, world.pupils)  # 3B: three Year 3 pupils already


def _get(client, user, name="reports:dashboard", **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def _rows(board, key):
    return {row["label"]: [cell["pupils"] for cell in row["cells"]] for row in board.breakdown[key]}


# --- Content -------------------------------------------------------------------------------------------------


def test_the_year_at_a_glance(client, world, oak):
    response = _get(client, world.users["leader"])
    assert response.status_code == 200
    board = response.context["board"]
    assert board.selection.label == "2026/27"  # the current academic year by default
    head = board.headline
    assert head["pupils"] == 10 and head["running"] == 4
    assert (head["with_exit"], head["finished"], round(head["pct_exit"])) == (6, 9, 67)

    assert _rows(board, "wave") == {"Wave 2: small-group catch-up": [8], "Wave 3: personalised": [2]}
    # Wave 1 has no places: its reach is the year groups and classes it covers (Year 3: its one class, 3B).
    assert [(r["strategies"], r["years"], r["year_count"], r["classes"], r["all_classes"]) for r in board.wave1] == [
        (1, ["Year 3"], 1, 1, 1)
    ]
    years = {row["label"]: row["cells"][0] for row in board.breakdown["year"]}
    assert (years["Year 3"]["pupils"], years["Year 3"]["base"], round(years["Year 3"]["pct"])) == (7, 12, 58)
    assert (years["Year 4"]["pupils"], years["Year 4"]["base"]) == (3, 6)
    needs = _rows(board, "need")
    assert needs["Speech, language and communication needs"] == [1] and needs["Autistic spectrum disorder"] == [1]
    assert needs["No SEN need recorded"] == [8]
    assert "SLCN" not in needs  # need words, not codes

    page = response.content.decode()
    assert "1 strategy covering 1 of 1 year group (Year 3) and 1 of 1 class" in page
    for heading in ("Pupils in provision", "Pupil premium and other pupils", "Interventions ranked by impact",
                    "Cost and impact", "Attendance", "Needs attention"):  # fmt: skip
        assert heading in page
    assert page.count('role="img"') >= 7  # every chart labelled for screen readers
    assert page.count("<figcaption>") >= 7 and page.count("<details>") >= 6  # each with a table alternative


def test_impact_ranking_links_and_verdicts(client, world, oak):
    board = _get(client, world.users["senco"]).context["board"]
    ranked = board.impact_rows
    assert [row["name"] for row in ranked] == ["Reading catch-up"]
    row = ranked[0]
    # Compared with six similar pupils, adjusted for where they started, on the SD of attainment.
    assert row["effect_kind"] == "g" and row["effect"] > 0.4 and row["n_comparison"] == 6
    assert row["low"] > 0 and row["verdict"]["key"] == "strong"
    assert row["link"] == {"url": reverse("reports:impact_intervention", args=[oak["catch_up"].pk]), "switch_to": None}
    assert {r["name"] for r in board.too_little} == {"Talk group", "Maths boost"}
    assert board.headline["strong"] == 1
    page = _get(client, world.users["senco"]).content.decode()
    assert f'href="{row["link"]["url"]}"' in page
    assert "Strong evidence of impact" in page
    # The verdict comes from the one place the rules live.
    assert evaluation.VERDICTS["strong"] in board.forest_chart


def test_cost_per_pupil_for_the_budget_holders(client, world, oak):
    board = _get(client, world.users["senco"]).context["board"]
    assert [(r["name"], r["cost_per_pupil_text"]) for r in board.cost_rows] == [("Reading catch-up", "£50")]
    assert "Cost per pupil against impact" in board.cost_chart


def test_attendance_per_intervention_with_the_low_flag(client, world, oak):
    board = _get(client, world.users["leader"]).context["board"]
    rows = {row["name"]: row for row in board.attendance_rows}
    assert (rows["Talk group"]["present"], rows["Talk group"]["marked"], rows["Talk group"]["pct_text"]) == (
        3,
        4,
        "75%",
    )
    assert rows["Talk group"]["below"] and not rows["Reading catch-up"]["below"]
    assert rows["Reading catch-up"]["pct_text"] == "92%"
    assert [row["name"] for row in board.attendance_rows][0] == "Talk group"  # lowest first
    assert board.low_attendance == evaluation.THRESHOLDS.low_attendance


def test_needs_attention(client, world, oak):
    board = _get(client, world.users["leader"]).context["board"]
    overdue = board.attention["overdue"]
    # Ended Friday 12 February; Wednesday 10 March is 18 school days on (26 calendar days): 15 February to 10 March.
    assert [(r["name"], r["days_over"]) for r in overdue] == [("Talk group", 18)]
    missing = {r["name"]: (r["missing"], r["finished"]) for r in board.attention["missing_exit"]}
    assert missing == {"Talk group": (2, 2), "Maths boost": (1, 1)}
    assert [r["name"] for r in board.attention["quiet"]] == ["Maths boost", "Talk group"]
    page = _get(client, world.users["leader"]).content.decode()
    assert "18 school days ago, still running" in page and "no session logged yet" in page


def test_a_term_narrows_everything(client, world, oak):
    autumn = _get(client, world.users["leader"], period=f"term-{oak['terms']['autumn'].pk}").context["board"]
    assert autumn.selection.label == "Autumn 2026/27"
    assert autumn.headline["pupils"] == 8  # the catch-up group and the maths group
    assert {r["name"] for r in autumn.attendance_rows} == {"Reading catch-up"}
    spring = _get(client, world.users["leader"], term=oak["terms"]["spring"].pk).context["board"]
    assert spring.headline["pupils"] == 3  # the talk group and the maths pupil still in
    assert _rows(spring, "wave")["Wave 3: personalised"] == [2]
    assert {r["name"] for r in spring.attendance_rows} == {"Talk group"}
    assert spring.impact_rows == []
    # The gap runs up to the end of the period: the March test is after the autumn term.
    assert [r["date"] for r in autumn.gap_rows] == [SEPT, DEC]
    assert [r["date"] for r in spring.gap_rows] == [SEPT, DEC, MARCH]


def test_gap_trend_and_the_subject_filter(client, world, oak):
    board = _get(client, world.users["leader"]).context["board"]
    assert board.selection.gap_subject == "Reading"
    march = board.gap_rows[-1]
    # In March the four pupil premium pupils (catch-up) are at 91-97: below 100; of the eight others who sat it,
    # the two catch-up pupils without pupil premium are below and the six compared are at 101.
    assert (march["n_pp"], march["pct_pp"]) == (4, "0%")
    assert (march["n_other"], march["pct_other"]) == (8, "75%")
    assert march["gap"] == "+75"

    maths = f.SubjectFactory(school=world.school, name="Maths")
    scale = f.ScaleFactory(school=world.school, name="Maths test", expected=100)
    test = f.AssessmentFactory(school=world.school, subject=maths, scale=scale, taken_on=dt.date(2027, 2, 1))
    for pupil in oak["year3"][6:]:
        Result.objects.create(pupil=pupil, assessment=test, value=110 if pupil.pupil_premium else 90, typed="")
    board = _get(client, world.users["leader"], subject=maths.pk).context["board"]
    assert board.selection.gap_subject == "Maths"
    assert [(r["pct_pp"], r["pct_other"], r["gap"]) for r in board.gap_rows] == [("100%", "0%", "\u2212100")]
    assert board.impact_rows == [] and board.headline["pupils"] == 0  # no maths group has a subject set


def test_other_schools_senco_sees_only_their_own_school(client, world, oak):
    response = _get(client, world.users["other_senco"])
    assert response.status_code == 200
    assert response.context["board"] is None  # Elm has no terms here
    assert "Reading catch-up" not in response.content.decode()
    assert "Oak Primary" not in response.content.decode()
    assert _get(client, world.users["other_senco"], school=world.school.pk).status_code == 404
    assert _get(client, world.users["other_senco"], term=oak["terms"]["autumn"].pk).status_code == 404


def test_unknown_filters_are_404(client, world, oak):
    leader = world.users["leader"]
    assert _get(client, leader, period="term-999999").status_code == 404
    assert _get(client, leader, year="abc").status_code == 404
    assert _get(client, leader, subject=999999).status_code == 404
    assert _get(client, leader, school=999999).status_code == 404


# --- A trust leader: several schools side by side ----------------------------------------------------------------


@pytest.fixture
def trust_leader(world, oak):
    elm = world.other_school
    f.school_year(elm)
    _reading(elm)
    group = f.InterventionFactory(school=elm, name="Elm literacy", start_date=dt.date(2026, 9, 14), status="running")
    for i in range(3):
        f.PlacementFactory(
            intervention=group, pupil=f.PupilFactory(school=elm, year_group=8, legal_last_name=f"Elm{i}")
        )
    user = f.staff(world.school, Role.LEADER, username="trustleader")
    Membership.objects.create(user=user, school=elm, role=Role.LEADER)
    return user


def test_trust_leader_sees_schools_side_by_side(client, world, oak, trust_leader):
    response = _get(client, trust_leader, school="all", period=f"term-{oak['terms']['autumn'].pk}")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.selection.side_by_side and list(board.names.values()) == ["Elm Academy", "Oak Primary"]
    # Each school's own autumn term.
    assert {name: period.label for name, period in board.selection.dated} == {
        "Elm Academy": "Autumn 2026/27", "Oak Primary": "Autumn 2026/27",
    }  # fmt: skip
    assert _rows(board, "wave")["Wave 2: small-group catch-up"] == [3, 8]  # Elm, Oak
    years = _rows(board, "year")
    assert years["Year 8"] == [3, 0] and years["Year 3"] == [0, 7]
    assert board.headline["pupils"] == 11
    assert [name for name, _ in board.per_school_headline] == ["Elm Academy", "Oak Primary"]
    page = response.content.decode()
    assert "All my schools side by side" in page and "Elm literacy" in page
    assert page.count('<th scope="col" class="text-end">Elm Academy</th>') >= 3  # a column per school


def test_trust_leader_opens_one_school_and_links_switch_school(client, world, oak, trust_leader):
    board = _get(client, trust_leader, school=world.other_school.pk).context["board"]
    assert list(board.names.values()) == ["Elm Academy"] and board.headline["pupils"] == 3
    side = _get(client, trust_leader, school="all").context["board"]
    catch_up = next(r for r in side.impact_rows + side.too_little if r["name"] == "Reading catch-up")
    elm = next(r for r in side.impact_rows + side.too_little if r["name"] == "Elm literacy")
    # The current school is Elm (first by name): Oak's row switches school before opening the impact page.
    current = trust_leader.memberships.order_by("school__name").first().school_id
    assert (catch_up["link"]["switch_to"] is None) == (world.school.pk == current)
    assert (elm["link"]["switch_to"] is None) == (world.other_school.pk == current)


# --- Queries ------------------------------------------------------------------------------------------------------


def _more_groups(school, count, subject, scale, points):
    """``count`` more measured groups at ``school``, each with three pupils, sessions and attendance."""
    for n in range(count):
        group = f.InterventionFactory(
            school=school, name=f"Extra {n}", subject=subject, scale=scale, status="completed",
            start_date=dt.date(2026, 9, 14), end_date=dt.date(2026, 12, 11),
        )  # fmt: skip
        placements = []
        for i in range(3):
            pupil = f.PupilFactory(school=school, year_group=5, legal_last_name=f"Extra{n}x{i}")
            before = Result.objects.create(pupil=pupil, assessment=points[0], value=85 + i, typed="")
            after = Result.objects.create(pupil=pupil, assessment=points[1], value=90 + i, typed="")
            placements.append(
                Placement.objects.create(
                    intervention=group,
                    pupil=pupil,
                    entry_date=group.start_date,
                    exit_date=group.end_date,
                    exit_reason="completed",
                    entry_result=before,
                    exit_result=after,
                    entry_value=85 + i,
                    exit_value=90 + i,
                )  # fmt: skip
            )
        _mark(group, dt.date(2026, 10, 5), placements, [True, True, False])


def _count(client, user, **params) -> int:
    client.force_login(user)
    url = reverse("reports:dashboard")
    client.get(url, params)  # warm up: sessions, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_constant_queries_whatever_the_number_of_interventions_and_schools(
    client, world, oak, trust_leader, django_assert_num_queries
):
    """About 26: 5 for the request (session, user, memberships, current term, the navigation's guardian check),
    the dashboard's own frames and menus, the schools' calendars and whether the year has finished groups (to pick
    the default period), and 9 for the evaluation's frames (reports.impact.school_figures)."""
    leader = world.users["leader"]
    subject, scale = oak["subject"], oak["catch_up"].scale
    points = list(subject.assessments.order_by("taken_on"))
    small = _count(client, leader)
    assert small <= 26
    _more_groups(world.school, 6, subject, scale, points)
    with django_assert_num_queries(small):
        assert client.get(reverse("reports:dashboard")).context["board"].headline["pupils"] == 28

    one = _count(client, trust_leader, school=world.school.pk)
    elm_subject = world.other_school.subjects.get(name="Reading")
    elm_points = list(elm_subject.assessments.order_by("taken_on"))
    _more_groups(world.other_school, 3, elm_subject, elm_points[0].scale, elm_points)
    with django_assert_num_queries(one):
        board = client.get(reverse("reports:dashboard"), {"school": "all"}).context["board"]
    assert [name for name, _headline in board.per_school_headline] == ["Elm Academy", "Oak Primary"]
    assert board.headline["pupils"] == 28 + 3 + 9


def test_a_year_with_nothing_finished_points_to_last_year(client, world):
    last_year = f.school_year(world.school, 2025)
    response = _get(client, world.users["leader"])
    assert response.status_code == 200
    assert response.context["last_year"] == last_year
    assert f'href="?period=year-{last_year.pk}"' in response.content.decode()
    # Looking at last year itself, there is no earlier year to point to.
    earlier = _get(client, world.users["leader"], period=f"year-{last_year.pk}")
    assert earlier.context["last_year"] is None
