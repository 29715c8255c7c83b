"""The impact pages over a school whose reading group clearly worked: eight Year 5 pupils gained about ten months
of reading age in a term while twelve similar Year 5 pupils without an intervention gained about three."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from interventions.models import Placement
from pupils.models import Result, ScaleKind
from tests import factories as f

pytestmark = pytest.mark.django_db

SEPT, DEC, MARCH = dt.date(2025, 9, 22), dt.date(2025, 12, 8), dt.date(2026, 3, 9)


@pytest.fixture
def impact(world):
    school = world.school
    year = f.school_year(school, 2025)
    subject = f.SubjectFactory(school=school, name="Reading")
    scale = f.ScaleFactory(
        school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216, expected=None, high=None
    )
    points = [
        f.AssessmentFactory(school=school, subject=subject, scale=scale, name=name, taken_on=day, year_groups=[4])
        for name, day in (("Autumn reading", SEPT), ("December reading", DEC), ("Spring reading", MARCH))
    ]
    programme = f.ProgrammeFactory(school=None, name="Reading Boost")
    group = f.InterventionFactory(
        school=school, programme=programme, name="Reading Boost Y4", subject=subject, scale=scale,
        start_date=dt.date(2025, 9, 29), end_date=dt.date(2025, 12, 5), status="completed", year_groups=[4],
        resources_cost=800,
    )  # fmt: skip
    treated = []
    for i in range(8):
        pupil = f.PupilFactory(school=school, year_group=5, legal_last_name=f"Treated{i}")
        baseline = 92 + 2 * i
        entry = Result.objects.create(pupil=pupil, assessment=points[0], value=baseline, typed="")
        exit_ = Result.objects.create(pupil=pupil, assessment=points[1], value=baseline + 9 + (i % 3), typed="")
        # Most keep their gain at the next assessment; one slips back.
        later = baseline + 9 + (i % 3) + (2 if i else -4)
        Result.objects.create(pupil=pupil, assessment=points[2], value=later, typed="")
        Placement.objects.create(
            intervention=group, pupil=pupil, entry_date=dt.date(2025, 9, 29), exit_date=dt.date(2025, 12, 5),
            entry_result=entry, entry_value=entry.value, exit_result=exit_, exit_value=exit_.value,
            target_value=baseline + 8 if i < 6 else baseline + 20, entry_rating=2, exit_rating=4,
        )  # fmt: skip
        treated.append(pupil)
    for i in range(12):
        pupil = f.PupilFactory(school=school, year_group=5, legal_last_name=f"Compared{i}")
        baseline = 93 + i
        Result.objects.create(pupil=pupil, assessment=points[0], value=baseline, typed="")
        Result.objects.create(pupil=pupil, assessment=points[1], value=baseline + 2 + (i % 3), typed="")
    return {"year": year, "group": group, "programme": programme, "treated": treated, "subject": subject}


def _get(client, world, who, name, *args, **params):
    client.force_login(world.users[who])
    return client.get(reverse(name, args=args), params)


def test_intervention_page_shows_each_pupil_the_comparison_and_a_verdict(client, world, impact):
    response = _get(client, world, "senco", "reports:impact_intervention", impact["group"].pk)
    assert response.status_code == 200
    group = response.context["group"]
    assert group["n_measured"] == 8 and group["n_placed"] == 8
    assert group["n_comparison"] == 12
    assert group["verdict"]["key"] == "strong"
    assert group["verdict"]["recommendation"] == "continue"
    assert group["ratio_band"] in ("substantial", "useful")
    page = response.content.decode()
    assert "Strong evidence of impact" in page
    assert "Treated0" in page and "Compared0" not in page  # comparison pupils are counts, never names
    assert "<svg" in page
    rows = response.context["rows"]
    assert len(rows) == 8
    assert sum(1 for row in rows if row["sustained"] is False) == 1
    assert sum(1 for row in rows if row["target_met"]) == 6
    assert "How the verdict is decided" in page


def test_costs_are_shown_to_budget_holders_only(client, world, impact):
    leader = _get(client, world, "leader", "reports:impact_intervention", impact["group"].pk)
    assert leader.context["group"]["cost_per_pupil"] == "£100"  # £800 of resources over eight pupils
    assert "cost per pupil" in leader.content.decode()


def test_overview_lists_the_group_and_programme_for_the_year(client, world, impact):
    response = _get(client, world, "leader", "reports:impact_overview", year=impact["year"].pk)
    assert response.status_code == 200
    names = [g["name"] for g in response.context["groups"]]
    assert names == ["Reading Boost Y4"]
    # Ranked by programme, with the group beneath its programme.
    ranking = response.context["ranking"]
    assert [(e["programme"]["name"], [g["name"] for g in e["groups"]]) for e in ranking] == [
        ("Reading Boost", ["Reading Boost Y4"])
    ]
    counts = {key: n for _label, key, n in response.context["verdict_counts"]}
    assert counts["strong"] == 1


def test_overview_term_filter_leaves_out_groups_outside_the_term(client, world, impact):
    spring = impact["year"].terms.get(name="spring")
    response = _get(client, world, "leader", "reports:impact_overview", period=f"term-{spring.pk}")
    assert response.status_code == 200
    assert response.context["term"] == spring
    assert response.context["groups"] == []


def test_overview_rejects_another_schools_term(client, world, impact):
    other_year = f.school_year(world.other_school, 2025)
    term = other_year.terms.first()
    assert _get(client, world, "senco", "reports:impact_overview", term=term.pk).status_code == 404


def test_programme_page_pools_its_groups(client, world, impact):
    response = _get(client, world, "senco", "reports:impact_programme", impact["programme"].pk)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["n_groups"] == 1 and summary["n_measured"] == 8
    assert summary["verdict"]["key"] == "strong"


def test_too_few_pupils_is_said_plainly(client, world, impact):
    small = f.InterventionFactory(
        school=world.school, name="Tiny group", subject=impact["subject"], scale=impact["group"].scale,
        start_date=dt.date(2025, 9, 29), end_date=dt.date(2025, 12, 5), status="completed",
    )  # fmt: skip
    for pupil in impact["treated"][:3]:
        Placement.objects.create(
            intervention=small, pupil=pupil, entry_date=dt.date(2025, 9, 29), exit_date=dt.date(2025, 12, 5),
            entry_value=90, exit_value=99,
        )  # fmt: skip
    response = _get(client, world, "senco", "reports:impact_intervention", small.pk)
    assert response.context["group"]["verdict"]["key"] == "too_little"
    assert "Too little data" in response.content.decode()


def test_rethink_lists_a_pupil_with_two_interventions_and_no_lasting_gain(client, world, impact):
    pupil = f.PupilFactory(school=world.school, year_group=5, legal_last_name="Stuck")
    for name, start, end in (
        ("First try", dt.date(2025, 9, 29), dt.date(2025, 11, 7)),
        ("Second try", dt.date(2025, 11, 10), dt.date(2025, 12, 5)),
    ):
        group = f.InterventionFactory(
            school=world.school, name=name, subject=impact["subject"], scale=impact["group"].scale,
            start_date=start, end_date=end, status="completed",
        )  # fmt: skip
        Placement.objects.create(
            intervention=group, pupil=pupil, entry_date=start, exit_date=end, entry_value=90, exit_value=90,
            outcome="not_met",
        )  # fmt: skip
    response = _get(client, world, "senco", "reports:impact_rethink")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["pupil"].pk for row in rows] == [pupil.pk]
    assert rows[0]["count"] == 2
    assert {i.name for i in rows[0]["interventions"]} == {"First try", "Second try"}
    assert "Stuck" in response.content.decode()


def test_another_schools_intervention_is_not_found(client, world, impact):
    elsewhere = f.InterventionFactory(school=world.other_school)
    assert _get(client, world, "senco", "reports:impact_intervention", elsewhere.pk).status_code == 404


def test_intervention_page_queries_do_not_grow_with_pupils(client, world, impact, django_assert_max_num_queries):
    client.force_login(world.users["senco"])
    url = reverse("reports:impact_intervention", args=[impact["group"].pk])
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_the_group_page_says_what_was_compared_with_what_and_how_sure(client, world, impact):
    response = _get(client, world, "senco", "reports:impact_intervention", impact["group"].pk)
    group = response.context["group"]
    effect = group["effect"]
    assert effect["measure"] == "comparison" and (effect["n_compared"], effect["n_comparison"]) == (8, 12)
    # Each side's starting point, as a reading age.
    assert effect["entry_group"] == "8:03" and effect["entry_comparison"] == "8:03"  # 99.0 and 98.5 months
    assert effect["sd_source"] == "year_group" and effect["sd_n"] == 20
    assert group["entry_assessment"].name == "Autumn reading" and group["exit_assessment"].name == "December reading"
    page = response.content.decode()
    assert "What was compared with what" in page
    assert "<strong>Autumn reading</strong>" in page and "<strong>December reading</strong>" in page
    assert "who started at the same score" in page and f"g = {effect['g']}" in page
    assert "the 20 pupils of the year group who sat it" in page
    assert "Exit score against entry score" in page  # the adjusted comparison, drawn
    assert reverse("reports:impact_method") in page  # "how impact is judged" beside the verdict


def test_how_impact_is_judged_is_public_and_states_every_rule(client):
    response = client.get(reverse("reports:impact_method"))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("Strong evidence of impact", "Promising, not yet clear", "Inconclusive", "No clear impact"):
        assert label in page
    assert "regression to the mean" in page and "spread of attainment" in page
    assert 'id="promising"' in page  # each verdict's badge links to its own line
    from reports.impact import evaluation

    assert evaluation.thresholds_text()[0] in page.replace("&#x27;", "'")
