"""Inviting parents and carers from a pupil's profile: who may, what is sent and stored, resending, limits and
withdrawing."""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pupils import invitations
from pupils.models import GuardianInvitation, PupilGuardian
from tests import factories as f

from .conftest import link_in_outbox


def invite_url(world, guardian) -> str:
    return reverse("pupils:invitation_new", args=[world.pupils[0].pk, guardian.pk])


@pytest.mark.parametrize("role", ["senco", "admin"])
def test_senco_or_admin_invites_and_the_email_carries_a_single_link(client, world, guardian, role):
    client.force_login(world.users[role])
    page = client.get(invite_url(world, guardian))
    assert page.status_code == 200
    html = page.content.decode()
    # The page says which children the parent will see: every child this guardian is linked to.
    assert world.pupils[0].full_name in html and world.pupils[1].full_name not in html
    assert 'value="Jordan@Example.org"' in html

    response = client.post(invite_url(world, guardian), {"email": "Jordan@Example.org"})
    assert response.status_code == 302 and response["Location"] == world.pupils[0].get_absolute_url()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jordan@example.org"]
    assert world.school.name in message.subject
    path, token = link_in_outbox()
    assert message.body.startswith("Hello Jordan,")
    # The email names no child: a mistyped address must not learn who the child is.
    for pupil in world.pupils:
        assert pupil.first_name not in message.body
    invitation = GuardianInvitation.objects.get()
    assert invitation.guardian == guardian and invitation.email == "jordan@example.org"
    assert invitation.created_by == world.users[role]
    # Only a hash of the token is stored.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(GuardianInvitation.objects.values_list()))
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=14)
    assert client.get(path).status_code == 200


def test_validity_comes_from_the_setting(settings, world, guardian):
    settings.INVITATION_VALID_DAYS = 3
    invitation, _ = invitations.invitation_create(guardian=guardian, email="a@example.org", by=None)
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=3)


def test_the_link_uses_site_url_when_set(client, settings, world, guardian):
    settings.SITE_URL = "https://provision.example.sch.uk"
    client.force_login(world.users["senco"])
    client.post(invite_url(world, guardian), {"email": "jordan@example.org"})
    assert "https://provision.example.sch.uk/family/invitation/" in mail.outbox[0].body


def test_bad_email_keeps_what_was_typed_and_sends_nothing(client, world, guardian):
    client.force_login(world.users["senco"])
    response = client.post(invite_url(world, guardian), {"email": "jordan@"})
    assert response.status_code == 200
    assert 'value="jordan@"' in response.content.decode()
    assert not mail.outbox and not GuardianInvitation.objects.exists()


def test_sending_again_stops_the_older_link(client, world, guardian):
    client.force_login(world.users["senco"])
    client.post(invite_url(world, guardian), {"email": "jordan@example.org"})
    first_path, _ = link_in_outbox(0)
    client.post(invite_url(world, guardian), {"email": "jordan@example.org"})
    second_path, _ = link_in_outbox(1)
    first, second = GuardianInvitation.objects.order_by("created_at")
    assert first.revoked_at is not None and first.revoked_by == world.users["senco"]
    assert second.revoked_at is None
    client.logout()
    assert client.get(first_path).status_code == 404
    assert client.get(second_path).status_code == 200


def test_a_guardian_with_an_account_is_not_invited(client, world):
    parent_guardian = world.users["parent"].guardianships.get()
    with pytest.raises(ValidationError):
        invitations.invitation_create(guardian=parent_guardian, email="x@example.org", by=None)
    client.force_login(world.users["senco"])
    response = client.post(
        reverse("pupils:invitation_new", args=[world.pupils[0].pk, parent_guardian.pk]), {"email": "x@example.org"}
    )
    assert response.status_code == 302 and not mail.outbox


def test_daily_limit_per_guardian(client, world, guardian):
    for _ in range(invitations.MAX_PER_GUARDIAN_PER_DAY):
        invitations.invitation_create(guardian=guardian, email="jordan@example.org", by=None)
    client.force_login(world.users["senco"])
    response = client.post(invite_url(world, guardian), {"email": "jordan@example.org"})
    assert response.status_code == 200
    assert "Try again tomorrow" in response.content.decode()
    assert not mail.outbox
    assert GuardianInvitation.objects.count() == invitations.MAX_PER_GUARDIAN_PER_DAY


def test_a_guardian_of_another_pupil_cannot_be_invited_through_this_pupil(client, world):
    other = f.GuardianFactory(school=world.school)
    PupilGuardian.objects.create(pupil=world.pupils[2], guardian=other)
    client.force_login(world.users["senco"])
    url = reverse("pupils:invitation_new", args=[world.pupils[0].pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@example.org"}).status_code == 404
    assert not GuardianInvitation.objects.exists()


def test_another_schools_senco_cannot_invite_or_withdraw(client, world, guardian):
    invitation, _ = invitations.invitation_create(guardian=guardian, email="jordan@example.org", by=None)
    client.force_login(world.users["other_senco"])
    assert client.post(invite_url(world, guardian), {"email": "x@example.org"}).status_code == 404
    url = reverse("pupils:invitation_withdraw", args=[world.pupils[0].pk, invitation.pk])
    assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and not mail.outbox


def test_nothing_is_kept_when_the_mail_server_refuses(client, world, guardian, monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    client.force_login(world.users["senco"])
    response = client.post(invite_url(world, guardian), {"email": "jordan@example.org"})
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert not GuardianInvitation.objects.exists()


def test_withdrawing_stops_the_link(client, world, guardian):
    client.force_login(world.users["senco"])
    client.post(invite_url(world, guardian), {"email": "jordan@example.org"})
    path, _ = link_in_outbox()
    invitation = GuardianInvitation.objects.get()
    url = reverse("pupils:invitation_withdraw", args=[world.pupils[0].pk, invitation.pk])
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.revoked_by == world.users["senco"]
    assert invitation.status(timezone.now()) == "revoked"
    assert client.post(url).status_code == 302  # a second withdrawal changes nothing
    client.logout()
    assert client.get(path).status_code == 404


def test_an_invitation_of_another_pupil_cannot_be_withdrawn_through_this_pupil(client, world):
    other = f.GuardianFactory(school=world.school)
    PupilGuardian.objects.create(pupil=world.pupils[2], guardian=other)
    invitation, _ = invitations.invitation_create(guardian=other, email="x@example.org", by=None)
    client.force_login(world.users["senco"])
    url = reverse("pupils:invitation_withdraw", args=[world.pupils[0].pk, invitation.pk])
    assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_profile_shows_each_guardians_invitation_to_those_who_invite(client, world, guardian):
    client.force_login(world.users["senco"])
    html = client.get(world.pupils[0].get_absolute_url()).content.decode()
    assert "Invite to see their child's support" in html
    assert invite_url(world, guardian) in html

    client.post(invite_url(world, guardian), {"email": "jordan@example.org"})
    invitation = GuardianInvitation.objects.get()
    html = client.get(world.pupils[0].get_absolute_url()).content.decode()
    assert "Link sent to jordan@example.org" in html
    assert reverse("pupils:invitation_withdraw", args=[world.pupils[0].pk, invitation.pk]) in html
    assert "Sent by" in html

    client.force_login(world.users["teacher"])
    html = client.get(world.pupils[0].get_absolute_url()).content.decode()
    assert "Link sent to" not in html and invite_url(world, guardian) not in html


def test_profile_says_when_the_last_invitation_ran_out(client, world, guardian):
    long_ago = timezone.now() - dt.timedelta(days=30)
    invitations.invitation_create(guardian=guardian, email="jordan@example.org", by=None, now=long_ago)
    client.force_login(world.users["senco"])
    html = client.get(world.pupils[0].get_absolute_url()).content.decode()
    assert "ran out" in html and "Invite again" in html
