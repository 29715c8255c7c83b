"""Inviting a pupil's parent or carer to see their children's support, and withdrawing an invitation.

Staff invite only for pupils of their current school; the guardian must be one of the pupil's.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from provision.access import GUARDIAN_INVITERS, role_required

from .invitation_forms import InvitationForm
from .invitations import invitation_revoke, invitation_send
from .models import GuardianInvitation, PupilGuardian
from .selectors import get_pupil_for_user

logger = logging.getLogger(__name__)


def _link_for(request: HttpRequest):
    def link(token: str) -> str:
        path = reverse("family:accept", args=[token])
        return f"{settings.SITE_URL}{path}" if settings.SITE_URL else request.build_absolute_uri(path)

    return link


@role_required(*GUARDIAN_INVITERS)
def invitation_new(request: HttpRequest, pk: int, guardian_pk: int) -> HttpResponse:
    pupil = get_pupil_for_user(request, pk, GUARDIAN_INVITERS, school=request.school)
    link = (
        PupilGuardian.objects.visible_to(request.user, request.school)
        .filter(pupil=pupil, guardian_id=guardian_pk)
        .select_related("guardian")
        .first()
    )
    if link is None:
        raise Http404("Not one of this pupil's parents or carers")
    guardian = link.guardian
    if guardian.user_id is not None:
        messages.info(request, _("%(name)s already has an account.") % {"name": guardian})
        return redirect(pupil)
    form = InvitationForm(request.POST or None, initial={"email": guardian.email})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            invitation = invitation_send(guardian=guardian, email=email, by=request.user, link_for=_link_for(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        except (smtplib.SMTPException, OSError):
            logger.exception("Invitation email to guardian %s could not be sent", guardian.pk)
            form.add_error(None, _("The email could not be sent. Nothing was saved: try again later."))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once, until %(day)s.")
                % {"email": invitation.email, "day": date_format(timezone.localtime(invitation.expires_at), "j F Y")},
            )
            return redirect(pupil)
    children = list(guardian.pupils.filter(school=request.school).order_by("year_group", "legal_first_name"))
    pending = guardian.invitations.pending(timezone.now()).first()
    return render(
        request,
        "pupils/invitation_form.html",
        {"pupil": pupil, "guardian": guardian, "link": link, "form": form, "children": children, "pending": pending},
    )


@role_required(*GUARDIAN_INVITERS)
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    pupil = get_pupil_for_user(request, pk, GUARDIAN_INVITERS, school=request.school)
    invitation = (
        GuardianInvitation.objects.visible_to(request.user, request.school)
        .filter(pk=invitation_pk, guardian__pupil_links__pupil=pupil)
        .select_related("guardian")
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation for this pupil")
    if invitation_revoke(invitation=invitation, by=request.user):
        messages.success(
            request,
            _("The invitation to %(email)s was withdrawn: its link no longer works.") % {"email": invitation.email},
        )
    else:
        messages.info(request, _("That invitation had already been used or withdrawn."))
    return redirect(pupil)
