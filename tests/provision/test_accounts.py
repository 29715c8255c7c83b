"""Accounts: argon2, lockout on the sign-in and invitation pages, password reset by email, the staff idle timeout,
signing out everywhere, and two-factor codes (optional, or required by the school for SENCOs and leaders)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from provision.models import UserSession
from pupils.invitations import invitation_create
from tests import factories as f

PASSWORD = "a-long-test-password-2026"


def _sign_in(client, username: str, password: str, address: str = "203.0.113.5"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, follow=False
    )


@pytest.fixture
def senco(world):
    user = world.users["senco"]
    user.set_password(PASSWORD)
    user.save()
    return user


def test_new_passwords_are_hashed_with_argon2(db, settings):
    """The project's hashers (the tests swap in MD5 for speed): argon2 first, older hashes upgraded at sign-in."""
    from provision import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    user = f.UserFactory()
    user.set_password(PASSWORD)
    user.save()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)


def test_right_password_signs_in(client, senco):
    response = _sign_in(client, "senco", PASSWORD)
    assert response.status_code == 302
    assert UserSession.objects.filter(user=senco).count() == 1


def test_lockout_per_username_then_the_right_password_is_refused(client, senco, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # From different addresses: the username's own count locks it.
        response = _sign_in(client, "senco", "wrong", address=f"198.51.100.{attempt + 1}")
        assert response.status_code in (200, 429)
    response = _sign_in(client, "senco", PASSWORD, address="198.51.100.200")
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user from another address is not affected.
    other = f.staff(senco.memberships.first().school, "teacher", username="teacher2")
    other.set_password(PASSWORD)
    other.save()
    assert _sign_in(client, "teacher2", PASSWORD, address="192.0.2.77").status_code == 302


def test_lockout_clears_after_the_cool_off(client, senco, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "senco", "wrong")
    assert _sign_in(client, "senco", PASSWORD).status_code == 429
    later = timezone.now() + timezone.timedelta(minutes=settings.AXES_COOLOFF_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        assert _sign_in(client, "senco", PASSWORD).status_code == 302


def test_lockout_per_address_across_usernames(client, world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, f"nobody{n}", "guess", address="203.0.113.66")
    user = world.users["leader"]
    user.set_password(PASSWORD)
    user.save()
    assert _sign_in(client, "leader", PASSWORD, address="203.0.113.66").status_code == 429
    assert _sign_in(client, "leader", PASSWORD, address="203.0.113.67").status_code == 302


def test_lockout_on_the_invitation_page_password_check(client, world, settings):
    """A parent who already has an account types its password on the invitation page: guesses count too."""
    parent = world.users["parent"]
    parent.email = "parent@example.org"
    parent.set_password(PASSWORD)
    parent.save()
    guardian = f.GuardianFactory(school=world.school, first_name="Sam")
    f.PupilGuardian.objects.create(pupil=world.pupils[2], guardian=guardian, relationship="father")
    _, token = invitation_create(guardian=guardian, email="parent@example.org", by=None)
    url = reverse("family:accept", args=[token])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"password": "wrong"}, REMOTE_ADDR="203.0.113.8")
    response = client.post(url, {"password": PASSWORD}, REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert not guardian.pupils.filter(guardians__user=parent).exists()
    # The login page refuses that account too: one count per username, whichever page.
    assert _sign_in(client, parent.username, PASSWORD, address="192.0.2.1").status_code == 429


def test_password_reset_by_email(client, senco, settings):
    settings.SITE_URL = "https://provision.example.sch.uk"
    senco.email = "senco@example.sch.uk"
    senco.save()
    response = client.post(reverse("password_reset"), {"email": "senco@example.sch.uk"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https://provision\.example\.sch\.uk(/accounts/password/reset/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = "another-long-password-77"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    senco.refresh_from_db()
    assert senco.check_password(new)
    # The link works once.
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_password_reset_says_the_same_for_an_unknown_address(client, world):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_staff_session_ends_after_the_idle_time(client, senco, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(senco)
        assert client.get(reverse("pupils:list")).status_code == 200
    with time_machine.travel(start + timezone.timedelta(minutes=settings.STAFF_IDLE_MINUTES - 5), tick=False):
        assert client.get(reverse("pupils:list")).status_code == 200  # activity moves the clock on
    later = start + timezone.timedelta(minutes=2 * settings.STAFF_IDLE_MINUTES - 10)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("pupils:list")).status_code == 200
    idle = later + timezone.timedelta(minutes=settings.STAFF_IDLE_MINUTES + 1)
    with time_machine.travel(idle, tick=False):
        response = client.get(reverse("pupils:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


def test_idle_time_is_a_setting(client, senco, settings):
    settings.STAFF_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(senco)
    with time_machine.travel(start + timezone.timedelta(minutes=31), tick=False):
        assert client.get(reverse("pupils:list")).status_code == 302


def test_sign_out_everywhere_ends_the_other_sessions(client, senco):
    from django.test import Client

    other_browser = Client()
    other_browser.force_login(senco)
    assert other_browser.get(reverse("pupils:list")).status_code == 200
    client.force_login(senco)
    response = client.post(reverse("sign_out_everywhere"))
    assert response.status_code == 302
    assert other_browser.get(reverse("pupils:list")).status_code == 302  # signed out there
    assert client.get(reverse("pupils:list")).status_code == 200  # still signed in here
    assert UserSession.objects.filter(user=senco).count() == 1
    assert Session.objects.count() == 1


def _confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_two_factor_setup_then_a_code_at_every_sign_in(client, senco):
    client.force_login(senco)
    page = client.get(reverse("two_factor_setup"))
    assert "<svg" in page.content.decode()  # the QR code, drawn here
    device = TOTPDevice.objects.get(user=senco, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "not right" in wrong.content.decode()
    device.refresh_from_db()
    # django-otp slows down guessing: after a wrong code the next is refused for a second.
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=2)):
        assert client.post(reverse("two_factor_setup"), {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.post(reverse("logout"))

    assert _sign_in(client, "senco", PASSWORD).status_code == 302
    response = client.get(reverse("pupils:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    device.refresh_from_db()
    # A later code than the one that confirmed the device (a code works once).
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=65), tick=False):
        assert client.post(reverse("two_factor_verify"), {"code": _code(device)}).status_code == 302
        assert client.get(reverse("pupils:list")).status_code == 200


def test_school_can_require_two_factor_for_sencos_and_leaders(client, world):
    world.school.two_factor_required = True
    world.school.save()
    client.force_login(world.users["senco"])
    response = client.get(reverse("pupils:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    # It cannot be switched off while required.
    client.post(reverse("two_factor_remove"))
    # A teacher is not asked.
    client.force_login(world.users["teacher"])
    assert client.get(reverse("pupils:list")).status_code == 200


def test_leader_sets_the_school_rule(client, world):
    client.force_login(world.users["leader"])
    response = client.post(
        reverse("provision:school_settings"),
        {"two_factor_required": "on", "retention_basis": "leaving", "retention_years": "25"},
    )
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.two_factor_required
    assert (world.school.retention_basis, world.school.retention_years) == ("leaving", 25)


def test_removing_two_factor_when_optional(client, senco):
    _confirmed_device(senco)
    client.force_login(senco)
    session = client.session
    session["two_factor_device"] = False
    session.save()
    assert client.post(reverse("two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=senco).exists()


def test_user_model_is_unchanged(db):
    assert get_user_model()._meta.label == "auth.User"
