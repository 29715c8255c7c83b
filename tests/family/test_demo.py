"""The demo for parents: the demo parent's elder child has support now and support that has finished, the SENCO
sees a pending invitation on that child's profile, and a reset removes parents' accounts made in the demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from pupils.invitations import invitation_accept, invitation_create
from pupils.models import GuardianInvitation, Pupil, PupilGuardian
from tests import factories as f


def seed(*options: str) -> None:
    call_command("seed_demo", "--pupils=300", "--today=2026-11-24", *options, stdout=StringIO())


@pytest.fixture
def demo(db, time_machine):
    time_machine.move_to("2026-11-24 10:00 +00:00")
    seed()


def test_the_demo_parent_sees_current_and_finished_support(client, demo):
    parent = get_user_model().objects.get(username="parent")
    client.force_login(parent)
    elder = Pupil.objects.filter(guardians__user=parent).order_by("-year_group").first()
    html = client.get(reverse("family:child", args=[elder.pk])).content.decode()
    assert f"Help {elder.first_name} gets now" in html and "<dt>Since</dt>" in html
    assert "How earlier help went" in html and "<svg" in html


def test_the_senco_sees_the_pending_invitation_on_the_childs_profile(client, demo):
    invitation = GuardianInvitation.objects.get()
    assert invitation.status(invitation.created_at) == "pending" and invitation.guardian.user is None
    parent = get_user_model().objects.get(username="parent")
    elder = Pupil.objects.filter(guardians__user=parent).order_by("-year_group").first()
    client.force_login(get_user_model().objects.get(username="senco"))
    html = client.get(reverse("pupils:detail", args=[elder.pk])).content.decode()
    assert f"Link sent to {invitation.email}" in html


def test_a_reset_deletes_parents_accounts_made_in_the_demo_but_not_others(db, time_machine):
    time_machine.move_to("2026-11-24 10:00 +00:00")
    seed()
    guardian = GuardianInvitation.objects.get().guardian
    _, token = invitation_create(guardian=guardian, email=guardian.email, by=None)
    made_in_demo = invitation_accept(token=token, password="a-long-walk-by-the-canal")
    # A parent with a child at a school outside the demo too keeps their account.
    elsewhere = f.GuardianFactory(school=f.SchoolFactory(), user=made_in_demo)
    PupilGuardian.objects.create(pupil=f.PupilFactory(school=elsewhere.school), guardian=elsewhere)
    seed("--reset")
    assert get_user_model().objects.filter(pk=made_in_demo.pk).exists()

    elsewhere.delete()
    guardian = GuardianInvitation.objects.get().guardian
    _, token = invitation_create(guardian=guardian, email=guardian.email, by=None)
    linked = invitation_accept(token=token, user=made_in_demo)
    seed("--reset")
    assert not get_user_model().objects.filter(pk=linked.pk).exists()
