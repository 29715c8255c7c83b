"""Pages for parents and carers: their children, one child's support, and accepting an invitation.

Nothing here is reachable through a staff role: a child is found only from the signed-in parent's own
guardian links (``family.selectors``), so a member of staff, another parent or a stranger gets a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from interventions.progress.selectors import progress_for
from pupils.invitations import (
    AccountExists,
    InvitationError,
    account_for_email,
    invitation_accept,
    invitation_for_token,
)
from pupils.passport import passport_of

from . import selectors, wording
from .forms import ConfirmForm, ExistingAccountForm, NewAccountForm
from .support import child_support


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    children = selectors.children_for_home(request.user)
    if not children:
        raise PermissionDenied("This page is for parents and carers.")
    for child in children:
        child.year_words = wording.year_words(child.year_group)
    schools = list({child.school_id: child.school for child in children}.values())
    offers = selectors.latest_offers(schools)
    for school in schools:
        school.latest_offer = offers.get(school.pk)
    return render(request, "family/home.html", {"children": children, "schools": schools})


@login_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.get_child_for_parent(request.user, pk)
    child.year_words = wording.year_words(child.year_group)
    today = timezone.localdate()
    placements = selectors.placements_for_child(request.user, child)
    support = child_support(placements, name=child.first_name, today=today, progress=progress_for(placements))
    offer = selectors.latest_offers([child.school]).get(child.school_id)
    return render(
        request,
        "family/child.html",
        {
            "child": child,
            "school": child.school,
            "support": support,
            "offer": offer,
            "sen_words": wording.sen_words(child.sen_status, child.first_name),
            # The child's one-page profile, read-only: their own words (pupils.passport says why parents see it).
            "passport": passport_of(child, request.user),
        },
    )


@never_cache
@sensitive_post_parameters("password", "password1", "password2")
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation link: set a password for a new account, or sign in to link an existing one.

    Every link that does not work (unknown, expired, revoked, used) gets the same 404 page, which names no
    school and no child.
    """
    invitation = invitation_for_token(token, now=timezone.now())
    if invitation is None:
        return _invalid(request)
    account = account_for_email(invitation.email)
    data = request.POST if request.method == "POST" else None
    form, mode = _accept_form(request, invitation, account, data)
    if data is not None and form.is_valid():
        response = _accept(request, token, form, mode=mode, account=account)
        if response is not None:
            return response
    return render(
        request,
        "family/accept.html",
        {
            "form": form,
            "mode": mode,
            "school": invitation.guardian.school,
            "email": invitation.email,
            "account": account,
        },
    )


def _accept_form(request: HttpRequest, invitation, account, data) -> tuple[forms.Form, str]:
    """The form the link asks for, and its mode: a password for a new account ("new"), one button for the invited
    account already signed in ("signed_in"), or that account's password ("existing")."""
    if account is None:
        guardian = invitation.guardian
        new_user = get_user_model()(
            username=invitation.email,
            email=invitation.email,
            first_name=guardian.first_name,
            last_name=guardian.last_name,
        )
        return NewAccountForm(data, user=new_user), "new"
    if request.user.is_authenticated and request.user.pk == account.pk:
        return ConfirmForm(data), "signed_in"
    return ExistingAccountForm(data, request=request, account=account), "existing"


def _accept(request: HttpRequest, token: str, form: forms.Form, *, mode: str, account) -> HttpResponse | None:
    """Accept the invitation with the valid ``form``, sign the parent in and send them home; None when the form
    has gained an error to show again."""
    try:
        if mode == "new":
            user = invitation_accept(token=token, password=form.cleaned_data["password1"])
        else:
            user = invitation_accept(token=token, user=account)
    except AccountExists:
        # An account with this email was made a moment ago: ask for its password instead.
        return redirect(request.path)
    except InvitationError:
        return _invalid(request)
    except ValidationError as exc:
        form.add_error("password2" if mode == "new" else None, exc)
        return None
    if not (request.user.is_authenticated and request.user.pk == user.pk):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Welcome. You can now see the help your child gets at school."))
    return redirect("family:home")


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "family/invitation_invalid.html", status=404)
