"""Accepting an invitation: a new account with a password, or linking an existing one; single use; every link
that does not work gets the same 404 page that names no school and no child."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from pupils import invitations
from pupils.models import GuardianInvitation, PupilGuardian
from tests import factories as f

PASSWORD = "a-long-walk-by-the-canal"


@pytest.fixture
def invited(world, guardian):
    """The path of a fresh invitation link for Jordan (and its token)."""
    invitation, token = invitations.invitation_create(guardian=guardian, email=guardian.email, by=world.users["senco"])
    return reverse("family:accept", args=[token]), token


def accept_new(client, path, password=PASSWORD, again=None):
    return client.post(path, {"password1": password, "password2": again or password})


def assert_dead_link(response, world):
    assert response.status_code == 404
    html = response.content.decode()
    assert "This link does not work" in html
    for text in (world.school.name, "Jordan", *(p.first_name for p in world.pupils)):
        assert text not in html


def test_new_parent_sets_a_password_and_lands_on_their_home_page(client, world, guardian, invited):
    path, _ = invited
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up your account" in html and world.school.name in html and "jordan@example.org" in html
    # The page before the password names no child: the link could have been forwarded.
    for pupil in world.pupils:
        assert pupil.first_name not in html

    response = accept_new(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("family:home")
    user = get_user_model().objects.get(username="jordan@example.org")
    assert user.email == "jordan@example.org" and user.first_name == "Jordan"
    assert user.check_password(PASSWORD)
    guardian.refresh_from_db()
    assert guardian.user == user
    invitation = GuardianInvitation.objects.get()
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    # Signed in: the home page shows the child.
    home = client.get(reverse("family:home"))
    assert home.status_code == 200 and world.pupils[0].first_name in home.content.decode()
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("password", None, "too common"),
        ("12345678901", None, "entirely numeric"),
        ("short", None, "too short"),
        (PASSWORD, "something-else-entirely", "didn’t match"),
        ("jordan@example.org", None, "too similar"),
    ],
)
def test_weak_or_mismatched_passwords_are_refused(client, world, guardian, invited, password, again, message):
    path, _ = invited
    response = accept_new(client, path, password, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="jordan@example.org").exists()
    assert GuardianInvitation.objects.get().accepted_at is None


def test_a_used_link_is_a_404_that_says_nothing(client, world, guardian, invited):
    path, _ = invited
    accept_new(client, path)
    client.logout()
    assert_dead_link(client.get(path), world)
    assert_dead_link(accept_new(client, path, "another-long-password"), world)
    assert get_user_model().objects.filter(email="jordan@example.org").count() == 1


def test_an_expired_link_is_a_404(client, world, guardian):
    sent = timezone.now()
    _, token = invitations.invitation_create(guardian=guardian, email="jordan@example.org", by=None, now=sent)
    path = reverse("family:accept", args=[token])
    with time_machine.travel(sent + dt.timedelta(days=13, hours=23), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(sent + dt.timedelta(days=14, seconds=1), tick=False):
        assert_dead_link(client.get(path), world)
        assert_dead_link(accept_new(client, path), world)
    guardian.refresh_from_db()
    assert guardian.user is None


def test_a_revoked_link_is_a_404(client, world, guardian, invited):
    path, _ = invited
    assert invitations.invitation_revoke(invitation=GuardianInvitation.objects.get(), by=world.users["senco"])
    assert_dead_link(client.get(path), world)
    assert_dead_link(accept_new(client, path), world)


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 300])
def test_an_unknown_link_is_a_404(client, world, token):
    assert_dead_link(client.get(reverse("family:accept", args=[token])), world)


def test_the_link_works_once_even_when_used_between_opening_and_submitting(client, world, guardian, invited):
    """Two people (or two tabs) open the link; the first to submit wins, the second gets the dead-link page."""
    path, token = invited
    assert client.get(path).status_code == 200
    invitations.invitation_accept(token=token, password=PASSWORD)
    assert_dead_link(accept_new(client, path, "a-different-long-password"), world)
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_accept(token=token, password=PASSWORD)
    assert get_user_model().objects.filter(email="jordan@example.org").count() == 1


def test_the_claim_is_a_conditional_update(world, guardian, invited):
    """The service claims the row with UPDATE ... WHERE accepted_at IS NULL: when the row was claimed by someone
    else in between, nothing is linked and no account is made."""
    _, token = invited
    GuardianInvitation.objects.update(accepted_at=timezone.now())  # another request won
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_accept(token=token, password=PASSWORD)
    guardian.refresh_from_db()
    assert guardian.user is None
    assert not get_user_model().objects.filter(email="jordan@example.org").exists()


def test_parent_with_children_at_two_schools_links_the_second_to_the_same_account(client, world):
    """The world's parent has two children at Oak Primary; Elm Academy invites them for a third."""
    parent = world.users["parent"]
    parent.email = "sam.parent@example.org"
    parent.save()
    elm_guardian = f.GuardianFactory(school=world.other_school, email="Sam.Parent@example.org")
    PupilGuardian.objects.create(pupil=world.other_pupil, guardian=elm_guardian, relationship="mother")
    _, token = invitations.invitation_create(guardian=elm_guardian, email=elm_guardian.email, by=None)
    path = reverse("family:accept", args=[token])

    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200 and "You already have an account" in html and parent.username in html
    assert "password1" not in html

    wrong = client.post(path, {"password": "not-it"})
    assert wrong.status_code == 200 and "That password is not right" in wrong.content.decode()
    elm_guardian.refresh_from_db()
    assert elm_guardian.user is None

    response = client.post(path, {"password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("family:home")
    elm_guardian.refresh_from_db()
    assert elm_guardian.user == parent
    assert get_user_model().objects.filter(email__iexact="sam.parent@example.org").count() == 1
    home = client.get(reverse("family:home")).content.decode()
    for child in (world.pupils[0], world.pupils[1], world.other_pupil):
        assert child.first_name in home
        assert reverse("family:child", args=[child.pk]) in home
    assert world.school.name in home and world.other_school.name in home
    assert client.get(reverse("family:child", args=[world.other_pupil.pk])).status_code == 200


def test_a_signed_in_parent_adds_the_children_with_one_button(client, world):
    parent = world.users["parent"]
    parent.email = "sam.parent@example.org"
    parent.save()
    elm_guardian = f.GuardianFactory(school=world.other_school, email="sam.parent@example.org")
    PupilGuardian.objects.create(pupil=world.other_pupil, guardian=elm_guardian)
    _, token = invitations.invitation_create(guardian=elm_guardian, email=elm_guardian.email, by=None)
    client.force_login(parent)
    path = reverse("family:accept", args=[token])
    html = client.get(path).content.decode()
    assert "Add my children and continue" in html and 'type="password"' not in html
    assert client.post(path).status_code == 302
    elm_guardian.refresh_from_db()
    assert elm_guardian.user == parent


def test_a_stranger_signed_in_elsewhere_cannot_use_an_existing_parents_link_without_the_password(client, world):
    parent = world.users["parent"]
    parent.email = "sam.parent@example.org"
    parent.save()
    elm_guardian = f.GuardianFactory(school=world.other_school, email="sam.parent@example.org")
    PupilGuardian.objects.create(pupil=world.other_pupil, guardian=elm_guardian)
    _, token = invitations.invitation_create(guardian=elm_guardian, email=elm_guardian.email, by=None)
    client.force_login(world.users["teacher"])
    response = client.post(reverse("family:accept", args=[token]), {"password": ""})
    assert response.status_code == 200
    elm_guardian.refresh_from_db()
    assert elm_guardian.user is None


def test_staff_member_who_is_also_a_parent_links_their_staff_account(client, world, guardian):
    teacher = world.users["teacher"]
    teacher.email = "jordan@example.org"
    teacher.save()
    _, token = invitations.invitation_create(guardian=guardian, email=guardian.email, by=None)
    response = client.post(reverse("family:accept", args=[token]), {"password": f.PASSWORD})
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert guardian.user == teacher


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_the_same_link_at_once_make_one_account(world, guardian):
    """Two phones submit the same link at the same moment: the conditional UPDATE lets exactly one claim it; the
    other is told the link does not work, and only one account exists."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite writes one transaction at a time anyway.")
    _, token = invitations.invitation_create(guardian=guardian, email=guardian.email, by=None)
    start = Barrier(2)

    def accept(password: str) -> str:
        try:
            start.wait()
            invitations.invitation_accept(token=token, password=password)
            return "accepted"
        except invitations.InvitationError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(accept, [PASSWORD, "another-long-password"]))
    assert outcomes == ["accepted", "refused"]
    assert get_user_model().objects.filter(email="jordan@example.org").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_inviting_at_once_leave_one_working_link(world, guardian):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite writes one transaction at a time anyway.")
    start = Barrier(2)

    def invite(_: int) -> None:
        try:
            start.wait()
            invitations.invitation_create(guardian=guardian, email=guardian.email, by=None)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(invite, range(2)))
    assert GuardianInvitation.objects.count() == 2
    assert GuardianInvitation.objects.pending(timezone.now()).count() == 1
