"""Support plans list the pupil's provision by themselves, and rate each outcome at every review.

"Today" is frozen at Monday 2 November 2026, in the autumn term of the test world's school year.
"""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Attendance, ReviewOutcomeRating, SupportPlan
from interventions.plans import services as plans
from tests import factories as f

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("frozen_today")

TODAY = dt.date(2026, 11, 2)
OUTCOMES = "- Read a Year 2 book aloud with few errors.\n2. Spell 20 common exception words.\n\n"
READ, SPELL = "Read a Year 2 book aloud with few errors.", "Spell 20 common exception words."


@pytest.fixture
def pupil(world):
    return f.PupilFactory(school=world.school, legal_first_name="Maya", sen_status="K", primary_need="SPLD")


def make_plan(pupil, **overrides) -> SupportPlan:
    fields = {
        "start_date": dt.date(2026, 9, 14),
        "review_date": dt.date(2026, 12, 11),
        "needs": {"CL": "Reading age two years below her age."},
        "outcomes": OUTCOMES,
    }
    fields.update(overrides)
    return plans.plan_create(pupil=pupil, by=None, **fields)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Outcomes, one a line -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("Read fluently.", ["Read fluently."]),
        ("- Read fluently.\n* Spell well.\n1. Count to 100.\n2) Tell the time.", [
            "Read fluently.", "Spell well.", "Count to 100.", "Tell the time.",
        ]),
        ("\n  Read fluently.  \n\n\u2022 Spell well.\n", ["Read fluently.", "Spell well."]),
        ("Read fluently.\nRead fluently.", ["Read fluently."]),  # a repeated line is one outcome
        ("-\n  \n1.", []),  # bullets alone are not outcomes
        ("10 words a minute more.", ["10 words a minute more."]),  # a number that starts a sentence stays
        ("1.5 years' progress in reading age.", ["1.5 years' progress in reading age."]),
    ],
)  # fmt: skip
def test_split_outcomes(text, expected):
    assert plans.split_outcomes(text) == expected


def test_outcome_key_is_stable_and_differs_between_outcomes():
    assert plans.outcome_key(READ) == plans.outcome_key(READ)
    assert plans.outcome_key(READ) != plans.outcome_key(SPELL)


# --- Provision listed by itself ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_provision_lists_every_place_overlapping_the_plan_without_links(world, pupil):
    programme = f.ProgrammeFactory(school=world.school, name="Inference training")
    inference = f.InterventionFactory(school=world.school, name="Inference Y3", programme=programme)
    place = f.PlacementFactory(intervention=inference, pupil=pupil, entry_date=dt.date(2026, 9, 14))
    for day in (dt.date(2026, 9, 14), dt.date(2026, 9, 16), dt.date(2026, 9, 18)):
        session = f.SessionFactory(intervention=inference, date=day, minutes=30)
        Attendance.objects.create(session=session, placement=place, present=day != dt.date(2026, 9, 16))
    # Before the plan: left on the day before it started.
    earlier = f.InterventionFactory(
        school=world.school, name="Summer phonics", start_date=dt.date(2026, 4, 20), end_date=dt.date(2026, 7, 17)
    )
    f.PlacementFactory(
        intervention=earlier, pupil=pupil, entry_date=dt.date(2026, 4, 20), exit_date=dt.date(2026, 9, 13)
    )
    # A group that ended before the plan, with the pupil never formally exited: its end date closes the stay.
    ended = f.InterventionFactory(
        school=world.school, name="Old group", start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 3, 27)
    )
    f.PlacementFactory(intervention=ended, pupil=pupil, entry_date=dt.date(2026, 1, 5))
    # After the plan's review date (the plan is not overdue, so its period ends then).
    later = f.InterventionFactory(
        school=world.school, name="Spring boost", start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 3, 26)
    )
    f.PlacementFactory(intervention=later, pupil=pupil, entry_date=dt.date(2027, 1, 4))
    f.PlacementFactory(intervention=inference)  # another pupil
    plan = make_plan(pupil)  # no interventions linked by hand
    provision = plans.plan_provision(plan, today=TODAY)
    assert [row.intervention.name for row in provision.rows] == ["Inference Y3"]
    row = provision.rows[0]
    assert (row.dosage.attended, row.dosage.held, row.linked) == (2, 3, False)
    assert row.intervention.programme.name == "Inference training"
    assert provision.linked_without_place == []


@pytest.mark.django_db
def test_an_overdue_plan_runs_to_today_and_hand_links_are_kept(world, pupil):
    plan = make_plan(pupil, start_date=dt.date(2026, 9, 1), review_date=dt.date(2026, 10, 1))
    after_review = f.InterventionFactory(school=world.school, name="After the review date", start_date=TODAY)
    f.PlacementFactory(intervention=after_review, pupil=pupil, entry_date=TODAY)
    long_ago = f.InterventionFactory(
        school=world.school, name="Linked by hand", start_date=dt.date(2025, 9, 8), end_date=dt.date(2025, 12, 12)
    )
    f.PlacementFactory(intervention=long_ago, pupil=pupil, entry_date=dt.date(2025, 9, 8))
    never_placed = f.InterventionFactory(school=world.school, name="Linked, no place")
    plan.interventions.set([long_ago, never_placed])
    provision = plans.plan_provision(plan, today=TODAY)
    assert [(row.intervention.name, row.linked) for row in provision.rows] == [
        ("After the review date", False),
        ("Linked by hand", True),
    ]
    assert [i.name for i in provision.linked_without_place] == ["Linked, no place"]
    # A closed plan's period ends at its review date: the later group is not its provision.
    plans.plan_close(plan=plan, by=None)
    plan.refresh_from_db()
    assert [row.intervention.name for row in plans.plan_provision(plan, today=TODAY).rows] == ["Linked by hand"]


@pytest.mark.django_db
def test_plan_page_shows_provision_with_dosage_and_entry_exit_not_no_interventions_linked(client, world, pupil):
    group = f.InterventionFactory(school=world.school, name="Inference Y3")
    assessment = f.AssessmentFactory(school=world.school)
    entry = pupil.results.create(assessment=assessment, value=84, typed="84")
    f.PlacementFactory(intervention=group, pupil=pupil, entry_result=entry, exit_typed="97")
    plan = make_plan(pupil)
    client.force_login(world.users["teacher"])
    html = client.get(reverse("interventions:plan_detail", args=[plan.pk])).content.decode()
    assert "No interventions linked" not in html
    table = html[html.index('id="plan-provision"') :]
    assert "Inference Y3" in table and "84 → 97" in table
    assert "planned for their stay" in table  # the shared dosage wording (interventions/_dosage.html)
    assert reverse("interventions:detail", args=[group.pk]) in table


@pytest.mark.django_db
def test_plan_page_query_count_is_constant_with_more_provision_ratings_and_reviews(client, world, pupil):
    def add_group(name):
        group = f.InterventionFactory(school=world.school, name=name, programme=f.ProgrammeFactory(school=world.school))
        place = f.PlacementFactory(intervention=group, pupil=pupil)
        session = f.SessionFactory(intervention=group, date=dt.date(2026, 9, 14))
        Attendance.objects.create(session=session, placement=place, present=True)
        return group

    first = add_group("First")
    plan = make_plan(pupil, interventions=[first, f.InterventionFactory(school=world.school)])
    plans.review_add(plan=plan, date=dt.date(2026, 10, 1), stage="do", notes="Going", ratings={READ: "some"}, by=None)
    client.force_login(world.users["senco"])
    url = reverse("interventions:plan_detail", args=[plan.pk])
    small = _queries(client, url)
    groups = [add_group(f"Group {n}") for n in range(4)]
    plan.interventions.add(*groups[:2], *[f.InterventionFactory(school=world.school) for _ in range(3)])
    for day in range(2, 8):
        plans.review_add(
            plan=plan,
            date=dt.date(2026, 10, day),
            stage="review",
            notes="Review",
            next_review_date=dt.date(2027, 1, 8),
            ratings={READ: "good", SPELL: "some"},
            by=None,
        )
    assert _queries(client, url) == small


# --- Ratings at reviews ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_review_rates_each_outcome_and_the_timeline_follows_the_reviews(world, pupil):
    plan = make_plan(pupil)
    plans.review_add(plan=plan, date=dt.date(2026, 9, 14), stage="plan", notes="Agreed", by=None,
                     ratings={READ: "not_started", SPELL: "not_started"})  # fmt: skip
    plans.review_add(plan=plan, date=dt.date(2026, 10, 30), stage="review", notes="Half term", by=None,
                     next_review_date=dt.date(2027, 1, 29), ratings={READ: "good", SPELL: "some"})  # fmt: skip
    plans.review_add(
        plan=plan, date=dt.date(2026, 10, 5), stage="do", notes="Check-in", by=None, ratings={READ: "some"}
    )  # fmt: skip  (entered late: the timeline goes by review date)
    timelines = plans.outcome_timelines(plan)
    assert [line.outcome for line in timelines] == [READ, SPELL]
    assert [(r.review.date.day, r.rating) for r in timelines[0].ratings] == [
        (14, "not_started"),
        (5, "some"),
        (30, "good"),
    ]
    assert [r.rating for r in timelines[1].ratings] == ["not_started", "some"]
    assert timelines[0].latest.get_rating_display() == "Good progress" and timelines[0].latest.step == 3


@pytest.mark.django_db
def test_rewording_an_outcome_keeps_its_old_ratings_apart(world, pupil):
    plan = make_plan(pupil)
    plans.review_add(plan=plan, date=dt.date(2026, 10, 5), stage="do", notes="Check-in", by=None,
                     ratings={READ: "some", SPELL: "achieved"})  # fmt: skip
    plans.plan_update(plan=plan, start_date=plan.start_date, review_date=plan.review_date, needs=plan.needs,
                      outcomes=f"{READ}\nWrite three sentences on their own.", by=None)  # fmt: skip
    plan.refresh_from_db()
    timelines = plans.outcome_timelines(plan)
    assert [(line.outcome, line.current, len(line.ratings)) for line in timelines] == [
        (READ, True, 1),
        ("Write three sentences on their own.", True, 0),
        (SPELL, False, 1),
    ]


@pytest.mark.django_db
def test_the_service_refuses_a_review_without_every_rating_or_with_unknown_ones(world, pupil):
    plan = make_plan(pupil)
    common = {"plan": plan, "date": TODAY, "notes": "Review", "next_review_date": dt.date(2027, 1, 29), "by": None}
    with pytest.raises(ValidationError) as error:
        plans.review_add(stage="review", ratings={READ: "good"}, **common)
    assert SPELL in error.value.message_dict["ratings"][0]
    with pytest.raises(ValidationError) as error:
        plans.review_add(stage="review", ratings={READ: "good", SPELL: "brilliant"}, **common)
    assert "Unknown ratings: brilliant" in error.value.message_dict["ratings"][0]
    with pytest.raises(ValidationError) as error:
        plans.review_add(stage="do", ratings={"Ride a bike.": "good"}, **common)
    assert "changed since this review was opened" in error.value.message_dict["ratings"][0]
    assert not plan.reviews.exists() and not ReviewOutcomeRating.objects.exists()
    plans.review_add(stage="do", ratings={}, **common)  # a "do" check-in may leave them blank
    assert plan.reviews.count() == 1


@pytest.mark.django_db
def test_review_form_has_one_select_per_outcome_and_saves_the_ratings(client, world, pupil):
    plan = make_plan(pupil)
    client.force_login(world.users["senco"])
    url = reverse("interventions:review_new", args=[plan.pk])
    response = client.get(url)
    html = response.content.decode()
    assert f"Outcome 1: {READ}" in html and f"Outcome 2: {SPELL}" in html
    assert html.count('name="rating_') == 2 and "Not rated before." in html
    form = response.context["form"]
    post = {
        "stage": "review",
        "date": "2026-11-02",
        "notes": "Termly review.",
        "next_review_date": "2027-02-12",
        "opened_as": form["opened_as"].value(),
        f"rating_{plans.outcome_key(READ)}": "good",
    }
    response = client.post(url, post)
    assert response.status_code == 200  # the second outcome is not rated
    assert "Rate this outcome" in response.content.decode()
    response = client.post(url, {**post, f"rating_{plans.outcome_key(SPELL)}": "achieved"})
    assert response.status_code == 302
    review = plan.reviews.get()
    assert [(r.position, r.outcome, r.rating) for r in review.ratings.all()] == [
        (0, READ, "good"),
        (1, SPELL, "achieved"),
    ]
    # Each rating is in the audit trail, against the pupil.
    logged = LogEntry.objects.filter(content_type__model="reviewoutcomerating", additional_data__pupil=pupil.pk)
    assert logged.count() == 2
    # The next review's form says what each outcome was last rated.
    assert "Last rated good progress on 02/11/2026." in client.get(url).content.decode()
    page = client.get(reverse("interventions:plan_detail", args=[plan.pk])).content.decode()
    timeline = page[page.index('id="outcome-timelines"') :]
    assert "2 Nov 2026" in timeline and "Good progress" in timeline and "Achieved" in timeline
    assert timeline.count('class="rating-step on"') == 3 + 4  # the steps repeat each rating by shape


@pytest.mark.django_db
def test_a_review_form_opened_before_the_outcomes_changed_saves_nothing(client, world, pupil):
    plan = make_plan(pupil)
    client.force_login(world.users["senco"])
    url = reverse("interventions:review_new", args=[plan.pk])
    opened_as = client.get(url).context["form"]["opened_as"].value()
    plans.plan_update(plan=plan, start_date=plan.start_date, review_date=plan.review_date, needs=plan.needs,
                      outcomes=f"{READ}\nWrite three sentences on their own.", by=None)  # fmt: skip
    response = client.post(
        url,
        {
            "stage": "do",
            "date": "2026-11-02",
            "notes": "Check-in.",
            "opened_as": opened_as,
            f"rating_{plans.outcome_key(READ)}": "some",
            f"rating_{plans.outcome_key(SPELL)}": "good",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert [change.label for change in form.stale_changes] == ["Outcomes sought on the plan"]
    assert not plan.reviews.exists()
    # The form now rates the new outcomes; the unchanged one keeps what was chosen.
    assert form[f"rating_{plans.outcome_key(READ)}"].value() == "some"
    assert "Write three sentences on their own." in response.content.decode()


@pytest.mark.django_db
def test_a_plan_with_no_outcomes_written_records_a_review_without_ratings(client, world, pupil):
    plan = SupportPlan.objects.create(
        pupil=pupil, start_date=dt.date(2026, 9, 14), review_date=dt.date(2026, 12, 11), needs={"CL": "x"}
    )
    client.force_login(world.users["senco"])
    url = reverse("interventions:review_new", args=[plan.pk])
    assert "no outcomes written yet" in client.get(url).content.decode()
    response = client.post(
        url, {"stage": "review", "date": "2026-11-02", "notes": "Met.", "next_review_date": "2027-01-29"}
    )
    assert response.status_code == 302 and plan.reviews.count() == 1
