"""Staff training: recording who is trained in which programme, and warnings about untrained staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.catalogue.training import untrained_staff
from interventions.models import InterventionStaff, Programme, Training
from provision.models import Role
from tests import factories as f

TODAY = dt.date(2026, 11, 2)


def _trained(school, user, programme, on=dt.date(2025, 9, 1), expires=None) -> Training:
    return Training.objects.create(school=school, user=user, programme=programme, trained_on=on, expires_on=expires)


def _staffed(school, programme, *members, **fields):
    """An intervention run by ``members`` (users, or strings for external tutors)."""
    intervention = f.InterventionFactory(school=school, programme=programme, **fields)
    for member in members:
        if isinstance(member, str):
            InterventionStaff.objects.create(intervention=intervention, external_name=member, role="external")
        else:
            InterventionStaff.objects.create(intervention=intervention, user=member, role="ta")
    return intervention


# --- untrained_staff ------------------------------------------------------------------------------------------


@pytest.fixture
def switch_on(db) -> Programme:
    return Programme.objects.get(school__isnull=True, name="Switch-on Reading")


def _flagged(intervention, **kwargs) -> list:
    return [member.user for member in untrained_staff(intervention=intervention, today=TODAY, **kwargs)]


def test_currently_trained_staff_are_not_flagged(world, switch_on):
    ta, teacher = world.users["ta"], world.users["teacher"]
    _trained(world.school, ta, switch_on)
    _trained(world.school, teacher, switch_on, expires=TODAY)  # still valid on its last day
    assert _flagged(_staffed(world.school, switch_on, ta, teacher)) == []


def test_expired_or_not_yet_taken_training_is_flagged(world, switch_on):
    ta, teacher = world.users["ta"], world.users["teacher"]
    _trained(world.school, ta, switch_on, expires=TODAY - dt.timedelta(days=1))
    _trained(world.school, teacher, switch_on, on=TODAY + dt.timedelta(days=7))
    assert _flagged(_staffed(world.school, switch_on, ta, teacher)) == [ta, teacher]


def test_training_in_another_programme_or_recorded_by_another_school_does_not_count(world, switch_on):
    ta = world.users["ta"]
    f.MembershipFactory(user=ta, school=world.other_school, role=Role.TA)
    _trained(world.other_school, ta, switch_on)
    _trained(world.school, ta, Programme.objects.get(school__isnull=True, name="Catch Up Literacy"))
    intervention = _staffed(world.school, switch_on, ta)
    assert _flagged(intervention) == [ta]
    # The same answer from the school's trainings passed in (as the training page does).
    assert _flagged(intervention, trainings=list(Training.objects.filter(school=world.school))) == [ta]


def test_external_tutors_are_not_flagged(world, switch_on):
    intervention = _staffed(world.school, switch_on, "Ms Tutor from Reading Matters", world.users["ta"])
    flagged = untrained_staff(intervention=intervention, today=TODAY)
    assert [member.user for member in flagged] == [world.users["ta"]]


def test_a_bespoke_intervention_has_no_untrained_staff(world):
    bespoke = _staffed(world.school, None, world.users["ta"])
    assert untrained_staff(intervention=bespoke, today=TODAY) == []


# --- The training page ------------------------------------------------------------------------------------------


def test_senco_records_training_and_recording_again_renews_it(client, world, switch_on):
    client.force_login(world.users["senco"])
    url = reverse("interventions:training_add")
    data = {"user": world.users["ta"].pk, "programme": switch_on.pk, "trained_on": "2025-09-01", "notes": "Day 1"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("interventions:training")
    record = Training.objects.get()
    assert (record.school, record.user, record.programme) == (world.school, world.users["ta"], switch_on)
    assert record.trained_on == dt.date(2025, 9, 1) and record.expires_on is None and record.notes == "Day 1"

    client.post(url, {**data, "trained_on": "2026-09-01", "expires_on": "2029-09-01", "notes": ""})
    record = Training.objects.get()
    assert (record.trained_on, record.expires_on) == (dt.date(2026, 9, 1), dt.date(2029, 9, 1))

    page = client.get(reverse("interventions:training"))
    assert "Switch-on Reading" in page.content.decode()
    assert "updated" in " ".join(str(m) for m in page.context["messages"])


def test_own_programmes_can_be_recorded(client, world):
    own = f.ProgrammeFactory(school=world.school, name="Oak phonics booster")
    client.force_login(world.users["senco"])
    data = {"user": world.users["teacher"].pk, "programme": own.pk, "trained_on": "2025-01-10"}
    assert client.post(reverse("interventions:training_add"), data).status_code == 302
    assert Training.objects.get().programme == own


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"user": "other_senco"}, "user"),  # staff of another school
        ({"user": "parent"}, "user"),  # not staff at all
        ({"programme": "other_school"}, "programme"),  # another school's own programme
        ({"programme": "retired"}, "programme"),  # no longer offered here
        ({"trained_on": "future"}, "trained_on"),
        ({"expires_on": "2025-08-31"}, "expires_on"),  # before the training
        ({"expires_on": "2025-09-01"}, "expires_on"),  # the same day
        ({"trained_on": "01/13/2025"}, "trained_on"),
    ],
)
def test_training_form_rejects_bad_input(client, world, switch_on, changes, field):
    data = {"user": world.users["ta"].pk, "programme": switch_on.pk, "trained_on": "2025-09-01", "notes": "kept"}
    value = changes[field]
    if field == "user":
        value = world.users[value].pk
    elif value == "other_school":
        value = f.ProgrammeFactory(school=world.other_school).pk
    elif value == "retired":
        value = f.ProgrammeFactory(school=world.school, is_active=False).pk
    elif value == "future":
        value = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data[field] = value
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:training_add"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Training.objects.exists()
    assert 'value="kept"' in response.content.decode()


def test_senco_removes_training_but_not_another_schools(client, world, switch_on):
    mine = _trained(world.school, world.users["ta"], switch_on)
    theirs = _trained(world.other_school, world.users["other_senco"], switch_on)
    client.force_login(world.users["senco"])
    assert client.post(reverse("interventions:training_delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("interventions:training_delete", args=[mine.pk])).status_code == 405
    assert client.post(reverse("interventions:training_delete", args=[mine.pk])).status_code == 302
    assert list(Training.objects.all()) == [theirs]


def test_leader_sees_the_record_read_only(client, world, switch_on):
    record = _trained(world.school, world.users["ta"], switch_on)
    client.force_login(world.users["leader"])
    response = client.get(reverse("interventions:training"))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["can_edit"] is False
    assert "Switch-on Reading" in html
    assert reverse("interventions:training_add") not in html
    assert reverse("interventions:training_delete", args=[record.pk]) not in html
    assert client.post(reverse("interventions:training_delete", args=[record.pk])).status_code == 403
    assert Training.objects.filter(pk=record.pk).exists()


def test_training_page_lists_staff_and_leavers_and_warns_about_untrained_staff(client, world, switch_on):
    today = timezone.localdate()
    ta, teacher = world.users["ta"], world.users["teacher"]
    _trained(world.school, ta, switch_on)
    _trained(world.school, teacher, switch_on, on=today - dt.timedelta(days=800), expires=today - dt.timedelta(days=1))
    leaver = f.UserFactory(first_name="Lee", last_name="Gone")
    _trained(world.school, leaver, switch_on)

    _staffed(world.school, switch_on, ta, name="Y7 readers")
    _staffed(world.school, switch_on, ta, teacher, "Visiting tutor", name="Y8 readers")
    _staffed(world.school, switch_on, teacher, name="Finished group", status="completed")
    _staffed(world.school, None, teacher, name="Bespoke group")
    _staffed(world.other_school, switch_on, world.users["other_senco"], name="Elm group")

    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:training"))
    warnings = {
        intervention.name: [m.user for m in missing] for intervention, _, missing in response.context["warnings"]
    }
    assert warnings == {"Y8 readers": [teacher]}
    rows = {user: (role, [t.status for t in records]) for user, role, records in response.context["rows"]}
    assert rows[ta] == ("Teaching assistant / tutor", ["Current"])
    assert rows[teacher] == ("Teacher", ["Expired"])
    assert rows[leaver] == (None, ["Current"])
    assert rows[world.users["admin"]] == ("School admin", [])
    assert world.users["other_senco"] not in rows
    html = response.content.decode()
    assert "Y8 readers" in html and "No longer on the staff" in html


def test_training_soon_to_expire_is_marked(client, world, switch_on):
    today = timezone.localdate()
    _trained(
        world.school,
        world.users["ta"],
        switch_on,
        on=today - dt.timedelta(days=300),
        expires=today + dt.timedelta(days=10),
    )
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:training"))
    rows = {user: records for user, _, records in response.context["rows"]}
    assert [t.status for t in rows[world.users["ta"]]] == ["Renew soon"]


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("interventions:training"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_training_page_query_count_is_the_same_for_2_and_12_interventions(client):
    counts = []
    for n in (2, 12):
        school = f.SchoolFactory()
        senco = f.staff(school, Role.SENCO)
        assistants = [f.staff(school, Role.TA) for _ in range(3)]
        programmes = [f.ProgrammeFactory(school=school) for _ in range(3)]
        for programme, assistant in zip(programmes, assistants, strict=True):
            _trained(school, assistant, programme)
        for i in range(n):
            programme = programmes[i % 3]
            _staffed(school, programme, assistants[i % 3], assistants[(i + 1) % 3], "External tutor")
        client.force_login(senco)
        counts.append(_page_queries(client))
    assert counts[0] == counts[1], counts
