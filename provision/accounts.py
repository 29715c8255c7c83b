"""Sign-in sessions and two-factor codes: what happens at sign-in, signing out everywhere, TOTP devices.

Two-factor sign-in uses django-otp's TOTP devices (the six-digit codes of any authenticator app, RFC 6238). It
is optional for staff, and a school can make it compulsory for its SENCOs and senior leaders
(``School.two_factor_required``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Role, UserSession

LAST_SEEN_KEY = "last_seen"
HAS_DEVICE_KEY = "two_factor_device"
# The roles a school's "two-factor required" setting applies to.
TWO_FACTOR_ROLES = (Role.SENCO, Role.LEADER)


def two_factor_required(memberships: Iterable[Membership]) -> bool:
    """Whether any of the user's schools requires two-factor sign-in for the role they hold there."""
    return any(m.role in TWO_FACTOR_ROLES and m.school.two_factor_required for m in memberships)


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def session_started(sender, request: HttpRequest, user: AbstractBaseUser, **kwargs) -> None:
    """Receiver of ``user_logged_in``: start the idle clock, note whether a code is due, and record the session
    so that signing out everywhere can find it."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN_KEY] = time.time()
    request.session[HAS_DEVICE_KEY] = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.get_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "user_agent": request.headers.get("User-Agent", "")[:200]},
    )


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


@transaction.atomic
def sign_out_everywhere(*, user: AbstractBaseUser, keep: str | None = None) -> int:
    """End every recorded session of ``user`` except ``keep`` (the one asking); returns how many ended."""
    store = _session_store()
    ended = 0
    for record in UserSession.objects.select_for_update().filter(user=user).exclude(session_key=keep or ""):
        store(session_key=record.session_key).delete()
        record.delete()
        ended += 1
    return ended


def device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """An unconfirmed authenticator for ``user`` (a fresh secret each time setting up starts again)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def device_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Confirm ``device`` with a code the app shows; the session counts as verified from now on."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[HAS_DEVICE_KEY] = True
    return True


def device_verify(*, request: HttpRequest, code: str) -> bool:
    """Check a sign-in code against the user's authenticator (django-otp slows down repeated wrong codes)."""
    device = confirmed_device(request.user)
    if device is None:
        return False
    verified, _ = device.verify_is_allowed()
    if not verified or not device.verify_token(code.strip().replace(" ", "")):
        return False
    otp_login(request, device)
    return True


def device_remove(*, request: HttpRequest) -> None:
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session[HAS_DEVICE_KEY] = False


def session_ended(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Receiver of ``user_logged_out``: the session is about to be flushed; forget its record."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()
