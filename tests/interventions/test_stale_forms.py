"""Two people editing the same pupil, group, placement or support plan: a form opened before the other person saved
is not saved over their change; it shows what changed, keeps both people's edits in the form, and saves on the
second press."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from interventions.models import Intervention, Placement, SupportPlan
from interventions.plans import services as plans
from provision.concurrency import OPENED_AS
from pupils.models import Pupil
from tests import factories as f

# The clock stands still (a shared fixture in conftest.py): the dates in these tests are fixed.
pytestmark = pytest.mark.usefixtures("frozen_today")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fields(form: forms.BaseForm) -> dict:
    """A form's fields as a browser would post them back unchanged."""
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def _opened(client: Client, url: str) -> dict:
    """What the page's form (and its formset, if any) would post back."""
    response = client.get(url)
    assert response.status_code == 200
    data = _fields(response.context["form"])
    formset = response.context.get("formset")
    if formset is not None:
        data |= _fields(formset.management_form)
        for line in formset.forms:
            data |= _fields(line)
    assert data.get(OPENED_AS), "the form carries what it was opened with"
    return data


def _stale_then_saved(url, first: Client, second: Client, *, theirs: dict, mine: dict):
    """``first`` and ``second`` open the form; ``second`` saves ``theirs``; ``first`` posts ``mine`` on the stale
    page (refused, with the changes listed), then posts the page it gets back (saved). Returns the refused
    response."""
    stale, fresh = _opened(first, url), _opened(second, url)
    assert second.post(url, fresh | theirs).status_code == 302
    refused = first.post(url, stale | mine)
    assert refused.status_code == 200
    assert refused.context["form"].stale_changes
    page = refused.content.decode()
    assert 'id="stale-form"' in page and "Changed by someone else" in page
    again = _fields(refused.context["form"])
    formset = refused.context.get("formset")
    if formset is not None:
        again |= _fields(formset.management_form)
        for line in formset.forms:
            again |= _fields(line)
    assert first.post(url, again).status_code == 302
    return refused


@pytest.mark.django_db
def test_a_stale_pupil_form_does_not_wipe_the_preferred_name(world):
    pupil = world.pupils[0]
    url = reverse("pupils:edit", args=[pupil.pk])
    admin, senco = _signed_in(world.users["admin"]), _signed_in(world.users["senco"])
    refused = _stale_then_saved(
        url, admin, senco, theirs={"preferred_first_name": "Jojo"}, mine={"fsm": "on", "eal": "on"}
    )
    (change,) = refused.context["form"].stale_changes
    assert (change.label, change.was, change.now, change.you_changed) == (
        "Preferred forename",
        "(blank)",
        "Jojo",
        False,
    )
    # The refused page already holds their name and the admin's ticks.
    assert refused.context["form"]["preferred_first_name"].value() == "Jojo"
    pupil = Pupil.objects.get(pk=pupil.pk)
    assert (pupil.preferred_first_name, pupil.fsm, pupil.eal) == ("Jojo", True, True)


@pytest.mark.django_db
def test_a_stale_group_tab_does_not_reset_capacity_and_notes(world):
    intervention = f.InterventionFactory(school=world.school, capacity=6, notes="")
    url = reverse("interventions:edit", args=[intervention.pk])
    senco, leader = _signed_in(world.users["senco"]), _signed_in(world.users["senco"])
    refused = _stale_then_saved(
        url, senco, leader, theirs={"capacity": "8", "notes": "Moved to room 4"}, mine={"name": "Reading boost B"}
    )
    shown = {c.name: (c.was, c.now) for c in refused.context["form"].stale_changes}
    assert shown == {"capacity": ("6", "8"), "notes": ("(blank)", "Moved to room 4")}
    intervention = Intervention.objects.get(pk=intervention.pk)
    assert (intervention.name, intervention.capacity, intervention.notes) == ("Reading boost B", 8, "Moved to room 4")


@pytest.mark.django_db
def test_both_changed_the_same_field_shows_both_values_and_keeps_yours_in_the_form(world):
    intervention = f.InterventionFactory(school=world.school, capacity=6)
    url = reverse("interventions:edit", args=[intervention.pk])
    one, two = _signed_in(world.users["senco"]), _signed_in(world.users["senco"])
    stale, fresh = _opened(one, url), _opened(two, url)
    two.post(url, fresh | {"capacity": "8"})
    refused = one.post(url, stale | {"capacity": "4"})
    (change,) = refused.context["form"].stale_changes
    assert (change.was, change.now, change.yours, change.you_changed) == ("6", "8", "4", True)
    assert refused.context["form"]["capacity"].value() == "4"
    assert Intervention.objects.get(pk=intervention.pk).capacity == 8


@pytest.mark.django_db
def test_a_stale_placement_form_keeps_the_target_set_meanwhile(world):
    intervention = f.InterventionFactory(school=world.school)
    placement = f.PlacementFactory(intervention=intervention, pupil=world.pupils[0], target="")
    url = reverse("interventions:placement_edit", args=[placement.pk])
    one, two = _signed_in(world.users["senco"]), _signed_in(world.users["senco"])
    refused = _stale_then_saved(url, one, two, theirs={"target": "Read 20 words a minute"}, mine={"notes": "Shy"})
    assert [c.name for c in refused.context["form"].stale_changes] == ["target"]
    placement = Placement.objects.get(pk=placement.pk)
    assert (placement.target, placement.notes) == ("Read 20 words a minute", "Shy")


@pytest.mark.django_db
def test_a_stale_support_plan_form_keeps_the_outcomes_written_meanwhile(world):
    pupil = f.PupilFactory(school=world.school, sen_status="K", primary_need="SPLD")
    plan = plans.plan_create(
        pupil=pupil,
        by=None,
        start_date=dt.date(2026, 9, 14),
        review_date=dt.date(2026, 12, 11),
        needs={"CL": "Reading age two years below her age."},
        outcomes="Read a Year 2 book aloud.",
    )
    url = reverse("interventions:plan_edit", args=[plan.pk])
    one, two = _signed_in(world.users["senco"]), _signed_in(world.users["senco"])
    refused = _stale_then_saved(
        url, one, two, theirs={"outcomes": "Read a Year 3 book aloud."}, mine={"parent_views": "Pleased"}
    )
    (change,) = refused.context["form"].stale_changes
    assert change.label == "Outcomes sought" and change.now == "Read a Year 3 book aloud."
    plan = SupportPlan.objects.get(pk=plan.pk)
    assert (plan.outcomes, plan.parent_views) == ("Read a Year 3 book aloud.", "Pleased")


@pytest.mark.django_db
def test_a_form_opened_after_the_change_saves_at_once_and_a_forged_token_saves_nothing(world):
    pupil = world.pupils[0]
    url = reverse("pupils:edit", args=[pupil.pk])
    senco = _signed_in(world.users["senco"])
    fresh = _opened(senco, url)
    assert senco.post(url, fresh | {"preferred_first_name": "Jo"}).status_code == 302
    forged = _opened(senco, url) | {"preferred_first_name": "Max", OPENED_AS: "not-a-signed-value"}
    response = senco.post(url, forged)
    assert response.status_code == 200 and "could not be checked" in response.content.decode()
    assert Pupil.objects.get(pk=pupil.pk).preferred_first_name == "Jo"
    # A token made for another pupil is refused too.
    other = f.PupilFactory(school=world.school)
    borrowed = _opened(senco, reverse("pupils:edit", args=[other.pk]))[OPENED_AS]
    response = senco.post(url, _opened(senco, url) | {"preferred_first_name": "Max", OPENED_AS: borrowed})
    assert response.status_code == 200
    assert Pupil.objects.get(pk=pupil.pk).preferred_first_name == "Jo"
