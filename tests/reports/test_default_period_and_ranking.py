"""Which period the dashboard and the impact page open on, and how they rank what they judge.

Oak Primary ran "Reading Boost" last year (2025/26): group A, eight Year 5 pupils who gained about ten months of
reading age between the September and March tests while twelve similar pupils gained about three, finished on
20 March 2026; group B, two pupils, finished the same day (too few to judge). A "Lunch club" with no programme and
no results ran too. This year (2026/27) nothing has finished yet.

* In December 2026 the dashboard opens on 2025/26 and the impact page on the last 12 months, each saying why;
* in July 2026 both open on 2025/26, the year then current, saying nothing;
* a period the reader chose is always the one shown.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from interventions.models import Placement
from pupils.models import Result, ScaleKind
from reports.dashboard import build as dashboard
from reports.dashboard import charts as charts_impact
from reports.impact import evaluation as ev
from tests import factories as f

pytestmark = pytest.mark.django_db

DECEMBER = dt.datetime(2026, 12, 10, 12, 0)
JULY = dt.datetime(2026, 7, 10, 12, 0)
SEPT, MARCH, JUNE = dt.date(2025, 9, 22), dt.date(2026, 3, 23), dt.date(2026, 6, 15)
ENDED = dt.date(2026, 3, 20)


@pytest.fixture
def oak(world):
    school = world.school
    last_year = f.school_year(school, 2025)
    this_year = school.academic_years.get(start_year=2026)
    subject = f.SubjectFactory(school=school, name="Reading")
    scale = f.ScaleFactory(
        school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216, expected=None, high=None
    )
    points = [
        f.AssessmentFactory(school=school, subject=subject, scale=scale, name=name, taken_on=day, year_groups=[5])
        for name, day in (("Autumn reading", SEPT), ("Spring reading", MARCH), ("Summer reading", JUNE))
    ]
    programme = f.ProgrammeFactory(school=None, name="Reading Boost")

    def group(name, programme=programme):
        return f.InterventionFactory(
            school=school, programme=programme, name=name, subject=subject, scale=scale, wave=2,
            start_date=dt.date(2025, 9, 29), end_date=ENDED, status="completed", year_groups=[5],
        )  # fmt: skip

    group_a, group_b = group("Reading Boost A"), group("Reading Boost B")
    for i in range(10):
        pupil = f.PupilFactory(school=school, year_group=5, legal_last_name=f"Treated{i}")
        baseline = 92 + 2 * i
        entry = Result.objects.create(pupil=pupil, assessment=points[0], value=baseline, typed="")
        exit_ = Result.objects.create(pupil=pupil, assessment=points[1], value=baseline + 9 + (i % 3), typed="")
        Placement.objects.create(
            intervention=group_a if i < 8 else group_b, pupil=pupil, entry_date=dt.date(2025, 9, 29),
            exit_date=ENDED, entry_result=entry, entry_value=entry.value, exit_result=exit_, exit_value=exit_.value,
        )  # fmt: skip
    for i in range(12):
        pupil = f.PupilFactory(school=school, year_group=5, legal_last_name=f"Compared{i}")
        Result.objects.create(pupil=pupil, assessment=points[0], value=93 + i, typed="")
        Result.objects.create(pupil=pupil, assessment=points[1], value=95 + i + (i % 3), typed="")
    lunch = group("Lunch club", programme=None)
    f.PlacementFactory(intervention=lunch, pupil=f.PupilFactory(school=school, year_group=5))
    return {"last_year": last_year, "this_year": this_year, "a": group_a, "b": group_b, "lunch": lunch}


def _get(client, world, name, **params):
    client.force_login(world.users["leader"])
    return client.get(reverse(name), params)


# --- The period shown by default ---------------------------------------------------------------------------------


def test_december_dashboard_opens_on_last_year_and_says_so(client, world, oak, time_machine):
    time_machine.move_to(DECEMBER, tick=False)
    response = _get(client, world, "reports:dashboard")
    selection = response.context["selection"]
    assert selection.year == oak["last_year"] and selection.term is None
    html = response.content.decode()
    assert "Nothing has finished yet in 2026/27, so this shows 2025/26" in html
    assert f'<option value="year-{oak["last_year"].pk}" selected>' in html
    # Last year's finished group is on it: the dashboard is not empty.
    assert [r["name"] for r in response.context["board"].impact_rows] == ["Reading Boost A"]


def test_december_dashboard_keeps_the_year_the_reader_chose(client, world, oak, time_machine):
    time_machine.move_to(DECEMBER, tick=False)
    response = _get(client, world, "reports:dashboard", period=f"year-{oak['this_year'].pk}")
    assert response.context["selection"].year == oak["this_year"]
    assert "Nothing has finished yet" not in response.content.decode()
    assert response.context["board"].impact_rows == []


def test_july_dashboard_opens_on_the_current_year_without_a_note(client, world, oak, time_machine):
    time_machine.move_to(JULY, tick=False)
    response = _get(client, world, "reports:dashboard")
    assert response.context["selection"].year == oak["last_year"]  # 2025/26 is the current year in July 2026
    assert response.context["selection"].default_note == ""
    assert "Nothing has finished yet" not in response.content.decode()


def test_dashboard_with_nothing_finished_anywhere_stays_on_this_year(client, world, time_machine):
    time_machine.move_to(DECEMBER, tick=False)
    f.school_year(world.school, 2025)
    response = _get(client, world, "reports:dashboard")
    assert response.context["selection"].year.start_year == 2026
    assert response.context["selection"].default_note == ""


def test_december_impact_opens_on_the_last_12_months_and_says_so(client, world, oak, time_machine):
    time_machine.move_to(DECEMBER, tick=False)
    response = _get(client, world, "reports:impact_overview")
    assert response.context["period"].label == "The last 12 months"
    html = response.content.decode()
    assert "Nothing has finished yet in 2026/27, so this shows the last 12 months" in html
    assert '<option value="12m" selected>The last 12 months</option>' in html
    assert "Reading Boost A" in html


def test_impact_keeps_the_period_the_reader_chose(client, world, oak, time_machine):
    time_machine.move_to(DECEMBER, tick=False)
    this_year = _get(client, world, "reports:impact_overview", period=f"year-{oak['this_year'].pk}")
    assert this_year.context["year"] == oak["this_year"] and this_year.context["period_note"] == ""
    assert this_year.context["groups"] == []
    months = _get(client, world, "reports:impact_overview", period="12m")
    assert months.context["period"].label == "The last 12 months" and months.context["period_note"] == ""


def test_july_impact_opens_on_the_current_year(client, world, oak, time_machine):
    time_machine.move_to(JULY, tick=False)
    response = _get(client, world, "reports:impact_overview")
    assert response.context["year"] == oak["last_year"]
    assert response.context["period_note"] == ""
    assert f'<option value="year-{oak["last_year"].pk}" selected>' in response.content.decode()


def test_a_year_later_both_fall_back_to_the_last_year_with_finished_groups(client, world, oak, time_machine):
    # July 2027: nothing finished in 2026/27, nor in the 12 months since July 2026; 2025/26 had Reading Boost A.
    time_machine.move_to(dt.datetime(2027, 7, 9, 12, 0), tick=False)
    impact = _get(client, world, "reports:impact_overview")
    assert impact.context["year"] == oak["last_year"]
    assert "Nothing has finished in 2026/27 or the last 12 months, so this shows 2025/26" in impact.content.decode()
    board = _get(client, world, "reports:dashboard")
    assert board.context["selection"].year == oak["last_year"]
    assert "so this shows 2025/26" in board.content.decode()


# --- Ranked by programme; too little data on one line ----------------------------------------------------------


def test_impact_ranks_programmes_with_their_groups_beneath(client, world, oak, time_machine):
    time_machine.move_to(JULY, tick=False)
    response = _get(client, world, "reports:impact_overview")
    ranking = response.context["ranking"]
    assert [(e["programme"]["name"], [g["name"] for g in e["groups"]], e["too_little"]) for e in ranking] == [
        ("Reading Boost", ["Reading Boost A"], 1)
    ]
    assert ranking[0]["programme"]["verdict"]["key"] == "strong"
    assert sorted(g["name"] for g in response.context["too_little"]) == ["Lunch club", "Reading Boost B"]
    html = response.content.decode()
    programme_url = reverse("reports:impact_programme", args=[oak["a"].programme_id])
    # The programme's row comes first, its group's row beneath it.
    assert html.index(f'href="{programme_url}"') < html.index(
        reverse("reports:impact_intervention", args=[oak["a"].pk])
    )
    # One line with the count and a link, then the section that lists them with their reasons.
    assert "<strong>2 groups</strong> have too little data to judge yet" in html
    assert 'href="#too-little"' in html and 'id="too-little"' in html
    assert "Both pupils have entry and exit results" in html  # group B's reason, in plain words
    assert "Fewer than 5 pupils with both results" in html


def test_dashboard_ranks_by_programme_and_links_to_the_too_little_list(client, world, oak, time_machine):
    time_machine.move_to(JULY, tick=False)
    response = _get(client, world, "reports:dashboard")
    board = response.context["board"]
    assert [(e["programme"]["name"], [g["name"] for g in e["groups"]]) for e in board.ranking] == [
        ("Reading Boost", ["Reading Boost A"])
    ]
    assert board.unjudged == 2
    html = response.content.decode()
    link = f"{reverse('reports:impact_overview')}?period=year-{oak['last_year'].pk}#too-little"
    assert f'<strong>2 groups</strong> have too little data to judge yet: <a href="{link}">' in html
    # No long list of every group with too little data on the dashboard itself.
    assert "with entry and exit results · " not in html
    assert "Lunch club" not in html.split('id="too-little-line"')[1].split("</p>")[0]


def test_rank_by_programme_keeps_a_group_without_a_programme_as_its_own_entry():
    def row(name, key, effect=None, programme_id=None, pk=None):
        return {"id": pk, "name": name, "verdict": {"key": key}, "sort_effect": effect, "programme_id": programme_id}

    groups = [
        row("Phonics 1", "some", 0.3, programme_id=1),
        row("Phonics 2", "too_little", programme_id=1),
        row("Spelling", "none", 0.0),
        row("Maths 1", "strong", 0.6, programme_id=2),
    ]
    programmes = [row("Phonics", "some", 0.25, pk=1), row("Maths", "strong", 0.6, pk=2), row("Art", "too_little", pk=3)]
    ranking, too_little = dashboard.rank_by_programme(groups, programmes)
    assert [
        ((e["programme"] or {}).get("name"), [g["name"] for g in e["groups"]], e["too_little"]) for e in ranking
    ] == [
        ("Maths", ["Maths 1"], 0),
        ("Phonics", ["Phonics 1"], 1),
        (None, ["Spelling"], 0),
    ]
    assert [g["name"] for g in too_little] == ["Phonics 2"]


# --- Plain words ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("placed", "measured", "expected"),
    [
        (1, 0, "The pupil does not have both an entry and an exit result yet"),
        (2, 0, "Neither pupil has both an entry and an exit result yet"),
        (4, 0, "None of the 4 pupils has both an entry and an exit result yet"),
        (1, 1, "The pupil has entry and exit results"),
        (3, 3, "All 3 pupils have entry and exit results"),
        (5, 1, "1 of the 5 pupils has entry and exit results"),
    ],
)
def test_reasons_never_say_one_of_one_or_none_of_the_1_pupils(placed, measured, expected):
    judgement = ev.verdict(
        {"n_placed": placed, "n_measured": measured, "measure": "before_after" if measured else "none",
         "scale_kind": "standardised", "subject_id": 1}
    )  # fmt: skip
    assert judgement.reasons[0] == expected
    assert not any("of 1 pupil" in reason or "None of the 1" in reason for reason in judgement.reasons)


def test_targets_and_kept_gains_in_plain_words():
    row = {"n_target_known": 3, "pct_target_met": 100.0, "n_sustained_known": 1, "pct_sustained": 0.0}
    assert ev._context_reasons(row) == [
        "All 3 pupils with a target met it",
        "The pupil assessed again did not keep their gain at the next assessment",
    ]


# --- Chart labels -----------------------------------------------------------------------------------------------


def test_gap_chart_dates_in_one_month_are_told_apart():
    dates = [dt.date(2025, 11, 3), dt.date(2025, 11, 17), dt.date(2025, 11, 28), dt.date(2026, 3, 6)]
    assert charts_impact.date_labels(dates) == ["3 Nov 2025", "17 Nov 2025", "28 Nov 2025", "6 Mar 2026"]
    assert charts_impact.date_labels(dates[2:]) == ["Nov 2025", "Mar 2026"]
    svg = charts_impact.gap_chart(
        title="Gap", panels=[charts_impact.GapPanel("Oak", dates, [50, 55, 60, 62], [70, 71, 72, 73])]
    )
    assert svg.count("Nov 2025") == 3 and "17 Nov 2025" in svg


def test_attendance_labels_keep_the_end_of_long_names():
    names = [
        "Emotional Literacy Support Assistants (ELSA): Year 4, 1:1 (Autumn 2026)",
        "Emotional Literacy Support Assistants (ELSA): Year 4, 1:1 (Spring 2027)",
        "Precision Teaching: Year 5, 1:1, group 2 (Autumn 2026)",
    ]
    svg = charts_impact.attendance_chart(
        title="Attendance",
        panels=[("Oak", [charts_impact.AttendanceBar(name, 90.0, False) for name in names])],
        threshold=80,
    )
    # Each label keeps its year group and term (they are what tell the groups apart).
    assert "Year 4, 1:1 (Autumn 2026)" in svg and "Year 4, 1:1 (Spring 2027)" in svg
    assert "group 2 (Autumn 2026)" in svg


# --- The programme's catalogue page links to its impact -------------------------------------------------------


def test_programme_page_links_to_its_impact_for_impact_readers(client, world, oak):
    programme = oak["a"].programme
    detail = reverse("interventions:programme_detail", args=[programme.pk])
    impact_url = reverse("reports:impact_programme", args=[programme.pk])
    client.force_login(world.users["senco"])
    html = client.get(detail).content.decode()
    assert f'href="{impact_url}"' in html and "Impact of this programme" in html
    # A teacher does not read impact pages, so gets no link.
    client.force_login(world.users["teacher"])
    assert impact_url not in client.get(detail).content.decode()


def test_programme_page_has_no_impact_link_before_anyone_has_finished(client, world):
    programme = f.ProgrammeFactory(school=None, name="Unused programme")
    f.PlacementFactory(intervention=f.InterventionFactory(school=world.school, programme=programme))
    client.force_login(world.users["senco"])
    html = client.get(reverse("interventions:programme_detail", args=[programme.pk])).content.decode()
    assert "Impact of this programme" not in html
