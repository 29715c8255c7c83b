"""SEN support plans: the rules of the services, the plan list, the plan page and its forms.

"Today" is frozen at Monday 2 November 2026, in the autumn term of the test world's school year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import PlanReview, SupportPlan
from interventions.plans import services as plans
from pupils.models import Pupil
from tests import factories as f

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("frozen_today")

TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def pupil(world):
    """On SEN support; dyslexia (cognition and learning) with speech and language needs (communication)."""
    return f.PupilFactory(
        school=world.school, legal_first_name="Maya", sen_status="K", primary_need="SPLD", secondary_need="SLCN"
    )


@pytest.fixture
def senco(world):
    return world.users["senco"]


def make_plan(pupil, by=None, **overrides) -> SupportPlan:
    fields = {
        "start_date": dt.date(2026, 9, 14),
        "review_date": dt.date(2026, 12, 11),
        "needs": {"CL": "Reading age two years below her age."},
        "outcomes": "Read a Year 2 book aloud with few errors.",
    }
    fields.update(overrides)
    return plans.plan_create(pupil=pupil, by=by, **fields)


def add_review(plan, by=None, **overrides) -> PlanReview:
    fields = {"date": dt.date(2026, 10, 20), "stage": "do", "notes": "Sessions going well."}
    fields.update(overrides)
    if fields["stage"] == "review" and "ratings" not in fields:
        # A review rates every outcome (tests of the ratings themselves pass their own).
        fields["ratings"] = dict.fromkeys(plans.split_outcomes(plan.outcomes), "some")
    return plans.review_add(plan=plan, by=by, **fields)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Services: creating and changing plans ---------------------------------------------------------------


@pytest.mark.django_db
def test_plan_create_stores_needs_in_area_order_with_the_linked_provision(world, pupil, senco):
    group = f.InterventionFactory(school=world.school, name="Toe by Toe")
    plan = make_plan(
        pupil,
        by=senco,
        needs={"SEMH": "  Anxious at lunchtimes. ", "CI": "Word-finding difficulties."},
        interventions=[group],
        pupil_views="What helps me:\nA quiet place to read.",
    )
    plan.refresh_from_db()
    assert list(plan.needs) == ["CI", "SEMH"]
    assert plan.needs["SEMH"] == "Anxious at lunchtimes."
    assert list(plan.interventions.all()) == [group]
    assert plan.is_active and plan.created_by == senco


@pytest.mark.django_db
def test_a_pupil_with_an_ehc_plan_can_have_a_plan(world):
    pupil = f.PupilFactory(school=world.school, sen_status="E", primary_need="ASD")
    assert make_plan(pupil).is_active


@pytest.mark.django_db
def test_only_pupils_on_sen_support_or_with_an_ehc_plan_get_a_plan(world):
    pupil = f.PupilFactory(school=world.school, legal_first_name="Noah", legal_last_name="Reed", sen_status="N")
    with pytest.raises(ValidationError, match="Noah Reed is not on SEN support or an EHC plan"):
        make_plan(pupil)
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_a_pupil_who_has_left_gets_no_new_plan(world):
    pupil = f.PupilFactory(school=world.school, sen_status="K", left_on=dt.date(2026, 10, 23))
    with pytest.raises(ValidationError, match="left the school on 23/10/2026"):
        make_plan(pupil)
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_a_new_plan_closes_the_active_one_and_keeps_it(pupil):
    first = make_plan(pupil)
    add_review(first)
    second = make_plan(pupil, start_date=dt.date(2026, 11, 2), review_date=dt.date(2027, 2, 5))
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert list(SupportPlan.objects.filter(pupil=pupil, is_active=True)) == [second]
    assert first.reviews.count() == 1


@pytest.mark.parametrize("review_date", [dt.date(2026, 9, 14), dt.date(2026, 9, 13)])
@pytest.mark.django_db
def test_the_review_date_must_be_after_the_start(pupil, review_date):
    with pytest.raises(ValidationError) as caught:
        make_plan(pupil, review_date=review_date)
    assert caught.value.message_dict == {"review_date": ["The review date must be after the plan starts."]}
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize(
    ("needs", "message"),
    [
        ({}, "at least one broad area"),
        ({"CL": "   "}, "Describe the need in Cognition and learning"),
        ({"XX": "Something"}, "Unknown areas of need: XX"),
    ],
)
@pytest.mark.django_db
def test_needs_name_at_least_one_known_area_with_text(pupil, needs, message):
    with pytest.raises(ValidationError, match=message):
        make_plan(pupil, needs=needs)
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_linked_interventions_must_be_run_by_the_pupils_school(world, pupil):
    ours = f.InterventionFactory(school=world.school)
    theirs = f.InterventionFactory(school=world.other_school, name="Elsewhere Reading")
    with pytest.raises(ValidationError) as caught:
        make_plan(pupil, interventions=[ours, theirs])
    assert "Elsewhere Reading" in caught.value.message_dict["interventions"][0]
    assert not SupportPlan.objects.exists()
    plan = make_plan(pupil, interventions=[ours])
    with pytest.raises(ValidationError):
        plans.plan_update(plan=plan, **_plan_fields(plan), interventions=[theirs], by=None)
    assert list(plan.interventions.all()) == [ours]


def _plan_fields(plan) -> dict:
    return {
        "start_date": plan.start_date,
        "review_date": plan.review_date,
        "needs": plan.needs,
        "outcomes": plan.outcomes,
    }


@pytest.mark.django_db
def test_plan_update_replaces_the_content(world, pupil):
    group = f.InterventionFactory(school=world.school)
    plan = make_plan(pupil, interventions=[group])
    fields = _plan_fields(plan) | {"review_date": dt.date(2027, 1, 15), "needs": {"CI": "Needs time to answer."}}
    plans.plan_update(plan=plan, **fields, strategies="Give thinking time.", by=None)
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2027, 1, 15)
    assert plan.needs == {"CI": "Needs time to answer."}
    assert plan.strategies == "Give thinking time."
    assert not plan.interventions.exists()


@pytest.mark.django_db
def test_closed_plans_are_kept_as_they_were(pupil):
    plan = make_plan(pupil)
    plans.plan_close(plan=plan, by=None)
    with pytest.raises(ValidationError, match="closed"):
        plans.plan_update(plan=plan, **_plan_fields(plan) | {"outcomes": "Changed"}, by=None)
    with pytest.raises(ValidationError, match="closed"):
        add_review(plan)
    plan.refresh_from_db()
    assert plan.outcomes == "Read a Year 2 book aloud with few errors."
    assert not plan.reviews.exists()


@pytest.mark.django_db
def test_closing_twice_changes_nothing(pupil):
    plan = make_plan(pupil)
    plans.plan_close(plan=plan, by=None)
    stamp = SupportPlan.objects.get(pk=plan.pk).updated_at
    plans.plan_close(plan=plan, by=None)
    closed = SupportPlan.objects.get(pk=plan.pk)
    assert not closed.is_active and closed.updated_at == stamp


@pytest.mark.django_db
def test_plans_of_pupils_off_the_register_are_listed_and_closed_together(world, pupil):
    kept = make_plan(pupil)
    no_longer_sen = f.PupilFactory(school=world.school, sen_status="K")
    left = f.PupilFactory(school=world.school, sen_status="E")
    off_register = [make_plan(no_longer_sen), make_plan(left)]
    Pupil.objects.filter(pk=no_longer_sen.pk).update(sen_status="N")
    Pupil.objects.filter(pk=left.pk).update(left_on=dt.date(2026, 10, 23))
    elsewhere = f.PupilFactory(school=world.other_school, sen_status="K", year_group=8)
    other_school_plan = make_plan(elsewhere)
    Pupil.objects.filter(pk=elsewhere.pk).update(sen_status="N")

    assert set(plans.open_plans_off_register(world.school)) == set(off_register)
    assert plans.plans_close_off_register(school=world.school, by=None) == 2
    assert set(SupportPlan.objects.filter(is_active=True)) == {kept, other_school_plan}
    assert plans.plans_close_off_register(school=world.school, by=None) == 0


# --- Services: reviews ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_review_records_every_part_and_sets_the_next_review_date(pupil, senco):
    plan = make_plan(pupil)
    review = add_review(
        plan,
        by=senco,
        date=TODAY,
        stage="review",
        notes="  Reviewed with Maya and her dad. ",
        progress="Reading age up 6 months.",
        next_steps="Move to the next level.",
        pupil_views="I like the stickers.",
        parent_views="She reads at bedtime now.",
        next_review_date=dt.date(2027, 2, 12),
    )
    review.refresh_from_db()
    assert (review.stage, review.notes, review.recorded_by) == ("review", "Reviewed with Maya and her dad.", senco)
    assert review.pupil_views == "I like the stickers." and review.parent_views == "She reads at bedtime now."
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2027, 2, 12)


@pytest.mark.django_db
def test_a_newer_review_can_bring_the_review_date_forward(pupil):
    plan = make_plan(pupil)
    add_review(plan, date=dt.date(2026, 10, 1), next_review_date=dt.date(2026, 11, 20))
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2026, 11, 20)


@pytest.mark.django_db
def test_a_review_without_a_next_date_leaves_the_plans_date_alone(pupil):
    plan = make_plan(pupil)
    add_review(plan, stage="do")
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2026, 12, 11)


@pytest.mark.django_db
def test_an_old_review_entered_late_does_not_override_a_newer_one(pupil):
    plan = make_plan(pupil)
    add_review(plan, date=dt.date(2026, 10, 30), stage="review", next_review_date=dt.date(2027, 1, 29))
    add_review(plan, date=dt.date(2026, 10, 5), stage="review", next_review_date=dt.date(2026, 11, 30))
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2027, 1, 29)
    assert plan.reviews.count() == 2


@pytest.mark.django_db
def test_a_review_on_the_same_day_as_the_newest_counts_as_newer(pupil):
    plan = make_plan(pupil)
    add_review(plan, date=dt.date(2026, 10, 30), stage="review", next_review_date=dt.date(2027, 1, 29))
    add_review(plan, date=dt.date(2026, 10, 30), stage="plan", next_review_date=dt.date(2026, 12, 4))
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date": TODAY + dt.timedelta(days=1)}, "date", "cannot be in the future"),
        ({"date": dt.date(2026, 9, 1), "stage": "do"}, "date", "only an assessment"),
        ({"stage": "review"}, "next_review_date", "A review sets the date of the next one"),
        ({"next_review_date": dt.date(2026, 10, 20)}, "next_review_date", "after this one"),
        ({"notes": "   "}, "notes", "cannot be blank"),
        ({"stage": "chat"}, "stage", "not a valid choice"),
    ],
)
@pytest.mark.django_db
def test_review_rules(pupil, fields, field, message):
    plan = make_plan(pupil)
    with pytest.raises(ValidationError) as caught:
        add_review(plan, **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert not PlanReview.objects.exists()
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2026, 12, 11)


@pytest.mark.django_db
def test_the_assessment_that_led_to_the_plan_may_come_before_it(pupil):
    plan = make_plan(pupil)
    review = add_review(plan, date=dt.date(2026, 9, 1), stage="assess", notes="Dyslexia screener.")
    assert review.pk and review.date < plan.start_date


@pytest.mark.django_db
def test_a_review_happening_today_is_allowed(pupil):
    plan = make_plan(pupil)
    assert add_review(plan, date=TODAY).pk


# --- Pure helpers ------------------------------------------------------------------------------------------


def test_pupil_views_round_trip_through_their_headings():
    sections = {"helps": "A quiet corner.\nSomeone to read with.", "good_at": "Football", "hard": ""}
    text = plans.join_pupil_views(sections)
    assert text == "What I'm good at:\nFootball\n\nWhat helps me:\nA quiet corner.\nSomeone to read with."
    assert plans.split_pupil_views(text) == {"good_at": "Football", "helps": "A quiet corner.\nSomeone to read with."}


def test_pupil_views_written_without_headings_are_kept_as_anything_else():
    assert plans.split_pupil_views("I like maths.\n\nWhat I want:\nTo read Harry Potter") == {
        "want": "To read Harry Potter",
        "other": "I like maths.",
    }
    assert plans.split_pupil_views("") == {}


@pytest.mark.parametrize(
    ("primary", "secondary", "areas"),
    [
        ("SPLD", "SLCN", ["CL", "CI"]),
        ("ASD", "SLCN", ["CI"]),
        ("OTH", "", []),
        ("", "", []),
        ("HI", "SEMH", ["SP", "SEMH"]),
    ],
)
def test_areas_of_recorded_need(primary, secondary, areas):
    assert plans.areas_of_recorded_need(Pupil(primary_need=primary, secondary_need=secondary)) == areas


# --- The plan list ------------------------------------------------------------------------------------------


@pytest.fixture
def register(world, pupil):
    """Maya (K, Year 3, plan overdue), Ben (E, Year 4, plan in date), Cleo (K, Year 3, no plan), and pupils
    who must not be listed: no SEN, left the school, another school's."""
    school = world.school
    ben = f.PupilFactory(
        school=school, legal_first_name="Ben", sen_status="E", primary_need="ASD", year_group=4,
        date_of_birth=dt.date(2018, 5, 1),
    )  # fmt: skip
    cleo = f.PupilFactory(school=school, legal_first_name="Cleo", sen_status="K", primary_need="HI")
    f.PupilFactory(school=school, legal_first_name="Nina", sen_status="N")
    f.PupilFactory(school=school, legal_first_name="Leah", sen_status="K", left_on=dt.date(2026, 10, 1))
    f.PupilFactory(school=world.other_school, legal_first_name="Otto", sen_status="K", year_group=8)
    maya_plan = make_plan(pupil, review_date=dt.date(2026, 10, 30))
    add_review(maya_plan, date=dt.date(2026, 10, 12))
    ben_plan = make_plan(ben, needs={"SEMH": "Finds change very hard."})
    return {"maya": pupil, "ben": ben, "cleo": cleo, "maya_plan": maya_plan, "ben_plan": ben_plan}


def _listed(response) -> dict[str, SupportPlan | None]:
    return {p.first_name: (p.active_plans[0] if p.active_plans else None) for p in response.context["page"]}


@pytest.mark.django_db
def test_plan_list_shows_the_schools_sen_pupils_with_their_plans(client, world, register):
    client.force_login(world.users["teacher"])
    response = client.get(reverse("interventions:plans"))
    assert response.status_code == 200
    listed = _listed(response)
    assert listed == {"Maya": register["maya_plan"], "Ben": register["ben_plan"], "Cleo": None}
    assert listed["Maya"].last_review_on == dt.date(2026, 10, 12)
    assert response.context["counts"] == {"sen_pupils": 3, "without_plan": 1, "overdue": 1, "due_soon": 1}
    html = response.content.decode()
    assert "No plan yet" in html
    assert "Overdue" in html
    assert "Write a plan" not in html  # teachers read plans; only the SENCO writes them


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=E", {"Ben"}),
        ("status=K", {"Maya", "Cleo"}),
        ("year=4", {"Ben"}),
        ("area=CI", {"Maya", "Ben"}),  # Maya's secondary need (SLCN) and Ben's ASD are communication needs
        ("area=SEMH", {"Ben"}),  # recorded on Ben's plan, not as his census need
        ("area=SP", {"Cleo"}),
        ("overdue=on", {"Maya"}),
        ("status=K&overdue=on&year=4", set()),
        ("year=banana", {"Maya", "Ben", "Cleo"}),  # an invalid filter is ignored
    ],
)
@pytest.mark.django_db
def test_plan_list_filters(client, world, register, query, names):
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:plans") + "?" + query)
    assert set(_listed(response)) == names


@pytest.mark.django_db
def test_plan_list_offers_the_senco_a_new_plan_and_the_plans_to_close(client, world, register):
    Pupil.objects.filter(pk=register["ben"].pk).update(sen_status="N", primary_need="")
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:plans"))
    html = response.content.decode()
    assert reverse("interventions:plan_new", args=[register["cleo"].pk]) in html
    assert response.context["off_register"] == [register["ben_plan"]]
    assert reverse("interventions:plan_close", args=[register["ben_plan"].pk]) in html


def _list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_plan_list_query_count_is_the_same_for_5_and_50_sen_pupils(client):
    counts = []
    for n in (5, 50):
        school = f.SchoolFactory()
        group = f.TeachingGroupFactory(school=school)
        interventions = [f.InterventionFactory(school=school) for _ in range(2)]
        for i in range(n):
            pupil = f.PupilFactory(school=school, registration_group=group, sen_status="KE"[i % 2], primary_need="MLD")
            if i % 3:
                plan = make_plan(pupil, interventions=interventions, review_date=dt.date(2026, 10 + i % 2, 20))
                add_review(plan)
        client.force_login(f.staff(school, "senco"))
        counts.append(_list_queries(client, reverse("interventions:plans")))
        counts.append(_list_queries(client, reverse("interventions:plans") + "?status=K&area=CL&overdue=on"))
    assert counts[:2] == counts[2:], counts
    # Session, user, memberships, term, the navbar's parent check; counts, page count, pupils, their plans, and
    # the SENCO's open plans of pupils off the register.
    assert counts[0] <= 10, counts


@pytest.mark.django_db
def test_the_profile_link_leads_to_the_pupils_plan(client, world, pupil):
    url = reverse("interventions:plans") + f"?pupil={pupil.pk}"
    client.force_login(world.users["senco"])
    assert client.get(url)["Location"] == reverse("interventions:plan_new", args=[pupil.pk])
    client.force_login(world.users["teacher"])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("interventions:plans")
    assert messages_of(response) == [f"{pupil.full_name} has no support plan yet."]

    plan = make_plan(pupil)
    for role in ("senco", "teacher"):
        client.force_login(world.users[role])
        assert client.get(url)["Location"] == reverse("interventions:plan_detail", args=[plan.pk])
    plans.plan_close(plan=plan, by=None)
    Pupil.objects.filter(pk=pupil.pk).update(sen_status="N", primary_need="", secondary_need="")
    client.force_login(world.users["senco"])
    assert client.get(url)["Location"] == reverse("interventions:plan_detail", args=[plan.pk])


@pytest.mark.parametrize("value", ["other", "abc"])
@pytest.mark.django_db
def test_the_profile_link_is_a_404_for_another_schools_or_a_bad_pupil(client, world, value):
    client.force_login(world.users["senco"])
    pk = world.other_pupil.pk if value == "other" else value
    assert client.get(reverse("interventions:plans") + f"?pupil={pk}").status_code == 404


@pytest.mark.parametrize(("role", "shown"), [("senco", True), ("teacher", True), ("leader", True), ("ta", False)])
@pytest.mark.django_db
def test_the_pupil_profile_links_to_the_support_plan(client, world, pupil, role, shown):
    client.force_login(world.users[role])
    html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert (f"?pupil={pupil.pk}" in html) is shown


# --- Writing a plan ---------------------------------------------------------------------------------------


def _plan_post(**overrides) -> dict:
    data = {
        "start_date": "2026-11-02",
        "review_date": "2027-02-05",
        "area_CL": "on",
        "need_CL": "Reading age two years below.",
        "outcomes": "Read a Year 2 book aloud.",
        "strategies": "Coloured overlays.",
        "voice_want": "To read to my little brother.",
        "voice_helps": "Reading with Mrs Khan.",
        "parent_views": "Worried about Year 4.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_new_plan_form_ticks_the_areas_of_recorded_need_and_offers_the_pupils_groups(client, world, pupil):
    current = f.PlacementFactory(intervention=f.InterventionFactory(school=world.school, name="Phonics"), pupil=pupil)
    past_group = f.InterventionFactory(school=world.school, name="Talk Boost", status="completed")
    f.PlacementFactory(
        intervention=past_group, pupil=pupil, exit_date=dt.date(2026, 10, 1), exit_reason="completed", outcome="met"
    )
    f.InterventionFactory(school=world.school, name="Not her group")
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:plan_new", args=[pupil.pk]))
    form = response.context["form"]
    assert form.initial["area_CL"] and form.initial["area_CI"]
    assert "area_SEMH" not in form.initial and "area_SP" not in form.initial
    assert set(form.fields["interventions"].queryset) == {current.intervention, past_group}
    html = response.content.decode()
    assert "What I want" in html and "What helps me" in html
    assert "Communication and interaction" in html and "Sensory and/or physical" in html


@pytest.mark.django_db
def test_senco_writes_a_plan(client, world, pupil, senco):
    placement = f.PlacementFactory(intervention=f.InterventionFactory(school=world.school), pupil=pupil)
    client.force_login(senco)
    response = client.post(
        reverse("interventions:plan_new", args=[pupil.pk]),
        _plan_post(interventions=[placement.intervention.pk]),
    )
    plan = SupportPlan.objects.get(pupil=pupil)
    assert response["Location"] == reverse("interventions:plan_detail", args=[plan.pk])
    assert plan.needs == {"CL": "Reading age two years below."}
    assert plan.review_date == dt.date(2027, 2, 5)
    assert list(plan.interventions.all()) == [placement.intervention]
    assert plans.split_pupil_views(plan.pupil_views) == {
        "want": "To read to my little brother.",
        "helps": "Reading with Mrs Khan.",
    }
    assert plan.created_by == senco


@pytest.mark.django_db
def test_the_plan_form_only_accepts_the_pupils_own_groups(client, world, pupil):
    someone_elses = f.PlacementFactory(intervention=f.InterventionFactory(school=world.school))
    other_school = f.InterventionFactory(school=world.other_school)
    client.force_login(world.users["senco"])
    for group in (someone_elses.intervention, other_school):
        response = client.post(reverse("interventions:plan_new", args=[pupil.pk]), _plan_post(interventions=[group.pk]))
        assert response.status_code == 200
        assert "interventions" in response.context["form"].errors
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"area_CL": None}, "need_CL", "Tick this area"),
        ({"area_CI": "on"}, "need_CI", "Describe the need in this area"),
        ({"area_CL": None, "need_CL": ""}, "__all__", "Tick at least one broad area"),
        ({"review_date": "2026-11-02"}, "review_date", "after the plan starts"),
        ({"outcomes": ""}, "outcomes", "the outcomes sought"),
        ({"voice_helps": "Quiet\nWhat I want:\nmore"}, "voice_helps", "do not start a line"),
    ],
)
@pytest.mark.django_db
def test_the_plan_form_keeps_what_was_typed_and_says_what_is_wrong(client, world, pupil, overrides, field, message):
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:plan_new", args=[pupil.pk]), _plan_post(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert "To read to my little brother." in response.content.decode()
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize("status", ["N", "left"])
@pytest.mark.django_db
def test_no_plan_for_a_pupil_off_the_register(client, world, status):
    pupil = f.PupilFactory(
        school=world.school,
        sen_status="N" if status == "N" else "K",
        left_on=dt.date(2026, 10, 1) if status == "left" else None,
    )
    client.force_login(world.users["senco"])
    url = reverse("interventions:plan_new", args=[pupil.pk])
    for response in (client.get(url, follow=True), client.post(url, _plan_post(), follow=True)):
        assert response.redirect_chain[-1][0] == reverse("pupils:detail", args=[pupil.pk])
        assert "cannot have a support plan" in messages_of(response)[0]
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_a_new_plan_starts_from_the_last_one_and_replaces_it(client, world, pupil):
    group = f.PlacementFactory(intervention=f.InterventionFactory(school=world.school), pupil=pupil).intervention
    first = make_plan(
        pupil, needs={"SEMH": "Anxious in tests."}, interventions=[group], pupil_views="What I want:\nTo play football."
    )
    client.force_login(world.users["senco"])
    url = reverse("interventions:plan_new", args=[pupil.pk])
    response = client.get(url)
    initial = response.context["form"].initial
    assert initial["need_SEMH"] == "Anxious in tests."
    assert initial["area_SEMH"] and initial["area_CL"] and initial["area_CI"]
    assert initial["voice_want"] == "To play football."
    assert initial["interventions"] == [group.pk]
    assert initial["start_date"] == TODAY
    assert "will be closed when this one is saved" in response.content.decode()

    response = client.post(url, _plan_post(), follow=True)
    assert "previous plan is closed" in messages_of(response)[0]
    first.refresh_from_db()
    assert not first.is_active
    assert SupportPlan.objects.get(pupil=pupil, is_active=True).start_date == TODAY


@pytest.mark.django_db
def test_senco_edits_a_plan(client, world, pupil):
    plan = make_plan(pupil, needs={"CL": "Reading.", "OTHER": "Recorded elsewhere."})
    client.force_login(world.users["senco"])
    url = reverse("interventions:plan_edit", args=[plan.pk])
    form = client.get(url).context["form"]
    assert form.initial["area_CL"] and form.initial["area_OTHER"]  # "Other" shown because the plan has it
    assert "area_CI" not in form.initial  # an edit shows the plan as it is, not the recorded needs
    response = client.post(url, _plan_post(start_date="2026-09-14", area_OTHER="on", need_OTHER="Recorded elsewhere."))
    assert response["Location"] == reverse("interventions:plan_detail", args=[plan.pk])
    plan.refresh_from_db()
    assert plan.needs == {"CL": "Reading age two years below.", "OTHER": "Recorded elsewhere."}
    assert plan.start_date == dt.date(2026, 9, 14) and plan.strategies == "Coloured overlays."


@pytest.mark.django_db
def test_editing_keeps_a_linked_group_the_pupil_has_no_place_in(client, world, pupil):
    wave_one = f.InterventionFactory(school=world.school, wave=1, name="Visual timetables")
    plan = make_plan(pupil, interventions=[wave_one])
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:plan_edit", args=[plan.pk]))
    assert list(response.context["form"].fields["interventions"].queryset) == [wave_one]
    assert response.context["form"].initial["interventions"] == [wave_one.pk]


@pytest.mark.django_db
def test_a_closed_plan_cannot_be_edited_or_reviewed(client, world, pupil):
    plan = make_plan(pupil)
    plans.plan_close(plan=plan, by=None)
    client.force_login(world.users["senco"])
    for name in ("plan_edit", "review_new"):
        response = client.post(reverse(f"interventions:{name}", args=[plan.pk]), _plan_post(), follow=True)
        assert response.redirect_chain[-1][0] == reverse("interventions:plan_detail", args=[plan.pk])
        assert "closed" in messages_of(response)[0]
    plan.refresh_from_db()
    assert plan.outcomes == "Read a Year 2 book aloud with few errors." and not plan.reviews.exists()


@pytest.mark.django_db
def test_senco_closes_a_plan(client, world, pupil):
    plan = make_plan(pupil)
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:plan_close", args=[plan.pk]), {"next": "plans"})
    assert response["Location"] == reverse("interventions:plans")
    plan.refresh_from_db()
    assert not plan.is_active
    assert client.get(reverse("interventions:plan_close", args=[plan.pk])).status_code == 405


# --- Reviews ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_senco_records_a_review_that_sets_the_next_date(client, world, pupil, senco):
    plan = make_plan(pupil)
    client.force_login(senco)
    response = client.post(
        reverse("interventions:review_new", args=[plan.pk]),
        {
            "stage": "review",
            "date": "2026-11-02",
            "notes": "Termly review meeting.",
            "progress": "Reading age up 5 months.",
            "next_steps": "Continue.",
            "pupil_views": "It's getting easier.",
            "parent_views": "Pleased.",
            "next_review_date": "2027-02-12",
            f"rating_{plans.outcome_key('Read a Year 2 book aloud with few errors.')}": "good",
        },
        follow=True,
    )
    assert "next review is now due by 12/02/2027" in messages_of(response)[0]
    review = plan.reviews.get()
    assert (review.stage, review.progress, review.recorded_by) == ("review", "Reading age up 5 months.", senco)
    assert [(r.outcome, r.rating) for r in review.ratings.all()] == [
        ("Read a Year 2 book aloud with few errors.", "good")
    ]
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2027, 2, 12)


@pytest.mark.django_db
def test_the_review_form_shows_the_services_errors_on_its_fields(client, world, pupil):
    plan = make_plan(pupil)
    client.force_login(world.users["senco"])
    url = reverse("interventions:review_new", args=[plan.pk])
    assert client.get(url).context["form"].initial["date"] == TODAY
    rated = {f"rating_{plans.outcome_key('Read a Year 2 book aloud with few errors.')}": "some"}
    response = client.post(url, {"stage": "review", "date": "2026-11-03", "notes": "Planned meeting.", **rated})
    errors = response.context["form"].errors
    assert "cannot be in the future" in errors["date"][0]
    assert "Planned meeting." in response.content.decode()
    response = client.post(url, {"stage": "review", "date": "2026-11-02", "notes": "", **rated})
    assert "Write a note" in response.context["form"].errors["notes"][0]
    response = client.post(url, {"stage": "review", "date": "2026-11-02", "notes": "Met.", **rated})
    assert "next one" in response.context["form"].errors["next_review_date"][0]
    assert not plan.reviews.exists()


# --- The plan page ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_page_shows_the_plan_its_provision_and_its_reviews_newest_first(client, world, pupil):
    running = f.InterventionFactory(school=world.school, name="Phonics Plus")
    f.PlacementFactory(intervention=running, pupil=pupil, entry_date=dt.date(2026, 9, 21))
    finished = f.InterventionFactory(school=world.school, name="Talk Boost", status="completed")
    f.PlacementFactory(
        intervention=finished,
        pupil=pupil,
        entry_date=dt.date(2026, 9, 14),
        exit_date=dt.date(2026, 10, 16),
        exit_reason="completed",
        outcome="partly",
    )
    f.PlacementFactory(intervention=finished)  # another pupil's place is not shown
    plan = make_plan(
        pupil,
        needs={"CI": "Word-finding difficulties.", "CL": "Reading age two years below."},
        interventions=[running, finished],
        pupil_views="What I want:\nTo read Harry Potter.\n\nWhat helps me:\nA reading buddy.",
        parent_views="We read every night.",
    )
    add_review(plan, date=dt.date(2026, 9, 30), stage="do", notes="First month done.")
    add_review(
        plan,
        date=dt.date(2026, 10, 28),
        stage="review",
        notes="Half-term review.",
        next_review_date=dt.date(2027, 1, 29),
    )
    client.force_login(world.users["teacher"])
    response = client.get(reverse("interventions:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert response.context["pupil_voice"] == [
        ("What I want", "To read Harry Potter."),
        ("What helps me", "A reading buddy."),
    ]
    assert response.context["needs"] == [
        ("Communication and interaction", "Word-finding difficulties."),
        ("Cognition and learning", "Reading age two years below."),
    ]
    provision = {row.intervention.name: row.placement for row in response.context["provision"].rows}
    assert provision["Phonics Plus"].entry_date == dt.date(2026, 9, 21)
    assert (provision["Talk Boost"].exit_date, provision["Talk Boost"].outcome) == (dt.date(2026, 10, 16), "partly")
    assert [r.notes for r in response.context["reviews"]] == ["Half-term review.", "First month done."]
    html = response.content.decode()
    assert "16/10/2026" in html and "Partly met" in html and "in the group now" in html
    assert html.index("Half-term review.") < html.index("First month done.")
    assert html.index("What I want") < html.index('id="provision-h"')  # the pupil's views come first
    assert "Record a review" not in html and "Edit plan" not in html  # a teacher reads only
    assert "css/plan.css" in html and 'class="d-flex flex-wrap gap-2 no-print"' in html
    assert "@media print" in (Path(settings.BASE_DIR) / "static" / "css" / "plan.css").read_text()


@pytest.mark.django_db
def test_plan_page_flags_an_overdue_review_and_a_pupil_off_the_register(client, world, pupil):
    plan = make_plan(pupil, review_date=dt.date(2026, 10, 30))
    client.force_login(world.users["senco"])
    url = reverse("interventions:plan_detail", args=[plan.pk])
    response = client.get(url)
    assert response.context["is_overdue"]
    assert "Review overdue" in response.content.decode()
    Pupil.objects.filter(pk=pupil.pk).update(sen_status="N", primary_need="", secondary_need="")
    response = client.get(url)
    assert "no longer on the SEN register" in response.content.decode()


@pytest.mark.django_db
def test_plan_page_query_count_does_not_grow_with_reviews_and_provision(client, world, pupil):
    groups = [f.InterventionFactory(school=world.school) for _ in range(3)]
    for group in groups:
        f.PlacementFactory(intervention=group, pupil=pupil)
    plan = make_plan(pupil, interventions=groups[:1])
    add_review(plan)
    client.force_login(world.users["senco"])
    url = reverse("interventions:plan_detail", args=[plan.pk])
    small = _list_queries(client, url)
    plans.plan_update(plan=plan, **_plan_fields(plan), interventions=groups, by=None)
    for day in range(1, 6):
        add_review(plan, date=dt.date(2026, 10, day))
    assert _list_queries(client, url) == small


@pytest.mark.django_db
def test_another_schools_plan_is_a_404(client, world):
    pupil = f.PupilFactory(school=world.other_school, sen_status="K", year_group=8)
    plan = make_plan(pupil)
    client.force_login(world.users["senco"])
    for name in ("plan_detail", "plan_edit", "review_new"):
        assert client.get(reverse(f"interventions:{name}", args=[plan.pk])).status_code == 404
    assert client.post(reverse("interventions:plan_close", args=[plan.pk])).status_code == 404
    assert client.get(reverse("interventions:plan_new", args=[pupil.pk])).status_code == 404
    plan.refresh_from_db()
    assert plan.is_active
