"""Inviting parents and carers: a single-use, expiring link sent by email, accepted once, revocable.

The link carries a random token (``secrets.token_urlsafe``, 256 bits); only its SHA-256 is stored, so neither a
copy of the database nor a log of it can be turned back into a working link. Accepting links the ``Guardian`` to an
account: a new one (username = the email, lower-cased) or the parent's existing one (a parent with children at
two schools of a trust has one account and two ``Guardian`` rows), after the view has checked its password.

Rules:
- Only a guardian without an account is invited; sending again revokes the guardian's older pending links.
- At most ``MAX_PER_GUARDIAN_PER_DAY`` links a day per guardian, so a mistyped address is not flooded.
- A link works once, until ``settings.INVITATION_VALID_DAYS`` days after it was sent, unless revoked. Whatever
  the reason a link does not work, the parent is told the same thing (``InvitationError``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Guardian, GuardianInvitation

TOKEN_BYTES = 32
MAX_PER_GUARDIAN_PER_DAY = 5
# Usernames are emails, and Django's username field holds 150 characters.
MAX_EMAIL_LENGTH = 150


class InvitationError(Exception):
    """The link is unknown, expired, revoked or already used (deliberately not saying which)."""


class AccountExists(InvitationError):
    """An account with the invitation's email appeared while the parent was choosing a new password."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def invitation_for_token(token: str, *, now: dt.datetime) -> GuardianInvitation | None:
    """The pending invitation this token opens, with its guardian and school, or None (one query)."""
    if not token or len(token) > 100:
        return None
    return (
        GuardianInvitation.objects.pending(now)
        .select_related("guardian__school")
        .filter(token_hash=token_hash(token))
        .first()
    )


def account_for_email(email: str) -> AbstractBaseUser | None:
    """The existing account for ``email``: the one whose username is the email (parents' accounts), else one
    whose email it is (a member of staff who is also a parent). One query."""
    email = normalise_email(email)
    matches = list(
        get_user_model()
        .objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        .order_by("-is_active", "pk")[:5]
    )
    by_username = [user for user in matches if user.username.lower() == email]
    return (by_username or matches or [None])[0]


@transaction.atomic
def invitation_create(
    *, guardian: Guardian, email: str, by: AbstractBaseUser | None, now: dt.datetime | None = None
) -> tuple[GuardianInvitation, str]:
    """A new pending invitation for ``guardian`` and its token (the only time the token exists in clear).

    Revokes the guardian's older pending invitations. Raises ``ValidationError`` when the guardian already has
    an account, the email is not valid, or today's limit is reached.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    # Lock the guardian: two members of staff inviting at once must leave one pending link, not two.
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
    if guardian.user_id is not None:
        raise ValidationError(_("%(name)s already has an account.") % {"name": guardian})
    if len(email) > MAX_EMAIL_LENGTH:
        raise ValidationError(_("That email address is too long."))
    sent_today = guardian.invitations.filter(created_at__gt=now - dt.timedelta(days=1)).count()
    if sent_today >= MAX_PER_GUARDIAN_PER_DAY:
        raise ValidationError(
            _("%(count)d invitations have been sent to %(name)s today. Try again tomorrow.")
            % {"count": sent_today, "name": guardian}
        )
    guardian.invitations.pending(now).update(revoked_at=now, revoked_by=by)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = GuardianInvitation(
        guardian=guardian,
        email=email,
        token_hash=token_hash(token),
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    return invitation, token


@transaction.atomic
def invitation_send(
    *, guardian: Guardian, email: str, by: AbstractBaseUser, link_for: Callable[[str], str]
) -> GuardianInvitation:
    """Create an invitation and email its link (``link_for(token)`` makes the absolute URL).

    The email is sent inside the transaction: if the mail server refuses it, the error propagates and no
    invitation is kept, so the profile never shows a link as sent when it was not.
    """
    invitation, token = invitation_create(guardian=guardian, email=email, by=by)
    school = invitation.guardian.school
    context = {
        "guardian": invitation.guardian,
        "school": school,
        "link": link_for(token),
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("pupils/email/invitation_subject.txt", context).strip()
    body = render_to_string("pupils/email/invitation_body.txt", context)
    reply_to = [school.senco_email] if school.senco_email else None
    EmailMessage(subject=subject, body=body, to=[invitation.email], reply_to=reply_to).send()
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: GuardianInvitation, by: AbstractBaseUser, now: dt.datetime | None = None) -> bool:
    """Stop a pending invitation's link working. False when it was already used or revoked."""
    now = now or timezone.now()
    revoked = GuardianInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=by)
    return revoked == 1


@transaction.atomic
def invitation_accept(
    *, token: str, user: AbstractBaseUser | None = None, password: str | None = None, now: dt.datetime | None = None
) -> AbstractBaseUser:
    """Use the invitation: link its guardian to ``user`` (an existing account whose password the caller has
    checked) or, without one, to a new account with ``password``. Returns the account.

    Raises ``InvitationError`` when the link does not work (including when another request used it first),
    ``AccountExists`` when a new account was asked for but the email now has one, and ``ValidationError``
    when the new password fails the password validators.
    """
    now = now or timezone.now()
    hashed = token_hash(token)
    # The claim is one conditional UPDATE: of two requests accepting at once, exactly one changes the row (the
    # other waits for its lock and then finds accepted_at set), so a link cannot be used twice.
    claimed = GuardianInvitation.objects.pending(now).filter(token_hash=hashed).update(accepted_at=now)
    if claimed != 1:
        raise InvitationError
    invitation = GuardianInvitation.objects.get(token_hash=hashed)
    guardian = Guardian.objects.select_for_update().get(pk=invitation.guardian_id)
    if user is None:
        user = _account_create(invitation=invitation, guardian=guardian, password=password or "")
    if guardian.user_id is not None and guardian.user_id != user.pk:
        raise InvitationError  # linked to someone else's account since the link was sent
    guardian.user = user
    guardian.save(update_fields=["user"])
    GuardianInvitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    return user


def _account_create(*, invitation: GuardianInvitation, guardian: Guardian, password: str) -> AbstractBaseUser:
    if account_for_email(invitation.email) is not None:
        raise AccountExists
    user = get_user_model()(
        username=invitation.email,
        email=invitation.email,
        first_name=guardian.first_name[:150],
        last_name=guardian.last_name[:150],
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    try:
        # A savepoint, so that losing a race for the username leaves the transaction usable for the rollback.
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise AccountExists from exc
    return user
